#!/usr/bin/env python3
"""How SQLite plans the worker's claim by kinds, and what each plan costs (decision record 0006).

Builds a scratch database from migrations/sqlite/*.sql, fills the queue, and times the claim's
SELECT (the part that picks the batch) three ways, 50 jobs per claim:
  A  as SQLite plans it unaided: jobs_kind (kind, status), then a temporary B-tree to sort by
     priority and due time; every due job of the worker's kinds is read and sorted per claim.
  B  INDEXED BY jobs_claim: walk the claim-order index, test the kind on each row met, stop at 50.
  C  B over a wider index (priority DESC, run_at, kind) WHERE status = 'queued', so a row of
     another kind is skipped from the index alone (would need a migration).
Scenarios: a queue of N jobs of the worker's kind; then N more of a kind no worker here serves,
all ahead of them in claim order (the worst case for B and C).
Usage: bench/jobs/claim_plan.py [N]   (default 20000)
"""
import pathlib, sqlite3, sys, tempfile, time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
root = pathlib.Path(__file__).resolve().parents[2]
KINDS = "kind IN (SELECT value FROM json_each('[\"bench.noop\",\"events.prune\"]'))"
BASE = "SELECT id FROM jobs {idx} WHERE status = 'queued' AND run_at <= 1 AND " + KINDS + \
       " ORDER BY priority DESC, run_at LIMIT 50"
QUERIES = {"A unaided (jobs_kind + sort)": BASE.format(idx=""),
           "B INDEXED BY jobs_claim": BASE.format(idx="INDEXED BY jobs_claim"),
           "C INDEXED BY (priority, run_at, kind)": BASE.format(idx="INDEXED BY jobs_claim_kind")}

with tempfile.TemporaryDirectory() as tmp:
    db = sqlite3.connect(f"{tmp}/plan.db", isolation_level=None)
    for migration in sorted((root / "migrations" / "sqlite").glob("*.sql")):
        db.executescript(migration.read_text())
    db.execute("CREATE INDEX jobs_claim_kind ON jobs (priority DESC, run_at, kind) WHERE status = 'queued'")

    def fill(kind, priority):
        db.execute(f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {N}) "
                   "INSERT INTO jobs (public_id, kind, payload, priority, run_at, created_at, updated_at) "
                   f"SELECT randomblob(16), '{kind}', '{{}}', {priority}, 0, 0, 0 FROM n")

    def measure(scenario):
        for name, sql in QUERIES.items():
            plan = "; ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql))
            rounds = 50
            start = time.perf_counter()
            for _ in range(rounds):
                db.execute(sql).fetchall()
            ms = (time.perf_counter() - start) / rounds * 1000
            print(f"{scenario:<34} {name:<38} {ms:8.3f} ms/claim   {plan}")

    fill("bench.noop", 0)
    measure(f"{N} queued, all the worker's kind")
    fill("other.kind", 1)
    measure(f"+{N} of another kind ahead")
