// PostgreSQL sends deferred statements (Connection::defer_script: the scope's set_config) in one
// pipeline with the next statement. They run first and in order, a failure among them fails that
// statement and names the SQL that failed, and a transaction that ends before any other statement
// drops them.
#include <gtest/gtest.h>

#include "store/database.hpp"
#include "support/test_database.hpp"

namespace narralytica::store {
namespace {

class Pipeline : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::make_test_database(Backend::postgres, /*migrate=*/false);
    if (!db_) return;
    auto lease = db_->owner().acquire();
    ASSERT_TRUE(lease.ok()) << lease.error().describe();
    lease_ = std::move(lease).value();
  }
  Connection& connection() { return *lease_; }
  Result<std::string> fetch_text(std::string_view sql) {
    ASSIGN_OR_RETURN(Statement * statement, connection().prepare(sql));
    ASSIGN_OR_RETURN(bool row, statement->step());
    if (!row) return make_error(ErrorCode::internal, "no row");
    std::string value = statement->column_text(0);
    statement->reset();
    return value;
  }

  std::unique_ptr<testing::TestDatabase> db_;
  ConnectionLease lease_;
};

TEST_F(Pipeline, DeferredStatementsRunFirstAndInOrder) {
  if (!db_) return;
  ASSERT_TRUE(connection().begin(true).ok());
  ASSERT_TRUE(connection().defer_script("SELECT set_config('narralytica.probe', 'one', true)").ok());
  ASSERT_TRUE(connection().defer_script("SELECT set_config('narralytica.probe', current_setting('narralytica.probe') || ',two', true)").ok());
  auto value = fetch_text("SELECT current_setting('narralytica.probe', true)");
  ASSERT_TRUE(value.ok()) << value.error().describe();
  EXPECT_EQ(*value, "one,two");
  EXPECT_TRUE(connection().in_transaction());
  ASSERT_TRUE(connection().commit().ok());
  // SET LOCAL semantics: the setting ended with the transaction.
  ASSERT_TRUE(connection().begin(false).ok());
  auto after = fetch_text("SELECT coalesce(current_setting('narralytica.probe', true), '')");
  ASSERT_TRUE(after.ok()) << after.error().describe();
  EXPECT_EQ(*after, "");
  ASSERT_TRUE(connection().commit().ok());
}

TEST_F(Pipeline, AFailedDeferredStatementFailsTheNextOneAndNamesItself) {
  if (!db_) return;
  ASSERT_TRUE(connection().begin(true).ok());
  ASSERT_TRUE(connection().defer_script("SELECT 1 / 0").ok());
  auto value = fetch_text("SELECT 'reached'");
  ASSERT_FALSE(value.ok());
  EXPECT_NE(value.error().message.find("division by zero"), std::string::npos) << value.error().describe();
  EXPECT_EQ(value.error().field, "SELECT 1 / 0");
  EXPECT_TRUE(connection().statement_failed());
  ASSERT_TRUE(connection().rollback().ok());
  // The connection is usable again, outside pipeline mode.
  ASSERT_TRUE(connection().begin(false).ok());
  auto again = fetch_text("SELECT 'reached'");
  ASSERT_TRUE(again.ok()) << again.error().describe();
  EXPECT_EQ(*again, "reached");
  ASSERT_TRUE(connection().commit().ok());
}

TEST_F(Pipeline, ATextStatementCarriesThemToo) {
  if (!db_) return;
  ASSERT_TRUE(connection().begin(true).ok());
  ASSERT_TRUE(connection().defer_script("SELECT set_config('narralytica.probe', 'text', true)").ok());
  ASSERT_TRUE(connection().execute_script("CREATE TEMPORARY TABLE probe AS SELECT current_setting('narralytica.probe') AS v").ok());
  auto value = fetch_text("SELECT v FROM probe");
  ASSERT_TRUE(value.ok()) << value.error().describe();
  EXPECT_EQ(*value, "text");
  ASSERT_TRUE(connection().rollback().ok());
}

TEST_F(Pipeline, NothingFollowingMeansNothingSent) {
  if (!db_) return;
  ASSERT_TRUE(connection().begin(true).ok());
  ASSERT_TRUE(connection().defer_script("SELECT 1 / 0").ok());
  EXPECT_TRUE(connection().commit().ok()) << "a deferred statement with nothing after it is dropped";
  EXPECT_FALSE(connection().in_transaction());
}

}  // namespace
}  // namespace narralytica::store
