-- Webhooks (issue 16): endpoints a tenant registers, one delivery per (endpoint, feed event) and
-- every attempt at it. docs/decisions/0016-webhooks.md says why the signing secret is stored as
-- it is and how deliveries stay in feed order per endpoint.

CREATE TABLE webhook_endpoints (
  id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  public_id            uuid    NOT NULL UNIQUE,  -- index: lookup by public id
  tenant_id            bigint  NOT NULL REFERENCES tenants (id),
  url                  TEXT    NOT NULL CHECK (length(url) BETWEEN 10 AND 2048),
  description          TEXT    NOT NULL DEFAULT '' CHECK (length(description) <= 500),
  event_types          TEXT    NOT NULL DEFAULT '[]' ,  -- [] = every type
  enabled              boolean NOT NULL DEFAULT true,
  disabled_reason      TEXT    CHECK (disabled_reason IN ('manual', 'gone', 'failing')),
  -- The signing secret itself ("whsec_" + base64): signing needs it, a hash would not do.
  secret               TEXT    NOT NULL CHECK (secret LIKE 'whsec_%'),
  previous_secret      TEXT    CHECK (previous_secret LIKE 'whsec_%'),
  previous_secret_expires_at bigint ,
  -- The tenant's feed head when the endpoint was created: it receives the events after it.
  start_position       bigint  NOT NULL DEFAULT 0,
  -- When the oldest pending delivery is due (NULL: nothing pending). The dispatcher's claim.
  next_attempt_at      bigint ,
  lease_owner          TEXT,
  lease_expires_at     bigint ,
  created_at           bigint  NOT NULL,
  updated_at           bigint  NOT NULL,
  UNIQUE (tenant_id, id)
);
-- index: the dispatcher's search for endpoints with a delivery due
CREATE INDEX webhook_endpoints_due ON webhook_endpoints (next_attempt_at) WHERE enabled;

CREATE TABLE webhook_deliveries (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  public_id        uuid    NOT NULL UNIQUE,  -- the webhook-id
  tenant_id        bigint  NOT NULL REFERENCES tenants (id),
  endpoint_id      bigint  NOT NULL,
  event_position   bigint  NOT NULL,
  event_type       TEXT    NOT NULL,
  -- The body exactly as sent: every retry and replay sends the same bytes under the same id,
  -- even after the event itself was pruned from the feed.
  payload          TEXT    NOT NULL ,
  status           TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts         bigint  NOT NULL DEFAULT 0 CHECK (attempts >= 0),  -- in the current round (replay resets)
  next_attempt_at  bigint  NOT NULL,
  last_status_code bigint ,
  last_error       TEXT,
  delivered_at     bigint ,
  created_at       bigint  NOT NULL,
  updated_at       bigint  NOT NULL,
  UNIQUE (tenant_id, id),
  -- index: one delivery per event and endpoint (fan-out is idempotent), in feed order
  UNIQUE (tenant_id, endpoint_id, event_position),
  FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE
);
-- index: an endpoint's queue, oldest event first
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (endpoint_id, event_position) WHERE status = 'pending';

CREATE TABLE webhook_attempts (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id        bigint  NOT NULL REFERENCES tenants (id),
  delivery_id      bigint  NOT NULL,
  outcome          TEXT    NOT NULL CHECK (outcome IN ('delivered', 'failed')),
  status_code      bigint ,          -- NULL: no HTTP answer (refused address, timeout, connection error)
  latency_us       bigint  NOT NULL CHECK (latency_us >= 0),
  error            TEXT,
  response_body    TEXT    NOT NULL DEFAULT '' CHECK (octet_length(response_body) <= 1024),
  created_at       bigint  NOT NULL,
  FOREIGN KEY (tenant_id, delivery_id) REFERENCES webhook_deliveries (tenant_id, id) ON DELETE CASCADE
);
-- index: a delivery's attempts, and the cascade when it goes
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (tenant_id, delivery_id, id);

INSERT INTO permissions (action, resource, description, created_at, updated_at)
SELECT action, resource, description, now_us, now_us
FROM (SELECT (extract(epoch FROM now()) * 1000000)::bigint AS now_us) AS clock,
     (SELECT 'read' AS action, 'webhooks' AS resource, 'List webhook endpoints and their deliveries' AS description
      UNION ALL SELECT 'write', 'webhooks', 'Register, change, rotate and replay webhook endpoints'
      UNION ALL SELECT 'delete', 'webhooks', 'Delete webhook endpoints') AS catalog;

-- Tenant rows: row-level security forced, as on every tenant table (0001).
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['webhook_endpoints', 'webhook_deliveries', 'webhook_attempts'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I
                      USING (tenant_id = narralytica_tenant() OR narralytica_system())
                      WITH CHECK (tenant_id = narralytica_tenant() OR narralytica_system())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO narralytica_app', t);
  END LOOP;
END
$$;

-- The grant below reads every tenant's roles: under FORCE ROW LEVEL SECURITY an owner that is not
-- a superuser sees none of them without the system scope (for this transaction only).
SELECT set_config('narralytica.system', 'on', true);
-- Existing tenants' owners and admins manage webhooks, as new tenants' do (store/identity/permission.cpp).
INSERT INTO role_permissions (tenant_id, role_id, permission_id, created_at, updated_at)
SELECT r.tenant_id, r.id, p.id, r.updated_at, r.updated_at
FROM roles r JOIN permissions p ON p.resource = 'webhooks'
WHERE r.builtin AND r.name IN ('owner', 'admin');
