#include "app/audit_service.hpp"

#include "core/json_writer.hpp"
#include "store/tenancy/tenant_repository.hpp"

namespace narralytica::app {

Result<store::ChainVerification> AuditService::verify(store::Transaction& tx, const store::TenantScope& scope) {
  return store::AuditLog::verify(tx, scope);
}

Result<std::vector<ChainReport>> AuditService::verify_all(store::Database& database, const store::Principal& principal,
                                                          const std::optional<std::string>& tenant_slug) {
  std::vector<ChainReport> reports;
  auto one = [&](const store::Tenant& tenant) -> Status {
    ASSIGN_OR_RETURN(auto tx, store::Transaction::begin(database, store::TxMode::read));
    ASSIGN_OR_RETURN(store::TenantScope scope, store::Authorizer::authorize(tx, principal, tenant, kAuditRead));
    ASSIGN_OR_RETURN(store::ChainVerification verification, verify(tx, scope));
    reports.push_back(ChainReport{tenant.slug, std::move(verification)});
    return ok_status();
  };
  if (tenant_slug) {
    store::Tenant tenant;
    {
      ASSIGN_OR_RETURN(auto tx, store::Transaction::begin(database, store::TxMode::read));
      ASSIGN_OR_RETURN(tenant, store::TenantRepository::find(tx, *tenant_slug));
    }
    RETURN_IF_ERROR(one(tenant));
    return reports;
  }
  // Every tenant, and the system chain: only the operator reads across tenants.
  if (principal.kind != store::Principal::Kind::operator_cli) {
    return make_error(ErrorCode::permission_denied, "only an operator verifies every tenant's audit log");
  }
  const auto system = store::SystemScope::because(principal.actor);
  store::PageRequest page;
  page.limit = store::kPageLimitMax;
  while (true) {
    std::vector<store::Tenant> tenants;
    {
      ASSIGN_OR_RETURN(auto tx, store::Transaction::begin(database, store::TxMode::read));
      ASSIGN_OR_RETURN(auto listed, store::TenantRepository::list(tx, system, page));
      tenants = std::move(listed.items);
      page.after = listed.next_after;
    }
    for (const store::Tenant& tenant : tenants) RETURN_IF_ERROR(one(tenant));
    if (!page.after) break;
  }
  ASSIGN_OR_RETURN(auto tx, store::Transaction::begin(database, store::TxMode::read));
  ASSIGN_OR_RETURN(store::ChainVerification verification, store::AuditLog::verify(tx, system, std::nullopt));
  reports.push_back(ChainReport{"system", std::move(verification)});
  return reports;
}

std::string AuditService::verification_json(const store::ChainVerification& verification) {
  JsonObject out;
  out.add("records", verification.records).add("intact", !verification.first_broken.has_value());
  if (verification.first_broken) {
    out.add_raw("first_broken", JsonObject()
                                    .add("id", verification.first_broken->to_string())
                                    .add("reason", verification.reason)
                                    .add("index", verification.first_broken_index)
                                    .add("created_at", format_rfc3339(verification.first_broken_created_at))
                                    .str());
  }
  return out.str();
}

}  // namespace narralytica::app
