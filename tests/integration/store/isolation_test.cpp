// Proves tenant isolation: a tenant-A scope can neither read nor change tenant-B rows through any
// repository call (an id of B's answers exactly like an id that does not exist), and on
// PostgreSQL the database enforces the same with the repositories' own filter bypassed: raw SQL
// as the application role under tenant A's setting sees none of B's rows and cannot write any.
#include <gtest/gtest.h>

#include "fixtures.hpp"

namespace narralytica {
namespace {

using store::Backend;
using namespace narralytica::testing;

class IsolationTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = make_test_database(GetParam());
    if (!db_) return;
    tenant_a_ = create_tenant(db_->app(), "tenant-a");
    tenant_b_ = create_tenant(db_->app(), "tenant-b");
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    auto scope_b = operator_scope(*tx, tenant_b_);
    auto video = store::VideoRepository::create(*tx, scope_b, store::VideoDraft{"B's secret", "", "en", 5000, {}, {}});
    ASSERT_TRUE(video.ok());
    video_b_ = *video;
    auto transcript = store::TranscriptRepository::create(*tx, scope_b, video_b_, sample_transcript(5));
    ASSERT_TRUE(transcript.ok());
    transcript_b_ = transcript->transcript;
    ASSERT_TRUE(tx->commit().ok());
  }

  std::unique_ptr<TestDatabase> db_;
  store::Tenant tenant_a_, tenant_b_;
  store::Video video_b_;
  store::Transcript transcript_b_;
};

TEST_P(IsolationTest, TenantAScopeCannotReachTenantBRows) {
  if (!db_) return;
  auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
  auto scope_a = operator_scope(*tx, tenant_a_);
  const Uuid missing = Uuid::v7(SystemClock::instance(), SecureRandom::instance());

  auto get = store::VideoRepository::get(*tx, scope_a, video_b_.public_id);
  auto get_missing = store::VideoRepository::get(*tx, scope_a, missing);
  ASSERT_FALSE(get.ok());
  EXPECT_EQ(get.error().code, ErrorCode::not_found);
  EXPECT_EQ(get.error().code, get_missing.error().code);

  store::VideoPatch patch;
  patch.title = "hijacked";
  EXPECT_EQ(store::VideoRepository::update(*tx, scope_a, video_b_.public_id, patch).error().code, ErrorCode::not_found);
  EXPECT_EQ(store::VideoRepository::remove(*tx, scope_a, video_b_.public_id).error().code, ErrorCode::not_found);
  EXPECT_EQ(store::TranscriptRepository::get(*tx, scope_a, transcript_b_.public_id).error().code, ErrorCode::not_found);
  EXPECT_EQ(store::TranscriptRepository::remove(*tx, scope_a, transcript_b_.public_id).error().code,
            ErrorCode::not_found);
  // Even holding B's transcript record (as a bug might), A's scope reads none of its segments.
  auto segments = store::TranscriptRepository::segments(*tx, scope_a, transcript_b_, store::SegmentQuery{});
  ASSERT_TRUE(segments.ok());
  EXPECT_TRUE(segments->items.empty());
  auto listed = store::VideoRepository::list(*tx, scope_a, store::PageRequest{});
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->items.empty());
  ASSERT_TRUE(tx->commit().ok());

  EXPECT_EQ(count_rows(db_->owner(), "videos", "title = 'B''s secret'"), 1);  // untouched
}

// Runs `sql` on an application-role connection inside a transaction that set tenant A.
Result<std::int64_t> count_as_app(store::Database& app, std::int64_t tenant, const std::string& sql) {
  ASSIGN_OR_RETURN(auto lease, app.acquire());
  RETURN_IF_ERROR(lease->begin(false));
  RETURN_IF_ERROR(lease->execute_script("SELECT set_config('narralytica.tenant_id', '" + std::to_string(tenant) +
                                        "', true)"));
  ASSIGN_OR_RETURN(store::Statement * s, lease->prepare(sql));
  ASSIGN_OR_RETURN(bool row, s->step());
  std::int64_t n = row ? s->column_int64(0) : -1;
  s->reset();
  RETURN_IF_ERROR(lease->rollback());
  return n;
}

TEST_P(IsolationTest, PostgresRowLevelSecurityHidesOtherTenantsFromRawSql) {
  if (!db_) return;
  if (GetParam() != Backend::postgres) GTEST_SKIP() << "row-level security is PostgreSQL's";
  const std::string b = std::to_string(tenant_b_.id);
  for (const std::string table : {"videos", "transcripts", "segments", "speakers", "roles", "role_permissions",
                                  "event_logs", "audit_logs"}) {
    // Control: B's own setting sees B's rows, so the zero below is the policy's doing.
    auto as_b = count_as_app(db_->app(), tenant_b_.id, "SELECT count(*) FROM " + table + " WHERE tenant_id = " + b);
    ASSERT_TRUE(as_b.ok()) << as_b.error().describe();
    EXPECT_GT(*as_b, 0) << table;
    auto as_a = count_as_app(db_->app(), tenant_a_.id, "SELECT count(*) FROM " + table + " WHERE tenant_id = " + b);
    ASSERT_TRUE(as_a.ok()) << as_a.error().describe();
    EXPECT_EQ(*as_a, 0) << table;
  }
  // With no tenant set at all, nothing is visible either.
  auto lease = db_->app().acquire();
  auto s = (*lease)->prepare("SELECT count(*) FROM videos");
  ASSERT_TRUE(*(*s)->step());
  EXPECT_EQ((*s)->column_int64(0), 0);
  (*s)->reset();

  // Writing a row into B while acting for A is refused by the policy's WITH CHECK.
  ASSERT_TRUE((*lease)->begin(true).ok());
  ASSERT_TRUE((*lease)->execute_script("SELECT set_config('narralytica.tenant_id', '" +
                                       std::to_string(tenant_a_.id) + "', true)").ok());
  auto insert = (*lease)->execute_script(
      "INSERT INTO videos (public_id, tenant_id, title, created_at, updated_at) VALUES "
      "('00000000-0000-7000-8000-000000000001', " + b + ", 'planted', 1, 1)");
  ASSERT_FALSE(insert.ok());
  EXPECT_NE(insert.error().message.find("row-level security"), std::string::npos) << insert.error().message;
  ASSERT_TRUE((*lease)->rollback().ok());

  // And the application role cannot rewrite history.
  ASSERT_TRUE((*lease)->begin(true).ok());
  ASSERT_TRUE((*lease)->execute_script("SELECT set_config('narralytica.tenant_id', '" + b + "', true)").ok());
  auto forged = (*lease)->execute_script("UPDATE audit_logs SET action = 'x'");
  ASSERT_FALSE(forged.ok());
  EXPECT_EQ(forged.error().code, ErrorCode::permission_denied);
  ASSERT_TRUE((*lease)->rollback().ok());
}

TEST_P(IsolationTest, ApplicationRoleOwnsNothingAndCannotBypassSecurity) {
  if (!db_) return;
  if (GetParam() != Backend::postgres) GTEST_SKIP() << "roles are PostgreSQL's";
  auto lease = db_->app().acquire();
  auto s = (*lease)->prepare(
      "SELECT r.rolsuper, r.rolbypassrls, (SELECT count(*) FROM pg_tables t WHERE t.tableowner = current_user) "
      "FROM pg_roles r WHERE r.rolname = current_user");
  ASSERT_TRUE(*(*s)->step());
  EXPECT_FALSE((*s)->column_bool(0));
  EXPECT_FALSE((*s)->column_bool(1));
  EXPECT_EQ((*s)->column_int64(2), 0);
}

// The job queue's system scope plans generically; other system work (authentication) keeps the
// default, and tenant work entered after the queue's scope in one transaction gets it back.
TEST_P(IsolationTest, QueueScopeUsesGenericPlansAndTenantScopeTheDefaultAgain) {
  if (!db_) return;
  if (GetParam() != Backend::postgres) GTEST_SKIP() << "plan_cache_mode is PostgreSQL's";
  auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
  ASSERT_TRUE(tx.ok());
  auto plan_mode = [&]() -> std::string {
    auto s = tx->prepare("SELECT current_setting('plan_cache_mode')");
    if (!s.ok() || !*(*s)->step()) return "error";
    std::string mode = (*s)->column_text(0);
    (*s)->reset();
    return mode;
  };
  const auto system = store::SystemScope::because(store::Actor{std::nullopt, std::nullopt, "test"});
  ASSERT_TRUE(tx->enter(system).ok());
  EXPECT_EQ(plan_mode(), "auto");
  ASSERT_TRUE(tx->enter(system.with_generic_plans()).ok());
  EXPECT_EQ(plan_mode(), "force_generic_plan");
  auto scope_a = operator_scope(*tx, tenant_a_);
  ASSERT_TRUE(tx->enter(scope_a).ok());
  EXPECT_EQ(plan_mode(), "auto");
  ASSERT_TRUE(tx->rollback().ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, IsolationTest, ::testing::Values(Backend::sqlite, Backend::postgres),
                         testing::backend_name);

}  // namespace
}  // namespace narralytica
