#include "store/identity/role_repository.hpp"

namespace narralytica::store {
namespace {

constexpr const char* kInsertRole =
    "INSERT INTO roles (public_id, tenant_id, name, description, builtin, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id";
constexpr const char* kGrantPermission =
    "INSERT INTO role_permissions (tenant_id, role_id, permission_id, created_at, updated_at) "
    "SELECT $1, $2, id, $3, $3 FROM permissions WHERE action = $4 AND resource = $5";
constexpr const char* kSelectRoleByName =
    "SELECT id, public_id, name, description, builtin FROM roles WHERE tenant_id = $1 AND name = $2";
constexpr const char* kSelectRoles =
    "SELECT id, public_id, name, description, builtin FROM roles WHERE tenant_id = $1 ORDER BY id";

Role read_role(const Statement& s) {
  return Role{s.column_int64(0), s.column_uuid(1), s.column_text(2), s.column_text(3), s.column_bool(4)};
}

}  // namespace

Status RoleRepository::create_builtin_roles(Transaction& tx, const TenantScope& scope) {
  RETURN_IF_ERROR(tx.enter(scope));
  const UnixMicros now = tx.now_us();
  for (const BuiltinRole& role : builtin_roles()) {
    ASSIGN_OR_RETURN(Statement * insert, tx.prepare(kInsertRole));
    insert->bind_uuid(1, tx.new_id());
    insert->bind_int64(2, scope.tenant_id());
    insert->bind_text(3, role.name);
    insert->bind_text(4, role.description);
    insert->bind_bool(5, true);
    insert->bind_int64(6, now);
    ASSIGN_OR_RETURN(bool inserted, insert->step());
    if (!inserted) return make_error(ErrorCode::internal, "role insert returned no id");
    const std::int64_t role_id = insert->column_int64(0);
    insert->reset();
    for (const Permission& permission : role.permissions) {
      ASSIGN_OR_RETURN(Statement * grant, tx.prepare(kGrantPermission));
      grant->bind_int64(1, scope.tenant_id());
      grant->bind_int64(2, role_id);
      grant->bind_int64(3, now);
      grant->bind_text(4, permission.action);
      grant->bind_text(5, permission.resource);
      ASSIGN_OR_RETURN(std::int64_t granted, grant->execute());
      if (granted != 1) {
        return make_error(ErrorCode::internal,
                          "permission " + std::string(permission.action) + ":" +
                              std::string(permission.resource) + " is missing from the catalog; run `narralytica migrate`");
      }
    }
  }
  return ok_status();
}

Result<Role> RoleRepository::find_by_name(Transaction& tx, const TenantScope& scope, std::string_view name) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectRoleByName));
  s->bind_int64(1, scope.tenant_id());
  s->bind_text(2, name);
  ASSIGN_OR_RETURN(bool found, s->step());
  if (!found) {
    s->reset();
    std::string known;
    ASSIGN_OR_RETURN(auto roles, list(tx, scope));
    for (const Role& role : roles) known += (known.empty() ? "" : ", ") + role.name;
    return make_error(ErrorCode::not_found, "no role '" + std::string(name) + "' in this tenant (roles: " + known + ")", "role");
  }
  Role role = read_role(*s);
  s->reset();
  return role;
}

Result<std::vector<Role>> RoleRepository::list(Transaction& tx, const TenantScope& scope) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectRoles));
  s->bind_int64(1, scope.tenant_id());
  return s->collect(read_role);
}

}  // namespace narralytica::store
