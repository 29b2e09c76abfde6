// The pool both backends share: connections are opened lazily up to a maximum, lent out with a
// ConnectionLease, and kept for reuse when given back (a connection whose session broke is
// dropped instead). Thread-safe.
#pragma once

#include <condition_variable>
#include <mutex>
#include <vector>

#include "store/database.hpp"

namespace narralytica::store {

class PooledDatabase : public Database {
 public:
  explicit PooledDatabase(DatabaseOptions options) : options_(std::move(options)) {}

  Result<ConnectionLease> acquire() override;
  int open_connections() const override;
  int leased_connections() const override;

 protected:
  // Opens one new session, configured and ready.
  virtual Result<std::unique_ptr<Connection>> open_connection() = 0;
  // False when a connection should not be reused (for instance, its server went away).
  virtual bool reusable(Connection& connection) const = 0;
  void give_back(std::unique_ptr<Connection> connection) override;

  const DatabaseOptions options_;

 private:
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;
  int leased_ = 0;
};

}  // namespace narralytica::store
