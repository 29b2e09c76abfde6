#include "api/detail/state.hpp"

#include "store/group_sync.hpp"
#include "store/migrations.hpp"

namespace narralytica::api {

Status ReadinessCache::check(store::Database& database, const Clock& clock) {
  // Reachability is checked on every probe (a cheap read transaction); the ledger only when the
  // cached answer is older than kRecheckUs.
  {
    auto tx = store::Transaction::begin(database, store::TxMode::read);
    if (!tx.ok()) return std::move(tx).error();
    // A statement, not only BEGIN: PostgreSQL's BEGIN waits to travel with the first statement,
    // so a transaction on a pooled connection to a database that has gone opens without error.
    ASSIGN_OR_RETURN(store::Statement * probe, tx->prepare("SELECT 1"));
    ASSIGN_OR_RETURN(bool row, probe->step());
    probe->reset();
    (void)row;
  }
  // After a failed sync or COMMIT (SQLite, group commit) every change is refused until a
  // restart (decision 0011): not ready, with that reason.
  if (const store::GroupSync* group = database.group_sync()) RETURN_IF_ERROR(group->failure());
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

std::string ResponseCache::full_key(std::int64_t tenant_id, std::string_view key) {
  std::string out = std::to_string(tenant_id);
  out += ' ';
  out += key;
  return out;
}

void ResponseCache::erase(std::list<Entry>::iterator entry) {
  index_.erase(entry->key);
  bytes_ -= entry->bytes;
  entries_.erase(entry);
}

std::optional<HttpResponse> ResponseCache::find(std::int64_t tenant_id, std::string_view key,
                                                        std::int64_t head, std::int64_t now_us) {
  const std::string full = full_key(tenant_id, key);
  std::lock_guard lock(mutex_);
  const auto found = index_.find(full);
  if (found == index_.end()) return std::nullopt;
  const auto entry = found->second;
  if (entry->head != head || now_us - entry->stored_us > kAgeMaxUs || now_us < entry->stored_us) {
    erase(entry);
    return std::nullopt;
  }
  entries_.splice(entries_.begin(), entries_, entry);
  const HttpResponse& stored = *entry->response;
  HttpResponse answer;
  answer.status = stored.status;
  answer.content_type = stored.content_type;
  answer.headers = stored.headers;
  answer.shared_body = stored.shared_body;
  return answer;
}

void ResponseCache::store(std::int64_t tenant_id, std::string_view key, std::int64_t head, std::int64_t now_us,
                          const HttpResponse& response) {
  std::size_t bytes = key.size() + response.body_view().size() + response.content_type.size() + 128;
  for (const auto& [name, value] : response.headers) bytes += name.size() + value.size();
  if (head <= 0 || bytes > kEntryBytesMax || bytes > bytes_max_) return;
  auto copy = std::make_shared<HttpResponse>();
  copy->status = response.status;
  copy->content_type = response.content_type;
  copy->headers = response.headers;
  copy->shared_body = response.shared_body ? response.shared_body : std::make_shared<const std::string>(response.body);
  std::shared_ptr<const HttpResponse> stored = std::move(copy);
  std::string full = full_key(tenant_id, key);
  std::lock_guard lock(mutex_);
  if (const auto found = index_.find(full); found != index_.end()) {
    // Another thread rendered the same page; keep the one of the newer head.
    if (found->second->head > head) return;
    erase(found->second);
  }
  entries_.push_front(Entry{std::move(full), head, now_us, std::move(stored), bytes});
  index_.emplace(entries_.front().key, entries_.begin());
  bytes_ += bytes;
  while (bytes_ > bytes_max_ && !entries_.empty()) erase(std::prev(entries_.end()));
}

}  // namespace narralytica::api
