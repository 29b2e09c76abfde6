-- The bare claim/complete cycle for pgbench, the same work as the product's worker: each job is
-- written twice (claimed: running under a lease; then succeeded). One transaction completes the
-- batch this client claimed last time (its ids kept in :held by \gset) and claims the next up to
-- :batch due queued jobs, skipping rows other clients hold. Same table and indexes as the product.
-- Run with -M prepared -D batch=N -D held='{}' as the application role (PGOPTIONS='-c role=narralytica_app').
BEGIN;
SELECT set_config('narralytica.system', 'on', true);
UPDATE jobs SET status = 'succeeded', finished_at = 1, updated_at = 1, lease_owner = NULL, lease_expires_at = NULL
  WHERE status = 'running' AND lease_owner = CAST(:client_id AS text) AND id = ANY(CAST(:held AS bigint[]));
WITH picked AS (SELECT id FROM jobs WHERE status = 'queued' AND run_at <= 9000000000000000
                ORDER BY priority DESC, run_at LIMIT :batch FOR UPDATE SKIP LOCKED),
     claimed AS (UPDATE jobs j SET status = 'running', attempts = j.attempts + 1, lease_owner = CAST(:client_id AS text),
                        lease_expires_at = 9000000000000000, updated_at = 1
                   FROM picked WHERE j.id = picked.id RETURNING j.id)
SELECT coalesce(array_agg(id), '{}')::text AS held FROM claimed \gset
COMMIT;
