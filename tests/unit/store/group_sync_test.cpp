// Group commit: one sync covers every commit ended before it, nothing is reported durable before
// its sync, a failed sync is final, and a SQLite database opened with group_commit uses it.
#include "store/group_sync.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "store/transaction.hpp"
#include "support/test_database.hpp"

namespace narralytica::store {
namespace {

// A sync that blocks until the test lets it finish, and counts the syncs started.
class GatedSync {
 public:
  Status operator()() {
    std::unique_lock lock(mutex_);
    ++started_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return released_ >= started_; });
    return ok_status();
  }
  void release_one() {
    std::lock_guard lock(mutex_);
    ++released_;
    changed_.notify_all();
  }
  void release_all() {
    std::lock_guard lock(mutex_);
    released_ = 1'000'000;
    changed_.notify_all();
  }
  void wait_started(int n) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return started_ >= n; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int started_ = 0;
  int released_ = 0;
};

TEST(GroupSync, OneSyncCoversEveryCommitEndedBeforeIt) {
  GatedSync gate;
  GroupSync group([&] { return gate(); });
  const auto first = group.commit_begun();
  group.commit_ended(first);
  gate.wait_started(1);  // the first sync runs, covering commit 1 only
  std::vector<std::uint64_t> later;
  for (int i = 0; i < 50; ++i) {
    later.push_back(group.commit_begun());
    group.commit_ended(later.back());
  }
  EXPECT_FALSE(group.durable(first));
  EXPECT_FALSE(group.durable(later.back()));
  gate.release_one();
  ASSERT_TRUE(group.wait(first).ok());
  EXPECT_FALSE(group.durable(later.back())) << "commits ended during a sync need the next one";
  gate.release_one();
  ASSERT_TRUE(group.wait(later.back()).ok());
  EXPECT_EQ(group.syncs(), 2u) << "fifty commits written during one sync share the next";
  gate.release_all();
}

TEST(GroupSync, WhenDurableRunsAfterTheSyncOrAtOnce) {
  GatedSync gate;
  GroupSync group([&] { return gate(); });
  const auto sequence = group.commit_begun();
  std::mutex mutex;
  std::condition_variable called;
  std::optional<bool> outcome;
  group.when_durable(sequence, [&](const Status& durable) {
    std::lock_guard lock(mutex);
    outcome = durable.ok();
    called.notify_all();
  });
  group.commit_ended(sequence);
  gate.wait_started(1);
  {
    std::lock_guard lock(mutex);
    EXPECT_FALSE(outcome.has_value()) << "told before its sync finished";
  }
  gate.release_one();
  {
    std::unique_lock lock(mutex);
    called.wait(lock, [&] { return outcome.has_value(); });
    EXPECT_TRUE(*outcome);
  }
  bool at_once = false;
  group.when_durable(sequence, [&](const Status& durable) { at_once = durable.ok(); });
  EXPECT_TRUE(at_once) << "an already durable commit is reported on the caller's thread";
  gate.release_all();
}

TEST(GroupSync, AFailedSyncIsFinal) {
  GatedSync gate;
  gate.release_all();
  GroupSync group([&] { return gate(); });
  const auto first = group.commit_begun();
  group.commit_ended(first);
  ASSERT_TRUE(group.wait(first).ok());
  EXPECT_TRUE(group.failure().ok());
  group.fail_next_sync(make_error(ErrorCode::internal, "fdatasync failed: Input/output error", "/db-wal"));
  const auto failing = group.commit_begun();
  group.commit_ended(failing);
  auto waited = group.wait(failing);
  ASSERT_FALSE(waited.ok());
  EXPECT_EQ(waited.error().code, ErrorCode::unavailable);
  EXPECT_NE(waited.error().message.find("Input/output error"), std::string::npos) << waited.error().describe();
  EXPECT_NE(waited.error().message.find("restart"), std::string::npos);
  ASSERT_FALSE(group.failure().ok()) << "a write that begins now is refused";
  EXPECT_EQ(group.failure().error().message, waited.error().message);
  // What was durable before stays so; later commits are not reported durable, though nothing
  // syncs them again.
  EXPECT_TRUE(group.wait(first).ok());
  bool first_ok = false;
  group.when_durable(first, [&](const Status& durable) { first_ok = durable.ok(); });
  EXPECT_TRUE(first_ok);
  const auto second = group.commit_begun();
  group.commit_ended(second);
  EXPECT_FALSE(group.wait(second).ok());
  bool reported_ok = true;
  group.when_durable(second, [&](const Status& durable) { reported_ok = durable.ok(); });
  EXPECT_FALSE(reported_ok);
}

TEST(GroupSync, ClosingSyncsWhatIsPending) {
  std::atomic<int> syncs{0};
  bool durable = false;
  {
    GroupSync group([&] {
      ++syncs;
      return ok_status();
    });
    const auto sequence = group.commit_begun();
    group.when_durable(sequence, [&](const Status& s) { durable = s.ok(); });
    group.commit_ended(sequence);
  }
  EXPECT_TRUE(durable);
  EXPECT_GE(syncs.load(), 1);
}

std::int64_t synchronous_setting(Database& database) {
  auto lease = database.acquire();
  EXPECT_TRUE(lease.ok());
  auto statement = (*lease)->prepare("PRAGMA synchronous");
  EXPECT_TRUE(statement.ok());
  auto row = (*statement)->step();
  EXPECT_TRUE(row.ok() && *row);
  const std::int64_t value = (*statement)->column_int64(0);
  (*statement)->reset();
  return value;
}

// A group-committing SQLite database, opened as `narralytica serve` opens it, with a table to
// write into.
std::unique_ptr<testing::TestDatabase> probe_database() {
  auto test_db = testing::make_test_database(Backend::sqlite, true, /*group_commit=*/true);
  if (!test_db) return nullptr;
  auto lease = test_db->owner().acquire();
  EXPECT_TRUE(lease.ok());
  EXPECT_TRUE((*lease)->execute_script("CREATE TABLE schema_probe (id INTEGER PRIMARY KEY, name TEXT NOT NULL)").ok());
  return test_db;
}

// `threads` writers commit `commits` rows of `name_bytes` bytes each, one transaction per row.
// Returns how many commits failed or, once commit() returned, were not reported durable.
int write_probes(Database& database, int threads, int commits, std::size_t name_bytes) {
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  for (int t = 0; t < threads; ++t) {
    writers.emplace_back([&] {
      for (int i = 0; i < commits; ++i) {
        auto tx = Transaction::begin(database, TxMode::write);
        auto insert = tx.ok() ? tx->prepare("INSERT INTO schema_probe (name) VALUES ($1)") : Result<Statement*>(tx.error());
        if (!insert.ok()) {
          ++failures;
          continue;
        }
        (*insert)->bind_text(1, std::string(name_bytes, 'x'));
        if (!(*insert)->execute().ok()) {
          ++failures;
          continue;
        }
        // This transaction was numbered at its BEGIN, and nothing else begins while it holds
        // the write turn: it has the newest number. Once commit() returns, it and all below it
        // are durable.
        const std::uint64_t mine = database.group_sync()->begun();
        if (!tx->commit().ok() || !database.group_sync()->durable(mine)) ++failures;
      }
    });
  }
  for (auto& writer : writers) writer.join();
  return failures.load();
}

TEST(GroupCommitSqlite, CommitsReturnDurableAndShareSyncs) {
  auto test_db = probe_database();
  ASSERT_TRUE(test_db);
  Database& database = test_db->app();
  ASSERT_NE(database.group_sync(), nullptr);
  EXPECT_EQ(synchronous_setting(database), 1) << "NORMAL: the group's fdatasync makes commits durable";
  EXPECT_EQ(database.group_sync()->syncs(), 0u);

  constexpr int kThreads = 4;
  constexpr int kCommits = 100;
  EXPECT_EQ(write_probes(database, kThreads, kCommits, 16), 0);
  GroupSync& group = *database.group_sync();
  EXPECT_EQ(group.begun(), static_cast<std::uint64_t>(kThreads * kCommits));
  EXPECT_TRUE(group.durable(group.begun()));
  EXPECT_GE(group.syncs(), 1u);
  EXPECT_LE(group.syncs(), group.begun());

  // A read commits nothing to sync.
  const auto before = group.begun();
  auto reader = Transaction::begin(database, TxMode::read);
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE(reader->commit().ok());
  EXPECT_EQ(group.begun(), before);

  // Other pools on the same file keep syncing every commit themselves.
  auto plain = test_db->open(ConnectRole::application);
  EXPECT_EQ(plain->group_sync(), nullptr);
  EXPECT_EQ(synchronous_setting(*plain), 2) << "FULL";
}

// Checkpoints still keep the log short under a steady stream of grouped commits: 12 MB when
// measured, where 6,000 commits of two or more pages each, never checkpointed, leave 48 MB or
// more. (A checkpointer thread beside the writers let it grow without bound: decision 0011.)
TEST(GroupCommitSqlite, TheLogStaysShort) {
  auto test_db = probe_database();
  ASSERT_TRUE(test_db);
  Database& database = test_db->app();
  EXPECT_EQ(write_probes(database, 4, 1500, 200), 0);
  const auto log = std::filesystem::path(test_db->url() + "-wal");
  ASSERT_TRUE(std::filesystem::exists(log)) << log;
  const auto log_bytes = std::filesystem::file_size(log);
  RecordProperty("log_bytes", std::to_string(log_bytes));
  EXPECT_LT(log_bytes, 36u * 1024 * 1024) << "the log was not checkpointed";
}

TEST(GroupCommitSqlite, InMemoryDatabasesCommitAsBefore) {
  DatabaseOptions options;
  options.url = ":memory:";
  options.group_commit = true;
  options.pool_size_max = 1;
  auto database = Database::open(options);
  ASSERT_TRUE(database.ok()) << database.error().describe();
  EXPECT_EQ((*database)->group_sync(), nullptr);
}

}  // namespace
}  // namespace narralytica::store
