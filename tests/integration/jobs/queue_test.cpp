// Proves the job queue's behaviour a user relies on, on both backends, with a fake clock (no
// sleeping for time): an expired lease is reclaimed and the job runs again (and ends dead after
// its last attempt); failures back off exponentially with jitter and end dead with the error kept;
// idempotency keys return the existing job per tenant and kind; a job cancelled while it runs
// stays cancelled and its worker learns it; dead jobs can be retried by hand; a job enqueued in a
// transaction that rolls back never exists; tenants see only their own jobs; a stopping pool
// finishes its running job and gives the rest back unstarted.
#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>

#include "integration/store/fixtures.hpp"
#include "jobs/worker_pool.hpp"
#include "store/ops/job_repository.hpp"

namespace narralytica {
namespace {

using store::Backend;
using store::JobStatus;
using namespace narralytica::testing;

constexpr UnixMicros kStart = 1'700'000'000'000'000;
constexpr std::int64_t kSecond = 1'000'000;

store::SystemScope system_scope() { return store::SystemScope::because(store::Actor{std::nullopt, std::nullopt, "test"}); }

class QueueTest : public ::testing::TestWithParam<Backend> {
 protected:
  FakeClock clock_{kStart};
  SeededRandom random_{42};
  store::StoreContext context() { return {&clock_, &random_}; }

  store::Job enqueue(store::Database& db, store::JobDraft draft) {
    auto tx = store::Transaction::begin(db, store::TxMode::write, context());
    EXPECT_TRUE(tx.ok());
    auto r = store::JobRepository::enqueue(*tx, system_scope(), std::nullopt, draft);
    EXPECT_TRUE(r.ok()) << r.error().describe();
    EXPECT_TRUE(tx->commit().ok());
    return r->job;
  }
  store::Job get(store::Database& db, const Uuid& id) {
    auto tx = store::Transaction::begin(db, store::TxMode::read, context());
    auto job = store::JobRepository::get(*tx, system_scope(), id);
    EXPECT_TRUE(job.ok()) << job.error().describe();
    return *job;
  }
  jobs::WorkerOptions options() {
    jobs::WorkerOptions o;
    o.store_context = context();
    o.lease_us = 30 * kSecond;
    o.heartbeat_us = 10 * kSecond;
    o.backoff.base_us = kSecond;
    o.backoff.cap_us = 60 * kSecond;
    o.backoff.jitter = 0.5;
    return o;
  }
};

TEST_P(QueueTest, ExpiredLeaseIsReclaimedAndRunsAgainThenDiesAfterLastAttempt) {
  NARRALYTICA_TEST_DB(db, GetParam());
  store::JobDraft draft;
  draft.kind = "test.work";
  draft.max_attempts = 2;
  const auto job = enqueue(db->app(), draft);

  // A worker claims the job and dies (it never reports).
  auto claim_as = [&](const std::string& owner) {
    auto tx = store::Transaction::begin(db->app(), store::TxMode::write, context());
    store::ClaimRequest request{owner, 10, 30 * kSecond, {}};
    auto claimed = store::JobRepository::claim(*tx, system_scope(), request);
    EXPECT_TRUE(claimed.ok()) << claimed.error().describe();
    EXPECT_TRUE(tx->commit().ok());
    return *claimed;
  };
  ASSERT_EQ(claim_as("dead-worker-1").size(), 1u);
  EXPECT_EQ(claim_as("other").size(), 0u) << "a leased job is not claimable";

  jobs::HandlerRegistry handlers;
  ASSERT_TRUE(handlers.add("test.work", [](jobs::JobContext&) { return ok_status(); }).ok());
  jobs::Worker worker(db->app(), handlers, options(), "live-worker");
  EXPECT_EQ(*worker.reclaim_expired(), 0) << "the lease has not expired yet";
  clock_.advance_us(30 * kSecond + 1);
  EXPECT_EQ(*worker.reclaim_expired(), 1);
  auto reclaimed = get(db->app(), job.public_id);
  EXPECT_EQ(reclaimed.status, JobStatus::queued);
  ASSERT_TRUE(reclaimed.last_error.has_value());
  EXPECT_NE(reclaimed.last_error->find("lease expired"), std::string::npos);

  // The first worker's late report is dropped: it no longer holds the lease.
  {
    auto tx = store::Transaction::begin(db->app(), store::TxMode::write, context());
    const std::int64_t ids[] = {job.id};
    EXPECT_TRUE(store::JobRepository::complete(*tx, system_scope(), "dead-worker-1", ids)->empty());
    ASSERT_TRUE(tx->commit().ok());
  }

  // Second (last) attempt: claimed and lost again, so the job ends dead with the reason kept.
  ASSERT_EQ(claim_as("dead-worker-2").size(), 1u);
  clock_.advance_us(31 * kSecond);
  EXPECT_EQ(*worker.reclaim_expired(), 1);
  auto dead = get(db->app(), job.public_id);
  EXPECT_EQ(dead.status, JobStatus::dead);
  EXPECT_EQ(dead.attempts, 2);
  EXPECT_NE(dead.last_error->find("dead-worker-2"), std::string::npos);
  EXPECT_EQ(*worker.step(), 0) << "a dead job is not run";
}

// A worker claims only the kinds it serves, in claim order (priority, then due time), past jobs
// of other kinds and jobs not yet due. (The claim walks the claim-order index and tests the kind
// on the rows it meets; see decision record 0006.)
TEST_P(QueueTest, ClaimTakesOnlyItsKindsInPriorityThenDueOrder) {
  NARRALYTICA_TEST_DB(db, GetParam());
  auto job = [&](const char* kind, int priority, std::int64_t due_in_s) {
    store::JobDraft draft;
    draft.kind = kind;
    draft.priority = priority;
    draft.run_at = kStart + due_in_s * kSecond;
    return enqueue(db->app(), draft).id;
  };
  const auto late_a = job("test.a", 0, -5);
  job("test.c", 9, -10);  // first in claim order, but not this worker's kind
  const auto early_a = job("test.a", 0, -20);
  const auto top_b = job("test.b", 5, -1);
  const auto not_due_a = job("test.a", 7, 60);
  const auto mid_a = job("test.a", 3, -1);
  job("test.c", 0, -30);
  auto claim = [&](int limit) {
    auto tx = store::Transaction::begin(db->app(), store::TxMode::write, context());
    store::ClaimRequest request{"kinds-worker", limit, 30 * kSecond, {"test.a", "test.b"}};
    auto claimed = store::JobRepository::claim(*tx, system_scope(), request);
    EXPECT_TRUE(claimed.ok()) << claimed.error().describe();
    EXPECT_TRUE(tx->commit().ok());
    std::vector<std::int64_t> ids;
    for (const auto& j : *claimed) ids.push_back(j.id);
    return ids;
  };
  EXPECT_EQ(claim(2), (std::vector<std::int64_t>{top_b, mid_a}));
  EXPECT_EQ(claim(10), (std::vector<std::int64_t>{early_a, late_a}));
  EXPECT_TRUE(claim(10).empty()) << "test.c is not this worker's kind and test.a at priority 7 is not due";
  clock_.advance_us(61 * kSecond);
  EXPECT_EQ(claim(10), (std::vector<std::int64_t>{not_due_a}));
  EXPECT_EQ(count_rows(db->owner(), "jobs", "kind = 'test.c' AND status = 'queued'"), 2);
}

TEST_P(QueueTest, HeartbeatKeepsTheLease) {
  NARRALYTICA_TEST_DB(db, GetParam());
  store::JobDraft draft;
  draft.kind = "test.slow";
  const auto job = enqueue(db->app(), draft);
  jobs::HandlerRegistry handlers;
  jobs::Worker* self = nullptr;
  int reclaimed_during_run = -1;
  ASSERT_TRUE(handlers.add("test.slow", [&](jobs::JobContext& context) {
    // A long run: time passes beyond the lease, but heartbeats extend it.
    for (int i = 0; i < 5; ++i) {
      clock_.advance_us(20 * kSecond);
      EXPECT_TRUE(self->heartbeat().ok());
    }
    reclaimed_during_run = static_cast<int>(*self->reclaim_expired());
    EXPECT_FALSE(context.cancelled.load());
    return ok_status();
  }).ok());
  jobs::Worker worker(db->app(), handlers, options(), "w");
  self = &worker;
  EXPECT_EQ(*worker.step(), 1);
  ASSERT_TRUE(worker.drain().ok());
  EXPECT_EQ(reclaimed_during_run, 0);
  EXPECT_EQ(get(db->app(), job.public_id).status, JobStatus::succeeded);
}

TEST_P(QueueTest, FailuresBackOffExponentiallyWithJitterThenDieWithTheErrorKept) {
  NARRALYTICA_TEST_DB(db, GetParam());
  store::JobDraft draft;
  draft.kind = "test.flaky";
  draft.max_attempts = 4;
  const auto job = enqueue(db->app(), draft);
  jobs::HandlerRegistry handlers;
  int calls = 0;
  ASSERT_TRUE(handlers.add("test.flaky", [&](jobs::JobContext&) -> Status {
    ++calls;
    return make_error(ErrorCode::unavailable, "upstream said no #" + std::to_string(calls));
  }).ok());
  jobs::Worker worker(db->app(), handlers, options(), "w");

  std::vector<std::int64_t> delays;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    EXPECT_EQ(*worker.step(), 1);
    auto after = get(db->app(), job.public_id);
    ASSERT_EQ(after.status, JobStatus::queued);
    const std::int64_t delay = after.run_at - clock_.now_us();
    const std::int64_t full = kSecond << (attempt - 1);  // 1 s, 2 s, 4 s
    EXPECT_LE(delay, full);
    EXPECT_GE(delay, full / 2) << "jitter takes at most half off";
    delays.push_back(delay);
    EXPECT_EQ(*worker.step(), 0) << "not due before its backoff";
    clock_.set_us(after.run_at);
  }
  EXPECT_EQ(*worker.step(), 1);
  auto dead = get(db->app(), job.public_id);
  EXPECT_EQ(dead.status, JobStatus::dead);
  EXPECT_EQ(dead.attempts, 4);
  ASSERT_TRUE(dead.last_error.has_value());
  EXPECT_NE(dead.last_error->find("upstream said no #4"), std::string::npos);
  EXPECT_TRUE(dead.finished_at.has_value());
  EXPECT_EQ(worker.metrics().retried, 3);
  EXPECT_EQ(worker.metrics().dead, 1);

  // Jitter is drawn from the injected random source: not all delays are exact powers of two.
  EXPECT_FALSE(delays[0] == kSecond && delays[1] == 2 * kSecond && delays[2] == 4 * kSecond);

  // Retry by hand: queued again with fresh attempts, error kept until the next attempt settles.
  {
    auto tx = store::Transaction::begin(db->app(), store::TxMode::write, context());
    auto retried = store::JobRepository::retry(*tx, system_scope(), job.public_id);
    ASSERT_TRUE(retried.ok()) << retried.error().describe();
    EXPECT_EQ(retried->status, JobStatus::queued);
    EXPECT_EQ(retried->attempts, 0);
    EXPECT_TRUE(retried->last_error.has_value());
    auto again = store::JobRepository::retry(*tx, system_scope(), job.public_id);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, ErrorCode::conflict);
    ASSERT_TRUE(tx->commit().ok());
  }
  EXPECT_EQ(*worker.step(), 1);
  EXPECT_EQ(calls, 5);
}

TEST_P(QueueTest, BackoffIsCappedAndDeterministicForASeed) {
  jobs::BackoffPolicy policy{kSecond, 10 * kSecond, 0.5};
  SeededRandom a(7), b(7);
  for (int attempts = 1; attempts < 80; ++attempts) {
    const auto d = policy.delay_us(attempts, a);
    EXPECT_EQ(d, policy.delay_us(attempts, b));
    EXPECT_LE(d, 10 * kSecond);
    EXPECT_GE(d, kSecond / 2);
  }
}

TEST_P(QueueTest, IdempotencyKeyReturnsTheExistingJobPerTenantAndKind) {
  NARRALYTICA_TEST_DB(db, GetParam());
  auto tenant_a = create_tenant(db->app(), "alpha");
  auto tenant_b = create_tenant(db->app(), "beta");
  auto tx = store::Transaction::begin(db->app(), store::TxMode::write, context());
  auto scope_a = operator_scope(*tx, tenant_a);
  store::JobDraft draft;
  draft.kind = "index.video";
  draft.payload_json = R"({"video":1})";
  draft.idempotency_key = "video-1";
  auto first = store::JobRepository::enqueue(*tx, scope_a, draft);
  ASSERT_TRUE(first.ok()) << first.error().describe();
  EXPECT_TRUE(first->created);
  draft.payload_json = R"({"video":"different"})";
  auto second = store::JobRepository::enqueue(*tx, scope_a, draft);
  ASSERT_TRUE(second.ok()) << second.error().describe();
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->job.public_id, first->job.public_id);
  EXPECT_EQ(second->job.payload_json.find("different"), std::string::npos) << "the existing job is returned as is";

  draft.kind = "index.other";
  auto other_kind = store::JobRepository::enqueue(*tx, scope_a, draft);
  EXPECT_TRUE(other_kind->created);
  auto scope_b = operator_scope(*tx, tenant_b);
  draft.kind = "index.video";
  auto other_tenant = store::JobRepository::enqueue(*tx, scope_b, draft);
  ASSERT_TRUE(other_tenant.ok());
  EXPECT_TRUE(other_tenant->created);
  EXPECT_NE(other_tenant->job.public_id, first->job.public_id);

  // Tenant B cannot see tenant A's job; the system scope sees all three.
  auto hidden = store::JobRepository::get(*tx, scope_b, first->job.public_id);
  ASSERT_FALSE(hidden.ok());
  EXPECT_EQ(hidden.error().code, ErrorCode::not_found);
  auto listed_b = store::JobRepository::list(*tx, scope_b, {}, {});
  ASSERT_TRUE(listed_b.ok());
  EXPECT_EQ(listed_b->items.size(), 1u);
  auto all = store::JobRepository::list(*tx, system_scope(), {}, {});
  EXPECT_EQ(all->items.size(), 3u);
  store::JobFilter by_kind;
  by_kind.kind = "index.other";
  EXPECT_EQ(store::JobRepository::list(*tx, system_scope(), by_kind, {})->items.size(), 1u);
  ASSERT_TRUE(tx->commit().ok());

  // Bad input is refused with the field named.
  auto tx2 = store::Transaction::begin(db->app(), store::TxMode::write, context());
  store::JobDraft bad;
  bad.kind = "x";
  bad.payload_json = "[1]";
  auto refused = store::JobRepository::enqueue(*tx2, system_scope(), std::nullopt, bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "payload");
}

TEST_P(QueueTest, ListPagesByKeysetAndFiltersByStatus) {
  NARRALYTICA_TEST_DB(db, GetParam());
  for (int i = 0; i < 7; ++i) {
    store::JobDraft draft;
    draft.kind = "test.page";
    enqueue(db->app(), draft);
    clock_.advance_us(1000);
  }
  auto tx = store::Transaction::begin(db->app(), store::TxMode::read, context());
  store::PageRequest page{std::nullopt, 3};
  std::vector<Uuid> seen;
  for (int round = 0; round < 5; ++round) {
    auto listed = store::JobRepository::list(*tx, system_scope(), {}, page);
    ASSERT_TRUE(listed.ok()) << listed.error().describe();
    for (const auto& j : listed->items) seen.push_back(j.public_id);
    if (!listed->next_after) break;
    page.after = listed->next_after;
  }
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  store::JobFilter dead;
  dead.status = JobStatus::dead;
  EXPECT_TRUE(store::JobRepository::list(*tx, system_scope(), dead, {})->items.empty());
  auto depth = store::JobRepository::depth(*tx, system_scope(), clock_.now_us());
  ASSERT_TRUE(depth.ok()) << depth.error().describe();
  EXPECT_EQ(depth->queued, 7);
  EXPECT_EQ(depth->queued_due, 7);
  EXPECT_EQ(depth->oldest_due_run_at, kStart);
}

TEST_P(QueueTest, JobEnqueuedInARolledBackTransactionNeverExists) {
  NARRALYTICA_TEST_DB(db, GetParam());
  auto tenant = create_tenant(db->app(), "acme");
  {
    auto tx = store::Transaction::begin(db->app(), store::TxMode::write, context());
    auto scope = operator_scope(*tx, tenant);
    store::VideoDraft video;
    video.title = "Hearing";
    auto created = store::VideoRepository::create(*tx, scope, video);
    ASSERT_TRUE(created.ok()) << created.error().describe();
    store::JobDraft draft;
    draft.kind = "index.video";
    draft.payload_json = "{\"video\":\"" + created->public_id.to_string() + "\"}";
    ASSERT_TRUE(store::JobRepository::enqueue(*tx, scope, draft).ok());
    ASSERT_TRUE(tx->rollback().ok());
  }
  EXPECT_EQ(count_rows(db->owner(), "jobs"), 0);
  EXPECT_EQ(count_rows(db->owner(), "videos"), 0);
  {
    auto tx = store::Transaction::begin(db->app(), store::TxMode::write, context());
    auto scope = operator_scope(*tx, tenant);
    store::VideoDraft video;
    video.title = "Hearing";
    ASSERT_TRUE(store::VideoRepository::create(*tx, scope, video).ok());
    store::JobDraft draft;
    draft.kind = "index.video";
    ASSERT_TRUE(store::JobRepository::enqueue(*tx, scope, draft).ok());
    ASSERT_TRUE(tx->commit().ok());
  }
  EXPECT_EQ(count_rows(db->owner(), "jobs"), 1);
  EXPECT_EQ(count_rows(db->owner(), "videos"), 1);
}

TEST_P(QueueTest, JobCancelledWhileRunningStaysCancelledAndTheWorkerIsTold) {
  NARRALYTICA_TEST_DB(db, GetParam());
  store::JobDraft draft;
  draft.kind = "test.long";
  const auto job = enqueue(db->app(), draft);
  jobs::HandlerRegistry handlers;
  jobs::Worker* self = nullptr;
  bool saw_cancel = false;
  ASSERT_TRUE(handlers.add("test.long", [&](jobs::JobContext& context) -> Status {
    // An operator cancels the job while it runs.
    auto tx = store::Transaction::begin(db->app(), store::TxMode::write, this->context());
    auto cancelled = store::JobRepository::cancel(*tx, system_scope(), context.job.public_id);
    EXPECT_TRUE(cancelled.ok()) << cancelled.error().describe();
    EXPECT_TRUE(tx->commit().ok());
    EXPECT_FALSE(context.cancelled.load());
    EXPECT_TRUE(self->heartbeat().ok());  // the next heartbeat tells the handler
    saw_cancel = context.cancelled.load();
    return ok_status();  // finishing anyway: the outcome is dropped
  }).ok());
  jobs::Worker worker(db->app(), handlers, options(), "w");
  self = &worker;
  EXPECT_EQ(*worker.step(), 1);
  ASSERT_TRUE(worker.drain().ok());
  EXPECT_TRUE(saw_cancel);
  auto after = get(db->app(), job.public_id);
  EXPECT_EQ(after.status, JobStatus::cancelled);
  EXPECT_EQ(worker.metrics().lease_lost, 1);
  EXPECT_EQ(worker.metrics().succeeded, 0);

  // A finished job cannot be cancelled.
  auto tx = store::Transaction::begin(db->app(), store::TxMode::write, context());
  auto again = store::JobRepository::cancel(*tx, system_scope(), job.public_id);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
}

TEST_P(QueueTest, StoppingPoolFinishesTheRunningJobAndReleasesTheRest) {
  NARRALYTICA_TEST_DB(db, GetParam());
  // Real time here (threads), but nothing waits for time to pass: a latch orders the steps.
  for (int i = 0; i < 10; ++i) {
    store::JobDraft draft;
    draft.kind = "test.block";
    enqueue(db->app(), draft);
  }
  std::mutex mutex;
  std::condition_variable changed;
  bool started = false, may_finish = false;
  int runs = 0;
  jobs::HandlerRegistry handlers;
  ASSERT_TRUE(handlers.add("test.block", [&](jobs::JobContext&) {
    std::unique_lock lock(mutex);
    ++runs;
    started = true;
    changed.notify_all();
    changed.wait(lock, [&] { return may_finish; });
    return ok_status();
  }).ok());
  jobs::WorkerOptions o;
  o.concurrency = 1;
  o.claim_batch = 10;
  jobs::WorkerPool pool(db->app(), handlers, o);
  ASSERT_TRUE(pool.start().ok());
  {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return started; });
  }
  pool.request_stop();
  {
    std::lock_guard lock(mutex);
    may_finish = true;
    changed.notify_all();
  }
  pool.stop();
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(count_rows(db->owner(), "jobs", "status = 'succeeded'"), 1);
  EXPECT_EQ(count_rows(db->owner(), "jobs", "status = 'queued' AND attempts = 0 AND lease_owner IS NULL"), 9);
  EXPECT_EQ(count_rows(db->owner(), "jobs", "status = 'running'"), 0);
  EXPECT_EQ(pool.metrics().released, 9);
}

INSTANTIATE_TEST_SUITE_P(Backends, QueueTest, ::testing::Values(Backend::sqlite, Backend::postgres), backend_name);

}  // namespace
}  // namespace narralytica
