#include "store/sqlite/sqlite_database.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "store/group_sync.hpp"
#include "store/pooled_database.hpp"
#include "store/sqlite/wal_file.hpp"
#include "store/write_batch.hpp"
#include "store/write_turn.hpp"

namespace narralytica::store {
namespace {

// Maps a failed SQLite call to an Error the caller can act on. Constraint violations are the
// caller's input (conflict for uniqueness, invalid_argument for checks and foreign keys).
Error sqlite_error(sqlite3* db, int rc, std::string_view sql) {
  std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const int primary = rc & 0xff;
  ErrorCode code = ErrorCode::internal;
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
    code = ErrorCode::conflict;
  } else if (primary == SQLITE_CONSTRAINT) {
    code = ErrorCode::invalid_argument;
  } else if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    code = ErrorCode::unavailable;
    message += " (another process holds the database lock; try again)";
  } else if (primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN || primary == SQLITE_PERM) {
    code = ErrorCode::unavailable;
    message += " (check that the database file and its directory are writable)";
  } else if (primary == SQLITE_FULL) {
    // Not the caller's fault and not a bug: the request can succeed once space is freed.
    code = ErrorCode::unavailable;
    message += " (the disk is full: free space, then retry)";
  } else if (primary == SQLITE_IOERR) {
    // The disk failed this call; SQLite rolled back what it had not committed.
    code = ErrorCode::unavailable;
    message += " (the disk failed: check the disk and the system log)";
  } else if (primary == SQLITE_ERROR) {
    code = ErrorCode::invalid_argument;
  }
  std::string where(sql.substr(0, 200));
  return make_error(code, message, where);
}

// `$12` -> `?12`: SQLite binds `?NNN` to index NNN, so repository SQL written for PostgreSQL
// runs unchanged. `$` never appears in our SQL otherwise (checked by the backend tests).
std::string to_sqlite_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  for (std::size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] == '$' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      out.push_back('?');
    } else {
      out.push_back(sql[i]);
    }
  }
  return out;
}

class SqliteStatement final : public Statement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, std::string sql, bool* failed)
      : db_(db), stmt_(stmt), sql_(std::move(sql)), failed_(failed) {}
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }

  void bind_null(int i) override { sqlite3_bind_null(stmt_, i); }
  void bind_int64(int i, std::int64_t v) override { sqlite3_bind_int64(stmt_, i, v); }
  void bind_double(int i, double v) override { sqlite3_bind_double(stmt_, i, v); }
  void bind_bool(int i, bool v) override { sqlite3_bind_int(stmt_, i, v ? 1 : 0); }
  void bind_text(int i, std::string_view v) override {
    sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  }
  void bind_blob(int i, std::string_view v) override {
    sqlite3_bind_blob64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT);
  }
  void bind_json(int i, std::string_view v) override { bind_text(i, v); }
  void bind_uuid(int i, const Uuid& v) override {
    sqlite3_bind_blob(stmt_, i, v.bytes().data(), 16, SQLITE_TRANSIENT);
  }

  Result<bool> step() override {
    if (done_) return false;
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    done_ = true;
    if (rc == SQLITE_DONE) {
      changes_ = sqlite3_changes64(db_);
      return false;
    }
    // The extended code from sqlite3_extended_errcode tells UNIQUE from CHECK.
    Error error = sqlite_error(db_, sqlite3_extended_errcode(db_), sql_);
    sqlite3_reset(stmt_);
    if (sqlite3_get_autocommit(db_) == 0) *failed_ = true;
    return error;
  }

  void reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    done_ = false;
    changes_ = 0;
  }
  std::int64_t changes() const override { return changes_; }

  bool column_is_null(int c) const override { return sqlite3_column_type(stmt_, c) == SQLITE_NULL; }
  std::int64_t column_int64(int c) const override { return sqlite3_column_int64(stmt_, c); }
  double column_double(int c) const override { return sqlite3_column_double(stmt_, c); }
  bool column_bool(int c) const override { return sqlite3_column_int(stmt_, c) != 0; }
  std::string column_text(int c) const override {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, c));
    return text ? std::string(text, sqlite3_column_bytes(stmt_, c)) : std::string();
  }
  std::string column_blob(int c) const override {
    const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, c));
    return data ? std::string(data, sqlite3_column_bytes(stmt_, c)) : std::string();
  }
  Uuid column_uuid(int c) const override {
    const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, c));
    auto id = Uuid::from_bytes(std::string_view(data ? data : "", data ? sqlite3_column_bytes(stmt_, c) : 0));
    return id.value_or(Uuid{});
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string sql_;
  bool* failed_;  // the connection's statement_failed_ flag
  bool done_ = false;
  std::int64_t changes_ = 0;
};

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  // From now on, commits that write are numbered and made durable by `group_sync`.
  void join_group_commit(GroupSync* group_sync) { group_sync_ = group_sync; }
  sqlite3* handle() const { return db_; }
  ~SqliteConnection() override {
    statements_.clear();  // finalize before close
    for (sqlite3_stmt* stmt : control_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  Backend backend() const override { return Backend::sqlite; }

  Result<Statement*> prepare(std::string_view sql) override {
    auto found = statements_.find(std::string(sql));
    if (found != statements_.end()) {
      found->second->reset();
      return found->second.get();
    }
    const std::string translated = to_sqlite_placeholders(sql);
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, translated.c_str(), static_cast<int>(translated.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(db_, rc, sql);
    auto statement = std::make_unique<SqliteStatement>(db_, stmt, std::string(sql), &statement_failed_);
    Statement* raw = statement.get();
    statements_.emplace(std::string(sql), std::move(statement));
    return raw;
  }

  Status execute_script(std::string_view sql) override {
    // Statement by statement, so that a failure names the statement that failed.
    std::string text(sql);
    const char* tail = text.c_str();
    while (tail && *tail) {
      sqlite3_stmt* stmt = nullptr;
      const char* start = tail;
      int rc = sqlite3_prepare_v2(db_, start, -1, &stmt, &tail);
      std::string_view statement_text(start, static_cast<std::size_t>(tail - start));
      auto located = [&](Error error) {
        // Name the line where the failing statement starts, counting from the script's top.
        std::string_view before(text.c_str(), static_cast<std::size_t>(start - text.c_str()));
        std::string_view body = trim(statement_text);
        int line = 1 + static_cast<int>(std::count(before.begin(), before.end(), '\n')) +
                   static_cast<int>(std::count(statement_text.begin(),
                                               statement_text.begin() + (body.data() - statement_text.data()), '\n'));
        error.field = "line " + std::to_string(line) + ": " + error.field;
        return error;
      };
      if (rc != SQLITE_OK) return located(sqlite_error(db_, rc, trim(statement_text)));
      if (!stmt) continue;  // whitespace or a comment
      while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      }
      if (rc != SQLITE_DONE) {
        Error error = located(sqlite_error(db_, sqlite3_extended_errcode(db_), trim(statement_text)));
        sqlite3_finalize(stmt);
        if (in_transaction()) statement_failed_ = true;
        return error;
      }
      sqlite3_finalize(stmt);
    }
    return ok_status();
  }

  Status begin(bool write) override {
    statement_failed_ = false;
    end_sequence();  // a transaction that ended outside commit() and rollback()
    // After a failed sync or COMMIT nothing new is written: it could not be acknowledged, and
    // would still be in the file after the restart (group_sync.hpp).
    if (write && group_sync_) RETURN_IF_ERROR(group_sync_->failure());
    RETURN_IF_ERROR(control(write ? Control::begin_write : Control::begin_read));
    // A write transaction is numbered from BEGIN, not COMMIT: a write batch (write_batch.hpp)
    // stays open across its members, and an answer that waits for every transaction begun so
    // far must wait for the batch it wrote or read in. Writers hold SQLite's write lock from
    // BEGIN IMMEDIATE to the end, so the numbers still end in order.
    if (write && group_sync_) open_sequence_ = group_sync_->commit_begun();
    return ok_status();
  }
  Status commit() override {
    last_commit_ = 0;
    Status committed = control(Control::commit);
    if (open_sequence_ && !committed.ok()) {
      // With the write lock held and no deferred keys, a failed COMMIT is an I/O failure: part
      // of it may be in the log, and the members of a write batch were already told their
      // changes were written. Like a failed sync, it is final (group_sync.hpp), and the group
      // fails before this number ends, so that no sync can report it durable.
      Error error = committed.error();
      error.message = "a commit failed (" + error.message + "); restart the server";
      group_sync_->fail(std::move(error));
      if (in_transaction()) (void)control(Control::rollback);
    }
    if (committed.ok()) last_commit_ = open_sequence_;
    end_sequence();
    return committed;
  }
  Status await_durable() override { return last_commit_ ? group_sync_->wait(last_commit_) : ok_status(); }
  Status rollback() override {
    statement_failed_ = false;
    Status rolled_back = in_transaction() ? control(Control::rollback) : ok_status();
    end_sequence();
    return rolled_back;
  }
  Status savepoint() override {
    statement_failed_ = false;
    return control(Control::savepoint);
  }
  Status release_savepoint() override { return control(Control::release); }
  Status rollback_to_savepoint() override {
    statement_failed_ = false;
    RETURN_IF_ERROR(control(Control::rollback_to));
    return control(Control::release);
  }
  bool in_transaction() const override { return sqlite3_get_autocommit(db_) == 0; }

 private:
  // Transaction control runs on every request: its statements are prepared once per connection
  // (preparing "COMMIT" anew each time measured as 6% of a read request's server CPU).
  enum class Control { begin_read, begin_write, commit, rollback, savepoint, release, rollback_to, count };
  Status control(Control which) {
    static constexpr const char* kSql[] = {"BEGIN",          "BEGIN IMMEDIATE",          "COMMIT",
                                           "ROLLBACK",       "SAVEPOINT batch_member",   "RELEASE batch_member",
                                           "ROLLBACK TO batch_member"};
    const auto index = static_cast<std::size_t>(which);
    sqlite3_stmt*& stmt = control_[index];
    if (!stmt) {
      const int rc = sqlite3_prepare_v3(db_, kSql[index], -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
      if (rc != SQLITE_OK) return sqlite_error(db_, rc, kSql[index]);
    }
    if (sqlite3_step(stmt) == SQLITE_DONE) {
      sqlite3_reset(stmt);
      return ok_status();
    }
    Error error = sqlite_error(db_, sqlite3_extended_errcode(db_), kSql[index]);
    sqlite3_reset(stmt);
    if (in_transaction()) statement_failed_ = true;
    return error;
  }

  void end_sequence() {
    if (!open_sequence_) return;
    group_sync_->commit_ended(open_sequence_);
    open_sequence_ = 0;
  }

  static std::string_view trim(std::string_view s) {
    while (!s.empty()) {
      if (s.front() == ' ' || s.front() == '\n' || s.front() == '\t' || s.front() == '\r') {
        s.remove_prefix(1);
      } else if (s.starts_with("--")) {  // a comment line before the statement
        auto end = s.find('\n');
        s.remove_prefix(end == std::string_view::npos ? s.size() : end + 1);
      } else {
        break;
      }
    }
    return s;
  }

  sqlite3* db_;
  GroupSync* group_sync_ = nullptr;  // set when the database groups commits
  std::uint64_t open_sequence_ = 0;  // the group commit number of the open write transaction
  std::uint64_t last_commit_ = 0;    // the group commit number of the last commit
  std::unordered_map<std::string, std::unique_ptr<SqliteStatement>> statements_;
  sqlite3_stmt* control_[static_cast<std::size_t>(Control::count)] = {};
};

class SqliteDatabase final : public PooledDatabase {
 public:
  using PooledDatabase::PooledDatabase;
  Backend backend() const override { return Backend::sqlite; }
  GroupSync* group_sync() const override { return group_sync_.get(); }
  WriteBatch* write_batch() const override { return write_batch_.get(); }
  WriteTurn* write_turn() override { return write_batch_ ? nullptr : &write_turn_; }

 protected:
  Result<std::unique_ptr<Connection>> open_connection() override {
    sqlite3* db = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(options_.url.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
      std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
      sqlite3_close_v2(db);
      return make_error(ErrorCode::unavailable,
                        "cannot open SQLite database: " + message +
                            " (check that the directory exists and is writable)",
                        options_.url);
    }
    auto connection = std::make_unique<SqliteConnection>(db);
    sqlite3_busy_timeout(db, static_cast<int>(options_.busy_timeout.count()));
    sqlite3_extended_result_codes(db, 1);
    // An in-memory database has no log to sync; it commits as before.
    const char* file = sqlite3_db_filename(db, "main");
    const bool grouped = options_.group_commit && file && *file != '\0';
    // WAL lets readers run beside the one writer. FULL makes every commit durable on disk before
    // COMMIT returns; with group commit COMMIT only writes the log (NORMAL) and the group's
    // fdatasync makes it durable before anyone is told (group_sync.hpp).
    const std::string pragmas =
        std::string("PRAGMA journal_mode = WAL;") +
        (grouped ? "PRAGMA synchronous = NORMAL;" : "PRAGMA synchronous = FULL;") +
        "PRAGMA foreign_keys = ON;"
        "PRAGMA cache_size = -65536;"
        "PRAGMA temp_store = MEMORY;";
    if (auto status = connection->execute_script(pragmas); !status.ok()) {
      Error error = std::move(status).error();
      error.message = "cannot use SQLite database " + options_.url + ": " + error.message;
      return error;
    }
    // A read-only file opens fine and fails on the first write: find out now, not mid-import.
    if (sqlite3_db_readonly(db, "main") == 1) {
      return make_error(ErrorCode::unavailable,
                        "SQLite database is read-only: check the file's and its directory's permissions",
                        options_.url);
    }
    if (grouped) {
      RETURN_IF_ERROR(start_group_commit(*connection));
      connection->join_group_commit(group_sync_.get());
    }
    return std::unique_ptr<Connection>(std::move(connection));
  }

  bool reusable(Connection&) const override { return true; }

 private:
  // Once, with the first connection (open_sqlite opens it before anyone else can).
  Status start_group_commit(SqliteConnection& first) {
    std::call_once(group_started_, [&] {
      // Reading opens (and if need be creates) the write-ahead log.
      if (auto read = first.execute_script("SELECT count(*) FROM sqlite_schema"); !read.ok()) {
        group_error_ = std::move(read).error();
        return;
      }
      auto wal = WalFile::open(first.handle());
      if (!wal.ok()) {
        group_error_ = std::move(wal).error();
        return;
      }
      wal_.emplace(std::move(wal).value());
      group_sync_ = std::make_unique<GroupSync>([wal = &*wal_] { return wal->sync(); });
      write_batch_ = std::make_unique<WriteBatch>(*this, *group_sync_, options_.write_batch);
    });
    if (group_error_) return *group_error_;
    return ok_status();
  }

  std::once_flag group_started_;
  std::optional<Error> group_error_;
  std::optional<WalFile> wal_;  // outlives group_sync_, whose thread syncs it
  std::unique_ptr<GroupSync> group_sync_;
  std::unique_ptr<WriteBatch> write_batch_;  // commits what is open before group_sync_ stops
  WriteTurn write_turn_{options_.busy_timeout};  // the writers' turn when there is no write batch
};

}  // namespace

Result<std::unique_ptr<Database>> open_sqlite(const DatabaseOptions& options) {
  // SQLite's memory statistics take one process-wide mutex on every allocation, which the API's
  // threads then contend for; nothing reads them. Only possible before SQLite initializes (a
  // later call fails harmlessly).
  static std::once_flag configured;
  std::call_once(configured, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  auto database = std::make_unique<SqliteDatabase>(options);
  // Open one connection now so that a bad path fails at start-up with a clear message.
  ASSIGN_OR_RETURN(auto lease, database->acquire());
  (void)lease;
  return std::unique_ptr<Database>(std::move(database));
}

}  // namespace narralytica::store
