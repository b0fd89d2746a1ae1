-- A neutralized copy of a production database talks to no Chargebee site and
-- accepts no Chargebee webhook (its Basic auth pairs are forgotten).
UPDATE saas_system
   SET chargebee_api_key_value = NULL,
       chargebee_site_value = NULL,
       chargebee_api_base_value = NULL,
       webhook_secret_value = NULL,
       webhook_secret_previous_value = NULL
 WHERE kind = 'chargebee';
