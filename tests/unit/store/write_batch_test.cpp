// Write batches (store/write_batch.hpp): writers that queue share one SQLite transaction and
// one COMMIT; a member that fails undoes only its own changes; nothing of a batch is visible to
// other connections, or reported durable, before the batch commits; a batch commits as soon as
// nobody waits, or at its limits.
#include "store/write_batch.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "store/group_sync.hpp"
#include "store/transaction.hpp"
#include "support/test_database.hpp"

namespace narralytica::store {
namespace {

// A group-committing SQLite database (as `narralytica serve` opens it) with a table to write to.
std::unique_ptr<testing::TestDatabase> batching_database() {
  auto test_db = testing::make_test_database(Backend::sqlite, true, /*group_commit=*/true);
  if (!test_db) return nullptr;
  auto lease = test_db->owner().acquire();
  EXPECT_TRUE(lease.ok());
  EXPECT_TRUE((*lease)->execute_script("CREATE TABLE batch_probe (name TEXT NOT NULL)").ok());
  return test_db;
}

Status insert(Transaction& tx, const char* name) {
  ASSIGN_OR_RETURN(Statement * s, tx.prepare("INSERT INTO batch_probe (name) VALUES ($1)"));
  if (name) s->bind_text(1, name); else s->bind_null(1);
  RETURN_IF_ERROR(s->execute());
  return ok_status();
}

// The names another connection sees: only what is committed.
std::string committed_names(Database& other) {
  auto lease = other.acquire();
  EXPECT_TRUE(lease.ok());
  auto s = (*lease)->prepare("SELECT coalesce(group_concat(name, ','), '') FROM (SELECT name FROM batch_probe ORDER BY name)");
  EXPECT_TRUE(s.ok());
  EXPECT_TRUE(*(*s)->step());
  std::string names = (*s)->column_text(0);
  (*s)->reset();
  return names;
}

// Waits (bounded) until `done` holds; writers reach their turn on other threads.
template <class Predicate>
bool eventually(Predicate done) {
  for (int i = 0; i < 5000 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return done();
}

// A one-shot signal between the test and a writer thread.
class Signal {
 public:
  void raise() {
    std::lock_guard lock(mutex_);
    raised_ = true;
    changed_.notify_all();
  }
  void wait() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return raised_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool raised_ = false;
};

TEST(WriteBatch, QueuedWritersShareOneCommitAndAFailedOneTakesNothingWithIt) {
  auto test_db = batching_database();
  ASSERT_TRUE(test_db);
  // Open as long as writers queue, however slow this build runs.
  auto opened = Database::open(DatabaseOptions{.url = test_db->url(), .group_commit = true,
                                               .write_batch = {.open_max = std::chrono::minutes(1)}});
  ASSERT_TRUE(opened.ok()) << opened.error().describe();
  Database& database = **opened;
  WriteBatch* batch = database.write_batch();
  ASSERT_NE(batch, nullptr);
  GroupSync& group = *database.group_sync();
  auto other = test_db->open(ConnectRole::application);  // a pool of its own: sees only commits
  const auto commits_before = batch->commits();

  auto first = Transaction::begin(database, TxMode::write);
  ASSERT_TRUE(first.ok());
  first->defer_durability();  // as the server does: it holds the answer itself
  ASSERT_TRUE(insert(*first, "a").ok());

  // A second writer queues behind the first, inserts, then fails on a NULL name.
  Signal inserted, finish;
  std::atomic<bool> second_failed{false};
  std::thread second_writer([&] {
    auto second = Transaction::begin(database, TxMode::write);
    ASSERT_TRUE(second.ok());
    second->defer_durability();
    EXPECT_TRUE(insert(*second, "b").ok());
    inserted.raise();
    finish.wait();
    second_failed = !insert(*second, nullptr).ok();
    // Not committed: leaving the scope rolls back this member only.
  });
  ASSERT_TRUE(eventually([&] { return batch->waiting() == 1; }));

  ASSERT_TRUE(first->commit().ok());  // kept in the batch; the turn passes to the second writer
  inserted.wait();
  EXPECT_EQ(committed_names(*other), "") << "the batch is still open";
  EXPECT_EQ(batch->commits(), commits_before);
  const std::uint64_t first_number = group.begun();
  EXPECT_FALSE(group.durable(first_number)) << "nothing of an open batch is durable";

  finish.raise();
  second_writer.join();
  EXPECT_TRUE(second_failed);
  EXPECT_EQ(batch->commits(), commits_before + 1) << "one COMMIT for both writers";
  EXPECT_EQ(committed_names(*other), "a") << "the failed member's own insert is undone, the first one's kept";
  EXPECT_TRUE(group.wait(first_number).ok());
}

TEST(WriteBatch, ABatchCommitsWhenNobodyWaits) {
  auto test_db = batching_database();
  ASSERT_TRUE(test_db);
  Database& database = test_db->app();
  auto other = test_db->open(ConnectRole::application);
  const auto commits_before = database.write_batch()->commits();
  {
    auto tx = Transaction::begin(database, TxMode::write);
    ASSERT_TRUE(tx.ok());
    tx->defer_durability();
    ASSERT_TRUE(insert(*tx, "alone").ok());
    ASSERT_TRUE(tx->commit().ok());
  }
  EXPECT_EQ(database.write_batch()->commits(), commits_before + 1);
  EXPECT_EQ(committed_names(*other), "alone");
  EXPECT_TRUE(database.group_sync()->wait(database.group_sync()->begun()).ok());

  // A commit that does not defer durability commits its batch at once and returns durable.
  auto tx = Transaction::begin(database, TxMode::write);
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE(insert(*tx, "durable").ok());
  const std::uint64_t mine = database.group_sync()->begun();
  ASSERT_TRUE(tx->commit().ok());
  EXPECT_TRUE(database.group_sync()->durable(mine));
  EXPECT_EQ(committed_names(*other), "alone,durable");
}

TEST(WriteBatch, ABatchPastItsLimitCommitsEvenWithWritersWaiting) {
  auto test_db = batching_database();
  ASSERT_TRUE(test_db);
  Database& database = test_db->app();
  // A batch of its own over the same database, that may hold one member only.
  WriteBatch single(database, *database.group_sync(), WriteBatchLimits{.members_max = 1});
  auto other = test_db->open(ConnectRole::application);
  auto member = single.join();
  ASSERT_TRUE(member.ok());
  ASSERT_TRUE(member->connection().execute_script("INSERT INTO batch_probe (name) VALUES ('one')").ok());
  ASSERT_TRUE(member->release().ok());

  Signal joined, finish;
  std::thread next([&] {
    auto second = single.join();
    EXPECT_TRUE(second.ok());
    joined.raise();
    finish.wait();
  });
  ASSERT_TRUE(eventually([&] { return single.waiting() == 1; }));
  { auto ended = std::move(*member); }  // ends the first member's turn: full, so it commits
  joined.wait();
  EXPECT_EQ(single.commits(), 1u);
  EXPECT_EQ(committed_names(*other), "one");
  finish.raise();
  next.join();
}

// A write transaction begun on a thread that already holds the batch's turn is refused at once
// (it would wait for itself), and the one holding the turn is unaffected.
TEST(WriteBatch, ANestedWriteOnTheSameThreadIsRefusedNotLeftWaiting) {
  auto test_db = batching_database();
  ASSERT_TRUE(test_db);
  Database& database = test_db->app();
  auto outer = Transaction::begin(database, TxMode::write);
  ASSERT_TRUE(outer.ok());
  auto inner = Transaction::begin(database, TxMode::write);
  ASSERT_FALSE(inner.ok());
  EXPECT_EQ(inner.error().code, ErrorCode::internal);
  ASSERT_TRUE(insert(*outer, "outer").ok());
  ASSERT_TRUE(outer->commit().ok());
  EXPECT_EQ(committed_names(*test_db->open(ConnectRole::application)), "outer");
}

}  // namespace
}  // namespace narralytica::store
