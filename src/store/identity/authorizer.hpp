// The only way to obtain a TenantScope for existing tenants: a permission check. Every repository
// call on tenant data takes a scope, so unchecked access to tenant data does not compile.
#pragma once

#include "store/identity/permission.hpp"
#include "store/identity/token_repository.hpp"
#include "store/tenancy/tenant_repository.hpp"

namespace narralytica::store {

// Who is asking.
struct Principal {
  enum class Kind { operator_cli, user };
  Kind kind = Kind::user;
  Actor actor;
  // For users: the tenant their token is bound to (nullopt for a login session, which may act
  // in any tenant where the user has a membership).
  std::optional<std::int64_t> bound_tenant_id;

  // The local operator: whoever can run the CLI against the database already holds its keys.
  static Principal operator_cli(std::string label) {
    return Principal{Kind::operator_cli, Actor{std::nullopt, std::nullopt, std::move(label)}, std::nullopt};
  }
};

class Authorizer {
 public:
  // A scope in `tenant` when `principal` holds `permission` there. Errors: not_found when the
  // principal has no business in that tenant at all (a token of tenant A asking about tenant B
  // sees the same answer as for a tenant that does not exist), permission_denied when it is a
  // member but its roles lack the permission. Denials are audited by the caller (the API), which
  // knows the request.
  static Result<TenantScope> authorize(Transaction& tx, const Principal& principal, const Tenant& tenant,
                                       Permission permission, RequestContext context = {});
  // The same decision for a bearer token's request in the token's own tenant, from what
  // TokenRepository::authenticate_for read with the token (no statement but entering the
  // tenant). `principal` is the token's. Errors: as above.
  static Result<TenantScope> authorize(Transaction& tx, const Principal& principal, const TokenAccess& access,
                                       RequestContext context = {});
};

}  // namespace narralytica::store
