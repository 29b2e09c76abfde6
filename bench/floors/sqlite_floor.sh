#!/usr/bin/env bash
# Engine-side cost of the product's segment and layer-item schemas in SQLite: 1,000,000 rows in
# one INSERT … SELECT into a bare table and into the product's table (WAL, synchronous=FULL,
# foreign keys on), twice each. See README.md.
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() {  # NAME TABLE_DDL INSERT_SQL
  rm -f "$work"/f.db*
  sqlite3 "$work/f.db" "PRAGMA journal_mode=WAL" >/dev/null
  sqlite3 "$work/f.db" <<SQL 2>&1 | tail -1 | sed "s/^/$1: /"
PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;
CREATE TABLE transcripts (tenant_id INTEGER NOT NULL, id INTEGER PRIMARY KEY, UNIQUE (tenant_id, id));
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO transcripts SELECT 1, i FROM n;
CREATE TABLE speakers (tenant_id INTEGER NOT NULL, id INTEGER PRIMARY KEY, UNIQUE (tenant_id, id));
INSERT INTO speakers VALUES (1, 1), (1, 2), (1, 3), (1, 4);
CREATE TABLE transcript_speakers (tenant_id INTEGER NOT NULL, transcript_id INTEGER NOT NULL, speaker_id INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, transcript_id, speaker_id),
  FOREIGN KEY (tenant_id, transcript_id) REFERENCES transcripts (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, speaker_id) REFERENCES speakers (tenant_id, id) ON DELETE CASCADE) WITHOUT ROWID;
INSERT INTO transcript_speakers SELECT 1, t.id, s.id FROM transcripts t, speakers s;
CREATE TABLE layers (tenant_id INTEGER NOT NULL, id INTEGER PRIMARY KEY, UNIQUE (tenant_id, id));
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) INSERT INTO layers SELECT 1, i FROM n;
CREATE TABLE src AS WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999999)
  SELECT i, substr(hex(randomblob(70)), 1, 140) AS text,
         '{"label":"' || (CASE i % 3 WHEN 0 THEN 'negative' WHEN 1 THEN 'neutral' ELSE 'positive' END) ||
         '","score":0.' || (i * 7919 % 1000) || '}' AS payload FROM n;
$2
.timer on
$3
SQL
}

segments_insert="INSERT INTO segments SELECT 1, 1 + i / 1000, i % 1000, i * 1000, i * 1000 + 900, 1 + (i / 7) % 4, text, 0.8, NULL, 1, 1 FROM src;"
segments_product="CREATE TABLE segments (tenant_id INTEGER NOT NULL, transcript_id INTEGER NOT NULL,
  ordinal INTEGER NOT NULL CHECK (ordinal >= 0), start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL, speaker_id INTEGER,
  text TEXT NOT NULL CHECK (length(text) > 0), confidence REAL CHECK (confidence IS NULL OR (confidence >= 0 AND confidence <= 1)),
  words TEXT CHECK (words IS NULL OR json_valid(words)), created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  CHECK (0 <= start_ms AND start_ms <= end_ms), PRIMARY KEY (tenant_id, transcript_id, ordinal),
  FOREIGN KEY (tenant_id, transcript_id) REFERENCES transcripts (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, transcript_id, speaker_id) REFERENCES transcript_speakers (tenant_id, transcript_id, speaker_id)
) WITHOUT ROWID;"
items_insert="INSERT INTO layer_items SELECT 1, 1 + i / 2000, i % 2000, 7, i % 2000, i % 2000, (i % 2000) * 1000,
  (i % 2000) * 1000 + 900, CASE i % 3 WHEN 0 THEN 'negative' WHEN 1 THEN 'neutral' ELSE 'positive' END, 0.5, payload, 1 FROM src;"
items_product="CREATE TABLE layer_items (tenant_id INTEGER NOT NULL, layer_id INTEGER NOT NULL,
  ordinal INTEGER NOT NULL CHECK (ordinal >= 0), transcript_id INTEGER NOT NULL,
  segment_ordinal_first INTEGER CHECK (segment_ordinal_first IS NULL OR segment_ordinal_first >= 0),
  segment_ordinal_last INTEGER, start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL,
  label TEXT CHECK (label IS NULL OR length(label) BETWEEN 1 AND 256), score REAL,
  payload TEXT NOT NULL CHECK (json_valid(payload) AND json_type(payload) IN ('object', 'array')),
  created_at INTEGER NOT NULL, CHECK (0 <= start_ms AND start_ms <= end_ms),
  CHECK ((segment_ordinal_first IS NULL) = (segment_ordinal_last IS NULL)),
  CHECK (segment_ordinal_last IS NULL OR segment_ordinal_last >= segment_ordinal_first),
  PRIMARY KEY (tenant_id, layer_id, ordinal),
  FOREIGN KEY (tenant_id, layer_id) REFERENCES layers (tenant_id, id) ON DELETE CASCADE) WITHOUT ROWID;
CREATE INDEX layer_items_segment ON layer_items (tenant_id, layer_id, segment_ordinal_first);"

for round in 1 2; do
  run "segments, bare   " "CREATE TABLE segments (a, b, c, d, e, f, g, h, i, j, k);" "$segments_insert"
  run "segments, product" "$segments_product" "$segments_insert"
  run "items, bare      " "CREATE TABLE layer_items (a, b, c, d, e, f, g, h, i, j, k, l);" "$items_insert"
  run "items, product   " "$items_product" "$items_insert"
done
