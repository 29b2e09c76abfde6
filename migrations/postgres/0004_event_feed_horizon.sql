-- The event feed's retention horizon: every event at or below pruned_through may have been
-- deleted by events.prune. A consumer whose cursor is below it is told it fell behind instead of
-- silently resuming at the oldest retained event. One row; not tenant data (no row-level security:
-- it holds a single number about the shared feed).
CREATE TABLE event_log_horizon (
  id              bigint PRIMARY KEY CHECK (id = 1),
  pruned_through  bigint NOT NULL DEFAULT 0 CHECK (pruned_through >= 0),
  updated_at      bigint NOT NULL
);
INSERT INTO event_log_horizon (id, pruned_through, updated_at) VALUES (1, 0, 0);
GRANT SELECT, UPDATE ON event_log_horizon TO narralytica_app;

-- index: jobs of one kind (GET /v1/jobs?kind=, `jobs list --kind`)
CREATE INDEX jobs_kind ON jobs (kind, status);
