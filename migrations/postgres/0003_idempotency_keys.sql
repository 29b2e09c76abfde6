-- Idempotency keys for the HTTP API: the first answer to a POST carrying an Idempotency-Key is
-- kept so that a client retrying after a lost response gets the same answer instead of a second
-- write. Keys belong to the user who sent them, within one tenant, and expire.
CREATE TABLE idempotency_keys (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id      bigint  NOT NULL REFERENCES tenants (id),
  user_id        bigint  NOT NULL,  -- a plain value like audit actors: the record may outlive the user
  key            TEXT    NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  request_hash   bytea   NOT NULL CHECK (length(request_hash) = 32),
  status         integer NOT NULL CHECK (status BETWEEN 100 AND 599),
  content_type   TEXT    NOT NULL CHECK (length(content_type) <= 200),
  headers        TEXT    NOT NULL DEFAULT '',
  body           TEXT    NOT NULL,
  created_at     bigint  NOT NULL,
  updated_at     bigint  NOT NULL,
  expires_at     bigint  NOT NULL,
  UNIQUE (tenant_id, user_id, key)  -- index: replay lookup; one answer per key
);
-- index: purging expired keys
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
-- index: tenant_id leads the UNIQUE above, which serves the foreign key and RLS filter

ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON idempotency_keys
  USING (tenant_id = narralytica_tenant() OR narralytica_system())
  WITH CHECK (tenant_id = narralytica_tenant() OR narralytica_system());
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO narralytica_app;
