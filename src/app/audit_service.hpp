// Verifying the audit log's hash chain: the use case behind `GET /v1/audit/verify` (the caller's
// tenant) and `narralytica audit verify [--tenant T]` (the operator, every chain or one). Each
// record's hash covers its content and the previous record's hash, so walking the chain names the
// first record that was edited ("changed") or that no longer follows its predecessor because
// records before it were deleted or reordered ("unlinked").
//
// Thread-safety: stateless.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/identity/authorizer.hpp"
#include "store/ops/audit_log.hpp"

namespace narralytica::app {

inline constexpr store::Permission kAuditRead{"read", "audit"};

struct ChainReport {
  std::string chain;  // the tenant's slug, or "system" for records of no tenant
  store::ChainVerification verification;
};

class AuditService {
 public:
  // The scope's tenant's chain, in the caller's transaction, for a scope authorized with
  // kAuditRead. Errors: database errors.
  static Result<store::ChainVerification> verify(store::Transaction& tx, const store::TenantScope& scope);
  // The operator's check: one tenant's chain when `tenant_slug` is set, else every tenant's and
  // the system chain, each in its own read transaction. Errors: not_found for an unknown tenant,
  // permission_denied for a principal that may not read the audit log, database errors.
  static Result<std::vector<ChainReport>> verify_all(store::Database& database, const store::Principal& principal,
                                                     const std::optional<std::string>& tenant_slug);
  // {"records": N, "intact": true} or, when broken, with "first_broken": {"id", "reason",
  // "index", "created_at"}: what the API answers and the CLI prints.
  static std::string verification_json(const store::ChainVerification& verification);
};

}  // namespace narralytica::app
