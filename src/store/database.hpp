// The connection interface every repository is written against, with one implementation per
// backend (sqlite/, postgres/). Repositories hold SQL as named constants with `$1`-style
// parameters; the SQLite backend maps `$N` to `?N`, so one text serves both backends where the
// dialects agree, and `Connection::backend()` picks a variant where they do not.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/result.hpp"
#include "core/uuid.hpp"

namespace narralytica::store {

enum class Backend { sqlite, postgres };
const char* to_string(Backend backend) noexcept;

// A prepared statement owned by its Connection and reused across calls (see Connection::prepare).
// Parameters are 1-based (matching `$1`), columns 0-based. Not thread-safe: a statement belongs to
// the connection lease that prepared it. Column accessors are valid only after step() returned
// true; returned views live until the next step() or reset().
class Statement {
 public:
  virtual ~Statement() = default;
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  virtual void bind_null(int index) = 0;
  virtual void bind_int64(int index, std::int64_t value) = 0;
  virtual void bind_double(int index, double value) = 0;
  virtual void bind_bool(int index, bool value) = 0;
  virtual void bind_text(int index, std::string_view value) = 0;
  // Raw bytes (BLOB / bytea).
  virtual void bind_blob(int index, std::string_view value) = 0;
  // A JSON document given as text (TEXT checked by json_valid / jsonb).
  virtual void bind_json(int index, std::string_view json) = 0;
  virtual void bind_uuid(int index, const Uuid& value) = 0;

  void bind_optional_text(int index, const std::optional<std::string>& value) {
    if (value) bind_text(index, *value); else bind_null(index);
  }
  void bind_optional_int64(int index, const std::optional<std::int64_t>& value) {
    if (value) bind_int64(index, *value); else bind_null(index);
  }
  void bind_optional_double(int index, const std::optional<double>& value) {
    if (value) bind_double(index, *value); else bind_null(index);
  }

  // Executes on the first call, then moves to the next row. Returns true while a row is
  // available, false when done. Constraint violations come back as Error{conflict or
  // invalid_argument} naming the constraint.
  virtual Result<bool> step() = 0;
  // Runs to completion, discarding rows; returns the number of rows changed.
  Result<std::int64_t> execute();
  // Runs and expects at most one row; false when there was none.
  Result<bool> fetch_one() { return step(); }

  // Runs the statement, maps every row with `read(const Statement&)`, then resets it.
  template <class Read>
  auto collect(Read read) -> Result<std::vector<std::invoke_result_t<Read, const Statement&>>> {
    std::vector<std::invoke_result_t<Read, const Statement&>> rows;
    while (true) {
      ASSIGN_OR_RETURN(bool has_row, step());
      if (!has_row) break;
      rows.push_back(read(*this));
    }
    reset();
    return rows;
  }

  // Clears the result and the bindings so the statement can run again.
  virtual void reset() = 0;
  // Rows changed by the last completed execution.
  virtual std::int64_t changes() const = 0;

  virtual bool column_is_null(int column) const = 0;
  virtual std::int64_t column_int64(int column) const = 0;
  virtual double column_double(int column) const = 0;
  virtual bool column_bool(int column) const = 0;
  virtual std::string column_text(int column) const = 0;
  virtual std::string column_blob(int column) const = 0;
  virtual Uuid column_uuid(int column) const = 0;

  std::optional<std::int64_t> column_optional_int64(int column) const {
    if (column_is_null(column)) return std::nullopt;
    return column_int64(column);
  }
  std::optional<double> column_optional_double(int column) const {
    if (column_is_null(column)) return std::nullopt;
    return column_double(column);
  }
  std::optional<std::string> column_optional_text(int column) const {
    if (column_is_null(column)) return std::nullopt;
    return column_text(column);
  }
  std::optional<Uuid> column_optional_uuid(int column) const {
    if (column_is_null(column)) return std::nullopt;
    return column_uuid(column);
  }
};

// One session with the database. Owned by its Database's pool and lent out through a
// ConnectionLease; not thread-safe.
class Connection {
 public:
  virtual ~Connection() = default;
  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  virtual Backend backend() const = 0;

  // Returns the connection's cached statement for `sql`, preparing it on first use. The
  // statement is reset and its bindings cleared. The reference stays valid for the life of the
  // connection. Fails (invalid_argument) when the SQL does not compile, naming the SQL.
  virtual Result<Statement*> prepare(std::string_view sql) = 0;

  // Runs one or more ;-separated statements without parameters (migrations, pragmas). On
  // failure the error's field names the statement that failed.
  virtual Status execute_script(std::string_view sql) = 0;

  // Runs one statement without parameters whose only effect is on the statements after it in
  // the transaction (a set_config), possibly later: PostgreSQL sends it in one round trip with
  // the next statement, and drops it when nothing follows before the transaction ends. Its
  // failure is reported by that next statement.
  virtual Status defer_script(std::string_view sql) { return execute_script(sql); }

  // Transaction control; prefer the RAII Transaction in transaction.hpp.
  // `write` takes the write lock up front on SQLite (BEGIN IMMEDIATE), which avoids the
  // deadlock of two readers upgrading at once.
  virtual Status begin(bool write) = 0;
  virtual Status commit() = 0;
  virtual Status rollback() = 0;
  virtual bool in_transaction() const = 0;
  // Returns once the last commit() is durable. Only a group-committing database (see
  // group_sync.hpp) returns from commit() earlier; elsewhere a commit is durable when it returns.
  virtual Status await_durable() { return ok_status(); }

  // A nested transaction inside the open one, for the members of a write batch
  // (write_batch.hpp): open it, keep its changes (release), or undo them and close it. Only a
  // backend that batches writes (SQLite) has them.
  virtual Status savepoint() { return make_error(ErrorCode::internal, "savepoints are not used on this backend"); }
  virtual Status release_savepoint() { return savepoint(); }
  virtual Status rollback_to_savepoint() { return savepoint(); }

  // True when a statement failed since the transaction began. PostgreSQL aborts such a
  // transaction; SQLite would let it commit with the failed call's earlier writes, so commit()
  // refuses it on both backends: a failed repository call leaves nothing half-done.
  bool statement_failed() const { return statement_failed_; }

 protected:
  bool statement_failed_ = false;
};

class Database;
class GroupSync;
class WriteBatch;
class WriteTurn;

// RAII loan of a pooled connection: returned to the pool on destruction. Move-only.
class ConnectionLease {
 public:
  ConnectionLease() = default;
  ConnectionLease(Database* owner, std::unique_ptr<Connection> connection)
      : owner_(owner), connection_(std::move(connection)) {}
  ConnectionLease(ConnectionLease&&) noexcept = default;
  ConnectionLease& operator=(ConnectionLease&& other) noexcept;
  ~ConnectionLease();

  Connection& operator*() const { return *connection_; }
  Connection* operator->() const { return connection_.get(); }
  explicit operator bool() const { return connection_ != nullptr; }

 private:
  void release();
  Database* owner_ = nullptr;
  std::unique_ptr<Connection> connection_;
};

// Whom a PostgreSQL connection acts as. The application role owns no table and is subject to
// row-level security; the owner role runs migrations. SQLite ignores this.
enum class ConnectRole { application, owner };

// When a write batch (write_batch.hpp) commits although more writers are queued for it.
struct WriteBatchLimits {
  // Members after which a batch commits: bounds what one failed COMMIT can take with it.
  int members_max = 32;
  // How long a batch stays open while writers keep coming: bounds how long an answer, and a
  // read that waits for the batch, is held, and how long another process waits for the lock.
  std::chrono::microseconds open_max{2'000};
};

struct DatabaseOptions {
  // A file path, `sqlite:PATH`, `sqlite::memory:` or `postgresql://…` / `postgres://…`.
  std::string url;
  ConnectRole role = ConnectRole::application;
  // Most connections the pool opens.
  int pool_size_max = 8;
  // How long acquire() waits for a free connection, and SQLite for a lock.
  std::chrono::milliseconds busy_timeout{10'000};
  // SQLite file databases: many commits share one fsync of the write-ahead log instead of one
  // fsync each (group_sync.hpp); a commit is still durable before Transaction::commit() returns.
  // For a process with many concurrent writers (the HTTP server). Ignored by PostgreSQL, whose
  // server groups commits itself, and by in-memory databases.
  bool group_commit = false;
  // With group_commit on SQLite, writers that queue share a transaction (write_batch.hpp).
  WriteBatchLimits write_batch;
  // PostgreSQL, application role: a statement running longer is cancelled and fails with
  // ErrorCode::unavailable, so no request holds a connection and its locks indefinitely.
  // 0: no limit (the default; `serve` sets one, migrations never have one).
  std::chrono::milliseconds statement_timeout{0};
};

// A pool of connections to one database. Thread-safe.
class Database {
 public:
  virtual ~Database() = default;
  Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Opens (and for SQLite creates) the database named by options.url. Errors: invalid_argument
  // for an unknown scheme, unavailable for an unreachable server or unwritable file.
  static Result<std::unique_ptr<Database>> open(const DatabaseOptions& options);

  virtual Backend backend() const = 0;
  // Lends a connection, opening one if the pool is below its maximum, else waiting up to the
  // busy timeout (then Error{unavailable}).
  virtual Result<ConnectionLease> acquire() = 0;
  // Connections currently open, and lent out; for /metrics.
  virtual int open_connections() const = 0;
  virtual int leased_connections() const = 0;
  // The group committer when commits are grouped (DatabaseOptions::group_commit), else null.
  virtual GroupSync* group_sync() const { return nullptr; }
  // Where write transactions run when commits are grouped on SQLite (write_batch.hpp), else null.
  virtual WriteBatch* write_batch() const { return nullptr; }
  // The turn this process's write transactions take when the database has one writer and does
  // not batch writes (SQLite without group commit; write_turn.hpp), waiting up to the busy
  // timeout: Transaction::begin takes it, so no caller holds a lock of its own for the database. Null on PostgreSQL (row locks) and
  // when write_batch() is set (its members take the batch's turn).
  virtual WriteTurn* write_turn() { return nullptr; }

 protected:
  friend class ConnectionLease;
  virtual void give_back(std::unique_ptr<Connection> connection) = 0;
};

}  // namespace narralytica::store
