// API tokens: random 256-bit secrets, shown once at creation; only their SHA-256 is stored.
// A token belongs to one user in one tenant and acts with that user's roles there.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/identity/permission.hpp"
#include "store/identity/user_repository.hpp"
#include "store/tenancy/tenant_repository.hpp"

namespace narralytica::store {

struct ApiToken {
  std::int64_t id = 0;
  Uuid public_id;
  std::string name;
  std::string prefix;
  std::optional<UnixMicros> expires_at;
  std::optional<UnixMicros> revoked_at;
};

struct CreatedToken {
  ApiToken token;
  std::string secret;  // the only time the secret exists outside the caller's hands
};

// What a valid bearer token resolves to.
struct TokenIdentity {
  std::int64_t token_id = 0;
  std::string prefix;
  std::int64_t tenant_id = 0;
  std::int64_t user_id = 0;
  std::string email;
  // Authentication wrote the token's last-use time (at most once a minute) in the caller's
  // transaction: commit it, even when the request itself wrote nothing.
  bool last_use_written = false;
};

// A bearer token resolved together with everything authorizing its request needs, read in one
// statement (on PostgreSQL each statement is a round trip; a request used to make four here).
struct TokenAccess {
  TokenIdentity identity;
  Tenant tenant;           // the token's tenant (active, or the token is refused)
  bool member = false;     // the token's user has an active membership in the tenant
  Permission permission;   // the permission asked about
  bool permitted = false;  // ... whose role holds it
  // The tenant's newest event position when the token was read (0: none yet). Every committed
  // change to tenant data records an event with a higher position (docs/decisions/0005), so an
  // unchanged head means unchanged tenant data: caches of rendered tenant data compare it.
  std::int64_t tenant_event_head = 0;
};

// The longest a token may live, on every path that makes one (API, CLI); no expiry at all is for
// the CLI only (an operator's choice).
inline constexpr std::int64_t kTokenLifetimeDaysMax = 366;
inline constexpr std::int64_t kTokenLifetimeUsMax = kTokenLifetimeDaysMax * 24 * 3600 * 1'000'000LL;

// What a token is, read by its internal id (a request knows its token's id from authentication).
struct TokenSession {
  Uuid public_id;
  std::string name;
  std::optional<UnixMicros> expires_at;
};

class TokenRepository {
 public:
  // Errors: invalid_argument when the user is not a member of the tenant, the name is bad, or
  // expires_at is not in (now, now + kTokenLifetimeUsMax] (field "expires_at").
  static Result<CreatedToken> create(Transaction& tx, const TenantScope& scope, const User& user,
                                     std::string_view name, std::optional<UnixMicros> expires_at);
  // Resolves a bearer secret. Errors: unauthenticated (one message for unknown, revoked,
  // expired, or a disabled user or tenant, so a caller learns nothing from it).
  static Result<TokenIdentity> authenticate(Transaction& tx, const SystemScope& scope, std::string_view secret);
  // authenticate, plus the token's tenant, whether its user holds `permission` there, and the
  // tenant's event head, in one statement. Authorizer::authorize(tx, principal, access, ...) turns
  // the answer into a scope. Errors: as authenticate.
  static Result<TokenAccess> authenticate_for(Transaction& tx, const SystemScope& scope, std::string_view secret,
                                              Permission permission);
  // The scope's tenant's token `token_id`. Errors: not_found.
  static Result<TokenSession> session(Transaction& tx, const TenantScope& scope, std::int64_t token_id);
  // Errors: not_found.
  static Status revoke(Transaction& tx, const TenantScope& scope, const Uuid& token_public_id);
  // The tenant's tokens, newest first, at most `limit`, revoked and expired ones included (no
  // secret: only its hash is stored).
  static Result<std::vector<ApiToken>> list(Transaction& tx, const TenantScope& scope, int limit);
};

}  // namespace narralytica::store
