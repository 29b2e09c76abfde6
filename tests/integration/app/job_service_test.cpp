// Proves that the job queue's operator actions are audited like every other mutation (issue 17),
// on both backends: enqueueing, cancelling and retrying a job each write one audit record in the
// job's tenant, naming the job, in the same transaction (a rolled-back action leaves none); an
// enqueue answered from its idempotency key writes nothing; a system job's records go to the
// system chain.
#include <gtest/gtest.h>

#include "app/job_service.hpp"
#include "integration/store/fixtures.hpp"

namespace narralytica {
namespace {

using app::JobService;
using store::Backend;
using namespace narralytica::testing;

class JobServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = make_test_database(GetParam());
    if (!db_) GTEST_SKIP();
    tenant_ = create_tenant(db_->app(), "acme");
  }

  // Runs `work(tx, scope)` in a write transaction of the tenant; commits when `commit`.
  template <class Work>
  auto in_tenant(Work work, bool commit = true) {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    EXPECT_TRUE(tx.ok());
    auto scope = store::Authorizer::authorize(*tx, test_operator(), tenant_, app::kJobsWrite);
    EXPECT_TRUE(scope.ok());
    auto result = work(*tx, *scope);
    EXPECT_TRUE(result.ok()) << result.error().describe();
    if (commit) {
      EXPECT_TRUE(tx->commit().ok());
    }
    return std::move(result).value();
  }

  std::int64_t audits(const std::string& action, const Uuid& job) {
    return count_rows(db_->owner(), "audit_logs",
                      "action = '" + action + "' AND resource_type = 'job' AND tenant_id = " +
                          std::to_string(tenant_.id) + " AND resource_public_id = " + id_literal(job));
  }

  std::string id_literal(const Uuid& id) const {
    if (GetParam() == Backend::postgres) return "'" + id.to_string() + "'";
    std::string hex = "X'";
    static constexpr char kDigits[] = "0123456789abcdef";
    for (unsigned char b : id.byte_view()) {
      hex += kDigits[b >> 4];
      hex += kDigits[b & 15];
    }
    return hex + "'";
  }

  std::unique_ptr<TestDatabase> db_;
  store::Tenant tenant_;
};

TEST_P(JobServiceTest, EnqueueCancelAndRetryEachWriteOneAuditRecord) {
  store::JobDraft draft;
  draft.kind = "test.audited";
  draft.idempotency_key = "once";
  auto enqueued = in_tenant([&](store::Transaction& tx, const store::TenantScope& scope) {
    return JobService::enqueue(tx, scope, draft);
  });
  ASSERT_TRUE(enqueued.created);
  const Uuid job = enqueued.job.public_id;
  EXPECT_EQ(audits("job.enqueue", job), 1);

  // The same key again returns the job and changes nothing, so nothing is audited.
  auto again = in_tenant([&](store::Transaction& tx, const store::TenantScope& scope) {
    return JobService::enqueue(tx, scope, draft);
  });
  EXPECT_FALSE(again.created);
  EXPECT_EQ(audits("job.enqueue", job), 1);

  auto cancelled = in_tenant([&](store::Transaction& tx, const store::TenantScope& scope) {
    return JobService::cancel(tx, scope, job);
  });
  EXPECT_EQ(cancelled.status, store::JobStatus::cancelled);
  EXPECT_EQ(audits("job.cancel", job), 1);

  auto retried = in_tenant([&](store::Transaction& tx, const store::TenantScope& scope) {
    return JobService::retry(tx, scope, job);
  });
  EXPECT_EQ(retried.status, store::JobStatus::queued);
  EXPECT_EQ(audits("job.retry", job), 1);
  EXPECT_EQ(audits("job.enqueue", job), 1);
  EXPECT_EQ(audits("job.cancel", job), 1);
}

TEST_P(JobServiceTest, AnActionRolledBackLeavesNoAuditRecord) {
  store::JobDraft draft;
  draft.kind = "test.rolled_back";
  auto enqueued = in_tenant(
      [&](store::Transaction& tx, const store::TenantScope& scope) { return JobService::enqueue(tx, scope, draft); },
      /*commit=*/false);
  EXPECT_EQ(audits("job.enqueue", enqueued.job.public_id), 0);
  EXPECT_EQ(count_rows(db_->owner(), "jobs", "kind = 'test.rolled_back'"), 0);
}

TEST_P(JobServiceTest, AFailedActionWritesNoAuditRecord) {
  store::JobDraft draft;
  draft.kind = "test.finished";
  auto enqueued = in_tenant([&](store::Transaction& tx, const store::TenantScope& scope) {
    return JobService::enqueue(tx, scope, draft);
  });
  const Uuid job = enqueued.job.public_id;
  {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    ASSERT_TRUE(tx.ok());
    auto scope = store::Authorizer::authorize(*tx, test_operator(), tenant_, app::kJobsWrite);
    ASSERT_TRUE(scope.ok());
    auto refused = JobService::retry(*tx, *scope, job);  // a queued job cannot be retried
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::conflict);
    // Committing what is left proves that the refusal queued no record.
    EXPECT_TRUE(tx->commit().ok());
  }
  EXPECT_EQ(audits("job.retry", job), 0);
}

TEST_P(JobServiceTest, ASystemJobIsAuditedInTheSystemChain) {
  auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
  ASSERT_TRUE(tx.ok());
  store::JobDraft draft;
  draft.kind = "test.system";
  auto enqueued = JobService::enqueue(*tx, store::SystemScope::because(test_operator().actor), std::nullopt, draft);
  ASSERT_TRUE(enqueued.ok()) << enqueued.error().describe();
  ASSERT_TRUE(tx->commit().ok());
  EXPECT_EQ(count_rows(db_->owner(), "audit_logs",
                       "action = 'job.enqueue' AND tenant_id IS NULL AND actor = '" + test_operator().actor.label + "'"),
            1);
}

TEST(JobFilterTest, AnUnknownStatusIsRefusedNamingTheField) {
  auto filter = app::job_filter(std::string("finished"), std::nullopt);
  ASSERT_FALSE(filter.ok());
  EXPECT_EQ(filter.error().field, "status");
  auto dead = app::job_filter(std::string("dead"), std::string("events.prune"));
  ASSERT_TRUE(dead.ok());
  EXPECT_TRUE(dead->status == store::JobStatus::dead);
  EXPECT_TRUE(dead->kind == std::string("events.prune"));
}

INSTANTIATE_TEST_SUITE_P(Backends, JobServiceTest, ::testing::Values(Backend::sqlite, Backend::postgres),
                         backend_name);

}  // namespace
}  // namespace narralytica
