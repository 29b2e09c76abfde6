// Tenants (the isolation boundary) and their configuration. The tenants table itself is global:
// looking a tenant up by slug or public id needs no scope, everything inside one does.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "core/clock.hpp"
#include "store/page.hpp"
#include "store/scope.hpp"
#include "store/transaction.hpp"

namespace narralytica::store {

struct Tenant {
  std::int64_t id = 0;
  Uuid public_id;
  std::string slug;
  std::string name;
  std::string status;  // active, suspended, deleted
  UnixMicros created_at = 0;
  UnixMicros updated_at = 0;
};

class TenantRepository {
 public:
  // Creates a tenant with the built-in roles (owner, admin, editor, viewer) and returns it with a
  // scope in it for the creating actor. Errors: invalid_argument for a bad slug or name (named),
  // conflict when the slug is taken.
  static Result<std::pair<Tenant, TenantScope>> create(Transaction& tx, const SystemScope& scope,
                                                        std::string_view slug, std::string_view name);

  // Finds a tenant by slug or by public id (text). Errors: not_found.
  static Result<Tenant> find(Transaction& tx, std::string_view slug_or_id);
  static Result<Tenant> find_by_id(Transaction& tx, std::int64_t id);

  // All tenants, in creation order.
  static Result<Page<Tenant>> list(Transaction& tx, const SystemScope& scope, PageRequest page);

  // Sets one configuration value (a JSON document) for the scope's tenant; audited.
  static Status set_config(Transaction& tx, const TenantScope& scope, std::string_view key,
                           std::string_view value_json);
  // nullopt when the key is not set.
  static Result<std::optional<std::string>> get_config(Transaction& tx, const TenantScope& scope,
                                                       std::string_view key);
};

}  // namespace narralytica::store
