#include "support/test_database.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <random>

#include "store/migrations.hpp"

namespace narralytica::testing {
namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// Runs one statement on the maintenance database; returns libpq's error or "".
std::string maintenance(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  std::string error;
  if (PQstatus(conn) != CONNECTION_OK) {
    error = PQerrorMessage(conn);
  } else {
    PGresult* result = PQexec(conn, sql.c_str());
    if (PQresultStatus(result) != PGRES_COMMAND_OK) error = PQresultErrorMessage(result);
    PQclear(result);
  }
  PQfinish(conn);
  return error;
}

// Replaces the database name (the path) of a postgresql:// URL.
std::string with_database(const std::string& url, const std::string& name) {
  const auto scheme_end = url.find("://");
  const auto path = url.find('/', scheme_end + 3);
  const auto query = url.find('?', scheme_end + 3);
  std::string base = url.substr(0, path == std::string::npos ? (query == std::string::npos ? url.size() : query) : path);
  std::string rest = query == std::string::npos ? "" : url.substr(query);
  return base + "/" + name + rest;
}

std::string unique_suffix() {
  static std::atomic<int> counter{0};
  std::random_device device;
  return std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" + std::to_string(device() % 100000);
}

}  // namespace

std::string backend_name(const ::testing::TestParamInfo<store::Backend>& info) {
  return info.param == store::Backend::sqlite ? "sqlite" : "postgres";
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "narralytica-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::unique_ptr<TestDatabase> TestDatabase::create(store::Backend backend, bool migrate, bool group_commit) {
  auto db = std::unique_ptr<TestDatabase>(new TestDatabase());
  db->backend_ = backend;
  if (backend == store::Backend::sqlite) {
    std::string pattern = (std::filesystem::temp_directory_path() / "narralytica-test-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    db->directory_ = pattern;  // removed by the destructor
    db->url_ = (db->directory_ / "test.db").string();
  } else {
    const std::string server = env("NARRALYTICA_TEST_PG_URL");
    db->pg_name_ = "nl_test_" + unique_suffix();
    const std::string error = maintenance(server, "CREATE DATABASE " + db->pg_name_);
    if (!error.empty()) throw std::runtime_error("cannot create test database: " + error);
    db->url_ = with_database(server, db->pg_name_);
  }
  db->owner_ = db->open(store::ConnectRole::owner);
  if (migrate) {
    auto migrations = store::load_migrations(store::embedded_migrations(backend));
    if (!migrations.ok()) throw std::runtime_error(migrations.error().describe());
    store::MigrationRunner runner(*db->owner_, std::move(migrations).value());
    auto applied = runner.apply();
    if (!applied.ok()) throw std::runtime_error("migrations failed: " + applied.error().describe());
    db->app_ = db->open(store::ConnectRole::application, group_commit);
  }
  return db;
}

std::unique_ptr<store::Database> TestDatabase::open(store::ConnectRole role, bool group_commit) const {
  store::DatabaseOptions options;
  options.url = url_;
  options.role = role;
  options.group_commit = group_commit;
  auto database = store::Database::open(options);
  if (!database.ok()) throw std::runtime_error("cannot open test database: " + database.error().describe());
  return std::move(database).value();
}

TestDatabase::~TestDatabase() {
  app_.reset();
  owner_.reset();
  if (!pg_name_.empty()) {
    (void)maintenance(env("NARRALYTICA_TEST_PG_URL"), "DROP DATABASE IF EXISTS " + pg_name_ + " WITH (FORCE)");
  }
  if (!directory_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
  }
}

std::unique_ptr<TestDatabase> make_test_database(store::Backend backend, bool migrate, bool group_commit) {
  if (backend == store::Backend::postgres && env("NARRALYTICA_TEST_PG_URL").empty()) {
    if (env("NARRALYTICA_TEST_REQUIRE_PG") == "1") {
      ADD_FAILURE() << "NARRALYTICA_TEST_PG_URL is not set but NARRALYTICA_TEST_REQUIRE_PG=1";
    } else {
      [] { GTEST_SKIP() << "PostgreSQL tests need NARRALYTICA_TEST_PG_URL"; }();
    }
    return nullptr;
  }
  return TestDatabase::create(backend, migrate, group_commit);
}

}  // namespace narralytica::testing
