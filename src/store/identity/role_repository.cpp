#include "store/identity/role_repository.hpp"

#include <algorithm>
#include <optional>

#include "core/json_writer.hpp"

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

// Inserts a role and its permissions. Returns the role, or the index of the first permission
// the catalog does not have (nothing of the role is usable then: the caller fails the
// transaction).
struct Inserted {
  Role role;
  std::optional<std::size_t> missing_permission;
};

Result<Inserted> insert_role(Transaction& tx, const TenantScope& scope, std::string_view name,
                             std::string_view description, bool builtin, std::span<const Permission> permissions) {
  const UnixMicros now = tx.now_us();
  Inserted out;
  out.role = Role{0, tx.new_id(), std::string(name), std::string(description), builtin};
  ASSIGN_OR_RETURN(Statement * insert, tx.prepare(kInsertRole));
  insert->bind_uuid(1, out.role.public_id);
  insert->bind_int64(2, scope.tenant_id());
  insert->bind_text(3, name);
  insert->bind_text(4, description);
  insert->bind_bool(5, builtin);
  insert->bind_int64(6, now);
  ASSIGN_OR_RETURN(bool inserted, insert->step());
  if (!inserted) return make_error(ErrorCode::internal, "role insert returned no id");
  out.role.id = insert->column_int64(0);
  insert->reset();
  for (std::size_t i = 0; i < permissions.size(); ++i) {
    ASSIGN_OR_RETURN(Statement * grant, tx.prepare(kGrantPermission));
    grant->bind_int64(1, scope.tenant_id());
    grant->bind_int64(2, out.role.id);
    grant->bind_int64(3, now);
    grant->bind_text(4, permissions[i].action);
    grant->bind_text(5, permissions[i].resource);
    ASSIGN_OR_RETURN(std::int64_t granted, grant->execute());
    if (granted != 1) {
      out.missing_permission = i;
      return out;
    }
  }
  return out;
}

}  // namespace

Status RoleRepository::create_builtin_roles(Transaction& tx, const TenantScope& scope) {
  RETURN_IF_ERROR(tx.enter(scope));
  for (const BuiltinRole& role : builtin_roles()) {
    ASSIGN_OR_RETURN(Inserted inserted, insert_role(tx, scope, role.name, role.description, true, role.permissions));
    if (inserted.missing_permission) {
      const Permission& p = role.permissions[*inserted.missing_permission];
      return make_error(ErrorCode::internal, "permission " + std::string(p.action) + ":" + std::string(p.resource) +
                                                 " is missing from the catalog; run `narralytica migrate`");
    }
  }
  return ok_status();
}

Result<Role> RoleRepository::create(Transaction& tx, const TenantScope& scope, std::string_view name,
                                    std::string_view description, std::span<const Permission> permissions) {
  if (name.find_first_not_of(" \t") == std::string_view::npos || name.size() > 100) {
    return make_error(ErrorCode::invalid_argument, "a role's name is 1 to 100 characters", "name");
  }
  if (description.size() > 1000) {
    return make_error(ErrorCode::invalid_argument, "a role's description is at most 1000 characters", "description");
  }
  if (permissions.empty()) {
    return make_error(ErrorCode::invalid_argument, "a role holds at least one permission", "permissions");
  }
  std::vector<Permission> unique;
  for (const Permission& p : permissions) {
    if (std::find(unique.begin(), unique.end(), p) == unique.end()) unique.push_back(p);
  }
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Inserted inserted, insert_role(tx, scope, name, description, false, unique));
  if (inserted.missing_permission) {
    const Permission& p = unique[*inserted.missing_permission];
    const auto given = std::find(permissions.begin(), permissions.end(), p) - permissions.begin();
    return make_error(ErrorCode::invalid_argument,
                      "no permission " + std::string(p.action) + ":" + std::string(p.resource) +
                          " in the catalog (GET /v1/roles lists the built-in roles' permissions)",
                      "permissions[" + std::to_string(given) + "]");
  }
  tx.record_change(scope, "role.created", "role", inserted.role.public_id,
                   JsonObject().add("name", inserted.role.name).str());
  return inserted.role;
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
