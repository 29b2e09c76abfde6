// Administrative use cases shared by the CLI (and later the API): tenants, users, memberships and
// tokens. Each runs in one transaction, so a failure half-way leaves nothing behind.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/identity/authorizer.hpp"
#include "store/identity/membership_repository.hpp"
#include "store/identity/token_repository.hpp"
#include "store/tenancy/tenant_repository.hpp"

namespace narralytica::app {

class AdminService {
 public:
  AdminService(store::Database& database, store::Principal principal, store::StoreContext context = {})
      : database_(database), principal_(std::move(principal)), context_(context) {}

  // Creates a tenant with the built-in roles.
  Result<store::Tenant> create_tenant(std::string_view slug, std::string_view name);
  Result<store::Page<store::Tenant>> list_tenants(store::PageRequest page);
  // `password` may be empty for a token-only user.
  Result<store::User> create_user(std::string_view email, std::string_view display_name, std::string_view password);
  // `tenant` and `user` are a slug / e-mail or a public id. Both run TenantService's use case of
  // the same name in the tenant (app/tenant_service.hpp), so the CLI and the API answer alike.
  // Errors: as TenantService::add_member.
  Result<store::Membership> add_member(std::string_view tenant, std::string_view user, std::string_view role);
  // A token living `lifetime_s` seconds (the rule of app::token_expiry), or forever when
  // nullopt. Errors: as TenantService::create_token.
  Result<store::CreatedToken> create_token(std::string_view tenant, std::string_view user, std::string_view name,
                                           std::optional<std::int64_t> lifetime_s);

 private:
  store::SystemScope system_scope() const { return store::SystemScope::because(principal_.actor); }

  store::Database& database_;
  store::Principal principal_;
  store::StoreContext context_;
};

}  // namespace narralytica::app
