-- A neutralized copy of a production database talks to no Salesforce org and
-- accepts no Outbound Message (no endpoint token, no Connected App, no pull).
UPDATE saas_system
   SET salesforce_client_id_value = NULL,
       salesforce_client_secret_value = NULL,
       salesforce_access_token_value = NULL,
       salesforce_instance_url_value = NULL,
       salesforce_pull = FALSE,
       webhook_secret_value = NULL,
       webhook_secret_previous_value = NULL
 WHERE kind = 'salesforce';
