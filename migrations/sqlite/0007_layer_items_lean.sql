-- The layer item write path (issue 6, docs/decisions/0009): every item row paid for a B-tree no
-- query of SQLite's reads. SQLite's plans for the label filter (GET /v1/segments?where=
-- sentiment.label=negative) read a run's items through layer_items_segment, the items covering each
-- segment, and the analytics read them through the primary key; none uses layer_items_label, which
-- cost about a quarter of the item insert. PostgreSQL keeps its copy: under row-level security its
-- label filter goes through it (docs/performance.md, AI layers).
DROP INDEX layer_items_label;
