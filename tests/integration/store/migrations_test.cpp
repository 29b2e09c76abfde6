// Proves the migrations runner's promises on both backends: a fresh database reaches the newest
// schema, running again changes nothing, an edited applied migration is refused, two runners at
// once are safe, and a failing migration leaves the database as it was and names the statement.
#include <gtest/gtest.h>

#include <thread>

#include "store/migrations.hpp"
#include "store/ops/audit_log.hpp"
#include "store/ops/event_feed.hpp"
#include "store/tenancy/tenant_repository.hpp"
#include "support/test_database.hpp"

namespace narralytica {
namespace {

using store::Backend;
using narralytica::EmbeddedFile;
using store::MigrationRunner;

class MigrationsTest : public ::testing::TestWithParam<Backend> {};

std::vector<store::Migration> load(std::span<const EmbeddedFile> files) {
  auto migrations = store::load_migrations(files);
  EXPECT_TRUE(migrations.ok()) << migrations.error().describe();
  return std::move(migrations).value();
}

// The migrations numbered below `version`: a test of one migration applies those before it,
// fills the database, then applies that migration alone.
std::vector<store::Migration> before(const std::vector<store::Migration>& migrations, int version) {
  std::vector<store::Migration> earlier;
  for (const auto& m : migrations) {
    if (m.version < version) earlier.push_back(m);
  }
  return earlier;
}

bool table_exists(store::Database& db, const std::string& table) {
  auto lease = db.acquire();
  const std::string sql = db.backend() == Backend::sqlite
                              ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $1"
                              : "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = $1";
  auto s = (*lease)->prepare(sql);
  (*s)->bind_text(1, table);
  EXPECT_TRUE(*(*s)->step());
  bool exists = (*s)->column_int64(0) > 0;
  (*s)->reset();
  return exists;
}

TEST_P(MigrationsTest, FreshApplyThenReapplyIsNoOp) {
  NARRALYTICA_TEST_DB(db, GetParam(), /*migrate=*/false);
  const auto migrations = load(store::embedded_migrations(GetParam()));
  MigrationRunner runner(db->owner(), migrations);
  auto first = runner.apply();
  ASSERT_TRUE(first.ok()) << first.error().describe();
  EXPECT_EQ(first->size(), migrations.size());
  EXPECT_TRUE(table_exists(db->owner(), "segments"));
  EXPECT_TRUE(table_exists(db->owner(), "audit_logs"));

  auto second = runner.apply();
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->empty());
  auto status = runner.status();
  ASSERT_TRUE(status.ok());
  for (const auto& m : *status) EXPECT_TRUE(m.applied_at.has_value()) << m.name;
  EXPECT_TRUE(*runner.is_current());
}

TEST_P(MigrationsTest, ChangedChecksumIsRefused) {
  NARRALYTICA_TEST_DB(db, GetParam(), /*migrate=*/false);
  const std::string original = "CREATE TABLE probe (id integer)";
  const std::string edited = "CREATE TABLE probe (id integer, extra integer)";
  const EmbeddedFile v1[] = {{"0001_probe.sql", original}};
  ASSERT_TRUE(MigrationRunner(db->owner(), load(v1)).apply().ok());

  const EmbeddedFile v2[] = {{"0001_probe.sql", edited}};
  MigrationRunner runner(db->owner(), load(v2));
  auto applied = runner.apply();
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.error().code, ErrorCode::precondition_failed);
  EXPECT_NE(applied.error().message.find("0001_probe.sql was changed after it was applied"), std::string::npos)
      << applied.error().message;
  EXPECT_FALSE(runner.status().ok());
}

TEST_P(MigrationsTest, UnknownAppliedMigrationIsRefused) {
  NARRALYTICA_TEST_DB(db, GetParam(), /*migrate=*/false);
  const EmbeddedFile newer[] = {{"0001_a.sql", "CREATE TABLE a (id integer)"},
                                {"0002_b.sql", "CREATE TABLE b (id integer)"}};
  ASSERT_TRUE(MigrationRunner(db->owner(), load(newer)).apply().ok());
  const EmbeddedFile older[] = {{"0001_a.sql", "CREATE TABLE a (id integer)"}};
  auto applied = MigrationRunner(db->owner(), load(older)).apply();
  ASSERT_FALSE(applied.ok());
  EXPECT_NE(applied.error().message.find("does not know"), std::string::npos);
}

TEST_P(MigrationsTest, FailedMigrationRollsBackAndNamesTheStatement) {
  NARRALYTICA_TEST_DB(db, GetParam(), /*migrate=*/false);
  const EmbeddedFile files[] = {
      {"0001_ok.sql", "CREATE TABLE kept (id integer)"},
      {"0002_broken.sql", "CREATE TABLE half (id integer);\n\nINSERT INTO no_such_table VALUES (1);"},
  };
  MigrationRunner runner(db->owner(), load(files));
  auto applied = runner.apply();
  ASSERT_FALSE(applied.ok());
  EXPECT_NE(applied.error().message.find("0002_broken.sql failed"), std::string::npos) << applied.error().message;
  EXPECT_NE(applied.error().field.find("line 3"), std::string::npos) << applied.error().field;
  EXPECT_NE(applied.error().field.find("no_such_table"), std::string::npos) << applied.error().field;
  EXPECT_TRUE(table_exists(db->owner(), "kept"));
  EXPECT_FALSE(table_exists(db->owner(), "half"));  // rolled back with its migration
  auto status = runner.status();
  ASSERT_TRUE(status.ok());
  EXPECT_TRUE((*status)[0].applied_at.has_value());
  EXPECT_FALSE((*status)[1].applied_at.has_value());
}

TEST_P(MigrationsTest, ConcurrentRunnersApplyEachMigrationOnce) {
  NARRALYTICA_TEST_DB(db, GetParam(), /*migrate=*/false);
  const auto migrations = load(store::embedded_migrations(GetParam()));
  // Two independent pools, as two processes would have.
  auto first_pool = db->open(store::ConnectRole::owner);
  auto second_pool = db->open(store::ConnectRole::owner);
  Result<std::vector<int>> first = std::vector<int>{}, second = std::vector<int>{};
  std::thread a([&] { first = MigrationRunner(*first_pool, migrations).apply(); });
  std::thread b([&] { second = MigrationRunner(*second_pool, migrations).apply(); });
  a.join();
  b.join();
  ASSERT_TRUE(first.ok()) << first.error().describe();
  ASSERT_TRUE(second.ok()) << second.error().describe();
  EXPECT_EQ(first->size() + second->size(), migrations.size());
  auto lease = db->owner().acquire();
  auto s = (*lease)->prepare("SELECT count(*) FROM schema_migrations");
  ASSERT_TRUE(*(*s)->step());
  EXPECT_EQ((*s)->column_int64(0), static_cast<std::int64_t>(migrations.size()));
}

// Runs `sql` as the owner after replacing {uuid} and {hash} with fresh values of the backend's type.
Status run_raw(store::Database& db, std::string sql) {
  const bool sqlite = db.backend() == Backend::sqlite;
  auto replace = [&](const std::string& key, const std::string& value) {
    for (auto pos = sql.find(key); pos != std::string::npos; pos = sql.find(key)) sql.replace(pos, key.size(), value);
  };
  replace("{uuid}", sqlite ? "randomblob(16)" : "gen_random_uuid()");
  replace("{hash}", sqlite ? "randomblob(32)" : "decode(md5(random()::text) || md5(random()::text), 'hex')");
  auto lease = db.acquire();
  return (*lease)->execute_script(sql);
}

std::int64_t count_where(store::Database& db, const std::string& sql) {
  auto lease = db.acquire();
  auto s = (*lease)->prepare(sql);
  EXPECT_TRUE(s.ok()) << s.error().describe();
  EXPECT_TRUE(*(*s)->step());
  const std::int64_t n = (*s)->column_int64(0);
  (*s)->reset();
  return n;
}

// 0008 (decision 0010) over a database that already has segments: transcript_speakers is filled
// with exactly the speakers each transcript's segments use, every segment survives unchanged, the
// old speaker index is gone and the new key is enforced.
TEST_P(MigrationsTest, TranscriptSpeakersAreBackfilledFromExistingSegments) {
  NARRALYTICA_TEST_DB(db, GetParam(), /*migrate=*/false);
  const auto migrations = load(store::embedded_migrations(GetParam()));
  ASSERT_EQ(before(migrations, 8).size(), 7u);
  ASSERT_TRUE(MigrationRunner(db->owner(), before(migrations, 8)).apply().ok());
  const char* setup = R"(
INSERT INTO tenants (public_id, slug, name, created_at, updated_at) VALUES ({uuid}, 'm8', 'M8', 1, 1);
INSERT INTO videos (public_id, tenant_id, title, created_at, updated_at)
  SELECT {uuid}, id, 'v', 1, 1 FROM tenants WHERE slug = 'm8';
INSERT INTO speakers (public_id, tenant_id, video_id, label, created_at, updated_at)
  SELECT {uuid}, tenant_id, id, 'S0', 1, 1 FROM videos;
INSERT INTO speakers (public_id, tenant_id, video_id, label, created_at, updated_at)
  SELECT {uuid}, tenant_id, id, 'S1', 1, 1 FROM videos;
INSERT INTO speakers (public_id, tenant_id, video_id, label, created_at, updated_at)
  SELECT {uuid}, tenant_id, id, 'S2', 1, 1 FROM videos;
INSERT INTO transcripts (public_id, tenant_id, video_id, language, revision, origin, content_hash, created_at, updated_at)
  SELECT {uuid}, tenant_id, id, 'en', 1, 'asr', {hash}, 1, 1 FROM videos;
INSERT INTO transcripts (public_id, tenant_id, video_id, language, revision, origin, content_hash, created_at, updated_at)
  SELECT {uuid}, tenant_id, id, 'fr', 1, 'asr', {hash}, 1, 1 FROM videos;
INSERT INTO segments (tenant_id, transcript_id, ordinal, start_ms, end_ms, speaker_id, text, created_at, updated_at)
  SELECT t.tenant_id, t.id, o.n, o.n * 10, o.n * 10 + 5, s.id, 'text', 1, 1
  FROM transcripts t
  JOIN (SELECT 0 AS n, 'S0' AS label UNION ALL SELECT 1, 'S1' UNION ALL SELECT 2, 'S0' UNION ALL SELECT 3, NULL) o
    ON t.language = 'en'
  LEFT JOIN speakers s ON s.tenant_id = t.tenant_id AND s.video_id = t.video_id AND s.label = o.label;
INSERT INTO segments (tenant_id, transcript_id, ordinal, start_ms, end_ms, speaker_id, text, created_at, updated_at)
  SELECT t.tenant_id, t.id, 0, 0, 5, s.id, 'text', 1, 1
  FROM transcripts t JOIN speakers s ON s.tenant_id = t.tenant_id AND s.video_id = t.video_id AND s.label = 'S1'
  WHERE t.language = 'fr';
)";
  const auto filled = run_raw(db->owner(), setup);
  ASSERT_TRUE(filled.ok()) << filled.error().describe();

  auto applied = MigrationRunner(db->owner(), before(migrations, 10)).apply();
  ASSERT_TRUE(applied.ok()) << applied.error().describe();
  EXPECT_EQ(*applied, (std::vector<int>{8, 9}));

  auto pairs = [&](const std::string& table) {
    return count_where(db->owner(), "SELECT count(*) FROM (SELECT DISTINCT t.language, s.label FROM " + table +
                                        " x JOIN transcripts t ON t.id = x.transcript_id JOIN speakers s ON s.id = "
                                        "x.speaker_id) p");
  };
  EXPECT_EQ(count_where(db->owner(), "SELECT count(*) FROM transcript_speakers"), 3);  // en: S0, S1; fr: S1
  EXPECT_EQ(pairs("transcript_speakers"), 3);
  EXPECT_EQ(pairs("segments"), 3);
  EXPECT_EQ(count_where(db->owner(),
                        "SELECT count(*) FROM transcript_speakers ts JOIN speakers s ON s.id = ts.speaker_id "
                        "WHERE s.label = 'S2'"),
            0);
  EXPECT_EQ(count_where(db->owner(), "SELECT count(*) FROM segments"), 5);
  EXPECT_EQ(count_where(db->owner(), "SELECT count(*) FROM segments WHERE speaker_id IS NULL AND ordinal = 3"), 1);
  EXPECT_EQ(count_where(db->owner(), GetParam() == Backend::sqlite
                                         ? "SELECT count(*) FROM sqlite_master WHERE name = 'segments_speaker'"
                                         : "SELECT count(*) FROM pg_indexes WHERE indexname = 'segments_speaker'"),
            0);
  // The fr transcript does not list S0: a segment of S0 there is refused.
  EXPECT_FALSE(run_raw(db->owner(),
                       "INSERT INTO segments (tenant_id, transcript_id, ordinal, start_ms, end_ms, speaker_id, text, "
                       "created_at, updated_at) SELECT t.tenant_id, t.id, 9, 0, 5, s.id, 'x', 1, 1 FROM transcripts t "
                       "JOIN speakers s ON s.video_id = t.video_id AND s.label = 'S0' WHERE t.language = 'fr'")
                   .ok());
}

// 0012 (people) over a database with persons in the old form (speakers rows without a video,
// linked through identity_speaker_id): each becomes a person with the same public id and its
// display name, every link survives as a person_speakers row, and no speaker without a video is
// left.
TEST_P(MigrationsTest, IdentitySpeakersBecomePeopleKeepingTheirIdsAndLinks) {
  NARRALYTICA_TEST_DB(db, GetParam(), /*migrate=*/false);
  const auto migrations = load(store::embedded_migrations(GetParam()));
  ASSERT_TRUE(MigrationRunner(db->owner(), before(migrations, 12)).apply().ok());
  const char* setup = R"(
INSERT INTO tenants (public_id, slug, name, created_at, updated_at) VALUES ({uuid}, 'm12', 'M12', 1, 1);
INSERT INTO videos (public_id, tenant_id, title, created_at, updated_at)
  SELECT {uuid}, id, 'v1', 1, 1 FROM tenants WHERE slug = 'm12';
INSERT INTO videos (public_id, tenant_id, title, created_at, updated_at)
  SELECT {uuid}, id, 'v2', 1, 1 FROM tenants WHERE slug = 'm12';
INSERT INTO speakers (public_id, tenant_id, video_id, label, display_name, created_at, updated_at)
  SELECT {uuid}, id, NULL, 'Ada', 'Ada L.', 1, 1 FROM tenants WHERE slug = 'm12';
INSERT INTO speakers (public_id, tenant_id, video_id, label, created_at, updated_at)
  SELECT {uuid}, id, NULL, 'Bob', 1, 1 FROM tenants WHERE slug = 'm12';
INSERT INTO speakers (public_id, tenant_id, video_id, label, identity_speaker_id, created_at, updated_at)
  SELECT {uuid}, v.tenant_id, v.id, 'S0', p.id, 1, 1 FROM videos v
  JOIN speakers p ON p.tenant_id = v.tenant_id AND p.video_id IS NULL AND p.label = 'Ada';
INSERT INTO speakers (public_id, tenant_id, video_id, label, created_at, updated_at)
  SELECT {uuid}, tenant_id, id, 'S1', 1, 1 FROM videos;
CREATE TABLE m12_old_ids AS SELECT public_id, label FROM speakers WHERE video_id IS NULL;
)";
  const auto filled = run_raw(db->owner(), setup);
  ASSERT_TRUE(filled.ok()) << filled.error().describe();

  auto applied = MigrationRunner(db->owner(), migrations).apply();
  ASSERT_TRUE(applied.ok()) << applied.error().describe();
  EXPECT_EQ(count_where(db->owner(), "SELECT count(*) FROM people"), 2);
  EXPECT_EQ(count_where(db->owner(), "SELECT count(*) FROM people WHERE name = 'Ada L.'"), 1);
  EXPECT_EQ(count_where(db->owner(), "SELECT count(*) FROM people WHERE name = 'Bob'"), 1);
  EXPECT_EQ(count_where(db->owner(), "SELECT count(*) FROM speakers WHERE video_id IS NULL"), 0);
  EXPECT_EQ(count_where(db->owner(), "SELECT count(*) FROM speakers"), 4);  // S0 and S1 of both videos
  // Both S0s are Ada's, by the same public id as before.
  EXPECT_EQ(count_where(db->owner(),
                        "SELECT count(*) FROM person_speakers ps JOIN people p ON p.id = ps.person_id "
                        "JOIN speakers s ON s.id = ps.speaker_id WHERE p.name = 'Ada L.' AND s.label = 'S0'"),
            2);
  EXPECT_EQ(count_where(db->owner(), "SELECT count(*) FROM person_speakers"), 2);
  EXPECT_EQ(count_where(db->owner(), "SELECT count(*) FROM people p JOIN m12_old_ids o ON o.public_id = p.public_id "
                                     "AND (o.label = p.name OR o.label = 'Ada')"),
            2);
}

// 0009 repairs layers.item_span_max where 0006's backfill left 0 (row-level security hid the runs
// from an owner that is not a superuser): a run whose items span segments 0-3 and 1-2 gets 3, a
// run that was right keeps its value, and the immutability trigger is back in force after.
TEST_P(MigrationsTest, LayerSpansAreRepairedWhereTheBackfillMissedThem) {
  NARRALYTICA_TEST_DB(db, GetParam(), /*migrate=*/false);
  if (GetParam() != Backend::postgres) GTEST_SKIP() << "row-level security is PostgreSQL's";
  const auto migrations = load(store::embedded_migrations(GetParam()));
  ASSERT_TRUE(MigrationRunner(db->owner(), before(migrations, 9)).apply().ok());
  const char* setup = R"(
INSERT INTO tenants (public_id, slug, name, created_at, updated_at) VALUES ({uuid}, 'm9', 'M9', 1, 1);
INSERT INTO videos (public_id, tenant_id, title, created_at, updated_at)
  SELECT {uuid}, id, 'v', 1, 1 FROM tenants WHERE slug = 'm9';
INSERT INTO transcripts (public_id, tenant_id, video_id, language, revision, origin, content_hash, created_at, updated_at)
  SELECT {uuid}, tenant_id, id, 'en', 1, 'asr', {hash}, 1, 1 FROM videos;
INSERT INTO segments (tenant_id, transcript_id, ordinal, start_ms, end_ms, text, created_at, updated_at)
  SELECT t.tenant_id, t.id, n, n * 10, n * 10 + 5, 'text', 1, 1 FROM transcripts t, generate_series(0, 4) n;
INSERT INTO layers (public_id, tenant_id, transcript_id, kind, version, producer_name, producer_version,
                    params_hash, transcript_content_hash, item_span_max, created_at, updated_at)
  SELECT {uuid}, tenant_id, id, k.kind, 1, 'p', '1', {hash}, content_hash, k.span, 1, 1
  FROM transcripts, (VALUES ('x-chapters', 0), ('x-right', 1)) AS k (kind, span);
INSERT INTO layer_items (tenant_id, layer_id, ordinal, transcript_id, segment_ordinal_first, segment_ordinal_last,
                         start_ms, end_ms, payload, created_at)
  SELECT l.tenant_id, l.id, i.n, l.transcript_id, i.first, i.last, 0, 40, '{}', 1
  FROM layers l, (VALUES (0, 0, 3), (1, 1, 2)) AS i (n, first, last) WHERE l.kind = 'x-chapters';
INSERT INTO layer_items (tenant_id, layer_id, ordinal, transcript_id, segment_ordinal_first, segment_ordinal_last,
                         start_ms, end_ms, payload, created_at)
  SELECT l.tenant_id, l.id, 0, l.transcript_id, 2, 3, 20, 35, '{}', 1 FROM layers l WHERE l.kind = 'x-right';
)";
  const auto filled = run_raw(db->owner(), setup);
  ASSERT_TRUE(filled.ok()) << filled.error().describe();

  auto applied = MigrationRunner(db->owner(), before(migrations, 10)).apply();
  ASSERT_TRUE(applied.ok()) << applied.error().describe();
  EXPECT_EQ(*applied, std::vector<int>{9});
  EXPECT_EQ(count_where(db->owner(), "SELECT item_span_max FROM layers WHERE kind = 'x-chapters'"), 3);
  EXPECT_EQ(count_where(db->owner(), "SELECT item_span_max FROM layers WHERE kind = 'x-right'"), 1);
  EXPECT_FALSE(run_raw(db->owner(), "UPDATE layers SET item_span_max = 7").ok()) << "the trigger is enabled again";
}

// 0010 (decision 0012) rebuilds the two append-only logs over existing records: the feed keeps
// its positions in order, every audit chain still verifies, the next change appends after them,
// the audit log is still append-only, and the key on hash is gone.
TEST_P(MigrationsTest, LogsKeepTheirRecordsThroughTheLeanRebuild) {
  NARRALYTICA_TEST_DB(db, GetParam(), /*migrate=*/false);
  const auto migrations = load(store::embedded_migrations(GetParam()));
  ASSERT_TRUE(MigrationRunner(db->owner(), before(migrations, 10)).apply().ok());
  // Today's tenant creation grants every permission today's built-in roles name, some of which
  // later migrations add (0013: webhooks). They are in the catalog while the old-layout records
  // are written, and taken out again before the rest is applied, so 0013 adds them as in the field.
  const char* later_permissions = "webhooks";
  ASSERT_TRUE(run_raw(db->owner(), std::string("INSERT INTO permissions (action, resource, description, created_at, "
                                               "updated_at) SELECT a, '") + later_permissions +
                                       "', 'test', 1, 1 FROM (SELECT 'read' AS a UNION ALL SELECT 'write' UNION ALL "
                                       "SELECT 'delete') x")
                  .ok());
  const auto system = store::SystemScope::because(store::Actor{std::nullopt, std::nullopt, "cli:test"});
  auto write_tenant = [&](const std::string& slug) {
    auto tx = store::Transaction::begin(db->owner(), store::TxMode::write);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(store::TenantRepository::create(*tx, system, slug, "Tenant " + slug).ok());
    ASSERT_TRUE(tx->commit().ok());
  };
  write_tenant("m10a");
  write_tenant("m10b");
  auto feed = [&] {
    auto tx = store::Transaction::begin(db->owner(), store::TxMode::read);
    auto page = store::EventFeed::read(*tx, system, 0, 100);
    EXPECT_TRUE(page.ok());
    std::vector<std::pair<std::int64_t, std::string>> events;
    for (const auto& e : page->events) events.emplace_back(e.position, e.event_type);
    return events;
  };
  auto chains_verify = [&] {
    auto tx = store::Transaction::begin(db->owner(), store::TxMode::read);
    std::int64_t records = 0;
    for (const std::string slug : {"m10a", "m10b"}) {
      const auto id = count_where(db->owner(), "SELECT id FROM tenants WHERE slug = '" + slug + "'");
      auto chain = store::AuditLog::verify(*tx, system, id);
      EXPECT_TRUE(chain.ok());
      EXPECT_FALSE(chain->first_broken.has_value()) << slug;
      records += chain->records;
    }
    return records;
  };
  const auto events_before = feed();
  const auto audits_before = chains_verify();
  ASSERT_FALSE(events_before.empty());
  ASSERT_GT(audits_before, 0);

  ASSERT_TRUE(run_raw(db->owner(), std::string("DELETE FROM role_permissions WHERE permission_id IN (SELECT id FROM "
                                               "permissions WHERE resource = '") + later_permissions + "'); "
                                   "DELETE FROM permissions WHERE resource = '" + later_permissions + "';")
                  .ok());
  auto applied = MigrationRunner(db->owner(), migrations).apply();
  ASSERT_TRUE(applied.ok()) << applied.error().describe();
  EXPECT_EQ(applied->front(), 10);
  EXPECT_EQ(feed(), events_before);
  EXPECT_EQ(chains_verify(), audits_before);

  write_tenant("m10c");
  const auto events_after = feed();
  ASSERT_GT(events_after.size(), events_before.size());
  EXPECT_GT(events_after[events_before.size()].first, events_before.back().first);
  EXPECT_FALSE(run_raw(db->owner(), "UPDATE audit_logs SET actor = 'someone else'").ok()) << "append-only";
  EXPECT_FALSE(run_raw(db->owner(), "DELETE FROM audit_logs").ok()) << "append-only";
  EXPECT_EQ(count_where(db->owner(), GetParam() == Backend::sqlite
                                         ? "SELECT count(*) FROM pragma_index_list('audit_logs') WHERE \"unique\" = 1 "
                                           "AND name NOT IN (SELECT name FROM pragma_index_list('audit_logs') "
                                           "WHERE origin = 'pk')"
                                         : "SELECT count(*) FROM pg_constraint WHERE conrelid = 'audit_logs'::regclass "
                                           "AND contype = 'u'"),
            1)
      << "only public_id stays unique";
}

TEST(MigrationFiles, MisnamedFileIsRefused) {
  const EmbeddedFile files[] = {{"create_things.sql", "SELECT 1"}};
  auto loaded = store::load_migrations(files);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().field, "create_things.sql");
}

TEST(MigrationFiles, BothBackendsHaveTheSameVersions) {
  auto sqlite = load(store::embedded_migrations(Backend::sqlite));
  auto postgres = load(store::embedded_migrations(Backend::postgres));
  ASSERT_EQ(sqlite.size(), postgres.size());
  for (std::size_t i = 0; i < sqlite.size(); ++i) {
    EXPECT_EQ(sqlite[i].version, postgres[i].version);
    EXPECT_EQ(sqlite[i].name, postgres[i].name);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, MigrationsTest, ::testing::Values(Backend::sqlite, Backend::postgres),
                         testing::backend_name);

}  // namespace
}  // namespace narralytica
