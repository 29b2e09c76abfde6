-- Narralytica canonical schema, SQLite dialect.
-- Conventions: `id` is the internal key (never leaves the process); `public_id` is a UUIDv7 as 16
-- bytes, the only id in the API. Timestamps are integer microseconds since the Unix epoch (UTC).
-- Every tenant-scoped table has UNIQUE (tenant_id, id) so children refer to it by
-- (tenant_id, parent_id): a row can never point into another tenant. That same unique index is
-- the table's tenant_id index (tenant_id is its leading column).

-- Tenancy ------------------------------------------------------------------------------------

CREATE TABLE tenants (
  id          INTEGER PRIMARY KEY,
  public_id   BLOB    NOT NULL UNIQUE CHECK (length(public_id) = 16),  -- index: lookup by public id
  slug        TEXT    NOT NULL UNIQUE                                 -- index: lookup by slug
              CHECK (length(slug) BETWEEN 1 AND 63 AND slug NOT GLOB '*[^a-z0-9-]*'
                     AND substr(slug, 1, 1) <> '-'),
  name        TEXT    NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
  status      TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'deleted')),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE TABLE tenant_configs (
  id          INTEGER PRIMARY KEY,
  tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
  key         TEXT    NOT NULL CHECK (length(key) BETWEEN 1 AND 100),
  value       TEXT    NOT NULL CHECK (json_valid(value)),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  UNIQUE (tenant_id, key)  -- index: read one setting, list a tenant's settings
);

-- Identity -----------------------------------------------------------------------------------

CREATE TABLE users (
  id             INTEGER PRIMARY KEY,
  public_id      BLOB    NOT NULL UNIQUE CHECK (length(public_id) = 16),  -- index: lookup by public id
  email          TEXT    NOT NULL UNIQUE                                 -- index: login by email
                 CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254 AND email LIKE '%_@_%'),
  display_name   TEXT    NOT NULL CHECK (length(trim(display_name)) BETWEEN 1 AND 200),
  password_hash  TEXT,
  status         TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  last_login_at  INTEGER,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);

CREATE TABLE permissions (
  id           INTEGER PRIMARY KEY,
  action       TEXT    NOT NULL CHECK (action IN ('read', 'write', 'delete', 'admin')),
  resource     TEXT    NOT NULL CHECK (length(resource) BETWEEN 1 AND 50),
  description  TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  UNIQUE (action, resource)  -- index: resolve a permission by name
);

CREATE TABLE roles (
  id           INTEGER PRIMARY KEY,
  public_id    BLOB    NOT NULL UNIQUE CHECK (length(public_id) = 16),  -- index: lookup by public id
  tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
  name         TEXT    NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 100),
  description  TEXT    NOT NULL DEFAULT '',
  builtin      INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  UNIQUE (tenant_id, name),  -- index: resolve a role by name within a tenant
  UNIQUE (tenant_id, id)     -- index: composite FK target, tenant_id index
);

CREATE TABLE role_permissions (
  tenant_id      INTEGER NOT NULL REFERENCES tenants (id),
  role_id        INTEGER NOT NULL,
  permission_id  INTEGER NOT NULL REFERENCES permissions (id),
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  -- index: a role's permissions (the authorization check); also the tenant_id index
  PRIMARY KEY (tenant_id, role_id, permission_id),
  FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE memberships (
  id          INTEGER PRIMARY KEY,
  public_id   BLOB    NOT NULL UNIQUE CHECK (length(public_id) = 16),  -- index: lookup by public id
  tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
  user_id     INTEGER NOT NULL REFERENCES users (id),
  role_id     INTEGER NOT NULL,
  status      TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  UNIQUE (tenant_id, user_id, role_id),  -- index: a user's roles in a tenant (authorization)
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id)
);
CREATE INDEX memberships_user ON memberships (user_id);  -- index: the tenants a user belongs to
CREATE INDEX memberships_role ON memberships (tenant_id, role_id);  -- index: FK check when a role is deleted

CREATE TABLE api_tokens (
  id            INTEGER PRIMARY KEY,
  public_id     BLOB    NOT NULL UNIQUE CHECK (length(public_id) = 16),  -- index: lookup by public id
  tenant_id     INTEGER NOT NULL REFERENCES tenants (id),
  user_id       INTEGER NOT NULL REFERENCES users (id),
  name          TEXT    NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 100),
  prefix        TEXT    NOT NULL CHECK (length(prefix) BETWEEN 4 AND 32),
  secret_hash   BLOB    NOT NULL UNIQUE CHECK (length(secret_hash) = 32),  -- index: authenticate a bearer token
  expires_at    INTEGER,
  revoked_at    INTEGER,
  last_used_at  INTEGER,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  UNIQUE (tenant_id, id)
);
CREATE INDEX api_tokens_user ON api_tokens (tenant_id, user_id);  -- index: a user's tokens in a tenant

-- Media --------------------------------------------------------------------------------------

CREATE TABLE videos (
  id            INTEGER PRIMARY KEY,
  public_id     BLOB    NOT NULL UNIQUE CHECK (length(public_id) = 16),  -- index: lookup by public id
  tenant_id     INTEGER NOT NULL REFERENCES tenants (id),
  title         TEXT    NOT NULL CHECK (length(trim(title)) BETWEEN 1 AND 500),
  description   TEXT    NOT NULL DEFAULT '' CHECK (length(description) <= 10000),
  language      TEXT    CHECK (language IS NULL OR length(language) BETWEEN 2 AND 35),
  duration_ms   INTEGER CHECK (duration_ms IS NULL OR duration_ms >= 0),
  published_at  INTEGER,
  status        TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  UNIQUE (tenant_id, id)  -- index: composite FK target; a tenant's videos in id order (keyset pages)
);

CREATE TABLE video_sources (
  id           INTEGER PRIMARY KEY,
  public_id    BLOB    NOT NULL UNIQUE CHECK (length(public_id) = 16),  -- index: lookup by public id
  tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
  video_id     INTEGER NOT NULL,
  kind         TEXT    NOT NULL CHECK (kind IN ('url', 'youtube', 'vimeo', 'file', 'object')),
  uri          TEXT    CHECK (uri IS NULL OR length(uri) BETWEEN 1 AND 2048),
  external_id  TEXT    CHECK (external_id IS NULL OR length(external_id) BETWEEN 1 AND 200),
  checksum     TEXT    CHECK (checksum IS NULL OR length(checksum) BETWEEN 1 AND 200),
  is_primary   INTEGER NOT NULL DEFAULT 0 CHECK (is_primary IN (0, 1)),
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  CHECK (uri IS NOT NULL OR external_id IS NOT NULL),
  FOREIGN KEY (tenant_id, video_id) REFERENCES videos (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX video_sources_video ON video_sources (tenant_id, video_id);  -- index: a video's sources; cascade
-- index: find a video by its platform id (and refuse the same external video twice)
CREATE UNIQUE INDEX video_sources_external ON video_sources (tenant_id, kind, external_id)
  WHERE external_id IS NOT NULL;
-- index: at most one primary source per video
CREATE UNIQUE INDEX video_sources_primary ON video_sources (tenant_id, video_id) WHERE is_primary = 1;

CREATE TABLE attachments (
  id            INTEGER PRIMARY KEY,
  public_id     BLOB    NOT NULL UNIQUE CHECK (length(public_id) = 16),  -- index: lookup by public id
  tenant_id     INTEGER NOT NULL REFERENCES tenants (id),
  kind          TEXT    NOT NULL CHECK (kind IN ('transcript_original', 'export', 'other')),
  media_type    TEXT    NOT NULL CHECK (length(media_type) BETWEEN 3 AND 255),
  sha256        BLOB    NOT NULL CHECK (length(sha256) = 32),
  size_bytes    INTEGER NOT NULL CHECK (size_bytes >= 0),
  storage_uri   TEXT    NOT NULL CHECK (length(storage_uri) BETWEEN 1 AND 2048),
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  UNIQUE (tenant_id, sha256),  -- index: content addressing, store each file once per tenant
  UNIQUE (tenant_id, id)
);

CREATE TABLE speakers (
  id                   INTEGER PRIMARY KEY,
  public_id            BLOB    NOT NULL UNIQUE CHECK (length(public_id) = 16),  -- index: lookup by public id
  tenant_id            INTEGER NOT NULL REFERENCES tenants (id),
  video_id             INTEGER,  -- NULL: a cross-video identity (a person)
  label                TEXT    NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
  display_name         TEXT    CHECK (display_name IS NULL OR length(trim(display_name)) BETWEEN 1 AND 200),
  identity_speaker_id  INTEGER,
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER NOT NULL,
  CHECK (video_id IS NOT NULL OR identity_speaker_id IS NULL),  -- a person links to no person
  UNIQUE (tenant_id, video_id, label),  -- index: a video's speakers; dedupe labels on import
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, video_id) REFERENCES videos (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, identity_speaker_id) REFERENCES speakers (tenant_id, id)
);
-- index: persons are unique by label within a tenant (video_id NULL escapes the UNIQUE above)
CREATE UNIQUE INDEX speakers_person_label ON speakers (tenant_id, label) WHERE video_id IS NULL;
-- index: a person's appearances; FK check when a person is deleted
CREATE INDEX speakers_identity ON speakers (tenant_id, identity_speaker_id)
  WHERE identity_speaker_id IS NOT NULL;

CREATE TABLE transcripts (
  id                      INTEGER PRIMARY KEY,
  public_id               BLOB    NOT NULL UNIQUE CHECK (length(public_id) = 16),  -- index: lookup by public id
  tenant_id               INTEGER NOT NULL REFERENCES tenants (id),
  video_id                INTEGER NOT NULL,
  language                TEXT    NOT NULL CHECK (length(language) BETWEEN 2 AND 35),
  revision                INTEGER NOT NULL CHECK (revision >= 1),
  previous_transcript_id  INTEGER,
  origin                  TEXT    NOT NULL CHECK (origin IN ('asr', 'human', 'import', 'edit')),
  engine                  TEXT    CHECK (engine IS NULL OR length(engine) BETWEEN 1 AND 100),
  model                   TEXT    CHECK (model IS NULL OR length(model) BETWEEN 1 AND 200),
  model_version           TEXT    CHECK (model_version IS NULL OR length(model_version) BETWEEN 1 AND 100),
  attachment_id           INTEGER,
  content_hash            BLOB    NOT NULL CHECK (length(content_hash) = 32),
  segment_count           INTEGER NOT NULL DEFAULT 0 CHECK (segment_count >= 0),
  created_at              INTEGER NOT NULL,
  updated_at              INTEGER NOT NULL,
  UNIQUE (tenant_id, video_id, language, revision),  -- index: a video's transcripts; next revision number
  UNIQUE (tenant_id, video_id, content_hash),        -- index: re-importing the same content is a no-op
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, video_id) REFERENCES videos (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, previous_transcript_id) REFERENCES transcripts (tenant_id, id),
  FOREIGN KEY (tenant_id, attachment_id) REFERENCES attachments (tenant_id, id)
);

-- The big table (millions of rows), kept narrow: a segment is identified by its transcript and
-- ordinal (transcripts are immutable; a correction is a new revision), so it needs neither a
-- surrogate key nor a public id, and the primary key (tenant, transcript, ordinal) is at once the
-- ordered read of a transcript, the tenant prefix, the cascade from transcripts and the target of
-- references from layer items. tenant_id's own FK to tenants is implied by the composite FK to
-- transcripts (a transcript's tenant exists), so it is not checked a second time per row.
-- See docs/decisions/0002-segment-keys.md for the measurements behind this layout.
CREATE TABLE segments (
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
  FOREIGN KEY (tenant_id, speaker_id) REFERENCES speakers (tenant_id, id)
) WITHOUT ROWID;
-- index: a speaker's segments (the speaker filter, speaker merges) and the FK check when a
-- speaker is deleted, which would otherwise scan every segment
CREATE INDEX segments_speaker ON segments (tenant_id, speaker_id);

-- Layers (versioned AI outputs; items arrive with the layers work) ----------------------------

CREATE TABLE layers (
  id                       INTEGER PRIMARY KEY,
  public_id                BLOB    NOT NULL UNIQUE CHECK (length(public_id) = 16),  -- index: lookup by public id
  tenant_id                INTEGER NOT NULL REFERENCES tenants (id),
  transcript_id            INTEGER NOT NULL,
  kind                     TEXT    NOT NULL CHECK (length(kind) BETWEEN 1 AND 64 AND kind NOT GLOB '*[^a-z0-9_.-]*'),
  version                  INTEGER NOT NULL CHECK (version >= 1),
  producer_name            TEXT    NOT NULL CHECK (length(producer_name) BETWEEN 1 AND 200),
  producer_version         TEXT    NOT NULL CHECK (length(producer_version) BETWEEN 1 AND 100),
  params                   TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(params)),
  params_hash              BLOB    NOT NULL CHECK (length(params_hash) = 32),
  transcript_content_hash  BLOB    NOT NULL CHECK (length(transcript_content_hash) = 32),
  status                   TEXT    NOT NULL DEFAULT 'complete' CHECK (status IN ('complete', 'failed')),
  pinned                   INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
  created_at               INTEGER NOT NULL,
  updated_at               INTEGER NOT NULL,
  UNIQUE (tenant_id, transcript_id, kind, version),  -- index: a transcript's layers; newest version
  -- index: the same producer over the same content is the same run (idempotent re-run)
  UNIQUE (tenant_id, transcript_id, kind, producer_name, producer_version, params_hash, transcript_content_hash),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, transcript_id) REFERENCES transcripts (tenant_id, id) ON DELETE CASCADE
);

-- Operations ---------------------------------------------------------------------------------

CREATE TABLE jobs (
  id                INTEGER PRIMARY KEY,
  public_id         BLOB    NOT NULL UNIQUE CHECK (length(public_id) = 16),  -- index: lookup by public id
  tenant_id         INTEGER REFERENCES tenants (id),  -- NULL for system jobs
  kind              TEXT    NOT NULL CHECK (length(kind) BETWEEN 1 AND 100),
  payload           TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
  status            TEXT    NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'dead', 'cancelled')),
  priority          INTEGER NOT NULL DEFAULT 0,
  run_at            INTEGER NOT NULL,
  attempts          INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts      INTEGER NOT NULL DEFAULT 5 CHECK (max_attempts BETWEEN 1 AND 100),
  lease_owner       TEXT,
  lease_expires_at  INTEGER,
  last_error        TEXT,
  idempotency_key   TEXT    CHECK (idempotency_key IS NULL OR length(idempotency_key) BETWEEN 1 AND 200),
  finished_at       INTEGER,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  CHECK (status <> 'running' OR (lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL))
);
-- index: the claim (highest priority, earliest due first) over queued jobs only
CREATE INDEX jobs_claim ON jobs (priority DESC, run_at) WHERE status = 'queued';
-- index: reclaim of expired leases
CREATE INDEX jobs_lease ON jobs (lease_expires_at) WHERE status = 'running';
-- index: a tenant's jobs by status (GET /v1/jobs); tenant_id index
CREATE INDEX jobs_tenant ON jobs (tenant_id, status, id);
-- index: enqueue with an idempotency key returns the existing job (system jobs share tenant 0)
CREATE UNIQUE INDEX jobs_idempotency ON jobs (coalesce(tenant_id, 0), kind, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

CREATE TABLE pipeline_checkpoints (
  id          INTEGER PRIMARY KEY,
  pipeline    TEXT    NOT NULL CHECK (length(pipeline) BETWEEN 1 AND 100),
  tenant_id   INTEGER REFERENCES tenants (id),  -- NULL: one cursor for all tenants
  position    INTEGER NOT NULL DEFAULT 0 CHECK (position >= 0),
  state       TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(state)),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
-- index: a pipeline's cursor (per tenant, or global with tenant 0)
CREATE UNIQUE INDEX pipeline_checkpoints_key ON pipeline_checkpoints (pipeline, coalesce(tenant_id, 0));
CREATE INDEX pipeline_checkpoints_tenant ON pipeline_checkpoints (tenant_id);  -- index: tenant_id

-- The outbox: written in the same transaction as the change it describes. `position` is
-- assigned in commit order (the writer holds the database's write lock), so a reader that
-- remembers the last position it saw never skips an event.
CREATE TABLE event_logs (
  id                INTEGER PRIMARY KEY,
  position          INTEGER NOT NULL UNIQUE,  -- index: the feed in commit order (all tenants)
  tenant_id         INTEGER REFERENCES tenants (id),
  event_type        TEXT    NOT NULL CHECK (length(event_type) BETWEEN 1 AND 100),
  entity_type       TEXT    NOT NULL CHECK (length(entity_type) BETWEEN 1 AND 100),
  entity_public_id  BLOB    CHECK (entity_public_id IS NULL OR length(entity_public_id) = 16),
  payload           TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
  created_at        INTEGER NOT NULL
);
CREATE INDEX event_logs_tenant ON event_logs (tenant_id, position);  -- index: a tenant's feed

-- Who did what: append-only, each tenant's records chained by hash so tampering shows.
-- Actor ids are plain values, not foreign keys: the record outlives the user or token.
CREATE TABLE audit_logs (
  id                  INTEGER PRIMARY KEY,
  public_id           BLOB    NOT NULL UNIQUE CHECK (length(public_id) = 16),  -- index: lookup by public id
  tenant_id           INTEGER REFERENCES tenants (id),  -- NULL: a system-level action
  actor_user_id       INTEGER,
  actor_token_id      INTEGER,
  actor               TEXT    NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
  action              TEXT    NOT NULL CHECK (length(action) BETWEEN 1 AND 100),
  resource_type       TEXT    NOT NULL CHECK (length(resource_type) BETWEEN 1 AND 100),
  resource_public_id  BLOB    CHECK (resource_public_id IS NULL OR length(resource_public_id) = 16),
  outcome             TEXT    NOT NULL CHECK (outcome IN ('allowed', 'denied', 'failed')),
  client_address      TEXT,
  user_agent          TEXT,
  request_id          TEXT,
  details             TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(details)),
  prev_hash           BLOB    NOT NULL CHECK (length(prev_hash) = 32),
  hash                BLOB    NOT NULL UNIQUE CHECK (length(hash) = 32),  -- index: one record per chain link
  created_at          INTEGER NOT NULL
);
CREATE INDEX audit_logs_tenant ON audit_logs (tenant_id, id);  -- index: a tenant's log in order; chain head

CREATE TRIGGER audit_logs_no_update BEFORE UPDATE ON audit_logs
BEGIN
  SELECT RAISE(ABORT, 'audit_logs is append-only');
END;
CREATE TRIGGER audit_logs_no_delete BEFORE DELETE ON audit_logs
BEGIN
  SELECT RAISE(ABORT, 'audit_logs is append-only');
END;
