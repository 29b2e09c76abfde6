// Proves the PostgreSQL statement timeout at its edge: on an application connection opened with
// one, a statement shorter than it succeeds and one longer is cancelled soon after it, failing
// with ErrorCode::unavailable and PostgreSQL's reason; the pooled connection stays usable; a
// database opened without one (the default, as migrations are) lets the statement run.
#include <gtest/gtest.h>

#include <chrono>

#include "support/test_database.hpp"

namespace narralytica {
namespace {

using namespace narralytica::testing;

Status run(store::Database& database, const std::string& sql) {
  auto lease = database.acquire();
  if (!lease.ok()) return std::move(lease).error();
  return (*lease)->execute_script(sql);
}

TEST(StatementTimeout, PostgresCancelsAStatementLongerThanTheTimeoutOnly) {
  NARRALYTICA_TEST_DB(db, store::Backend::postgres);
  store::DatabaseOptions options;
  options.url = db->url();
  options.statement_timeout = std::chrono::milliseconds(300);
  auto limited = store::Database::open(options);
  ASSERT_TRUE(limited.ok()) << limited.error().describe();

  EXPECT_TRUE(run(**limited, "SELECT pg_sleep(0.05)").ok()) << "under the timeout";
  const auto started = std::chrono::steady_clock::now();
  const Status over = run(**limited, "SELECT pg_sleep(5)");
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, ErrorCode::unavailable);
  EXPECT_NE(over.error().message.find("statement timeout"), std::string::npos) << over.error().describe();
  EXPECT_LT(took, std::chrono::seconds(3)) << "cancelled at the timeout, not run to its end";
  EXPECT_TRUE(run(**limited, "SELECT 1").ok()) << "the connection is usable afterwards";

  store::DatabaseOptions unlimited_options;
  unlimited_options.url = db->url();
  auto unlimited = store::Database::open(unlimited_options);
  ASSERT_TRUE(unlimited.ok());
  EXPECT_TRUE(run(**unlimited, "SELECT pg_sleep(0.4)").ok()) << "no timeout unless asked for";
}

}  // namespace
}  // namespace narralytica
