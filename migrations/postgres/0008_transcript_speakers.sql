-- Segments refer to their speaker through their transcript (docs/decisions/0010-transcript-speakers.md).
--
-- Until now every segment row had a foreign key to speakers, and the index segments_speaker
-- (tenant_id, speaker_id) existed only so that deleting a speaker (a merge, or the cascade when a
-- video is deleted) did not scan every segment for that key, and for the merge's UPDATE. That
-- index was about 0.6x of the 2x budget of segment ingest (issue 2).
--
-- transcript_speakers holds the few speakers each transcript uses. A segment's speaker is checked
-- against its own transcript's row, (tenant_id, transcript_id, speaker_id), a look-up in a small
-- table; the speaker is checked against speakers once per transcript, not once per segment. When a
-- transcript_speakers row is deleted, the foreign-key check on segments is a search on the primary
-- key's prefix (tenant_id, transcript_id): one transcript's segments, not the table. So segments
-- need no second index. segments.speaker_id keeps its meaning (the speaker's id), so the reads that
-- join speakers are unchanged.
CREATE TABLE transcript_speakers (
  tenant_id      bigint NOT NULL,
  transcript_id  bigint NOT NULL,
  speaker_id     bigint NOT NULL,
  -- index: the target of segments' speaker key; a transcript's speakers; tenant prefix
  PRIMARY KEY (tenant_id, transcript_id, speaker_id),
  FOREIGN KEY (tenant_id, transcript_id) REFERENCES transcripts (tenant_id, id) ON DELETE CASCADE,
  -- CASCADE: deleting a video deletes its speakers and its transcripts in one statement, and
  -- PostgreSQL checks a NO ACTION key when the speakers' delete is done, before the transcripts'
  -- cascade has removed these rows. Nothing is lost: a segment still naming the speaker refuses the
  -- delete through its own key to this table (a merge moves the segments first).
  FOREIGN KEY (tenant_id, speaker_id) REFERENCES speakers (tenant_id, id) ON DELETE CASCADE
);
-- index: a speaker's transcripts (the speaker filters, merges; index-only with transcript_id) and
-- the cascade when a speaker is deleted
CREATE INDEX transcript_speakers_speaker ON transcript_speakers (tenant_id, speaker_id, transcript_id);

ALTER TABLE transcript_speakers ENABLE ROW LEVEL SECURITY;
ALTER TABLE transcript_speakers FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON transcript_speakers
  USING (tenant_id = narralytica_tenant() OR narralytica_system())
  WITH CHECK (tenant_id = narralytica_tenant() OR narralytica_system());
GRANT SELECT, INSERT, UPDATE, DELETE ON transcript_speakers TO narralytica_app;

-- The backfill reads and writes every tenant's rows: under FORCE ROW LEVEL SECURITY an owner that
-- is not a superuser sees none of them without the system scope (for this transaction only).
SELECT set_config('narralytica.system', 'on', true);
INSERT INTO transcript_speakers (tenant_id, transcript_id, speaker_id)
  SELECT DISTINCT tenant_id, transcript_id, speaker_id FROM segments WHERE speaker_id IS NOT NULL;

-- The old key to speakers, found by what it references rather than by its generated name.
DO $$
DECLARE
  c text;
BEGIN
  FOR c IN SELECT conname FROM pg_constraint
           WHERE conrelid = 'segments'::regclass AND contype = 'f' AND confrelid = 'speakers'::regclass LOOP
    EXECUTE format('ALTER TABLE segments DROP CONSTRAINT %I', c);
  END LOOP;
END
$$;
ALTER TABLE segments ADD CONSTRAINT segments_speaker_fkey FOREIGN KEY (tenant_id, transcript_id, speaker_id)
  REFERENCES transcript_speakers (tenant_id, transcript_id, speaker_id);
DROP INDEX segments_speaker;
