-- Repairs layers.item_span_max on databases that applied 0006 as a table owner that is not a
-- superuser: under FORCE ROW LEVEL SECURITY, 0006's backfill saw no layer and left every run at 0,
-- so a segment filter would miss the items of an older multi-segment run (chapters) that start
-- before the segment. The migration runner now applies migrations in the system scope, so this
-- recomputation sees every tenant; where 0006 worked it changes nothing. The immutability trigger
-- is set aside for this one statement: the value is derived from the run's own items.
ALTER TABLE layers DISABLE TRIGGER layers_immutable;
UPDATE layers SET item_span_max = spans.widest
  FROM (SELECT tenant_id, layer_id, max(segment_ordinal_last - segment_ordinal_first) AS widest
          FROM layer_items GROUP BY tenant_id, layer_id) AS spans
 WHERE spans.tenant_id = layers.tenant_id AND spans.layer_id = layers.id
   AND layers.item_span_max IS DISTINCT FROM spans.widest;
ALTER TABLE layers ENABLE TRIGGER layers_immutable;
