// Proves that the database itself refuses what the domain forbids, with raw SQL that bypasses
// every repository: references across tenants, inverted time ranges, dangling references, empty
// text, unknown statuses, and edits of the append-only audit log.
#include <gtest/gtest.h>

#include "fixtures.hpp"

namespace narralytica {
namespace {

using store::Backend;
using namespace narralytica::testing;

class ConstraintsTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = make_test_database(GetParam());
    if (!db_) return;
    tenant_a_ = create_tenant(db_->app(), "tenant-a");
    tenant_b_ = create_tenant(db_->app(), "tenant-b");
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    auto scope = operator_scope(*tx, tenant_a_);
    auto video = store::VideoRepository::create(*tx, scope, store::VideoDraft{"A video", "", "en", 60'000, {}, {}});
    ASSERT_TRUE(video.ok());
    auto transcript = store::TranscriptRepository::create(*tx, scope, *video, sample_transcript(3));
    ASSERT_TRUE(transcript.ok()) << transcript.error().describe();
    ASSERT_TRUE(tx->commit().ok());
    video_a_ = id_of("videos", "tenant_id = " + std::to_string(tenant_a_.id));
    transcript_a_ = id_of("transcripts", "tenant_id = " + std::to_string(tenant_a_.id));
  }

  std::int64_t id_of(const std::string& table, const std::string& where) {
    auto lease = db_->owner().acquire();
    auto s = (*lease)->prepare("SELECT id FROM " + table + " WHERE " + where + " LIMIT 1");
    EXPECT_TRUE(s.ok() && *(*s)->step());
    auto id = (*s)->column_int64(0);
    (*s)->reset();
    return id;
  }

  // Runs raw SQL as the owner; placeholders {A}, {B}, {video_a}, {transcript_a}, {id} and {now}
  // are replaced first.
  Status raw(std::string sql) {
    auto replace = [&](const std::string& key, const std::string& value) {
      for (auto pos = sql.find(key); pos != std::string::npos; pos = sql.find(key)) sql.replace(pos, key.size(), value);
    };
    static int counter = 0;
    const std::string uuid = GetParam() == Backend::sqlite
                                 ? "randomblob(16)"
                                 : "'00000000-0000-7000-8000-" + std::to_string(100000000000 + ++counter) + "'";
    replace("{A}", std::to_string(tenant_a_.id));
    replace("{B}", std::to_string(tenant_b_.id));
    replace("{video_a}", std::to_string(video_a_));
    replace("{transcript_a}", std::to_string(transcript_a_));
    replace("{id}", uuid);
    replace("{hash}", GetParam() == Backend::sqlite ? "randomblob(32)" : "decode(repeat('ab', 32), 'hex')");
    replace("{now}", "1700000000000000");
    auto lease = db_->owner().acquire();
    return (*lease)->execute_script(sql);
  }

  void expect_refused(const std::string& sql, const std::string& why) {
    auto status = raw(sql);
    EXPECT_FALSE(status.ok()) << "accepted: " << why << "\n" << sql;
  }

  std::unique_ptr<TestDatabase> db_;
  store::Tenant tenant_a_, tenant_b_;
  std::int64_t video_a_ = 0, transcript_a_ = 0;
};

#define REQUIRE_DB() \
  if (!db_) return

TEST_P(ConstraintsTest, ControlRowIsAccepted) {
  REQUIRE_DB();
  // The same shape as the refused rows below, but valid: proves the refusals are the rules'.
  auto status = raw(
      "INSERT INTO segments (tenant_id, transcript_id, ordinal, start_ms, end_ms, text, created_at, "
      "updated_at) VALUES ({A}, {transcript_a}, 100, 5, 10, 'ok', {now}, {now})");
  EXPECT_TRUE(status.ok()) << status.error().describe();
}

TEST_P(ConstraintsTest, CrossTenantReferenceIsRefused) {
  REQUIRE_DB();
  expect_refused(
      "INSERT INTO segments (tenant_id, transcript_id, ordinal, start_ms, end_ms, text, created_at, "
      "updated_at) VALUES ({B}, {transcript_a}, 100, 0, 10, 'x', {now}, {now})",
      "a tenant-B segment pointing at tenant A's transcript");
  expect_refused(
      "INSERT INTO transcripts (public_id, tenant_id, video_id, language, revision, origin, content_hash, "
      "created_at, updated_at) VALUES ({id}, {B}, {video_a}, 'en', 1, 'asr', {hash}, {now}, {now})",
      "a tenant-B transcript of tenant A's video");
  expect_refused(
      "INSERT INTO video_sources (public_id, tenant_id, video_id, kind, uri, created_at, updated_at) "
      "VALUES ({id}, {B}, {video_a}, 'url', 'https://x', {now}, {now})",
      "a tenant-B source for tenant A's video");
}

TEST_P(ConstraintsTest, InvertedOrNegativeTimeRangeIsRefused) {
  REQUIRE_DB();
  expect_refused(
      "INSERT INTO segments (tenant_id, transcript_id, ordinal, start_ms, end_ms, text, created_at, "
      "updated_at) VALUES ({A}, {transcript_a}, 100, 500, 400, 'x', {now}, {now})",
      "end_ms before start_ms");
  expect_refused(
      "INSERT INTO segments (tenant_id, transcript_id, ordinal, start_ms, end_ms, text, created_at, "
      "updated_at) VALUES ({A}, {transcript_a}, 101, -5, 10, 'x', {now}, {now})",
      "negative start_ms");
  expect_refused("UPDATE videos SET duration_ms = -1 WHERE id = {video_a}", "negative duration");
}

TEST_P(ConstraintsTest, DanglingReferenceIsRefused) {
  REQUIRE_DB();
  expect_refused(
      "INSERT INTO transcripts (public_id, tenant_id, video_id, language, revision, origin, content_hash, "
      "created_at, updated_at) VALUES ({id}, {A}, 987654321, 'en', 1, 'asr', {hash}, {now}, {now})",
      "a transcript of a video that does not exist");
  expect_refused(
      "INSERT INTO videos (public_id, tenant_id, title, created_at, updated_at) "
      "VALUES ({id}, 987654321, 'x', {now}, {now})",
      "a video of a tenant that does not exist");
  expect_refused(
      "INSERT INTO segments (tenant_id, transcript_id, ordinal, start_ms, end_ms, speaker_id, text, "
      "created_at, updated_at) VALUES ({A}, {transcript_a}, 102, 0, 10, 987654321, 'x', {now}, {now})",
      "a segment of a speaker that does not exist");
}

TEST_P(ConstraintsTest, EmptyTextsUnknownStatusesAndDuplicatesAreRefused) {
  REQUIRE_DB();
  expect_refused(
      "INSERT INTO segments (tenant_id, transcript_id, ordinal, start_ms, end_ms, text, created_at, "
      "updated_at) VALUES ({A}, {transcript_a}, 103, 0, 10, '', {now}, {now})",
      "empty segment text");
  expect_refused(
      "INSERT INTO segments (tenant_id, transcript_id, ordinal, start_ms, end_ms, text, created_at, "
      "updated_at) VALUES ({A}, {transcript_a}, 0, 0, 10, 'dup', {now}, {now})",
      "a second segment with the same ordinal");
  expect_refused("UPDATE tenants SET status = 'sleeping' WHERE id = {A}", "unknown tenant status");
  expect_refused("UPDATE tenants SET name = '   ' WHERE id = {A}", "blank tenant name");
  expect_refused("UPDATE tenants SET slug = 'tenant-b' WHERE id = {A}", "duplicate slug");
  expect_refused("UPDATE videos SET title = '' WHERE id = {video_a}", "empty title");
}

TEST_P(ConstraintsTest, AuditLogIsAppendOnly) {
  REQUIRE_DB();
  ASSERT_GT(count_rows(db_->owner(), "audit_logs"), 0);
  expect_refused("UPDATE audit_logs SET action = 'forged'", "editing an audit record");
  expect_refused("DELETE FROM audit_logs", "deleting audit records");
}

INSTANTIATE_TEST_SUITE_P(Backends, ConstraintsTest, ::testing::Values(Backend::sqlite, Backend::postgres),
                         testing::backend_name);

}  // namespace
}  // namespace narralytica
