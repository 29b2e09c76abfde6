-- Layer versions become an API (issue 6): item payloads may be arrays (topics, entities and
-- keywords are lists), one version per (transcript, kind) can be pinned as current, and nothing
-- of a run can be changed once written.
--
-- layer_items loses its two foreign keys to segments (docs/decisions/0007): every item row paid
-- two segment look-ups and two extra indexes for them, and they protected nothing the schema does
-- not already guarantee another way. A run's segment ordinals are checked against its
-- transcript's segment_count when written (store/layers/layer_repository.cpp), a transcript's
-- segments are immutable (a correction is a new revision) and go only with their transcript, whose
-- layers - and so their items - cascade with it.
DO $$
DECLARE
  c text;
BEGIN
  FOR c IN SELECT conname FROM pg_constraint
           WHERE conrelid = 'layer_items'::regclass AND contype = 'f' AND confrelid = 'segments'::regclass LOOP
    EXECUTE format('ALTER TABLE layer_items DROP CONSTRAINT %I', c);
  END LOOP;
END
$$;
DROP INDEX layer_items_segment_first;
DROP INDEX layer_items_segment_last;
-- index: a run's items over a range of segments (segments with their layers attached, filters
-- joined to segments by speaker or time)
CREATE INDEX layer_items_segment ON layer_items (tenant_id, layer_id, segment_ordinal_first);

ALTER TABLE layer_items DROP CONSTRAINT layer_items_payload_check;
ALTER TABLE layer_items ADD CONSTRAINT layer_items_payload_check
  CHECK (jsonb_typeof(payload) IN ('object', 'array'));

-- The widest item of a run, in segments (last - first): a filter looks for the items covering a
-- segment only that far back in the segment index instead of scanning the run from its start.
-- Written with the run; 0 for runs of one item per segment.
ALTER TABLE layers ADD COLUMN item_span_max bigint NOT NULL DEFAULT 0 CHECK (item_span_max >= 0);
UPDATE layers SET item_span_max = coalesce((SELECT max(segment_ordinal_last - segment_ordinal_first) FROM layer_items i
  WHERE i.tenant_id = layers.tenant_id AND i.layer_id = layers.id), 0);

-- A layer row's only mutable state is whether it is pinned (and when that changed); its items
-- never change. Deletes stay possible: they cascade from the transcript.
CREATE FUNCTION refuse_layer_item_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'layer items are immutable: write a new layer version';
END
$$;
CREATE TRIGGER layer_items_immutable BEFORE UPDATE ON layer_items
  FOR EACH ROW EXECUTE FUNCTION refuse_layer_item_update();

CREATE FUNCTION refuse_layer_version_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.id, NEW.public_id, NEW.tenant_id, NEW.transcript_id, NEW.kind, NEW.version, NEW.producer_name,
      NEW.producer_version, NEW.params, NEW.params_hash, NEW.transcript_content_hash, NEW.status, NEW.created_at,
      NEW.item_span_max)
     IS DISTINCT FROM
     (OLD.id, OLD.public_id, OLD.tenant_id, OLD.transcript_id, OLD.kind, OLD.version, OLD.producer_name,
      OLD.producer_version, OLD.params, OLD.params_hash, OLD.transcript_content_hash, OLD.status, OLD.created_at,
      OLD.item_span_max)
  THEN
    RAISE EXCEPTION 'layer versions are immutable: only the pin can change';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER layers_immutable BEFORE UPDATE ON layers
  FOR EACH ROW EXECUTE FUNCTION refuse_layer_version_change();

-- At most one pinned version per (transcript, kind): the current version is the pinned one, or
-- the newest when none is pinned.
-- index: the pinned version of a (transcript, kind)
CREATE UNIQUE INDEX layers_pinned ON layers (tenant_id, transcript_id, kind) WHERE pinned;
