#include "app/admin.hpp"

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
  ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(database_, TxMode::write, context_));
  ASSIGN_OR_RETURN(Tenant tenant, TenantRepository::find(tx, tenant_ref));
  ASSIGN_OR_RETURN(TenantScope scope, Authorizer::authorize(tx, principal_, tenant, {"write", "members"}));
  ASSIGN_OR_RETURN(User user, UserRepository::find(tx, user_ref));
  ASSIGN_OR_RETURN(Membership membership, MembershipRepository::add(tx, scope, user, role));
  RETURN_IF_ERROR(tx.commit());
  return membership;
}

Result<CreatedToken> AdminService::create_token(std::string_view tenant_ref, std::string_view user_ref,
                                                std::string_view name, std::optional<UnixMicros> expires_at) {
  ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(database_, TxMode::write, context_));
  ASSIGN_OR_RETURN(Tenant tenant, TenantRepository::find(tx, tenant_ref));
  ASSIGN_OR_RETURN(TenantScope scope, Authorizer::authorize(tx, principal_, tenant, {"write", "tokens"}));
  ASSIGN_OR_RETURN(User user, UserRepository::find(tx, user_ref));
  ASSIGN_OR_RETURN(CreatedToken token, TokenRepository::create(tx, scope, user, name, expires_at));
  RETURN_IF_ERROR(tx.commit());
  return token;
}

}  // namespace narralytica::app
