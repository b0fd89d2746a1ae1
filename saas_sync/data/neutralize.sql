-- A neutralized copy (staging) of a production database receives, pulls and
-- posts nothing: secrets and API keys are dropped and systems deactivated.
UPDATE saas_system
   SET active = FALSE,
       webhook_secret_value = NULL,
       webhook_secret_previous_value = NULL;
UPDATE saas_api_key SET active = FALSE, key_hash = NULL;
UPDATE ir_config_parameter SET value = 'sandbox' WHERE key = 'saas_sync.environment';
UPDATE ir_cron SET active = FALSE
 WHERE id IN (SELECT res_id FROM ir_model_data
               WHERE module = 'saas_sync' AND model = 'ir.cron');
