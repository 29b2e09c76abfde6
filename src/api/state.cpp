#include "api/detail/state.hpp"

#include "store/migrations.hpp"

namespace narralytica::api {

Status ReadinessCache::check(store::Database& database, const Clock& clock) {
  // Reachability is checked on every probe (a cheap read transaction); the ledger only when the
  // cached answer is older than kRecheckUs.
  {
    auto tx = store::Transaction::begin(database, store::TxMode::read);
    if (!tx.ok()) return std::move(tx).error();
  }
  const std::int64_t now = clock.now_us();
  std::lock_guard lock(mutex_);
  if (now - checked_at_us_ < (current_ ? kRecheckCurrentUs : kRecheckUs)) {
    if (current_) return ok_status();
    return make_error(ErrorCode::unavailable, "the database has pending migrations: run `narralytica migrate`",
                      "migrations");
  }
  ASSIGN_OR_RETURN(auto migrations, store::load_migrations(store::embedded_migrations(database.backend())));
  store::MigrationRunner runner(database, std::move(migrations), clock);
  ASSIGN_OR_RETURN(bool current, runner.is_current_read_only());
  checked_at_us_ = now;
  current_ = current;
  if (!current) {
    return make_error(ErrorCode::unavailable, "the database has pending migrations: run `narralytica migrate`",
                      "migrations");
  }
  return ok_status();
}

bool LoginThrottle::allowed(const std::string& email, std::int64_t now_us) {
  std::lock_guard lock(mutex_);
  auto it = windows_.find(email);
  if (it == windows_.end()) return true;
  if (now_us - it->second.started_us >= kWindowUs) {
    windows_.erase(it);
    return true;
  }
  return it->second.failures < kFailuresMax;
}

void LoginThrottle::failed(const std::string& email, std::int64_t now_us) {
  std::lock_guard lock(mutex_);
  if (windows_.size() >= kTrackedMax && !windows_.contains(email)) {
    auto oldest = windows_.begin();
    for (auto it = windows_.begin(); it != windows_.end(); ++it) {
      if (it->second.started_us < oldest->second.started_us) oldest = it;
    }
    windows_.erase(oldest);
  }
  auto& window = windows_[email];
  if (window.failures == 0 || now_us - window.started_us >= kWindowUs) window = Window{now_us, 0};
  ++window.failures;
}

void LoginThrottle::succeeded(const std::string& email) {
  std::lock_guard lock(mutex_);
  windows_.erase(email);
}

}  // namespace narralytica::api
