// Applies the numbered SQL migrations embedded in the binary (migrations/<backend>/NNNN_name.sql),
// each in its own transaction, and records version, name, checksum and time in
// schema_migrations. Safe to run from several processes at once: each migration is applied
// under the database's write lock (SQLite) or an advisory lock (PostgreSQL), and re-checked
// under that lock, so one process applies it and the others find nothing to do.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/embedded_file.hpp"
#include "store/database.hpp"

namespace narralytica::store {

struct Migration {
  int version = 0;
  std::string name;      // from the file name, without number and extension
  std::string file;      // the file name, for messages
  std::string_view sql;
  std::string checksum;  // hex SHA-256 of the SQL
};

struct MigrationStatus {
  int version = 0;
  std::string name;
  std::optional<UnixMicros> applied_at;  // nullopt: pending
};

// The migrations compiled into this binary for `backend`, in version order.
std::span<const EmbeddedFile> embedded_migrations(Backend backend);

// Parses file names and checksums. Errors: invalid_argument for a misnamed file or a duplicate
// version.
Result<std::vector<Migration>> load_migrations(std::span<const EmbeddedFile> files);

class MigrationRunner {
 public:
  // `database` must be opened with ConnectRole::owner on PostgreSQL.
  MigrationRunner(Database& database, std::vector<Migration> migrations,
                  const Clock& clock = SystemClock::instance())
      : database_(database), migrations_(std::move(migrations)), clock_(clock) {}

  // Applies every pending migration in order; returns the versions it applied (empty when the
  // database was current). Errors: precondition_failed when an applied migration's checksum no
  // longer matches or the database has a migration this binary does not know; the failing
  // statement's error (with file and line) when a migration fails, after rolling it back.
  Result<std::vector<int>> apply();

  // Applied and pending migrations, in order. Verifies checksums as apply() does.
  Result<std::vector<MigrationStatus>> status();

  // True when every known migration is applied (readiness checks).
  Result<bool> is_current();
  // The same answer from a read of the ledger alone: no ledger creation and no lock, so the
  // application role (which may create nothing) can ask, e.g. in a readiness probe.
  Result<bool> is_current_read_only();

 private:
  Status ensure_ledger();
  Status verify_applied(Connection& connection);

  Database& database_;
  std::vector<Migration> migrations_;
  const Clock& clock_;
};

}  // namespace narralytica::store
