-- The event feed's retention horizon: every event at or below pruned_through may have been
-- deleted by events.prune. A consumer whose cursor is below it is told it fell behind instead of
-- silently resuming at the oldest retained event. One row.
CREATE TABLE event_log_horizon (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  pruned_through  INTEGER NOT NULL DEFAULT 0 CHECK (pruned_through >= 0),
  updated_at      INTEGER NOT NULL
);
INSERT INTO event_log_horizon (id, pruned_through, updated_at) VALUES (1, 0, 0);

-- SQLite assigns positions as max(position) + 1 (store/outbox.cpp). Pruning keeps the newest
-- event so that max never goes back; this trigger turns any reuse of a pruned position into an
-- error instead of an event every consumer would silently skip.
CREATE TRIGGER event_logs_position_above_horizon BEFORE INSERT ON event_logs
WHEN NEW.position <= (SELECT pruned_through FROM event_log_horizon WHERE id = 1)
BEGIN
  SELECT RAISE(ABORT, 'event position at or below the pruned horizon');
END;

-- index: jobs of one kind (GET /v1/jobs?kind=, `jobs list --kind`)
CREATE INDEX jobs_kind ON jobs (kind, status);
