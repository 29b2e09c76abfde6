-- Webhook signing secrets are stored sealed with the server key (core/secret_box.hpp: "nlbox1."
-- + base64 of nonce, MAC and ciphertext), so a dump or backup of the database reveals none
-- (docs/security.md). Rows written before this migration keep their plain "whsec_" value until
-- the webhook dispatcher seals them when it starts (WebhookDispatcher::seal_plaintext_secrets).
--
-- SQLite cannot change a column's CHECK, so webhook_endpoints is rebuilt, and with it the tables
-- that reference it (dropping the old parent would cascade into them, and renaming it rewrites
-- their foreign keys): rename the three, create them anew, copy parents first, drop the old ones
-- children first. The definitions of the children are those of 0013.
ALTER TABLE webhook_attempts RENAME TO webhook_attempts_v17;
ALTER TABLE webhook_deliveries RENAME TO webhook_deliveries_v17;
ALTER TABLE webhook_endpoints RENAME TO webhook_endpoints_v17;
DROP INDEX webhook_attempts_delivery;
DROP INDEX webhook_deliveries_pending;
DROP INDEX webhook_endpoints_due;
CREATE TABLE webhook_endpoints (
  id                   INTEGER PRIMARY KEY,
  public_id            BLOB    NOT NULL UNIQUE CHECK (length(public_id) = 16),  -- index: lookup by public id
  tenant_id            INTEGER NOT NULL REFERENCES tenants (id),
  url                  TEXT    NOT NULL CHECK (length(url) BETWEEN 10 AND 2048),
  description          TEXT    NOT NULL DEFAULT '' CHECK (length(description) <= 500),
  event_types          TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(event_types)),  -- [] = every type
  enabled              INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  disabled_reason      TEXT    CHECK (disabled_reason IN ('manual', 'gone', 'failing')),
  -- The signing secret, sealed (signing needs the secret itself, so a hash would not do).
  secret               TEXT    NOT NULL CHECK (secret LIKE 'nlbox1.%' OR secret LIKE 'whsec_%'),
  previous_secret      TEXT    CHECK (previous_secret LIKE 'nlbox1.%' OR previous_secret LIKE 'whsec_%'),
  previous_secret_expires_at INTEGER,
  -- The tenant's feed head when the endpoint was created: it receives the events after it.
  start_position       INTEGER NOT NULL DEFAULT 0,
  -- When the oldest pending delivery is due (NULL: nothing pending). The dispatcher's claim.
  next_attempt_at      INTEGER,
  lease_owner          TEXT,
  lease_expires_at     INTEGER,
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER NOT NULL,
  UNIQUE (tenant_id, id)
);
-- index: the dispatcher's search for endpoints with a delivery due
CREATE INDEX webhook_endpoints_due ON webhook_endpoints (next_attempt_at) WHERE enabled = 1;

CREATE TABLE webhook_deliveries (
  id               INTEGER PRIMARY KEY,
  public_id        BLOB    NOT NULL UNIQUE CHECK (length(public_id) = 16),  -- the webhook-id
  tenant_id        INTEGER NOT NULL REFERENCES tenants (id),
  endpoint_id      INTEGER NOT NULL,
  event_position   INTEGER NOT NULL,
  event_type       TEXT    NOT NULL,
  -- The body exactly as sent: every retry and replay sends the same bytes under the same id,
  -- even after the event itself was pruned from the feed.
  payload          TEXT    NOT NULL CHECK (json_valid(payload)),
  status           TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),  -- in the current round (replay resets)
  next_attempt_at  INTEGER NOT NULL,
  last_status_code INTEGER,
  last_error       TEXT,
  delivered_at     INTEGER,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  UNIQUE (tenant_id, id),
  -- index: one delivery per event and endpoint (fan-out is idempotent), in feed order
  UNIQUE (tenant_id, endpoint_id, event_position),
  FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE
);
-- index: an endpoint's queue, oldest event first
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (endpoint_id, event_position) WHERE status = 'pending';

CREATE TABLE webhook_attempts (
  id               INTEGER PRIMARY KEY,
  tenant_id        INTEGER NOT NULL REFERENCES tenants (id),
  delivery_id      INTEGER NOT NULL,
  outcome          TEXT    NOT NULL CHECK (outcome IN ('delivered', 'failed')),
  status_code      INTEGER,          -- NULL: no HTTP answer (refused address, timeout, connection error)
  latency_us       INTEGER NOT NULL CHECK (latency_us >= 0),
  error            TEXT,
  response_body    TEXT    NOT NULL DEFAULT '' CHECK (length(CAST(response_body AS BLOB)) <= 1024),
  created_at       INTEGER NOT NULL,
  FOREIGN KEY (tenant_id, delivery_id) REFERENCES webhook_deliveries (tenant_id, id) ON DELETE CASCADE
);
-- index: a delivery's attempts, and the cascade when it goes
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (tenant_id, delivery_id, id);

INSERT INTO webhook_endpoints (id, public_id, tenant_id, url, description, event_types, enabled, disabled_reason,
                               secret, previous_secret, previous_secret_expires_at, start_position, next_attempt_at,
                               lease_owner, lease_expires_at, created_at, updated_at)
  SELECT id, public_id, tenant_id, url, description, event_types, enabled, disabled_reason, secret, previous_secret,
         previous_secret_expires_at, start_position, next_attempt_at, lease_owner, lease_expires_at, created_at,
         updated_at
  FROM webhook_endpoints_v17;
INSERT INTO webhook_deliveries (id, public_id, tenant_id, endpoint_id, event_position, event_type, payload, status,
                                attempts, next_attempt_at, last_status_code, last_error, delivered_at, created_at,
                                updated_at)
  SELECT id, public_id, tenant_id, endpoint_id, event_position, event_type, payload, status, attempts, next_attempt_at,
         last_status_code, last_error, delivered_at, created_at, updated_at
  FROM webhook_deliveries_v17;
INSERT INTO webhook_attempts (id, tenant_id, delivery_id, outcome, status_code, latency_us, error, response_body,
                              created_at)
  SELECT id, tenant_id, delivery_id, outcome, status_code, latency_us, error, response_body, created_at
  FROM webhook_attempts_v17;
DROP TABLE webhook_attempts_v17;
DROP TABLE webhook_deliveries_v17;
DROP TABLE webhook_endpoints_v17;
