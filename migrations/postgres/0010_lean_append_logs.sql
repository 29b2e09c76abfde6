-- Every change appends one event and one audit record, so each index on event_logs and
-- audit_logs is an index page dirtied per change (docs/decisions/0012-lean-append-logs.md).
--
-- event_logs: the feed's position becomes the primary key. Events were keyed twice, by an
-- identity id that no query used and by position (UNIQUE, named by 0001's inline constraint).
--
-- audit_logs: the UNIQUE constraint on hash goes. No query reads by hash, and the guarantee it
-- gave was weak: a hash covers the record's public id and its predecessor's hash, so two records
-- could only share one by copying each other whole, and it never stopped a fork in a chain (two
-- records naming the same predecessor). Chain integrity is what the writer's lock on the chain
-- head and AuditLog::verify (which walks each chain) guarantee. Its keys are SHA-256 digests, so
-- each insert landed on a random leaf page of the index.
ALTER TABLE event_logs DROP COLUMN id;
ALTER TABLE event_logs DROP CONSTRAINT event_logs_position_key, ADD PRIMARY KEY (position);

-- The constraint, found by what it covers rather than by its generated name.
DO $$
DECLARE
  c text;
BEGIN
  FOR c IN SELECT con.conname FROM pg_constraint con
           JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = ANY (con.conkey)
           WHERE con.conrelid = 'audit_logs'::regclass AND con.contype = 'u' AND a.attname = 'hash'
             AND array_length(con.conkey, 1) = 1 LOOP
    EXECUTE format('ALTER TABLE audit_logs DROP CONSTRAINT %I', c);
  END LOOP;
END
$$;
