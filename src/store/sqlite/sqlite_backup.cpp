#include "store/sqlite/sqlite_backup.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <string>
#include <system_error>

#include "store/file_sync.hpp"

namespace narralytica::store {
namespace {

// How long the copy's connections wait for a lock another process holds briefly (a checkpoint).
constexpr int kBusyTimeoutMs = 10'000;

class Handle {
 public:
  Handle() = default;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { sqlite3_close_v2(db_); }
  sqlite3*& raw() { return db_; }
  sqlite3* get() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

Error sqlite_file_error(sqlite3* db, int rc, const std::filesystem::path& file, const std::string& what) {
  const int primary = rc & 0xff;
  std::string message = what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  ErrorCode code = ErrorCode::internal;
  if (primary == SQLITE_NOTADB) {
    code = ErrorCode::invalid_argument;
  } else if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    code = ErrorCode::unavailable;
  } else if (primary == SQLITE_CANTOPEN || primary == SQLITE_IOERR || primary == SQLITE_FULL ||
             primary == SQLITE_READONLY || primary == SQLITE_PERM) {
    code = ErrorCode::unavailable;
  }
  return make_error(code, message, file.string());
}

Status open_file(Handle& handle, const std::filesystem::path& file, int flags, const std::string& what) {
  const int rc = sqlite3_open_v2(file.c_str(), &handle.raw(), flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) return sqlite_file_error(handle.get(), rc, file, what);
  sqlite3_extended_result_codes(handle.get(), 1);
  sqlite3_busy_timeout(handle.get(), kBusyTimeoutMs);
  return ok_status();
}

Status exec(const Handle& handle, const char* sql, const std::filesystem::path& file, const std::string& what) {
  const int rc = sqlite3_exec(handle.get(), sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return sqlite_file_error(handle.get(), rc, file, what);
  return ok_status();
}

// Removes the temporary copy unless it was renamed into place.
class TemporaryFile {
 public:
  explicit TemporaryFile(std::filesystem::path path) : path_(std::move(path)) {}
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  ~TemporaryFile() {
    if (!kept_) {
      std::error_code ignored;
      for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
        std::filesystem::remove(path_.string() + suffix, ignored);
      }
    }
  }
  const std::filesystem::path& path() const { return path_; }
  void keep() { kept_ = true; }

 private:
  std::filesystem::path path_;
  bool kept_ = false;
};

// Copies every page of `source` into `destination` with sqlite3_backup_step, `pages` at a time.
Result<SqliteCopyReport> copy_pages(const Handle& source, const Handle& destination, int pages,
                                    const std::filesystem::path& source_file,
                                    const std::function<void()>& after_step = {}) {
  sqlite3_backup* backup = sqlite3_backup_init(destination.get(), "main", source.get(), "main");
  if (backup == nullptr) {
    return sqlite_file_error(destination.get(), sqlite3_errcode(destination.get()), source_file,
                             "cannot start the copy");
  }
  SqliteCopyReport report;
  int rc = SQLITE_OK;
  while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    rc = sqlite3_backup_step(backup, pages);
    ++report.steps;
    if (rc == SQLITE_OK && after_step) after_step();
    // BUSY/LOCKED: the source is briefly locked (it is not, in WAL mode with our read open, but
    // the API allows it); the next step waits on the busy handler.
  }
  report.pages = sqlite3_backup_pagecount(backup);
  const int finished = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return sqlite_file_error(destination.get(), rc, source_file, "copy failed");
  if (finished != SQLITE_OK) return sqlite_file_error(destination.get(), finished, source_file, "copy failed");
  return report;
}

// The first line integrity_check reports, "ok" when the file is sound.
Result<std::string> integrity_of(const Handle& handle, const std::filesystem::path& file) {
  sqlite3_stmt* statement = nullptr;
  int rc = sqlite3_prepare_v2(handle.get(), "PRAGMA integrity_check(1)", -1, &statement, nullptr);
  if (rc != SQLITE_OK) return sqlite_file_error(handle.get(), rc, file, "cannot check the file");
  std::string verdict;
  rc = sqlite3_step(statement);
  if (rc == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    verdict = text ? text : "";
  }
  sqlite3_finalize(statement);
  if (rc != SQLITE_ROW) return sqlite_file_error(handle.get(), rc, file, "cannot check the file");
  return verdict;
}

Result<int> schema_version_of(const Handle& handle, const std::filesystem::path& file) {
  sqlite3_stmt* statement = nullptr;
  int rc = sqlite3_prepare_v2(handle.get(),
                              "SELECT (SELECT count(*) FROM sqlite_schema WHERE name = 'schema_migrations')", -1,
                              &statement, nullptr);
  if (rc != SQLITE_OK) return sqlite_file_error(handle.get(), rc, file, "cannot read the schema");
  rc = sqlite3_step(statement);
  const bool has_ledger = rc == SQLITE_ROW && sqlite3_column_int(statement, 0) > 0;
  sqlite3_finalize(statement);
  if (rc != SQLITE_ROW) return sqlite_file_error(handle.get(), rc, file, "cannot read the schema");
  if (!has_ledger) return 0;
  rc = sqlite3_prepare_v2(handle.get(), "SELECT coalesce(max(version), 0) FROM schema_migrations", -1, &statement,
                          nullptr);
  if (rc != SQLITE_OK) return sqlite_file_error(handle.get(), rc, file, "cannot read the schema version");
  rc = sqlite3_step(statement);
  const int version = rc == SQLITE_ROW ? sqlite3_column_int(statement, 0) : 0;
  sqlite3_finalize(statement);
  if (rc != SQLITE_ROW) return sqlite_file_error(handle.get(), rc, file, "cannot read the schema version");
  return version;
}

}  // namespace

Result<SqliteCopyReport> sqlite_copy_online(const std::filesystem::path& source,
                                            const std::filesystem::path& destination,
                                            const SqliteCopyOptions& options) {
  std::error_code ec;
  if (std::filesystem::exists(destination, ec)) {
    return make_error(ErrorCode::invalid_argument, "the backup file already exists; name a new file",
                      destination.string());
  }
  if (!std::filesystem::is_regular_file(source, ec)) {
    return make_error(ErrorCode::not_found, "no SQLite database at this path", source.string());
  }
  TemporaryFile temporary(directory_of(destination) /
                          ("." + destination.filename().string() + ".partial-" + std::to_string(::getpid())));

  Handle from;
  RETURN_IF_ERROR(open_file(from, source, SQLITE_OPEN_READONLY, "cannot open the database to copy"));
  // One read transaction from the first page to the last: every step reads the same snapshot,
  // so writers committing meanwhile neither wait for the copy nor make it start over.
  RETURN_IF_ERROR(exec(from, "BEGIN; SELECT count(*) FROM sqlite_schema;", source, "cannot read the database"));

  SqliteCopyReport report;
  {
    Handle to;
    RETURN_IF_ERROR(open_file(to, temporary.path(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                              "cannot create the backup file"));
    ASSIGN_OR_RETURN(report, copy_pages(from, to, options.pages_per_step, source, options.after_step));
    // The copy arrives in WAL mode like its source; a backup is one self-contained file.
    RETURN_IF_ERROR(exec(to, "PRAGMA journal_mode = DELETE", temporary.path(), "cannot finish the backup file"));
  }
  RETURN_IF_ERROR(exec(from, "COMMIT", source, "cannot end the read of the database"));

  RETURN_IF_ERROR(sync_file(temporary.path()));
  {
    Handle check;
    RETURN_IF_ERROR(open_file(check, temporary.path(), SQLITE_OPEN_READONLY, "cannot open the copy to check it"));
    ASSIGN_OR_RETURN(std::string verdict, integrity_of(check, temporary.path()));
    if (verdict != "ok") {
      return make_error(ErrorCode::internal, "the copy failed its integrity check: " + verdict,
                        temporary.path().string());
    }
  }
  std::filesystem::rename(temporary.path(), destination, ec);
  if (ec) {
    return make_error(ErrorCode::unavailable, "cannot move the backup into place: " + ec.message(),
                      destination.string());
  }
  temporary.keep();
  RETURN_IF_ERROR(sync_directory(directory_of(destination)));
  report.bytes = static_cast<std::int64_t>(std::filesystem::file_size(destination, ec));
  return report;
}

Result<SqliteFileCheck> sqlite_check_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return make_error(ErrorCode::not_found, "no backup file at this path", path.string());
  }
  Handle handle;
  RETURN_IF_ERROR(open_file(handle, path, SQLITE_OPEN_READONLY, "cannot open the backup"));
  ASSIGN_OR_RETURN(std::string verdict, integrity_of(handle, path));
  if (verdict != "ok") {
    return make_error(ErrorCode::invalid_argument, "the backup failed its integrity check: " + verdict,
                      path.string());
  }
  SqliteFileCheck check;
  ASSIGN_OR_RETURN(check.schema_version, schema_version_of(handle, path));
  check.bytes = static_cast<std::int64_t>(std::filesystem::file_size(path, ec));
  return check;
}

Status sqlite_restore_into(const std::filesystem::path& backup, const std::filesystem::path& target) {
  Handle to;
  RETURN_IF_ERROR(open_file(to, target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "cannot open the database"));
  // No waiting: a lock held by someone else means the database is in use, not briefly busy.
  sqlite3_busy_timeout(to.get(), 0);
  // In exclusive locking mode the lock taken here is kept until the connection closes. Another
  // process with the database open in WAL mode holds a shared lock on the file for as long as it
  // has it open, so a running server or worker makes this fail instead of losing its view.
  Status locked = exec(to, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;", target, "cannot lock");
  if (!locked.ok()) {
    return make_error(ErrorCode::unavailable,
                      "the database is in use by another process (a running `narralytica serve` or `worker`?): "
                      "stop it, then restore",
                      target.string());
  }
  Handle from;
  RETURN_IF_ERROR(open_file(from, backup, SQLITE_OPEN_READONLY, "cannot open the backup"));
  RETURN_IF_ERROR(copy_pages(from, to, -1, backup));
  RETURN_IF_ERROR(exec(to, "PRAGMA journal_mode = WAL; PRAGMA wal_checkpoint(TRUNCATE);", target,
                       "cannot finish the restore"));
  return sync_file(target);
}

}  // namespace narralytica::store
