-- Segments refer to their speaker through their transcript (docs/decisions/0010-transcript-speakers.md).
--
-- Until now every segment row had a foreign key to speakers, and the index segments_speaker
-- (tenant_id, speaker_id) existed only so that deleting a speaker (a merge, or the cascade when a
-- video is deleted) did not scan every segment of every tenant for that key, and for the merge's
-- UPDATE. That index was about 0.6x of the 2x budget of segment ingest (issue 2).
--
-- transcript_speakers holds the few speakers each transcript uses. A segment's speaker is checked
-- against its own transcript's row, (tenant_id, transcript_id, speaker_id), a look-up in a small
-- table; the speaker is checked against speakers once per transcript, not once per segment. When a
-- transcript_speakers row is deleted, the foreign-key check on segments is a search on the primary
-- key's prefix (tenant_id, transcript_id): one transcript's segments, not the table. So segments
-- need no second index. segments.speaker_id keeps its meaning (the speaker's id), so the reads that
-- join speakers are unchanged.
CREATE TABLE transcript_speakers (
  tenant_id      INTEGER NOT NULL,
  transcript_id  INTEGER NOT NULL,
  speaker_id     INTEGER NOT NULL,
  -- index: the target of segments' speaker key; a transcript's speakers; tenant prefix
  PRIMARY KEY (tenant_id, transcript_id, speaker_id),
  FOREIGN KEY (tenant_id, transcript_id) REFERENCES transcripts (tenant_id, id) ON DELETE CASCADE,
  -- CASCADE: deleting a video deletes its speakers and its transcripts in one statement, and
  -- PostgreSQL checks a NO ACTION key when the speakers' delete is done, before the transcripts'
  -- cascade has removed these rows. Nothing is lost: a segment still naming the speaker refuses the
  -- delete through its own key to this table (a merge moves the segments first).
  FOREIGN KEY (tenant_id, speaker_id) REFERENCES speakers (tenant_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
-- index: a speaker's transcripts (the speaker filters, merges) and the cascade when a speaker is deleted
CREATE INDEX transcript_speakers_speaker ON transcript_speakers (tenant_id, speaker_id);

INSERT INTO transcript_speakers (tenant_id, transcript_id, speaker_id)
  SELECT DISTINCT tenant_id, transcript_id, speaker_id FROM segments WHERE speaker_id IS NOT NULL;

-- segments is rebuilt with the new foreign key (SQLite cannot alter a constraint): create, copy,
-- drop, rename, as in SQLite's documented ALTER TABLE procedure. The migration runner applies
-- this in one transaction with foreign keys on: no table refers to segments (0006 removed the
-- layer items' references), so dropping it checks nothing, and every copied row is checked
-- against transcript_speakers as it is inserted. segments_speaker goes with the old table.
CREATE TABLE segments_v8 (
  tenant_id      INTEGER NOT NULL,
  transcript_id  INTEGER NOT NULL,
  ordinal        INTEGER NOT NULL CHECK (ordinal >= 0),
  start_ms       INTEGER NOT NULL,
  end_ms         INTEGER NOT NULL,
  speaker_id     INTEGER,
  text           TEXT    NOT NULL CHECK (length(text) > 0),
  confidence     REAL    CHECK (confidence IS NULL OR (confidence >= 0 AND confidence <= 1)),
  words          TEXT    CHECK (words IS NULL OR json_valid(words)),
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  CHECK (0 <= start_ms AND start_ms <= end_ms),
  PRIMARY KEY (tenant_id, transcript_id, ordinal),  -- index: read a transcript in order; tenant prefix
  FOREIGN KEY (tenant_id, transcript_id) REFERENCES transcripts (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, transcript_id, speaker_id)
    REFERENCES transcript_speakers (tenant_id, transcript_id, speaker_id)
) WITHOUT ROWID;
INSERT INTO segments_v8 (tenant_id, transcript_id, ordinal, start_ms, end_ms, speaker_id, text, confidence,
                         words, created_at, updated_at)
  SELECT tenant_id, transcript_id, ordinal, start_ms, end_ms, speaker_id, text, confidence, words, created_at,
         updated_at FROM segments;
DROP TABLE segments;
ALTER TABLE segments_v8 RENAME TO segments;
