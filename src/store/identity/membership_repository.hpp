// Memberships link a user to a tenant with a role; a user's permissions in a tenant are the union
// of their active memberships' roles.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/identity/role_repository.hpp"
#include "store/identity/user_repository.hpp"
#include "store/tenancy/tenant_repository.hpp"

namespace narralytica::store {

struct Membership {
  std::int64_t id = 0;
  Uuid public_id;
  Uuid user_public_id;
  std::string email;
  std::string role;
  std::string status;
};

// A tenant where a user holds an active membership, with the names of the roles held there.
struct UserTenant {
  Tenant tenant;
  std::vector<std::string> roles;  // sorted
};

class MembershipRepository {
 public:
  // Gives `user` the role named `role_name` in the scope's tenant. Errors: not_found for an
  // unknown role (listing the known ones), conflict when the user already has that role.
  static Result<Membership> add(Transaction& tx, const TenantScope& scope, const User& user,
                                std::string_view role_name);
  static Result<std::vector<Membership>> list(Transaction& tx, const TenantScope& scope);
  // Changes a membership's role and/or status (active, suspended). Errors: not_found for an id
  // the tenant does not have (or an unknown role), invalid_argument for another status,
  // conflict when the user already has that role, or when the change would leave the tenant
  // without an active owner.
  static Result<Membership> update(Transaction& tx, const TenantScope& scope, const Uuid& id,
                                   std::optional<std::string_view> role_name, std::optional<std::string_view> status);
  // The active tenants where `user_id` holds an active membership, by slug. Reads across tenants
  // (the tenants a person may sign in to), hence the SystemScope.
  static Result<std::vector<UserTenant>> tenants_of(Transaction& tx, const SystemScope& scope, std::int64_t user_id);
  // Ends a membership. Errors: not_found; conflict when it is the tenant's last active owner.
  static Status remove(Transaction& tx, const TenantScope& scope, const Uuid& id);
};

}  // namespace narralytica::store
