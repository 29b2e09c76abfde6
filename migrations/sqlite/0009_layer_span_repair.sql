-- PostgreSQL's 0009 repairs a backfill that row-level security could hide from a table owner that
-- is not a superuser. SQLite has no row-level security, so its 0006 backfill always saw every run.
-- This file keeps the two backends' migration versions in step.
SELECT 1;
