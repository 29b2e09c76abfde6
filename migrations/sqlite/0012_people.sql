-- People: one identity per tenant that speakers of any number of videos are linked to (issue 16).
--
-- Until now a person was a row of speakers with video_id NULL, and a video's speaker pointed at it
-- through speakers.identity_speaker_id. That made a person's name unique (it was its label), gave
-- it no place for external ids or notes, and could not say that two people were merged. A person
-- is now a row of its own, and the link is a row of person_speakers, so a speaker is linked to at
-- most one person (its primary key) and linking never rewrites the speakers table.
--
-- A merged person stays as a tombstone (merged_into_id set) so that its id answers with a pointer
-- to the survivor; deleting the survivor deletes its tombstones (CASCADE).
CREATE TABLE people (
  id              INTEGER PRIMARY KEY,
  public_id       BLOB    NOT NULL UNIQUE CHECK (length(public_id) = 16),  -- index: lookup by public id
  tenant_id       INTEGER NOT NULL REFERENCES tenants (id),
  name            TEXT    NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
  external_ids    TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(external_ids) AND json_type(external_ids) = 'object'),
  notes           TEXT    CHECK (notes IS NULL OR length(notes) <= 4000),
  merged_into_id  INTEGER,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  CHECK (merged_into_id IS NULL OR merged_into_id <> id),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, merged_into_id) REFERENCES people (tenant_id, id) ON DELETE CASCADE
);
-- index: the people list in name order, and finding a person by name (link by name)
CREATE INDEX people_name ON people (tenant_id, name, id);
-- index: a survivor's tombstones (re-pointed on a later merge, cascaded on delete)
CREATE INDEX people_merged_into ON people (tenant_id, merged_into_id) WHERE merged_into_id IS NOT NULL;

CREATE TABLE person_speakers (
  tenant_id   INTEGER NOT NULL,
  speaker_id  INTEGER NOT NULL,
  person_id   INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, speaker_id),  -- index: a speaker's person; a speaker is one person at most
  FOREIGN KEY (tenant_id, speaker_id) REFERENCES speakers (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
-- index: a person's speakers (appearances, merges, splits)
CREATE INDEX person_speakers_person ON person_speakers (tenant_id, person_id, speaker_id);

-- The old persons keep their public ids, so ids that clients already hold still name them.
INSERT INTO people (public_id, tenant_id, name, created_at, updated_at)
  SELECT public_id, tenant_id, coalesce(display_name, label), created_at, updated_at
  FROM speakers WHERE video_id IS NULL;
INSERT INTO person_speakers (tenant_id, speaker_id, person_id, created_at)
  SELECT s.tenant_id, s.id, p.id, s.updated_at
  FROM speakers s
  JOIN speakers i ON i.tenant_id = s.tenant_id AND i.id = s.identity_speaker_id
  JOIN people p ON p.public_id = i.public_id
  WHERE s.identity_speaker_id IS NOT NULL;
UPDATE speakers SET identity_speaker_id = NULL WHERE identity_speaker_id IS NOT NULL;
DELETE FROM speakers WHERE video_id IS NULL;
-- speakers.identity_speaker_id is retired: always NULL from here on. SQLite cannot drop a column
-- that a constraint names, and rebuilding speakers would cascade through transcript_speakers; the
-- PostgreSQL migration drops it. Nothing reads or writes it.
DROP INDEX speakers_person_label;
DROP INDEX speakers_identity;
