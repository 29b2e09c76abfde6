-- People: one identity per tenant that speakers of any number of videos are linked to (issue 16).
-- See migrations/sqlite/0012_people.sql for the reasons; the tables are the same.
CREATE TABLE people (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  public_id       uuid    NOT NULL UNIQUE,  -- index: lookup by public id
  tenant_id       bigint  NOT NULL REFERENCES tenants (id),
  name            TEXT    NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
  external_ids    jsonb   NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(external_ids) = 'object'),
  notes           TEXT    CHECK (notes IS NULL OR length(notes) <= 4000),
  merged_into_id  bigint,
  created_at      bigint  NOT NULL,
  updated_at      bigint  NOT NULL,
  CHECK (merged_into_id IS NULL OR merged_into_id <> id),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, merged_into_id) REFERENCES people (tenant_id, id) ON DELETE CASCADE
);
-- index: the people list in name order, and finding a person by name (link by name)
CREATE INDEX people_name ON people (tenant_id, name, id);
-- index: a survivor's tombstones (re-pointed on a later merge, cascaded on delete)
CREATE INDEX people_merged_into ON people (tenant_id, merged_into_id) WHERE merged_into_id IS NOT NULL;

CREATE TABLE person_speakers (
  tenant_id   bigint NOT NULL,
  speaker_id  bigint NOT NULL,
  person_id   bigint NOT NULL,
  created_at  bigint NOT NULL,
  PRIMARY KEY (tenant_id, speaker_id),  -- index: a speaker's person; a speaker is one person at most
  FOREIGN KEY (tenant_id, speaker_id) REFERENCES speakers (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id) ON DELETE CASCADE
);
-- index: a person's speakers (appearances, merges, splits)
CREATE INDEX person_speakers_person ON person_speakers (tenant_id, person_id, speaker_id);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['people', 'person_speakers'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I
                      USING (tenant_id = narralytica_tenant() OR narralytica_system())
                      WITH CHECK (tenant_id = narralytica_tenant() OR narralytica_system())', t);
  END LOOP;
END
$$;
GRANT SELECT, INSERT, UPDATE, DELETE ON people, person_speakers TO narralytica_app;

-- The backfill sees every tenant's rows (row-level security binds the owner too).
SELECT set_config('narralytica.system', 'on', true);
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
ALTER TABLE speakers DROP COLUMN identity_speaker_id;  -- its index and foreign key go with it
DELETE FROM speakers WHERE video_id IS NULL;
ALTER TABLE speakers ALTER COLUMN video_id SET NOT NULL;  -- every speaker is a video's now
DROP INDEX IF EXISTS speakers_person_label;
