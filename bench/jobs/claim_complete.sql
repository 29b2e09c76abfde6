-- The bare claim+complete cycle for pgbench: one transaction takes up to :batch due queued jobs,
-- skipping rows other clients hold, and marks them succeeded. Same table and index as the product.
BEGIN;
SELECT set_config('narralytica.system', 'on', true);
WITH picked AS (SELECT id FROM jobs WHERE status = 'queued' AND run_at <= 9000000000000000
                ORDER BY priority DESC, run_at LIMIT :batch FOR UPDATE SKIP LOCKED)
UPDATE jobs j SET status = 'succeeded', attempts = j.attempts + 1, finished_at = 1, updated_at = 1
  FROM picked WHERE j.id = picked.id;
COMMIT;
