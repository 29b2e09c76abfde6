-- Engine-side cost of the product's segment schema in PostgreSQL: 300,000 rows in one
-- INSERT … SELECT into a bare table, a table with the primary key and checks only, one with the
-- transcript key too, the product's (both composite foreign keys), and the product's under
-- row-level security as a role that owns nothing (as the application connects). See README.md.
-- Run in an empty database as a superuser: psql URL -f bench/floors/postgres_segments.sql
\set ON_ERROR_STOP on
\set QUIET on
SET client_min_messages = warning;
CREATE FUNCTION floor_tenant() RETURNS bigint LANGUAGE sql STABLE AS
  $$ SELECT NULLIF(current_setting('floor.tenant_id', true), '')::bigint $$;
CREATE TABLE transcripts (tenant_id bigint NOT NULL, id bigint PRIMARY KEY, UNIQUE (tenant_id, id));
INSERT INTO transcripts SELECT 1, g FROM generate_series(1, 1000) g;
CREATE TABLE speakers (tenant_id bigint NOT NULL, id bigint PRIMARY KEY, UNIQUE (tenant_id, id));
INSERT INTO speakers SELECT 1, g FROM generate_series(1, 4) g;
CREATE TABLE transcript_speakers (tenant_id bigint, transcript_id bigint, speaker_id bigint,
  PRIMARY KEY (tenant_id, transcript_id, speaker_id),
  FOREIGN KEY (tenant_id, transcript_id) REFERENCES transcripts (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, speaker_id) REFERENCES speakers (tenant_id, id) ON DELETE CASCADE);
INSERT INTO transcript_speakers SELECT 1, t, s FROM generate_series(1, 1000) t, generate_series(1, 4) s;
CREATE TABLE src AS SELECT g AS i, repeat(md5(g::text), 4) AS text FROM generate_series(0, 299999) g;

CREATE TABLE bare (tenant_id bigint, transcript_id bigint, ordinal bigint, start_ms bigint, end_ms bigint,
  speaker_id bigint, text text, confidence double precision, words text, created_at bigint, updated_at bigint);
CREATE TABLE keyed (
  tenant_id bigint NOT NULL, transcript_id bigint NOT NULL, ordinal bigint NOT NULL CHECK (ordinal >= 0),
  start_ms bigint NOT NULL, end_ms bigint NOT NULL, speaker_id bigint, text TEXT NOT NULL CHECK (length(text) > 0),
  confidence double precision CHECK (confidence IS NULL OR (confidence >= 0 AND confidence <= 1)), words json,
  created_at bigint NOT NULL, updated_at bigint NOT NULL, CHECK (0 <= start_ms AND start_ms <= end_ms),
  PRIMARY KEY (tenant_id, transcript_id, ordinal));
CREATE TABLE one_key (LIKE keyed INCLUDING ALL,
  FOREIGN KEY (tenant_id, transcript_id) REFERENCES transcripts (tenant_id, id) ON DELETE CASCADE);
CREATE TABLE product (LIKE keyed INCLUDING ALL,
  FOREIGN KEY (tenant_id, transcript_id) REFERENCES transcripts (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, transcript_id, speaker_id) REFERENCES transcript_speakers (tenant_id, transcript_id, speaker_id));
CREATE TABLE product_rls (LIKE keyed INCLUDING ALL,
  FOREIGN KEY (tenant_id, transcript_id) REFERENCES transcripts (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, transcript_id, speaker_id) REFERENCES transcript_speakers (tenant_id, transcript_id, speaker_id));
ALTER TABLE product_rls ENABLE ROW LEVEL SECURITY;
ALTER TABLE product_rls FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON product_rls USING (tenant_id = floor_tenant()) WITH CHECK (tenant_id = floor_tenant());
DROP ROLE IF EXISTS floor_app;
CREATE ROLE floor_app;
GRANT SELECT ON src, transcripts, transcript_speakers TO floor_app;
GRANT INSERT ON product_rls TO floor_app;
SET floor.tenant_id = '1';
CHECKPOINT;

\timing on
\echo bare
INSERT INTO bare SELECT 1, 1 + i / 300, i % 300, i * 1000, i * 1000 + 900, 1 + (i / 7) % 4, text, 0.8, NULL, 1, 1 FROM src;
\echo primary key and checks
INSERT INTO keyed SELECT 1, 1 + i / 300, i % 300, i * 1000, i * 1000 + 900, 1 + (i / 7) % 4, text, 0.8, NULL, 1, 1 FROM src;
\echo + the transcript key
INSERT INTO one_key SELECT 1, 1 + i / 300, i % 300, i * 1000, i * 1000 + 900, 1 + (i / 7) % 4, text, 0.8, NULL, 1, 1 FROM src;
\echo + the speaker key (the product schema)
INSERT INTO product SELECT 1, 1 + i / 300, i % 300, i * 1000, i * 1000 + 900, 1 + (i / 7) % 4, text, 0.8, NULL, 1, 1 FROM src;
\echo the product schema under row-level security, as a role that owns nothing
SET ROLE floor_app;
INSERT INTO product_rls SELECT 1, 1 + i / 300, i % 300, i * 1000, i * 1000 + 900, 1 + (i / 7) % 4, text, 0.8, NULL, 1, 1 FROM src;
RESET ROLE;
\timing off
DROP TABLE bare, keyed, one_key, product, product_rls, src, transcript_speakers, speakers, transcripts;
DROP FUNCTION floor_tenant();
DROP ROLE floor_app;
