// Backups and restores of the canonical database: the use case behind `narralytica backup PATH`
// and `narralytica restore PATH` (decision 0018, docs/reliability.md "Backups").
//
// SQLite: an online copy with SQLite's backup API from one read snapshot while the server keeps
// writing, checked and moved into place atomically; a restore refuses a database another process
// has open. PostgreSQL: `pg_dump -Fc` into one archive and `pg_restore` into an empty database.
// Derived data (search indexes, the conversation-analytics projection) is never in a backup: it
// is rebuilt from the restored canonical data (rebuild_derived).
//
// Only the operator (the CLI) backs up and restores. Each writes an audit record in the system
// chain: a backup in the database it copied (after the copy, so not in the copy itself), a
// restore in the restored database. Stateless, thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "search/search_indexer.hpp"
#include "store/database.hpp"
#include "store/identity/authorizer.hpp"

namespace narralytica::app {

struct BackupReport {
  store::Backend backend = store::Backend::sqlite;
  std::int64_t bytes = 0;  // of the backup file
  double seconds = 0;
};

struct RestoreReport {
  store::Backend backend = store::Backend::sqlite;
  std::int64_t bytes = 0;  // of the backup file
  int schema_version = 0;  // the backup's, i.e. the restored database's
  // Migrations this binary knows that the backup predates: `narralytica migrate` applies them.
  int migrations_pending = 0;
  double seconds = 0;
};

struct DerivedRebuildReport {
  std::vector<search::RebuildReport> search;  // one per tenant
  std::int64_t transcripts_measured = 0;      // by the conversation-analytics rebuild
};

class BackupService {
 public:
  // Writes a backup of the database at `database_url` (as given to --db) to `destination`, a new
  // file, and records it in `database`'s audit log. SQLite: a consistent copy as of one commit,
  // taken while others write (nobody waits for it). PostgreSQL: a pg_dump custom-format archive.
  // Errors: permission_denied for anyone but the operator; invalid_argument when `destination`
  // exists; unavailable for I/O errors or a missing/failed pg_dump; internal when the copy fails
  // its integrity check (no file is left at `destination` then).
  static Result<BackupReport> backup(store::Database& database, const std::string& database_url,
                                     const std::filesystem::path& destination, const store::Principal& principal);

  // Replaces the database at `database_url` with the backup at `source`, after checking the
  // backup (SQLite: integrity_check; both: its schema version against this binary's), then
  // records the restore in the restored database's audit log. SQLite: the database must not be
  // open in another process (created when missing). PostgreSQL: the database must be empty (a
  // new one from `createdb`); the application role is created when the cluster lacks it.
  // Errors: permission_denied for anyone but the operator; not_found for a missing backup;
  // invalid_argument for a damaged backup or one that is not a Narralytica database;
  // precondition_failed for a backup of a newer schema than this binary knows; conflict for a
  // PostgreSQL database that already has tables; unavailable when the SQLite database is in use
  // or for I/O and pg_restore errors.
  static Result<RestoreReport> restore(const std::string& database_url, const std::filesystem::path& source,
                                       const store::Principal& principal);

  // Rebuilds what is derived from canonical data after a restore: every tenant's search index
  // under `data_dir` (as `narralytica reindex`) and conversation-analytics measures (as
  // `narralytica analytics rebuild`). Errors: as SearchService::reindex and the rebuild.
  static Result<DerivedRebuildReport> rebuild_derived(store::Database& database, const std::filesystem::path& data_dir,
                                                      const store::Principal& principal, int threads);
};

}  // namespace narralytica::app
