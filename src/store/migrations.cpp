#include "store/migrations.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "core/hashing.hpp"
#include "store/migrations_embedded.hpp"

namespace narralytica::store {
namespace {

constexpr std::int64_t kMigrationLockKey = 0x4e4c4d47;  // "NLMG"

constexpr const char* kCreateLedger =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version bigint PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, "
    "applied_at bigint NOT NULL)";
constexpr const char* kMigrationLockPostgres = "SELECT pg_advisory_xact_lock($1)";
constexpr const char* kSelectApplied =
    "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version";
constexpr const char* kIsApplied = "SELECT 1 FROM schema_migrations WHERE version = $1";
constexpr const char* kRecordApplied =
    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)";

struct Applied {
  std::string name;
  std::string checksum;
  UnixMicros applied_at;
};

Status lock_if_postgres(Connection& connection) {
  if (connection.backend() != Backend::postgres) return ok_status();
  ASSIGN_OR_RETURN(Statement * lock, connection.prepare(kMigrationLockPostgres));
  lock->bind_int64(1, kMigrationLockKey);
  auto done = lock->execute();
  if (!done.ok()) return std::move(done).error();
  return ok_status();
}

Result<std::map<int, Applied>> read_applied(Connection& connection) {
  std::map<int, Applied> applied;
  ASSIGN_OR_RETURN(Statement * select, connection.prepare(kSelectApplied));
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, select->step());
    if (!has_row) break;
    applied[static_cast<int>(select->column_int64(0))] =
        Applied{select->column_text(1), select->column_text(2), select->column_int64(3)};
  }
  select->reset();
  return applied;
}

}  // namespace

std::span<const EmbeddedFile> embedded_migrations(Backend backend) {
  return backend == Backend::sqlite ? sqlite_migration_files() : postgres_migration_files();
}

Result<std::vector<Migration>> load_migrations(std::span<const EmbeddedFile> files) {
  std::vector<Migration> migrations;
  std::set<int> versions;
  for (const EmbeddedFile& file : files) {
    const std::string name(file.name);
    const auto underscore = name.find('_');
    const bool numbered = underscore == 4 &&
                          std::all_of(name.begin(), name.begin() + 4, [](char c) { return c >= '0' && c <= '9'; });
    if (!numbered || !name.ends_with(".sql")) {
      return make_error(ErrorCode::invalid_argument,
                        "migration files must be named NNNN_name.sql", name);
    }
    Migration m;
    m.version = std::stoi(name.substr(0, 4));
    m.name = name.substr(5, name.size() - 5 - 4);
    m.file = name;
    m.sql = file.bytes;
    m.checksum = to_hex(sha256(file.bytes));
    if (!versions.insert(m.version).second) {
      return make_error(ErrorCode::invalid_argument, "two migrations share version " + std::to_string(m.version), name);
    }
    migrations.push_back(std::move(m));
  }
  std::sort(migrations.begin(), migrations.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  return migrations;
}

Status MigrationRunner::ensure_ledger() {
  ASSIGN_OR_RETURN(ConnectionLease connection, database_.acquire());
  RETURN_IF_ERROR(connection->begin(true));
  // Under the lock: two processes creating the ledger at once would otherwise race on PostgreSQL.
  RETURN_IF_ERROR(lock_if_postgres(*connection));
  RETURN_IF_ERROR(connection->execute_script(kCreateLedger));
  return connection->commit();
}

Status MigrationRunner::verify_applied(Connection& connection) {
  ASSIGN_OR_RETURN(auto applied, read_applied(connection));
  for (const auto& [version, row] : applied) {
    // A copy: clang 14 (the fuzz build) cannot capture a structured binding in a lambda.
    const auto applied_version = version;
    auto known = std::find_if(migrations_.begin(), migrations_.end(),
                              [&](const Migration& m) { return m.version == applied_version; });
    if (known == migrations_.end()) {
      return make_error(ErrorCode::precondition_failed,
                        "the database has migration " + std::to_string(version) + " (" + row.name +
                            ") which this binary does not know: upgrade narralytica",
                        "schema_migrations");
    }
    if (known->checksum != row.checksum) {
      return make_error(ErrorCode::precondition_failed,
                        "migration " + known->file + " was changed after it was applied (recorded checksum " +
                            row.checksum.substr(0, 12) + "…, the binary has " + known->checksum.substr(0, 12) +
                            "…): restore the original file and put the change in a new migration",
                        known->file);
    }
  }
  return ok_status();
}

Result<std::vector<int>> MigrationRunner::apply() {
  RETURN_IF_ERROR(ensure_ledger());
  std::vector<int> applied_now;
  ASSIGN_OR_RETURN(ConnectionLease connection, database_.acquire());
  for (const Migration& migration : migrations_) {
    RETURN_IF_ERROR(connection->begin(true));
    RETURN_IF_ERROR(lock_if_postgres(*connection));
    // Re-checked under the lock: another process may have applied it while we waited.
    if (auto verified = verify_applied(*connection); !verified.ok()) {
      (void)connection->rollback();
      return std::move(verified).error();
    }
    ASSIGN_OR_RETURN(Statement * is_applied, connection->prepare(kIsApplied));
    is_applied->bind_int64(1, migration.version);
    ASSIGN_OR_RETURN(bool already, is_applied->step());
    is_applied->reset();
    if (already) {
      RETURN_IF_ERROR(connection->rollback());
      continue;
    }
    // Migrations rewrite every tenant's rows. Under FORCE ROW LEVEL SECURITY a table owner that
    // is not a superuser sees none of them outside the system scope, and an UPDATE or backfill
    // would silently do nothing (0006 did, until 0009 repaired it).
    if (connection->backend() == Backend::postgres) {
      RETURN_IF_ERROR(connection->defer_script("SELECT set_config('narralytica.system', 'on', true)"));
    }
    if (auto ran = connection->execute_script(migration.sql); !ran.ok()) {
      (void)connection->rollback();
      Error error = std::move(ran).error();
      error.message = "migration " + migration.file + " failed and was rolled back: " + error.message;
      error.field = migration.file + " " + error.field;
      return error;
    }
    ASSIGN_OR_RETURN(Statement * record, connection->prepare(kRecordApplied));
    record->bind_int64(1, migration.version);
    record->bind_text(2, migration.name);
    record->bind_text(3, migration.checksum);
    record->bind_int64(4, clock_.now_us());
    if (auto recorded = record->execute(); !recorded.ok()) {
      (void)connection->rollback();
      return std::move(recorded).error();
    }
    RETURN_IF_ERROR(connection->commit());
    applied_now.push_back(migration.version);
  }
  return applied_now;
}

Result<std::vector<MigrationStatus>> MigrationRunner::status() {
  RETURN_IF_ERROR(ensure_ledger());
  ASSIGN_OR_RETURN(ConnectionLease connection, database_.acquire());
  RETURN_IF_ERROR(verify_applied(*connection));
  ASSIGN_OR_RETURN(auto applied, read_applied(*connection));
  std::vector<MigrationStatus> out;
  for (const Migration& m : migrations_) {
    MigrationStatus s{m.version, m.name, std::nullopt};
    if (auto found = applied.find(m.version); found != applied.end()) s.applied_at = found->second.applied_at;
    out.push_back(std::move(s));
  }
  return out;
}

Result<bool> MigrationRunner::is_current_read_only() {
  ASSIGN_OR_RETURN(ConnectionLease connection, database_.acquire());
  RETURN_IF_ERROR(verify_applied(*connection));
  ASSIGN_OR_RETURN(auto applied, read_applied(*connection));
  return std::all_of(migrations_.begin(), migrations_.end(),
                     [&](const Migration& m) { return applied.contains(m.version); });
}

Result<bool> MigrationRunner::is_current() {
  ASSIGN_OR_RETURN(auto statuses, status());
  return std::all_of(statuses.begin(), statuses.end(),
                     [](const MigrationStatus& s) { return s.applied_at.has_value(); });
}

}  // namespace narralytica::store
