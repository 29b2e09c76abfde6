#include "app/admin.hpp"

#include "app/tenant_service.hpp"
#include "app/tenant_work.hpp"

namespace narralytica::app {

using namespace store;

Result<Tenant> AdminService::create_tenant(std::string_view slug, std::string_view name) {
  ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(database_, TxMode::write, context_));
  ASSIGN_OR_RETURN(auto created, TenantRepository::create(tx, system_scope(), slug, name));
  RETURN_IF_ERROR(tx.commit());
  return created.first;
}

Result<Page<Tenant>> AdminService::list_tenants(PageRequest page) {
  ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(database_, TxMode::read, context_));
  return TenantRepository::list(tx, system_scope(), page);
}

Result<User> AdminService::create_user(std::string_view email, std::string_view display_name,
                                       std::string_view password) {
  ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(database_, TxMode::write, context_));
  ASSIGN_OR_RETURN(User user, UserRepository::create(tx, system_scope(), email, display_name, password));
  RETURN_IF_ERROR(tx.commit());
  return user;
}

Result<Membership> AdminService::add_member(std::string_view tenant_ref, std::string_view user_ref,
                                            std::string_view role) {
  return in_tenant(database_, principal_, tenant_ref, kMembersWrite, TxMode::write,
                   [&](Transaction& tx, const TenantScope& scope) {
                     return TenantService::add_member(tx, scope, user_ref, role);
                   }, context_);
}

Result<CreatedToken> AdminService::create_token(std::string_view tenant_ref, std::string_view user_ref,
                                                std::string_view name, std::optional<std::int64_t> lifetime_s) {
  return in_tenant(database_, principal_, tenant_ref, kTokensWrite, TxMode::write,
                   [&](Transaction& tx, const TenantScope& scope) {
                     return TenantService::create_token(tx, scope, user_ref, name, lifetime_s);
                   }, context_);
}

}  // namespace narralytica::app
