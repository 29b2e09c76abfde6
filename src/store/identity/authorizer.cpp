#include "store/identity/authorizer.hpp"

namespace narralytica::store {
namespace {

constexpr const char* kIsMember =
    "SELECT 1 FROM memberships WHERE tenant_id = $1 AND user_id = $2 AND status = 'active' LIMIT 1";
constexpr const char* kHasPermission =
    "SELECT 1 FROM memberships m "
    "JOIN role_permissions rp ON rp.tenant_id = m.tenant_id AND rp.role_id = m.role_id "
    "JOIN permissions p ON p.id = rp.permission_id "
    "WHERE m.tenant_id = $1 AND m.user_id = $2 AND m.status = 'active' "
    "AND p.action = $3 AND p.resource = $4 LIMIT 1";

Result<bool> exists(Transaction& tx, const char* sql, auto bind) {
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(sql));
  bind(*s);
  ASSIGN_OR_RETURN(bool found, s->step());
  s->reset();
  return found;
}

Error unknown_tenant() { return make_error(ErrorCode::not_found, "no such tenant", "tenant"); }

Error denied(Permission permission) {
  return make_error(ErrorCode::permission_denied,
                    "your role does not allow " + std::string(permission.action) + " on " +
                        std::string(permission.resource),
                    std::string(permission.resource));
}

}  // namespace

Result<TenantScope> Authorizer::authorize(Transaction& tx, const Principal& principal, const Tenant& tenant,
                                          Permission permission, RequestContext context) {
  const Error unknown = unknown_tenant();
  TenantScope scope(tenant.id, tenant.public_id, principal.actor, std::move(context));
  if (principal.kind == Principal::Kind::operator_cli) {
    RETURN_IF_ERROR(tx.enter(scope));
    return scope;
  }
  if (principal.bound_tenant_id && *principal.bound_tenant_id != tenant.id) return unknown;
  if (!principal.actor.user_id || tenant.status != "active") return unknown;
  RETURN_IF_ERROR(tx.enter(scope));
  const std::int64_t user_id = *principal.actor.user_id;
  ASSIGN_OR_RETURN(bool allowed, exists(tx, kHasPermission, [&](Statement& s) {
    s.bind_int64(1, tenant.id);
    s.bind_int64(2, user_id);
    s.bind_text(3, permission.action);
    s.bind_text(4, permission.resource);
  }));
  if (allowed) return scope;
  ASSIGN_OR_RETURN(bool member, exists(tx, kIsMember, [&](Statement& s) {
    s.bind_int64(1, tenant.id);
    s.bind_int64(2, user_id);
  }));
  if (!member) return unknown;
  return denied(permission);
}

Result<TenantScope> Authorizer::authorize(Transaction& tx, const Principal& principal, const TokenAccess& access,
                                          RequestContext context) {
  const Tenant& tenant = access.tenant;
  if (principal.kind != Principal::Kind::user || !principal.actor.user_id ||
      *principal.actor.user_id != access.identity.user_id || principal.bound_tenant_id != tenant.id ||
      tenant.status != "active" || !access.member) {
    return unknown_tenant();
  }
  if (!access.permitted) return denied(access.permission);
  TenantScope scope(tenant.id, tenant.public_id, principal.actor, std::move(context));
  RETURN_IF_ERROR(tx.enter(scope));
  return scope;
}

}  // namespace narralytica::store
