-- The layer item write path (issue 6, docs/decisions/0009). Nothing changes on PostgreSQL, whose
-- label filter reads layer_items_label (under row-level security the segment range cannot be an
-- index condition, docs/performance.md, AI layers); SQLite's 0007 drops its copy of that index,
-- which no SQLite plan reads. This file keeps the two backends' migration versions in step.
SELECT 1;
