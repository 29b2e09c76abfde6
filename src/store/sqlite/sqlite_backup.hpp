// Whole-file copies of a SQLite database, for `narralytica backup` and `restore` (decision 0018):
// an online copy taken with SQLite's backup API while other processes keep writing, a check of a
// copy (integrity and schema version), and a restore into a database nobody else has open.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>

#include "core/result.hpp"

namespace narralytica::store {

struct SqliteCopyOptions {
  // Pages copied per sqlite3_backup_step: the copy reads one snapshot throughout (it holds a read
  // transaction from the first step to the last), so the chunk size only sets how often the copy
  // can be observed and interrupted, never whether writers wait. 4,096 pages are 16 MiB.
  int pages_per_step = 4096;
  // Test seam: runs after each step that left pages to copy (a test commits writes there).
  std::function<void()> after_step;
};

struct SqliteCopyReport {
  std::int64_t pages = 0;
  std::int64_t bytes = 0;  // of the finished copy
  int steps = 0;
};

// Copies the database at `source` (in WAL mode, while others write to it) to `destination`, a
// file that must not exist yet: the pages are written to a temporary file beside it, which is
// switched to a self-contained rollback-journal file (no -wal beside it), synced, checked with
// `PRAGMA integrity_check` and only then renamed into place, and the directory synced. The copy
// is the database as of one committed transaction. Writers are never blocked: in WAL mode a
// reader does not hold them up (the log only grows until the copy's snapshot is released).
// Errors: invalid_argument when `destination` exists or `source` is not a SQLite database;
// unavailable for I/O errors (naming the file); internal when the copy fails its check.
Result<SqliteCopyReport> sqlite_copy_online(const std::filesystem::path& source,
                                            const std::filesystem::path& destination,
                                            const SqliteCopyOptions& options = {});

struct SqliteFileCheck {
  std::int64_t bytes = 0;
  // The highest migration recorded in the copy's schema_migrations; 0 when it has none.
  int schema_version = 0;
};

// Opens `path` read-only and runs `PRAGMA integrity_check` and reads its schema version.
// Errors: not_found for a missing file, invalid_argument for a file that is not a SQLite
// database or one that fails the check (naming the first problem integrity_check reports).
Result<SqliteFileCheck> sqlite_check_file(const std::filesystem::path& path);

// Replaces the content of the database at `target` (created when missing) with the content of
// the checked copy at `backup`, through the backup API, under an exclusive lock taken first: a
// database another process has open (a running `serve` or `worker`) is refused, and nobody can
// open it until the restore is done. The target keeps WAL mode; its log is checkpointed and
// emptied before the lock is let go. Errors: unavailable when another process has the target
// open (naming it), or for I/O errors.
Status sqlite_restore_into(const std::filesystem::path& backup, const std::filesystem::path& target);

}  // namespace narralytica::store
