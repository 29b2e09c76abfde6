-- Idempotency keys for the HTTP API: the first answer to a POST carrying an Idempotency-Key is
-- kept so that a client retrying after a lost response gets the same answer instead of a second
-- write. Keys belong to the user who sent them, within one tenant, and expire.
CREATE TABLE idempotency_keys (
  id             INTEGER PRIMARY KEY,
  tenant_id      INTEGER NOT NULL REFERENCES tenants (id),
  user_id        INTEGER NOT NULL,  -- a plain value like audit actors: the record may outlive the user
  key            TEXT    NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  request_hash   BLOB    NOT NULL CHECK (length(request_hash) = 32),
  status         INTEGER NOT NULL CHECK (status BETWEEN 100 AND 599),
  content_type   TEXT    NOT NULL CHECK (length(content_type) <= 200),
  headers        TEXT    NOT NULL DEFAULT '',
  body           TEXT    NOT NULL,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL,
  UNIQUE (tenant_id, user_id, key)  -- index: replay lookup; one answer per key
);
-- index: purging expired keys
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
