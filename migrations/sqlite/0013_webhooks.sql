-- Webhooks (issue 16): endpoints a tenant registers, one delivery per (endpoint, feed event) and
-- every attempt at it. docs/decisions/0016-webhooks.md says why the signing secret is stored as
-- it is and how deliveries stay in feed order per endpoint.

CREATE TABLE webhook_endpoints (
  id                   INTEGER PRIMARY KEY,
  public_id            BLOB    NOT NULL UNIQUE CHECK (length(public_id) = 16),  -- index: lookup by public id
  tenant_id            INTEGER NOT NULL REFERENCES tenants (id),
  url                  TEXT    NOT NULL CHECK (length(url) BETWEEN 10 AND 2048),
  description          TEXT    NOT NULL DEFAULT '' CHECK (length(description) <= 500),
  event_types          TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(event_types)),  -- [] = every type
  enabled              INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  disabled_reason      TEXT    CHECK (disabled_reason IN ('manual', 'gone', 'failing')),
  -- The signing secret itself ("whsec_" + base64): signing needs it, a hash would not do.
  secret               TEXT    NOT NULL CHECK (secret LIKE 'whsec_%'),
  previous_secret      TEXT    CHECK (previous_secret LIKE 'whsec_%'),
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

INSERT INTO permissions (action, resource, description, created_at, updated_at)
SELECT action, resource, description, now_us, now_us
FROM (SELECT CAST(strftime('%s', 'now') AS INTEGER) * 1000000 AS now_us),
     (SELECT 'read' AS action, 'webhooks' AS resource, 'List webhook endpoints and their deliveries' AS description
      UNION ALL SELECT 'write', 'webhooks', 'Register, change, rotate and replay webhook endpoints'
      UNION ALL SELECT 'delete', 'webhooks', 'Delete webhook endpoints');

-- Existing tenants' owners and admins manage webhooks, as new tenants' do (store/identity/permission.cpp).
INSERT INTO role_permissions (tenant_id, role_id, permission_id, created_at, updated_at)
SELECT r.tenant_id, r.id, p.id, r.updated_at, r.updated_at
FROM roles r JOIN permissions p ON p.resource = 'webhooks'
WHERE r.builtin = 1 AND r.name IN ('owner', 'admin');
