// Runs one use case for a principal in a named tenant, in its own transaction: find the tenant,
// check the permission (which makes the TenantScope), run the work, commit when it succeeded. The
// CLI calls app services through this; the API's dispatcher does the same steps per request.
#pragma once

#include <string_view>
#include <type_traits>

#include "store/identity/authorizer.hpp"
#include "store/tenancy/tenant_repository.hpp"

namespace narralytica::app {

// `work(tx, scope)` returns a Result<T>; so does this. A read (TxMode::read) is not committed,
// only ended. Errors: not_found for an unknown tenant (or one the principal has no business in),
// permission_denied, and whatever `work` returns (then nothing it wrote is kept).
template <class Work>
auto in_tenant(store::Database& database, const store::Principal& principal, std::string_view tenant_ref,
               store::Permission permission, store::TxMode mode, Work&& work, store::StoreContext context = {})
    -> std::invoke_result_t<Work, store::Transaction&, const store::TenantScope&> {
  ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::begin(database, mode, context));
  ASSIGN_OR_RETURN(store::Tenant tenant, store::TenantRepository::find(tx, tenant_ref));
  ASSIGN_OR_RETURN(store::TenantScope scope, store::Authorizer::authorize(tx, principal, tenant, permission));
  auto result = work(tx, static_cast<const store::TenantScope&>(scope));
  if (!result.ok()) return result;
  if (mode == store::TxMode::write) RETURN_IF_ERROR(tx.commit());
  return result;
}

// For a use case that needs a second permission besides the one `scope` was authorized for
// (segment text read through the layer routes needs read on transcripts too; layer values
// attached to segments need read on layers): checks `permission` for `principal` in the scope's
// tenant. Errors: permission_denied; not_found when the tenant is gone.
inline Status authorize_also(store::Transaction& tx, const store::TenantScope& scope, const store::Principal& principal,
                             store::Permission permission) {
  ASSIGN_OR_RETURN(store::Tenant tenant, store::TenantRepository::find_by_id(tx, scope.tenant_id()));
  RETURN_IF_ERROR(store::Authorizer::authorize(tx, principal, tenant, permission, scope.context()));
  return ok_status();
}

}  // namespace narralytica::app
