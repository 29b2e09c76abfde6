// SQLite's write turn behind store::Database (store/write_turn.hpp): a write transaction on a
// SQLite database without a write batch holds the database's turn from Transaction::begin until
// it ends, so a second writer on another thread waits for it (in-process, no busy handler), a
// second write begun on the same thread is refused instead of waiting for itself, and a writer
// that waits longer than the busy timeout is told so. PostgreSQL and batching databases have no
// such turn.
#include "store/write_turn.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "store/transaction.hpp"
#include "support/test_database.hpp"

namespace narralytica::store {
namespace {

Status insert(Transaction& tx, const char* name) {
  ASSIGN_OR_RETURN(Statement * s, tx.prepare("INSERT INTO turn_probe (name) VALUES ($1)"));
  s->bind_text(1, name);
  RETURN_IF_ERROR(s->execute());
  return ok_status();
}

// A SQLite file database without group commit (as the CLI and `worker` open it), with a table.
std::unique_ptr<testing::TestDatabase> sqlite_database() {
  auto test_db = testing::make_test_database(Backend::sqlite, false);
  if (!test_db) return nullptr;
  auto lease = test_db->owner().acquire();
  EXPECT_TRUE(lease.ok());
  EXPECT_TRUE((*lease)->execute_script("CREATE TABLE turn_probe (name TEXT NOT NULL)").ok());
  return test_db;
}

// Waits (bounded) until `done` holds; the writer reaches the turn on another thread.
template <class Predicate>
bool eventually(Predicate done) {
  for (int i = 0; i < 5000 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return done();
}

TEST(WriteTurn, AWriterOnAnotherThreadWaitsInTheTurnUntilTheFirstEnds) {
  auto test_db = sqlite_database();
  ASSERT_TRUE(test_db);
  Database& database = test_db->owner();  // SQLite has no roles
  ASSERT_NE(database.write_turn(), nullptr);
  auto first = Transaction::begin(database, TxMode::write);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(insert(*first, "first").ok());

  std::atomic<bool> begun{false};
  Status second_status = ok_status();
  std::thread second([&] {
    auto tx = Transaction::begin(database, TxMode::write);
    begun = true;
    if (!tx.ok()) {
      second_status = tx.error();
      return;
    }
    // It began after the first committed: it sees the first's row.
    auto count = tx->prepare("SELECT count(*) FROM turn_probe WHERE name = 'first'");
    if (!count.ok() || !*(*count)->step() || (*count)->column_int64(0) != 1) {
      second_status = make_error(ErrorCode::internal, "the second writer did not see the first's row");
      return;
    }
    (*count)->reset();
    second_status = insert(*tx, "second");
    if (second_status.ok()) second_status = tx->commit();
  });
  // The second waits in the database's turn, not in SQLite's busy handler, and holds no
  // connection meanwhile.
  ASSERT_TRUE(eventually([&] { return database.write_turn()->waiting() == 1; }));
  EXPECT_FALSE(begun.load());
  EXPECT_EQ(database.leased_connections(), 1);
  ASSERT_TRUE(first->commit().ok());
  second.join();
  EXPECT_TRUE(begun.load());
  EXPECT_TRUE(second_status.ok()) << second_status.error().describe();
  EXPECT_EQ(database.write_turn()->waiting(), 0);
}

TEST(WriteTurn, ASecondWriteOnTheSameThreadIsRefusedNotLeftWaiting) {
  auto test_db = sqlite_database();
  ASSERT_TRUE(test_db);
  Database& database = test_db->owner();  // SQLite has no roles
  auto outer = Transaction::begin(database, TxMode::write);
  ASSERT_TRUE(outer.ok());
  const auto started = std::chrono::steady_clock::now();
  auto inner = Transaction::begin(database, TxMode::write);
  ASSERT_FALSE(inner.ok());
  EXPECT_EQ(inner.error().code, ErrorCode::internal);
  // Refused at once, not after the busy timeout (10 s).
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
  // A read beside the write is fine.
  auto read = Transaction::begin(database, TxMode::read);
  ASSERT_TRUE(read.ok());
  ASSERT_TRUE(read->rollback().ok());
  ASSERT_TRUE(insert(*outer, "outer").ok());
  ASSERT_TRUE(outer->commit().ok());
  // The turn was given back with the transaction: the same thread writes again.
  auto again = Transaction::begin(database, TxMode::write);
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(again->rollback().ok());
  // A rolled-back (or destroyed) transaction gives it back too.
  { auto dropped = Transaction::begin(database, TxMode::write); ASSERT_TRUE(dropped.ok()); }
  auto last = Transaction::begin(database, TxMode::write);
  EXPECT_TRUE(last.ok());
}

TEST(WriteTurn, AWriterThatWaitsPastTheBusyTimeoutIsUnavailable) {
  auto test_db = sqlite_database();
  ASSERT_TRUE(test_db);
  DatabaseOptions options;
  options.url = test_db->url();
  options.busy_timeout = std::chrono::milliseconds(50);
  auto opened = Database::open(options);
  ASSERT_TRUE(opened.ok());
  Database& database = **opened;
  auto holder = Transaction::begin(database, TxMode::write);
  ASSERT_TRUE(holder.ok());
  Status waited = ok_status();
  std::thread other([&] {
    auto tx = Transaction::begin(database, TxMode::write);
    waited = tx.ok() ? ok_status() : Status(tx.error());
  });
  other.join();
  ASSERT_FALSE(waited.ok());
  EXPECT_EQ(waited.error().code, ErrorCode::unavailable);
  EXPECT_NE(waited.error().message.find("busy timeout"), std::string::npos) << waited.error().message;
  ASSERT_TRUE(holder->rollback().ok());
}

TEST(WriteTurn, ATurnGivenBackOnAnotherThreadLetsTheNextWriterIn) {
  WriteTurn turn;
  auto held = turn.take();
  ASSERT_TRUE(held.ok());
  std::thread elsewhere([hold = std::move(*held)]() mutable { hold.reset(); });
  elsewhere.join();
  auto next = turn.take();
  EXPECT_TRUE(next.ok());
}

TEST(WriteTurn, OnlySqliteWithoutAWriteBatchHasOne) {
  auto test_db = sqlite_database();
  ASSERT_TRUE(test_db);
  EXPECT_NE(test_db->owner().write_turn(), nullptr);
  auto batching = test_db->open(ConnectRole::owner, /*group_commit=*/true);
  ASSERT_TRUE(batching);
  EXPECT_NE(batching->write_batch(), nullptr);
  EXPECT_EQ(batching->write_turn(), nullptr);
  if (std::getenv("NARRALYTICA_TEST_PG_URL")) {
    auto postgres = testing::make_test_database(Backend::postgres);
    ASSERT_TRUE(postgres);
    EXPECT_EQ(postgres->app().write_turn(), nullptr);
    // Two write transactions on one thread are PostgreSQL's to allow (row locks, no turn).
    auto first = Transaction::begin(postgres->app(), TxMode::write);
    auto second = Transaction::begin(postgres->app(), TxMode::write);
    EXPECT_TRUE(first.ok());
    EXPECT_TRUE(second.ok());
  }
}

}  // namespace
}  // namespace narralytica::store
