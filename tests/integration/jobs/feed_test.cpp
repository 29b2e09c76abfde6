// Proves the event feed never skips an event and tells a consumer when it fell behind retention:
// on PostgreSQL two transactions that commit in the opposite order of their begin (and of the ids
// of the rows they wrote) reach a polling consumer in commit order, with nothing skipped; a
// transaction parked inside its commit holds back later committers instead of letting them
// overtake; a control experiment shows that positions taken at insert time would skip. Retention
// prunes a prefix, keeps the newest event (so SQLite never reuses a position) and reports
// consumers behind the horizon. Pipelines advance their checkpoint with their output, roll both
// back together, and replay idempotently after a reset. A pipeline that throws is caught like a
// failing job handler (rolled back, retried, logged by a running pool), never std::terminate, and
// does not hold back the pipelines after it.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "integration/store/fixtures.hpp"
#include "jobs/builtin_handlers.hpp"
#include "jobs/pipeline_runner.hpp"
#include "jobs/worker_pool.hpp"
#include "store/ops/checkpoint_repository.hpp"
#include "store/ops/event_feed.hpp"
#include "store/ops/job_repository.hpp"

namespace narralytica {
namespace {

using store::Backend;
using namespace narralytica::testing;

constexpr UnixMicros kStart = 1'700'000'000'000'000;
constexpr std::int64_t kSecond = 1'000'000;

store::SystemScope system_scope() { return store::SystemScope::because(store::Actor{std::nullopt, std::nullopt, "test"}); }

void record(store::Transaction& tx, const std::string& type) {
  store::EventRecord e;
  e.event_type = type;
  e.entity_type = "test";
  tx.record_event(e);
}

// A consumer that remembers only the last position it processed, as pipelines and API clients do.
struct Consumer {
  explicit Consumer(store::Database& database, std::int64_t start = 0) : db(database), after(start) {}
  store::Database& db;
  std::int64_t after = 0;
  std::vector<std::string> seen;
  void poll() {
    auto tx = store::Transaction::begin(db, store::TxMode::read);
    ASSERT_TRUE(tx.ok());
    auto page = store::EventFeed::read(*tx, system_scope(), after, store::kFeedLimitMax);
    ASSERT_TRUE(page.ok()) << page.error().describe();
    ASSERT_FALSE(page->behind_horizon);
    for (const auto& e : page->events) seen.push_back(e.event_type);
    after = page->next_after;
  }
};

class FeedTest : public ::testing::TestWithParam<Backend> {
 protected:
  FakeClock clock_{kStart};
  SeededRandom random_{9};
  store::StoreContext context() { return {&clock_, &random_}; }

  void commit_event(store::Database& db, const std::string& type) {
    auto tx = store::Transaction::begin(db, store::TxMode::write, context());
    ASSERT_TRUE(tx.ok());
    record(*tx, type);
    ASSERT_TRUE(tx->commit().ok());
  }
};

// Begins T1 then T2 (T1's job row gets the lower id), commits T2 first, then T1, polling the
// feed in between. The consumer must end up with both.
TEST_P(FeedTest, TransactionsCommittingInReverseOrderOfBeginAreNotSkipped) {
  NARRALYTICA_TEST_DB(db, GetParam());
  if (GetParam() == Backend::sqlite) GTEST_SKIP() << "SQLite has one writer: transactions cannot overlap";
  commit_event(db->app(), "before");
  Consumer consumer(db->app());
  consumer.poll();
  ASSERT_EQ(consumer.seen, std::vector<std::string>{"before"});

  std::promise<void> t1_written, t2_done, t1_may_commit;
  std::int64_t t1_job_id = 0, t2_job_id = 0;
  auto write_job = [&](store::Transaction& tx, const char* kind) {
    store::JobDraft draft;
    draft.kind = kind;
    auto r = store::JobRepository::enqueue(tx, system_scope(), std::nullopt, draft);
    EXPECT_TRUE(r.ok());
    return r->job.id;
  };
  std::thread t1([&] {
    auto tx = store::Transaction::begin(db->app(), store::TxMode::write);
    t1_job_id = write_job(*tx, "t1");
    record(*tx, "t1");
    t1_written.set_value();
    t1_may_commit.get_future().wait();
    EXPECT_TRUE(tx->commit().ok());
  });
  t1_written.get_future().wait();
  std::thread t2([&] {
    auto tx = store::Transaction::begin(db->app(), store::TxMode::write);
    t2_job_id = write_job(*tx, "t2");
    record(*tx, "t2");
    EXPECT_TRUE(tx->commit().ok());
    t2_done.set_value();
  });
  t2_done.get_future().wait();
  consumer.poll();  // sees t2 while t1 is still open
  EXPECT_EQ(consumer.seen, (std::vector<std::string>{"before", "t2"}));
  t1_may_commit.set_value();
  t1.join();
  t2.join();
  consumer.poll();
  EXPECT_LT(t1_job_id, t2_job_id) << "T1 began and wrote first";
  EXPECT_EQ(consumer.seen, (std::vector<std::string>{"before", "t2", "t1"})) << "feed order is commit order";
}

// T1 takes its position and is parked inside commit (after the outbox was written, before COMMIT);
// T2 then tries to commit. T2 must wait for T1, or T2's higher position would become visible while
// T1's lower one is not yet, and a consumer would move past T1.
TEST_P(FeedTest, ACommitterParkedAfterTakingItsPositionHoldsBackLaterCommitters) {
  NARRALYTICA_TEST_DB(db, GetParam());
  if (GetParam() == Backend::sqlite) GTEST_SKIP() << "SQLite has one writer: transactions cannot overlap";
  Consumer consumer(db->app());
  std::promise<void> t1_parked, t1_release;
  auto release_future = t1_release.get_future().share();
  std::thread t1([&] {
    auto tx = store::Transaction::begin(db->app(), store::TxMode::write);
    record(*tx, "t1");
    tx->set_before_commit([&]() -> Status {
      t1_parked.set_value();
      release_future.wait();
      return ok_status();
    });
    EXPECT_TRUE(tx->commit().ok());
  });
  t1_parked.get_future().wait();
  std::atomic<bool> t2_committed{false};
  std::thread t2([&] {
    auto tx = store::Transaction::begin(db->app(), store::TxMode::write);
    record(*tx, "t2");
    EXPECT_TRUE(tx->commit().ok());
    t2_committed.store(true);
  });
  // Wait (bounded) until T2's backend is seen waiting for a lock: T2 is queued behind T1.
  bool t2_waiting = false;
  for (int i = 0; i < 500 && !t2_waiting; ++i) {
    auto lease = db->owner().acquire();
    auto s = (*lease)->prepare(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE(*(*s)->step());
    t2_waiting = (*s)->column_int64(0) > 0;
    (*s)->reset();
    if (!t2_waiting) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(t2_waiting);
  EXPECT_FALSE(t2_committed.load());
  consumer.poll();
  EXPECT_TRUE(consumer.seen.empty()) << "nothing is visible while the lower position is uncommitted";
  t1_release.set_value();
  t1.join();
  t2.join();
  consumer.poll();
  EXPECT_EQ(consumer.seen, (std::vector<std::string>{"t1", "t2"}));
}

// Control: a position taken from a sequence when the row is inserted (not at commit) skips.
// This is the hole the outbox's commit-time, lock-ordered positions close.
TEST_P(FeedTest, ControlPositionsTakenAtInsertTimeWouldSkipAnEvent) {
  NARRALYTICA_TEST_DB(db, GetParam());
  if (GetParam() == Backend::sqlite) GTEST_SKIP() << "SQLite has one writer: transactions cannot overlap";
  auto t1 = db->owner().acquire();
  auto t2 = db->owner().acquire();
  constexpr const char* kNaiveInsert =
      "INSERT INTO event_logs (position, event_type, entity_type, payload, created_at) "
      "VALUES (nextval('event_logs_position_seq'), $1, 'test', '{}', 0)";
  constexpr const char* kSystem = "SELECT set_config('narralytica.system', 'on', true)";
  ASSERT_TRUE((*t1)->begin(true).ok());
  ASSERT_TRUE((*t1)->execute_script(kSystem).ok());
  auto s1 = (*t1)->prepare(kNaiveInsert);
  (*s1)->bind_text(1, "t1");
  ASSERT_TRUE((*s1)->execute().ok());
  ASSERT_TRUE((*t2)->begin(true).ok());
  ASSERT_TRUE((*t2)->execute_script(kSystem).ok());
  auto s2 = (*t2)->prepare(kNaiveInsert);
  (*s2)->bind_text(1, "t2");
  ASSERT_TRUE((*s2)->execute().ok());
  ASSERT_TRUE((*t2)->commit().ok());
  Consumer consumer(db->app());
  consumer.poll();
  ASSERT_TRUE((*t1)->commit().ok());
  consumer.poll();
  EXPECT_EQ(consumer.seen, std::vector<std::string>{"t2"}) << "t1 was skipped: the hole is real";
}

TEST_P(FeedTest, TenantFeedShowsOnlyThatTenantsEvents) {
  NARRALYTICA_TEST_DB(db, GetParam());
  auto a = create_tenant(db->app(), "alpha");
  auto b = create_tenant(db->app(), "beta");
  auto tx = store::Transaction::begin(db->app(), store::TxMode::read);
  auto scope_a = operator_scope(*tx, a);
  auto page = store::EventFeed::read(*tx, scope_a, 0, 100);
  ASSERT_TRUE(page.ok()) << page.error().describe();
  ASSERT_FALSE(page->events.empty());
  for (const auto& e : page->events) EXPECT_EQ(e.tenant_id, a.id);
  auto all = store::EventFeed::read(*tx, system_scope(), 0, 100);
  bool saw_b = false;
  for (const auto& e : all->events) saw_b |= e.tenant_id == b.id;
  EXPECT_TRUE(saw_b);
  EXPECT_FALSE(store::EventFeed::read(*tx, scope_a, 0, 0).ok());
}

TEST_P(FeedTest, RetentionPrunesAPrefixKeepsTheNewestAndReportsConsumersBehind) {
  NARRALYTICA_TEST_DB(db, GetParam());
  for (int i = 1; i <= 6; ++i) {
    commit_event(db->app(), "e" + std::to_string(i));
    clock_.advance_us(60 * kSecond);
  }
  // Prune everything older than now: all six are old, but the newest stays.
  jobs::HandlerRegistry handlers;
  ASSERT_TRUE(jobs::register_builtin_handlers(handlers).ok());
  {
    auto tx = store::Transaction::begin(db->app(), store::TxMode::write, context());
    store::JobDraft draft;
    draft.kind = jobs::kEventsPruneKind;
    draft.payload_json = R"({"retention_us": 1})";
    ASSERT_TRUE(store::JobRepository::enqueue(*tx, system_scope(), std::nullopt, draft).ok());
    ASSERT_TRUE(tx->commit().ok());
  }
  jobs::WorkerOptions options;
  options.store_context = context();
  jobs::Worker worker(db->app(), handlers, options, "w");
  EXPECT_EQ(*worker.step(), 1);
  ASSERT_TRUE(worker.drain().ok());
  EXPECT_EQ(count_rows(db->owner(), "jobs", "status = 'succeeded'"), 1);
  EXPECT_EQ(count_rows(db->owner(), "event_logs"), 1);

  auto tx = store::Transaction::begin(db->app(), store::TxMode::read, context());
  auto horizon = store::EventFeed::pruned_through(*tx, system_scope());
  ASSERT_TRUE(horizon.ok()) << horizon.error().describe();
  EXPECT_GT(*horizon, 0);
  auto behind = store::EventFeed::read(*tx, system_scope(), 0, 10);
  ASSERT_TRUE(behind.ok());
  EXPECT_TRUE(behind->behind_horizon);
  EXPECT_TRUE(behind->events.empty());
  EXPECT_EQ(behind->pruned_through, *horizon);
  auto resumed = store::EventFeed::read(*tx, system_scope(), *horizon, 10);
  ASSERT_TRUE(resumed.ok());
  EXPECT_FALSE(resumed->behind_horizon);
  ASSERT_EQ(resumed->events.size(), 1u);
  EXPECT_EQ(resumed->events[0].event_type, "e6");
  const auto newest = resumed->events[0].position;
  ASSERT_TRUE(tx->commit().ok());

  // The next event gets a fresh position above everything ever pruned.
  commit_event(db->app(), "e7");
  Consumer consumer(db->app(), newest);
  consumer.poll();
  EXPECT_EQ(consumer.seen, std::vector<std::string>{"e7"});
  EXPECT_GT(consumer.after, newest);
}

TEST_P(FeedTest, RetentionKeepsEventsYoungerThanTheHorizon) {
  NARRALYTICA_TEST_DB(db, GetParam());
  commit_event(db->app(), "old");
  clock_.advance_us(3600 * kSecond);
  commit_event(db->app(), "young1");
  commit_event(db->app(), "young2");
  auto tx = store::Transaction::begin(db->app(), store::TxMode::write, context());
  auto pruned = store::EventFeed::prune(*tx, system_scope(), clock_.now_us() - 60 * kSecond, 100);
  ASSERT_TRUE(pruned.ok()) << pruned.error().describe();
  EXPECT_EQ(*pruned, 1);
  ASSERT_TRUE(tx->commit().ok());
  EXPECT_EQ(count_rows(db->owner(), "event_logs"), 2);
}

TEST_P(FeedTest, PipelineAdvancesWithItsOutputRollsBackTogetherAndReplaysIdempotently) {
  NARRALYTICA_TEST_DB(db, GetParam());
  {
    auto lease = db->owner().acquire();
    ASSERT_TRUE((*lease)->execute_script(
        "CREATE TABLE test_projection (position bigint PRIMARY KEY, event_type text NOT NULL)").ok());
    if (GetParam() == Backend::postgres) {
      ASSERT_TRUE((*lease)->execute_script("GRANT ALL ON test_projection TO narralytica_app").ok());
    }
  }
  for (int i = 1; i <= 5; ++i) commit_event(db->app(), "e" + std::to_string(i));
  bool fail_next = false;
  jobs::PipelineRunner runner(db->app(), context());
  ASSERT_TRUE(runner.add({"projection", [&](store::Transaction& tx, std::span<const store::FeedEvent> events) -> Status {
    for (const auto& e : events) {
      ASSIGN_OR_RETURN(auto* s, tx.prepare(
          "INSERT INTO test_projection (position, event_type) VALUES ($1, $2) ON CONFLICT DO NOTHING"));
      s->bind_int64(1, e.position);
      s->bind_text(2, e.event_type);
      RETURN_IF_ERROR(s->execute());
    }
    if (fail_next) return make_error(ErrorCode::unavailable, "projection target down");
    return ok_status();
  }, 2}).ok());

  auto run = runner.run_once("projection");
  ASSERT_TRUE(run.ok()) << run.error().describe();
  EXPECT_EQ(run->processed, 2);
  EXPECT_EQ(run->head - run->position, 3) << "lag";
  EXPECT_EQ(count_rows(db->owner(), "test_projection"), 2);

  fail_next = true;
  EXPECT_FALSE(runner.run_once("projection").ok());
  EXPECT_EQ(count_rows(db->owner(), "test_projection"), 2) << "output rolled back with the checkpoint";
  fail_next = false;
  EXPECT_EQ(runner.run_all_once().processed, 2);
  EXPECT_EQ(runner.run_all_once().processed, 1);
  EXPECT_EQ(runner.run_all_once().processed, 0);
  EXPECT_EQ(count_rows(db->owner(), "test_projection"), 5);

  // Reset and replay: the output is written idempotently, nothing doubles.
  {
    auto tx = store::Transaction::begin(db->app(), store::TxMode::write, context());
    auto checkpoints = store::CheckpointRepository::list(*tx, system_scope());
    ASSERT_TRUE(checkpoints.ok());
    ASSERT_EQ(checkpoints->size(), 1u);
    EXPECT_EQ((*checkpoints)[0].pipeline, "projection");
    EXPECT_EQ(*store::CheckpointRepository::reset(*tx, system_scope(), "projection"), 1);
    EXPECT_FALSE(store::CheckpointRepository::reset(*tx, system_scope(), "nope").ok());
    ASSERT_TRUE(tx->commit().ok());
  }
  int replayed = 0;
  for (int i = 0; i < 10; ++i) {
    auto r = runner.run_once("projection");
    ASSERT_TRUE(r.ok());
    replayed += r->processed;
    if (r->processed == 0) break;
  }
  EXPECT_EQ(replayed, 5);
  EXPECT_EQ(count_rows(db->owner(), "test_projection"), 5);
}

TEST_P(FeedTest, PipelineBehindTheHorizonIsToldAndJumpsToIt) {
  NARRALYTICA_TEST_DB(db, GetParam());
  for (int i = 1; i <= 4; ++i) commit_event(db->app(), "e" + std::to_string(i));
  clock_.advance_us(10 * kSecond);
  {
    auto tx = store::Transaction::begin(db->app(), store::TxMode::write, context());
    EXPECT_EQ(*store::EventFeed::prune(*tx, system_scope(), clock_.now_us(), 100), 3);
    ASSERT_TRUE(tx->commit().ok());
  }
  int seen = 0;
  jobs::PipelineRunner runner(db->app(), context());
  ASSERT_TRUE(runner.add({"late", [&](store::Transaction&, std::span<const store::FeedEvent> events) {
    seen += static_cast<int>(events.size());
    return ok_status();
  }, 100}).ok());
  auto first = runner.run_once("late");
  ASSERT_TRUE(first.ok()) << first.error().describe();
  EXPECT_TRUE(first->behind_horizon);
  EXPECT_EQ(seen, 0);
  auto second = runner.run_once("late");
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->behind_horizon);
  EXPECT_EQ(seen, 1);
}

TEST_P(FeedTest, PipelineThatThrowsIsRolledBackAndReportedAndOthersStillRun) {
  NARRALYTICA_TEST_DB(db, GetParam());
  for (int i = 1; i <= 3; ++i) commit_event(db->app(), "e" + std::to_string(i));
  bool throw_next = true;
  int healthy_seen = 0, derived_calls = 0;
  jobs::PipelineRunner runner(db->app(), context());
  ASSERT_TRUE(runner.add({"throws", [&](store::Transaction& tx, std::span<const store::FeedEvent>) -> Status {
    // A write before the throw, so the test sees it rolled back.
    RETURN_IF_ERROR(store::CheckpointRepository::lock(tx, system_scope(), "scratch", std::nullopt));
    if (throw_next) throw std::runtime_error("projection bug");
    return ok_status();
  }, 100}).ok());
  ASSERT_TRUE(runner.add({"healthy", [&](store::Transaction&, std::span<const store::FeedEvent> events) {
    healthy_seen += static_cast<int>(events.size());
    return ok_status();
  }, 100}).ok());
  jobs::PipelineDefinition derived;
  derived.name = "derived-throws";
  derived.derived = [&](const jobs::DerivedBatch&) -> Status {
    ++derived_calls;
    throw 42;  // not even a std::exception
  };
  ASSERT_TRUE(runner.add(std::move(derived)).ok());

  auto run = runner.run_once("throws");
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.error().code, ErrorCode::internal);
  EXPECT_EQ(run.error().message, "pipeline threw: projection bug");
  EXPECT_EQ(run.error().field, "throws");
  EXPECT_EQ(count_rows(db->owner(), "pipeline_checkpoints"), 0) << "the batch's writes and the checkpoint rolled back";

  jobs::PipelineRound round = runner.run_all_once();
  EXPECT_EQ(round.processed, 3) << "the healthy pipeline after the failing one ran";
  EXPECT_EQ(healthy_seen, 3);
  ASSERT_EQ(round.errors.size(), 2u);
  EXPECT_EQ(round.errors[0].field, "throws");
  EXPECT_EQ(round.errors[1].field, "derived-throws");
  EXPECT_EQ(round.errors[1].message, "pipeline threw a non-standard exception");
  EXPECT_EQ(derived_calls, 1);

  throw_next = false;
  auto again = runner.run_once("throws");
  ASSERT_TRUE(again.ok()) << again.error().describe();
  EXPECT_EQ(again->processed, 3) << "the batch is offered again after the throw";
}

TEST_P(FeedTest, RunningPoolLogsAThrowingPipelineAndKeepsRunning) {
  NARRALYTICA_TEST_DB(db, GetParam());
  commit_event(db->app(), "e1");
  jobs::PipelineRunner runner(db->app());
  std::mutex mutex;
  std::condition_variable changed;
  int throws = 0;
  std::vector<std::string> logged;
  ASSERT_TRUE(runner.add({"throws", [&](store::Transaction&, std::span<const store::FeedEvent>) -> Status {
    std::lock_guard lock(mutex);
    ++throws;
    changed.notify_all();
    throw std::runtime_error("boom");
  }, 10}).ok());
  jobs::HandlerRegistry handlers;
  ASSERT_TRUE(handlers.add("test.noop", [](jobs::JobContext&) { return ok_status(); }).ok());
  jobs::WorkerOptions o;
  o.idle_poll_us = 1'000;  // retried after the pause: a few ms per round in this test
  o.log_error = [&](const std::string& line) {
    std::lock_guard lock(mutex);
    logged.push_back(line);
    changed.notify_all();
  };
  jobs::WorkerPool pool(db->app(), handlers, o, &runner);
  ASSERT_TRUE(pool.start().ok());
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(30), [&] { return throws >= 2 && logged.size() >= 2; }))
        << "the pool kept running the pipeline after it threw";
  }
  pool.stop();
  std::lock_guard lock(mutex);
  EXPECT_EQ(logged.front(), "worker: pipeline: throws: pipeline threw: boom");
  EXPECT_GE(pool.metrics().errors, 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, FeedTest, ::testing::Values(Backend::sqlite, Backend::postgres), backend_name);

}  // namespace
}  // namespace narralytica
