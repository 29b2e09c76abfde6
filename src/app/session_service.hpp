// Signing in and moving between tenants: the use cases behind POST /v1/auth/login,
// GET /v1/me/tenants and POST /v1/auth/switch (what the web UI's sign-in and tenant switch call).
//
// A session token is an ordinary API token bound to ONE tenant, named kSessionTokenName, living at
// most kSessionLifetimeUs. A person with memberships in several tenants holds one session token
// at a time: switching makes a token for the other tenant (expiring when the one it replaces
// would have, so switching never lengthens a session) and revokes the old one. Only a session
// token may switch: a token made for a script stays in its tenant.
//
// A login that names no tenant answers the user's tenants when there are several, and only after
// the password was checked; a wrong e-mail, a wrong password, an unknown tenant and a tenant the
// user may not use all answer the same refusal, so nobody learns which e-mails exist.
//
// Stateless and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/identity/authorizer.hpp"
#include "store/identity/membership_repository.hpp"

namespace narralytica::app {

inline constexpr std::string_view kSessionTokenName = "login";
// A working day: long enough not to interrupt one, short enough that a stolen token fades.
inline constexpr std::int64_t kSessionLifetimeUs = 12LL * 3600 * 1'000'000;
// Signing in to a tenant needs this permission there (every built-in role holds it).
inline constexpr store::Permission kSignIn{"read", "tenant"};
inline constexpr std::string_view kLoginRefused = "wrong e-mail, password or tenant";

struct SessionToken {
  std::string secret;  // shown once
  store::Tenant tenant;
  UnixMicros expires_at = 0;
};

// A token (a tenant was named, or the user has exactly one), or the tenants to choose from.
struct LoginAnswer {
  std::optional<SessionToken> token;
  std::vector<store::UserTenant> tenants;  // set when `token` is not
};

class SessionService {
 public:
  // Checks e-mail and password, then makes a session token in `tenant` (slug or id) or, when no
  // tenant is named, in the user's only usable tenant, or answers the usable tenants when there
  // are several. Errors: unauthenticated (kLoginRefused) for any refusal, including a user with
  // no usable tenant; database errors.
  static Result<LoginAnswer> login(store::Transaction& tx, std::string_view email, std::string_view password,
                                   const std::optional<std::string>& tenant, const store::RequestContext& context);
  // The tenants the caller's user may sign in to, by slug (the scope's tenant among them).
  // `scope` is the caller's token's tenant, authorized with kSignIn.
  static Result<std::vector<store::UserTenant>> tenants(store::Transaction& tx, const store::TenantScope& scope,
                                                        const store::Principal& caller,
                                                        const store::RequestContext& context);
  // A session token for `tenant_ref` (slug or id) in place of the caller's, which is revoked.
  // Errors: permission_denied when the caller's token is not a session token; not_found for a
  // tenant that does not exist or that the user may not use (one answer for both);
  // invalid_argument (field "tenant") when it is the caller's own tenant.
  static Result<SessionToken> switch_tenant(store::Transaction& tx, const store::TenantScope& scope,
                                            const store::Principal& caller, std::string_view caller_email,
                                            std::string_view tenant_ref, const store::RequestContext& context);
};

}  // namespace narralytica::app
