// Roles: named permission sets, scoped to a tenant. Built-in roles are created with the tenant;
// a tenant may add its own from the permission catalog.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "store/identity/permission.hpp"
#include "store/scope.hpp"
#include "store/transaction.hpp"

namespace narralytica::store {

struct Role {
  std::int64_t id = 0;
  Uuid public_id;
  std::string name;
  std::string description;
  bool builtin = false;
};

class RoleRepository {
 public:
  // Creates owner, admin, editor and viewer with their permissions in the scope's tenant.
  static Status create_builtin_roles(Transaction& tx, const TenantScope& scope);
  // A custom role holding exactly `permissions`, each from the catalog (repeats count once).
  // Errors: invalid_argument for an empty or over-long name, no permission, or one the catalog
  // lacks (field "permissions[i]"); conflict when the tenant has a role of that name.
  static Result<Role> create(Transaction& tx, const TenantScope& scope, std::string_view name,
                             std::string_view description, std::span<const Permission> permissions);
  // Errors: not_found naming the role and listing the tenant's roles.
  static Result<Role> find_by_name(Transaction& tx, const TenantScope& scope, std::string_view name);
  static Result<std::vector<Role>> list(Transaction& tx, const TenantScope& scope);
};

}  // namespace narralytica::store
