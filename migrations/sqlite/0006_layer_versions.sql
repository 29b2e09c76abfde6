-- Layer versions become an API (issue 6): item payloads may be arrays (topics, entities and
-- keywords are lists), one version per (transcript, kind) can be pinned as current, and nothing
-- of a run can be changed once written.
--
-- layer_items is rebuilt without the two foreign keys to segments (docs/decisions/0007): every
-- item row paid two segment look-ups and two extra indexes for them, and they protected nothing
-- the schema does not already guarantee another way. A run's segment ordinals are checked against
-- its transcript's segment_count when written (store/layers/layer_repository.cpp), a transcript's
-- segments are immutable (a correction is a new revision) and go only with their transcript, whose
-- layers - and so their items - cascade with it.
CREATE TABLE layer_items_v6 (
  tenant_id             INTEGER NOT NULL,
  layer_id              INTEGER NOT NULL,
  ordinal               INTEGER NOT NULL CHECK (ordinal >= 0),  -- position within the run
  transcript_id         INTEGER NOT NULL,
  segment_ordinal_first INTEGER CHECK (segment_ordinal_first IS NULL OR segment_ordinal_first >= 0),
  segment_ordinal_last  INTEGER,
  start_ms              INTEGER NOT NULL,
  end_ms                INTEGER NOT NULL,
  label                 TEXT    CHECK (label IS NULL OR length(label) BETWEEN 1 AND 256),
  score                 REAL,
  payload               TEXT    NOT NULL CHECK (json_valid(payload) AND json_type(payload) IN ('object', 'array')),
  created_at            INTEGER NOT NULL,
  CHECK (0 <= start_ms AND start_ms <= end_ms),
  CHECK ((segment_ordinal_first IS NULL) = (segment_ordinal_last IS NULL)),
  CHECK (segment_ordinal_last IS NULL OR segment_ordinal_last >= segment_ordinal_first),
  PRIMARY KEY (tenant_id, layer_id, ordinal),  -- index: read a run's items in order; tenant prefix
  FOREIGN KEY (tenant_id, layer_id) REFERENCES layers (tenant_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
INSERT INTO layer_items_v6 SELECT tenant_id, layer_id, ordinal, transcript_id, segment_ordinal_first,
  segment_ordinal_last, start_ms, end_ms, label, score, payload, created_at FROM layer_items;
DROP TABLE layer_items;
ALTER TABLE layer_items_v6 RENAME TO layer_items;
-- index: filter a run's items by label (sentiment.label=negative) and count them by label
CREATE INDEX layer_items_label ON layer_items (tenant_id, layer_id, label);
-- index: a run's items over a range of segments (segments with their layers attached, filters
-- joined to segments by speaker or time)
CREATE INDEX layer_items_segment ON layer_items (tenant_id, layer_id, segment_ordinal_first);

-- The widest item of a run, in segments (last - first): a filter looks for the items covering a
-- segment only that far back in the segment index instead of scanning the run from its start.
-- Written with the run; 0 for runs of one item per segment.
ALTER TABLE layers ADD COLUMN item_span_max INTEGER NOT NULL DEFAULT 0 CHECK (item_span_max >= 0);
UPDATE layers SET item_span_max = coalesce((SELECT max(segment_ordinal_last - segment_ordinal_first) FROM layer_items i
  WHERE i.tenant_id = layers.tenant_id AND i.layer_id = layers.id), 0);

-- A layer row's only mutable state is whether it is pinned (and when that changed); its items
-- never change. Deletes stay possible: they cascade from the transcript.
CREATE TRIGGER layer_items_immutable BEFORE UPDATE ON layer_items
BEGIN
  SELECT RAISE(ABORT, 'layer items are immutable: write a new layer version');
END;
CREATE TRIGGER layers_immutable BEFORE UPDATE ON layers
WHEN NEW.id IS NOT OLD.id OR NEW.public_id IS NOT OLD.public_id OR NEW.tenant_id IS NOT OLD.tenant_id
  OR NEW.transcript_id IS NOT OLD.transcript_id OR NEW.kind IS NOT OLD.kind OR NEW.version IS NOT OLD.version
  OR NEW.producer_name IS NOT OLD.producer_name OR NEW.producer_version IS NOT OLD.producer_version
  OR NEW.params IS NOT OLD.params OR NEW.params_hash IS NOT OLD.params_hash
  OR NEW.transcript_content_hash IS NOT OLD.transcript_content_hash OR NEW.status IS NOT OLD.status
  OR NEW.created_at IS NOT OLD.created_at OR NEW.item_span_max IS NOT OLD.item_span_max
BEGIN
  SELECT RAISE(ABORT, 'layer versions are immutable: only the pin can change');
END;

-- At most one pinned version per (transcript, kind): the current version is the pinned one, or
-- the newest when none is pinned.
-- index: the pinned version of a (transcript, kind)
CREATE UNIQUE INDEX layers_pinned ON layers (tenant_id, transcript_id, kind) WHERE pinned = 1;
