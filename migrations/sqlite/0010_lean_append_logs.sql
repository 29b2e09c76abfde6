-- Every change appends one event and one audit record, so each index on event_logs and
-- audit_logs is a page written to the log per change (docs/decisions/0012-lean-append-logs.md).
--
-- event_logs: the feed's position becomes the row id. Events were keyed twice, by an id that no
-- query used and by position (UNIQUE); now the table itself is the position-ordered feed.
--
-- audit_logs: the UNIQUE index on hash goes. No query reads by hash, and the guarantee it gave
-- was weak: a hash covers the record's public id and its predecessor's hash, so two records
-- could only share one by copying each other whole, and it never stopped a fork in a chain (two
-- records naming the same predecessor). Chain integrity is what the writer's lock on the chain
-- head and AuditLog::verify (which walks each chain) guarantee. Its keys are SHA-256 digests, so each
-- insert landed on a random leaf: as the table outgrew the page cache, every change read and
-- wrote a leaf of its own.
--
-- Both tables are rebuilt (SQLite cannot drop a column constraint): create, copy, drop, rename,
-- in the migration's one transaction. DROP TABLE's implicit delete fires no trigger, so the
-- append-only triggers are recreated on the new table.
CREATE TABLE event_logs_v10 (
  position          INTEGER PRIMARY KEY,  -- the feed in commit order (all tenants)
  tenant_id         INTEGER REFERENCES tenants (id),
  event_type        TEXT    NOT NULL CHECK (length(event_type) BETWEEN 1 AND 100),
  entity_type       TEXT    NOT NULL CHECK (length(entity_type) BETWEEN 1 AND 100),
  entity_public_id  BLOB    CHECK (entity_public_id IS NULL OR length(entity_public_id) = 16),
  payload           TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
  created_at        INTEGER NOT NULL
);
INSERT INTO event_logs_v10 (position, tenant_id, event_type, entity_type, entity_public_id, payload, created_at)
  SELECT position, tenant_id, event_type, entity_type, entity_public_id, payload, created_at FROM event_logs;
DROP TABLE event_logs;
ALTER TABLE event_logs_v10 RENAME TO event_logs;
CREATE INDEX event_logs_tenant ON event_logs (tenant_id, position);  -- index: a tenant's feed
CREATE TRIGGER event_logs_position_above_horizon BEFORE INSERT ON event_logs
WHEN NEW.position <= (SELECT pruned_through FROM event_log_horizon WHERE id = 1)
BEGIN
  SELECT RAISE(ABORT, 'event position at or below the pruned horizon');
END;

CREATE TABLE audit_logs_v10 (
  id                  INTEGER PRIMARY KEY,
  public_id           BLOB    NOT NULL UNIQUE CHECK (length(public_id) = 16),  -- index: lookup by public id
  tenant_id           INTEGER REFERENCES tenants (id),  -- NULL: a system-level action
  actor_user_id       INTEGER,
  actor_token_id      INTEGER,
  actor               TEXT    NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
  action              TEXT    NOT NULL CHECK (length(action) BETWEEN 1 AND 100),
  resource_type       TEXT    NOT NULL CHECK (length(resource_type) BETWEEN 1 AND 100),
  resource_public_id  BLOB    CHECK (resource_public_id IS NULL OR length(resource_public_id) = 16),
  outcome             TEXT    NOT NULL CHECK (outcome IN ('allowed', 'denied', 'failed')),
  client_address      TEXT,
  user_agent          TEXT,
  request_id          TEXT,
  details             TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(details)),
  prev_hash           BLOB    NOT NULL CHECK (length(prev_hash) = 32),
  hash                BLOB    NOT NULL CHECK (length(hash) = 32),
  created_at          INTEGER NOT NULL
);
INSERT INTO audit_logs_v10 SELECT id, public_id, tenant_id, actor_user_id, actor_token_id, actor, action, resource_type,
  resource_public_id, outcome, client_address, user_agent, request_id, details, prev_hash, hash, created_at
  FROM audit_logs;
DROP TABLE audit_logs;
ALTER TABLE audit_logs_v10 RENAME TO audit_logs;
CREATE INDEX audit_logs_tenant ON audit_logs (tenant_id, id);  -- index: a tenant's log in order; chain head
CREATE TRIGGER audit_logs_no_update BEFORE UPDATE ON audit_logs
BEGIN
  SELECT RAISE(ABORT, 'audit_logs is append-only');
END;
CREATE TRIGGER audit_logs_no_delete BEFORE DELETE ON audit_logs
BEGIN
  SELECT RAISE(ABORT, 'audit_logs is append-only');
END;
