// A fresh, migrated database per test, on either backend. SQLite: a file in a private temporary
// directory. PostgreSQL: a new database on the server named by NARRALYTICA_TEST_PG_URL (a
// superuser URL to a maintenance database), dropped afterwards. Without that variable the
// PostgreSQL variants skip, unless NARRALYTICA_TEST_REQUIRE_PG=1 (as in CI), where they fail.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/database.hpp"

namespace narralytica::testing {

// "sqlite" / "postgres", for test names.
std::string backend_name(const ::testing::TestParamInfo<store::Backend>& info);

class TestDatabase {
 public:
  // Creates an empty database; `migrate` applies the embedded migrations. `group_commit` opens
  // app() the way `narralytica serve` does (DatabaseOptions::group_commit).
  static std::unique_ptr<TestDatabase> create(store::Backend backend, bool migrate = true, bool group_commit = false);
  ~TestDatabase();

  store::Backend backend() const { return backend_; }
  // The URL the product would be given (--db).
  const std::string& url() const { return url_; }
  // Connections acting as the application role (RLS applies on PostgreSQL).
  store::Database& app() { return *app_; }
  // Connections acting as the owner (migrations, raw checks).
  store::Database& owner() { return *owner_; }
  // Opens another independent pool on the same database.
  std::unique_ptr<store::Database> open(store::ConnectRole role, bool group_commit = false) const;

 private:
  store::Backend backend_ = store::Backend::sqlite;
  std::string url_;
  std::string pg_name_;
  std::filesystem::path directory_;
  std::unique_ptr<store::Database> owner_;
  std::unique_ptr<store::Database> app_;
};

// Skips (or fails, in CI) when the backend is not available; returns nullptr then.
std::unique_ptr<TestDatabase> make_test_database(store::Backend backend, bool migrate = true,
                                                 bool group_commit = false);

// A private temporary directory removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace narralytica::testing

// Opens the test's database or returns from the test (skipped or failed).
#define NARRALYTICA_TEST_DB(var, backend, ...)                              \
  auto var = ::narralytica::testing::make_test_database(backend, ##__VA_ARGS__); \
  if (!var) return
