-- Collections of videos and free tags on videos (issue 18). Both only organise videos: a video
-- may be in many collections and carry many tags, and deleting a video removes it from every
-- collection and drops its tags (ON DELETE CASCADE). Tags are stored normalised (trimmed, NFC,
-- lower-case: src/app/tag_name.hpp), so equality in SQL is the tag rule's equality.
CREATE TABLE collections (
  id           INTEGER PRIMARY KEY,
  public_id    BLOB    NOT NULL UNIQUE CHECK (length(public_id) = 16),  -- index: lookup by public id
  tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
  name         TEXT    NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
  description  TEXT    NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  UNIQUE (tenant_id, id),   -- index: composite FK target; a tenant's collections in id order
  UNIQUE (tenant_id, name)  -- index: names are unique per tenant; lookup by name (CLI)
);

CREATE TABLE collection_videos (
  tenant_id      INTEGER NOT NULL,
  collection_id  INTEGER NOT NULL,
  video_id       INTEGER NOT NULL,
  created_at     INTEGER NOT NULL,  -- when the video was added
  -- index: a collection's videos in video order (the list, the ?collection= filter); tenant prefix
  PRIMARY KEY (tenant_id, collection_id, video_id),
  FOREIGN KEY (tenant_id, collection_id) REFERENCES collections (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, video_id) REFERENCES videos (tenant_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
-- index: a video's collections, and the cascade when a video is deleted
CREATE INDEX collection_videos_video ON collection_videos (tenant_id, video_id);

CREATE TABLE video_tags (
  tenant_id   INTEGER NOT NULL,
  video_id    INTEGER NOT NULL,
  tag         TEXT    NOT NULL CHECK (length(tag) BETWEEN 1 AND 256),
  created_at  INTEGER NOT NULL,
  -- index: a video's tags in order; the cascade when a video is deleted; tenant prefix
  PRIMARY KEY (tenant_id, video_id, tag),
  FOREIGN KEY (tenant_id, video_id) REFERENCES videos (tenant_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
-- index: the videos with a tag (the ?tag= filter, the tenant's tag list)
CREATE INDEX video_tags_tag ON video_tags (tenant_id, tag, video_id);

-- Conversation analytics, precomputed per transcript (docs/decisions/0017-conversation-analytics.md).
-- Derived rows, not canonical data: the pipeline analytics.conversation writes them from the event
-- feed in the same transaction as its checkpoint, and `narralytica analytics rebuild` recomputes
-- them all. They live here, not in a file beside the database, because every query over them
-- joins canonical tables (videos' published dates, collections, tags, speakers' persons) in SQL.
-- One transcript per video is measured (the analysed transcript, docs/analytics.md).
CREATE TABLE conversation_transcripts (
  tenant_id        INTEGER NOT NULL,
  transcript_id    INTEGER NOT NULL,
  video_id         INTEGER NOT NULL,
  timing           TEXT    NOT NULL CHECK (timing IN ('words', 'segments', 'mixed', 'none')),
  span_ms          INTEGER NOT NULL CHECK (span_ms >= 0),
  speech_ms        INTEGER NOT NULL CHECK (speech_ms >= 0),
  overlap_ms       INTEGER NOT NULL CHECK (overlap_ms >= 0),
  turns            INTEGER NOT NULL CHECK (turns >= 0),
  speaker_changes  INTEGER NOT NULL CHECK (speaker_changes >= 0),
  talk_ms          INTEGER NOT NULL CHECK (talk_ms >= 0),  -- the sum over its speakers, as are the next four
  words            INTEGER NOT NULL CHECK (words >= 0),
  interruptions    INTEGER NOT NULL CHECK (interruptions >= 0),
  overlap_turns    INTEGER NOT NULL CHECK (overlap_turns >= 0),
  questions        INTEGER NOT NULL CHECK (questions >= 0),
  offsets          BLOB    NOT NULL,  -- every floor-transfer offset, little-endian int32 each
  computed_at      INTEGER NOT NULL,
  -- index: a transcript's row; tenant prefix
  PRIMARY KEY (tenant_id, transcript_id),
  FOREIGN KEY (tenant_id, transcript_id) REFERENCES transcripts (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, video_id) REFERENCES videos (tenant_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
-- index: a video's measured transcript (the projection replaces it; the video and date scopes)
CREATE UNIQUE INDEX conversation_transcripts_video ON conversation_transcripts (tenant_id, video_id);

CREATE TABLE conversation_speakers (
  tenant_id        INTEGER NOT NULL,
  transcript_id    INTEGER NOT NULL,
  slot             INTEGER NOT NULL CHECK (slot >= 0),  -- the speaker's place in the transcript
  speaker_id       INTEGER,  -- NULL: the segments without a speaker
  talk_ms          INTEGER NOT NULL CHECK (talk_ms >= 0),
  words            INTEGER NOT NULL CHECK (words >= 0),
  turns            INTEGER NOT NULL CHECK (turns >= 0),
  turn_ms          INTEGER NOT NULL CHECK (turn_ms >= 0),
  longest_turn_ms  INTEGER NOT NULL CHECK (longest_turn_ms >= 0),
  interruptions    INTEGER NOT NULL CHECK (interruptions >= 0),
  interrupted      INTEGER NOT NULL CHECK (interrupted >= 0),
  overlap_turns    INTEGER NOT NULL CHECK (overlap_turns >= 0),
  overlap_ms       INTEGER NOT NULL CHECK (overlap_ms >= 0),
  questions        INTEGER NOT NULL CHECK (questions >= 0),
  offsets          BLOB    NOT NULL,  -- floor-transfer offsets when this speaker took the floor
  -- index: a transcript's speakers; tenant prefix
  PRIMARY KEY (tenant_id, transcript_id, slot),
  FOREIGN KEY (tenant_id, transcript_id) REFERENCES conversation_transcripts (tenant_id, transcript_id)
    ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, speaker_id) REFERENCES speakers (tenant_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
-- index: a speaker's (and through speakers, a person's) rows; the cascade when a speaker goes
CREATE INDEX conversation_speakers_speaker ON conversation_speakers (tenant_id, speaker_id)
  WHERE speaker_id IS NOT NULL;
