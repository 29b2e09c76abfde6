-- Layer items: the rows of one layer run (one version of one kind over one transcript), e.g. one
-- sentiment per utterance, one chapter over a time range. Immutable like their run: a correction is
-- a new run, so there is no updated_at and no UPDATE path. An item refers to the segments it covers
-- by the segments' own key (tenant, transcript, ordinal); first and last ordinal are both set or
-- both null (an item over a time range that overlaps no segment, or about the whole transcript).
-- transcript_id is the run's transcript, copied so the segment references can be foreign keys.
-- Those cascade because segments go only with their transcript, whose layers go too: cascading
-- from both sides keeps the delete independent of the order the two cascades run in.
-- label and score are extracted from the payload at write time so filters and analytics use
-- indexes and columns, not JSON parsing.
CREATE TABLE layer_items (
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
  payload               TEXT    NOT NULL CHECK (json_valid(payload) AND json_type(payload) = 'object'),
  created_at            INTEGER NOT NULL,
  CHECK (0 <= start_ms AND start_ms <= end_ms),
  CHECK ((segment_ordinal_first IS NULL) = (segment_ordinal_last IS NULL)),
  CHECK (segment_ordinal_last IS NULL OR segment_ordinal_last >= segment_ordinal_first),
  PRIMARY KEY (tenant_id, layer_id, ordinal),  -- index: read a run's items in order; tenant prefix
  FOREIGN KEY (tenant_id, layer_id) REFERENCES layers (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, transcript_id, segment_ordinal_first) REFERENCES segments (tenant_id, transcript_id, ordinal)
    ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, transcript_id, segment_ordinal_last) REFERENCES segments (tenant_id, transcript_id, ordinal)
    ON DELETE CASCADE
) WITHOUT ROWID;
-- index: filter a run's items by label (sentiment.label=negative, topics.label=economy) and count by label
CREATE INDEX layer_items_label ON layer_items (tenant_id, layer_id, label);
-- index: the layer items of a segment (segments with their layers attached) and the foreign-key
-- check when segments are deleted with their transcript, which would otherwise scan every item
CREATE INDEX layer_items_segment_first ON layer_items (tenant_id, transcript_id, segment_ordinal_first);
-- index: the foreign-key check on segment_ordinal_last when segments are deleted (as above)
CREATE INDEX layer_items_segment_last ON layer_items (tenant_id, transcript_id, segment_ordinal_last);
