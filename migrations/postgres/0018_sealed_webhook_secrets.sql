-- Webhook signing secrets are stored sealed with the server key (core/secret_box.hpp: "nlbox1."
-- + base64 of nonce, MAC and ciphertext), so a dump or backup of the database reveals none
-- (docs/security.md). Rows written before this migration keep their plain "whsec_" value until
-- the webhook dispatcher seals them when it starts (WebhookDispatcher::seal_plaintext_secrets).
ALTER TABLE webhook_endpoints
  DROP CONSTRAINT webhook_endpoints_secret_check,
  DROP CONSTRAINT webhook_endpoints_previous_secret_check,
  ADD CONSTRAINT webhook_endpoints_secret_check CHECK (secret LIKE 'nlbox1.%' OR secret LIKE 'whsec_%'),
  ADD CONSTRAINT webhook_endpoints_previous_secret_check
    CHECK (previous_secret LIKE 'nlbox1.%' OR previous_secret LIKE 'whsec_%');
COMMENT ON COLUMN webhook_endpoints.secret IS 'The signing secret, sealed with the server key (nlbox1.)';
