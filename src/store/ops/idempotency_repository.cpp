#include "store/ops/idempotency_repository.hpp"

namespace narralytica::store {
namespace {

constexpr const char* kSelectKey =
    "SELECT request_hash, status, content_type, headers, body FROM idempotency_keys "
    "WHERE tenant_id = $1 AND user_id = $2 AND key = $3 AND expires_at > $4";
// An expired key is reused in place rather than deleted first, so the unique key stays the lock.
constexpr const char* kUpsertKey =
    "INSERT INTO idempotency_keys (tenant_id, user_id, key, request_hash, status, content_type, headers, body, "
    "created_at, updated_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) "
    "ON CONFLICT (tenant_id, user_id, key) DO UPDATE SET request_hash = excluded.request_hash, "
    "status = excluded.status, content_type = excluded.content_type, headers = excluded.headers, "
    "body = excluded.body, created_at = excluded.created_at, updated_at = excluded.updated_at, "
    "expires_at = excluded.expires_at WHERE idempotency_keys.expires_at <= $9";

// Keys are per user; a scope without one (the CLI operator) has no key space.
std::int64_t user_of(const TenantScope& scope) { return scope.actor().user_id.value_or(0); }

}  // namespace

Result<std::optional<StoredResponse>> IdempotencyRepository::find(Transaction& tx, const TenantScope& scope,
                                                                    std::string_view key) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectKey));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, user_of(scope));
  s->bind_text(3, key);
  s->bind_int64(4, tx.now_us());
  ASSIGN_OR_RETURN(bool found, s->step());
  std::optional<StoredResponse> out;
  if (found) {
    out = StoredResponse{s->column_blob(0), static_cast<int>(s->column_int64(1)), s->column_text(2),
                         s->column_text(3), s->column_text(4)};
  }
  s->reset();
  return out;
}

Status IdempotencyRepository::store(Transaction& tx, const TenantScope& scope, std::string_view key,
                                    const StoredResponse& response) {
  if (key.empty() || key.size() > kIdempotencyKeyLengthMax) {
    return make_error(ErrorCode::invalid_argument, "an Idempotency-Key is 1 to 255 characters", "Idempotency-Key");
  }
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kUpsertKey));
  const UnixMicros now = tx.now_us();
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, user_of(scope));
  s->bind_text(3, key);
  s->bind_blob(4, response.request_hash);
  s->bind_int64(5, response.status);
  s->bind_text(6, response.content_type);
  s->bind_text(7, response.headers);
  s->bind_text(8, response.body);
  s->bind_int64(9, now);
  s->bind_int64(10, now + kIdempotencyTtlUs);
  ASSIGN_OR_RETURN(std::int64_t changed, s->execute());
  if (changed == 0) {
    return make_error(ErrorCode::conflict, "another request with this Idempotency-Key was answered first",
                      "Idempotency-Key");
  }
  return ok_status();
}

}  // namespace narralytica::store
