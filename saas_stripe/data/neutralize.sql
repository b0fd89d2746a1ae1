-- A neutralized copy of a production database talks to no Stripe account.
UPDATE saas_system
   SET stripe_api_key_value = NULL,
       stripe_api_base_value = NULL
 WHERE kind = 'stripe';
