#include "store/database.hpp"

#include "store/pooled_database.hpp"
#include "store/postgres/postgres_database.hpp"
#include "store/sqlite/sqlite_database.hpp"

namespace narralytica::store {

const char* to_string(Backend backend) noexcept {
  return backend == Backend::sqlite ? "sqlite" : "postgresql";
}

Result<std::int64_t> Statement::execute() {
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, step());
    if (!has_row) break;
  }
  return changes();
}

ConnectionLease& ConnectionLease::operator=(ConnectionLease&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = other.owner_;
    connection_ = std::move(other.connection_);
  }
  return *this;
}

ConnectionLease::~ConnectionLease() { release(); }

void ConnectionLease::release() {
  if (connection_ && owner_) owner_->give_back(std::move(connection_));
  connection_.reset();
}

Result<std::unique_ptr<Database>> Database::open(const DatabaseOptions& options) {
  const std::string_view url = options.url;
  if (url.empty()) {
    return make_error(ErrorCode::invalid_argument,
                      "no database given: pass --db PATH or --db postgresql://… (or set NARRALYTICA_DB)");
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return open_postgres(options);
  }
  if (url.starts_with("sqlite:")) {
    DatabaseOptions sqlite_options = options;
    sqlite_options.url = std::string(url.substr(7));
    return open_sqlite(sqlite_options);
  }
  if (auto colon = url.find("://"); colon != std::string_view::npos) {
    return make_error(ErrorCode::invalid_argument,
                      "unknown database scheme '" + std::string(url.substr(0, colon)) +
                          "': use a file path, sqlite:PATH or postgresql://USER@HOST/DB",
                      "--db");
  }
  return open_sqlite(options);
}

Result<ConnectionLease> PooledDatabase::acquire() {
  std::unique_lock lock(mutex_);
  const bool got = available_.wait_for(lock, options_.busy_timeout, [&] {
    return !idle_.empty() || open_ < options_.pool_size_max;
  });
  if (!got) {
    return make_error(ErrorCode::unavailable,
                      "all " + std::to_string(options_.pool_size_max) +
                          " database connections are busy; try again or raise the pool size");
  }
  if (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    ++leased_;
    return ConnectionLease(this, std::move(connection));
  }
  ++open_;  // reserve the slot, then open without holding the lock
  lock.unlock();
  auto opened = open_connection();
  lock.lock();
  if (!opened.ok()) {
    --open_;
    available_.notify_one();
    return std::move(opened).error();
  }
  ++leased_;
  return ConnectionLease(this, std::move(opened).value());
}

void PooledDatabase::give_back(std::unique_ptr<Connection> connection) {
  // A lease dropped mid-transaction (an early return on error) rolls back here, so the next
  // borrower never inherits half a transaction.
  if (connection->in_transaction()) (void)connection->rollback();
  const bool keep = reusable(*connection) && !connection->in_transaction();
  std::lock_guard lock(mutex_);
  --leased_;
  if (keep) {
    idle_.push_back(std::move(connection));
  } else {
    --open_;
  }
  available_.notify_one();
}

int PooledDatabase::open_connections() const {
  std::lock_guard lock(mutex_);
  return open_;
}

int PooledDatabase::leased_connections() const {
  std::lock_guard lock(mutex_);
  return leased_;
}

}  // namespace narralytica::store
