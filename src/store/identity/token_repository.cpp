#include "store/identity/token_repository.hpp"

#include <sodium.h>

#include "core/json_writer.hpp"
#include "core/secrets.hpp"

namespace narralytica::store {
namespace {

// last_used_at is refreshed at most this often, so authentication is not a write per request.
constexpr std::int64_t kLastUsedResolutionUs = 60'000'000;

constexpr const char* kTokenUserIsMember =
    "SELECT 1 FROM memberships WHERE tenant_id = $1 AND user_id = $2 AND status = 'active' LIMIT 1";
constexpr const char* kInsertToken =
    "INSERT INTO api_tokens (public_id, tenant_id, user_id, name, prefix, secret_hash, expires_at, "
    "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id";
constexpr const char* kSelectByHash =
    "SELECT t.id, t.prefix, t.tenant_id, t.user_id, u.email, t.secret_hash, t.expires_at, t.revoked_at, "
    "t.last_used_at, u.status, n.status FROM api_tokens t "
    "JOIN users u ON u.id = t.user_id JOIN tenants n ON n.id = t.tenant_id WHERE t.secret_hash = $1";
// kSelectByHash's columns, then the tenant's, the permission and membership checks ($2, $3: the
// permission's action and resource) and the tenant's event head.
constexpr const char* kSelectAccessByHash =
    "SELECT t.id, t.prefix, t.tenant_id, t.user_id, u.email, t.secret_hash, t.expires_at, t.revoked_at, "
    "t.last_used_at, u.status, n.status, n.public_id, n.slug, n.name, n.created_at, n.updated_at, "
    "EXISTS (SELECT 1 FROM memberships m "
    "JOIN role_permissions rp ON rp.tenant_id = m.tenant_id AND rp.role_id = m.role_id "
    "JOIN permissions p ON p.id = rp.permission_id "
    "WHERE m.tenant_id = t.tenant_id AND m.user_id = t.user_id AND m.status = 'active' "
    "AND p.action = $2 AND p.resource = $3), "
    "EXISTS (SELECT 1 FROM memberships m "
    "WHERE m.tenant_id = t.tenant_id AND m.user_id = t.user_id AND m.status = 'active'), "
    "(SELECT coalesce(max(e.position), 0) FROM event_logs e WHERE e.tenant_id = t.tenant_id) "
    "FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN tenants n ON n.id = t.tenant_id "
    "WHERE t.secret_hash = $1";
constexpr const char* kSelectTokens =
    "SELECT id, public_id, name, prefix, expires_at, revoked_at FROM api_tokens WHERE tenant_id = $1 "
    "ORDER BY id DESC LIMIT $2";
constexpr const char* kSelectSession =
    "SELECT public_id, name, expires_at FROM api_tokens WHERE tenant_id = $1 AND id = $2";
constexpr const char* kTouchToken = "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1";
constexpr const char* kRevokeToken =
    "UPDATE api_tokens SET revoked_at = $3, updated_at = $3 "
    "WHERE tenant_id = $1 AND public_id = $2 AND revoked_at IS NULL";

}  // namespace

Result<CreatedToken> TokenRepository::create(Transaction& tx, const TenantScope& scope, const User& user,
                                             std::string_view name, std::optional<UnixMicros> expires_at) {
  if (name.find_first_not_of(" \t\r\n") == std::string_view::npos || name.size() > 100) {
    return make_error(ErrorCode::invalid_argument, "a token name is 1 to 100 characters, not blank", "name");
  }
  if (expires_at && *expires_at <= tx.now_us()) {
    return make_error(ErrorCode::invalid_argument, "the expiry must be in the future", "expires_at");
  }
  if (expires_at && *expires_at - tx.now_us() > kTokenLifetimeUsMax) {
    return make_error(ErrorCode::invalid_argument, "a token lives at most 366 days", "expires_at");
  }
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * member, tx.prepare(kTokenUserIsMember));
  member->bind_int64(1, scope.tenant_id());
  member->bind_int64(2, user.id);
  ASSIGN_OR_RETURN(bool is_member, member->step());
  member->reset();
  if (!is_member) {
    return make_error(ErrorCode::invalid_argument,
                      user.email + " is not a member of this tenant: add them first (admin member add)", "user");
  }
  NewToken secret = generate_token(tx.random());
  CreatedToken created;
  created.token.public_id = tx.new_id();
  created.token.name = name;
  created.token.prefix = secret.prefix;
  created.token.expires_at = expires_at;
  ASSIGN_OR_RETURN(Statement * insert, tx.prepare(kInsertToken));
  insert->bind_uuid(1, created.token.public_id);
  insert->bind_int64(2, scope.tenant_id());
  insert->bind_int64(3, user.id);
  insert->bind_text(4, name);
  insert->bind_text(5, secret.prefix);
  insert->bind_blob(6, secret.hash);
  insert->bind_optional_int64(7, expires_at);
  insert->bind_int64(8, tx.now_us());
  ASSIGN_OR_RETURN(bool inserted, insert->step());
  if (!inserted) return make_error(ErrorCode::internal, "token insert returned no id");
  created.token.id = insert->column_int64(0);
  insert->reset();
  created.secret = std::move(secret.secret);
  // The audit record names the token by prefix; the secret never reaches a log.
  tx.record_change(scope, "token.created", "api_token", created.token.public_id,
                   JsonObject().add("name", name).add("prefix", created.token.prefix)
                       .add("user", user.public_id.to_string()).str());
  return created;
}

namespace {

const Error& refused_token() {
  static const Error refused = make_error(ErrorCode::unauthenticated, "invalid, expired or revoked token");
  return refused;
}

// Runs `sql` (kSelectByHash or a query beginning with its columns) for the secret's hash, checks
// the token is usable and refreshes its last use; `read_more` reads the row's further columns.
// Errors: unauthenticated, or the database's.
template <class Bind, class ReadMore>
Result<TokenIdentity> resolve(Transaction& tx, const SystemScope& scope, std::string_view secret, const char* sql,
                              Bind bind, ReadMore read_more) {
  if (secret.size() < 8 || secret.size() > 200) return refused_token();
  RETURN_IF_ERROR(tx.enter(scope));
  const std::string hash = hash_token(secret);
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(sql));
  s->bind_blob(1, hash);
  bind(*s);
  ASSIGN_OR_RETURN(bool found, s->step());
  if (!found) return refused_token();
  TokenIdentity identity{s->column_int64(0), s->column_text(1), s->column_int64(2), s->column_int64(3),
                         s->column_text(4)};
  const std::string stored = s->column_blob(5);
  const auto expires_at = s->column_optional_int64(6);
  const bool revoked = !s->column_is_null(7);
  const auto last_used = s->column_optional_int64(8);
  const bool user_active = s->column_text(9) == "active";
  const bool tenant_active = s->column_text(10) == "active";
  read_more(*s);
  s->reset();
  const UnixMicros now = tx.now_us();
  const bool same = stored.size() == hash.size() && sodium_memcmp(stored.data(), hash.data(), hash.size()) == 0;
  if (!same || revoked || (expires_at && *expires_at <= now) || !user_active || !tenant_active) return refused_token();
  if (!last_used || now - *last_used >= kLastUsedResolutionUs) {
    ASSIGN_OR_RETURN(Statement * touch, tx.prepare(kTouchToken));
    touch->bind_int64(1, identity.token_id);
    touch->bind_int64(2, now);
    RETURN_IF_ERROR(touch->execute());
    identity.last_use_written = true;
  }
  return identity;
}

}  // namespace

Result<TokenIdentity> TokenRepository::authenticate(Transaction& tx, const SystemScope& scope, std::string_view secret) {
  return resolve(tx, scope, secret, kSelectByHash, [](Statement&) {}, [](const Statement&) {});
}

Result<TokenAccess> TokenRepository::authenticate_for(Transaction& tx, const SystemScope& scope,
                                                      std::string_view secret, Permission permission) {
  TokenAccess access;
  access.permission = permission;
  ASSIGN_OR_RETURN(access.identity, resolve(
      tx, scope, secret, kSelectAccessByHash,
      [&](Statement& s) {
        s.bind_text(2, permission.action);
        s.bind_text(3, permission.resource);
      },
      [&](const Statement& s) {
        access.tenant = Tenant{s.column_int64(2), s.column_uuid(11), s.column_text(12), s.column_text(13),
                               s.column_text(10), s.column_int64(14), s.column_int64(15)};
        access.permitted = s.column_bool(16);
        access.member = s.column_bool(17);
        access.tenant_event_head = s.column_int64(18);
      }));
  return access;
}

Status TokenRepository::revoke(Transaction& tx, const TenantScope& scope, const Uuid& token_public_id) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kRevokeToken));
  s->bind_int64(1, scope.tenant_id());
  s->bind_uuid(2, token_public_id);
  s->bind_int64(3, tx.now_us());
  ASSIGN_OR_RETURN(std::int64_t changed, s->execute());
  if (changed == 0) return make_error(ErrorCode::not_found, "no active token " + token_public_id.to_string(), "token");
  tx.record_change(scope, "token.revoked", "api_token", token_public_id);
  return ok_status();
}

Result<std::vector<ApiToken>> TokenRepository::list(Transaction& tx, const TenantScope& scope, int limit) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectTokens));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, limit);
  return s->collect([](const Statement& row) {
    return ApiToken{row.column_int64(0),          row.column_uuid(1),
                    row.column_text(2),           row.column_text(3),
                    row.column_optional_int64(4), row.column_optional_int64(5)};
  });
}

Result<TokenSession> TokenRepository::session(Transaction& tx, const TenantScope& scope, std::int64_t token_id) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectSession));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, token_id);
  ASSIGN_OR_RETURN(bool found, s->step());
  if (!found) return make_error(ErrorCode::not_found, "no such token", "token");
  TokenSession session{s->column_uuid(0), s->column_text(1), s->column_optional_int64(2)};
  s->reset();
  return session;
}

}  // namespace narralytica::store
