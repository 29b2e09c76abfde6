// Reading and verifying the audit log. Records are written by Transaction::commit (outbox.hpp);
// here they are listed and their hash chain checked, so tampering with a stored record shows.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/scope.hpp"
#include "store/transaction.hpp"

namespace narralytica::store {

struct AuditEntry {
  std::int64_t id = 0;
  Uuid public_id;
  std::string actor;
  std::string action;
  std::string resource_type;
  std::optional<Uuid> resource_public_id;
  std::string outcome;
  std::string request_id;
  std::string details_json;
  UnixMicros created_at = 0;
};

// Records read per statement while verifying, so a chain of millions costs bounded memory.
inline constexpr int kAuditVerifyBatch = 10'000;

struct ChainVerification {
  std::int64_t records = 0;
  // The first record whose hash does not match its content and predecessor, if any.
  std::optional<Uuid> first_broken;
  // Why it is broken: "changed" (its stored hash does not match its content: a column was
  // edited), or "unlinked" (its content is intact but it does not follow the record before it:
  // records before it were deleted or reordered). Empty when the chain is intact. Deleting the
  // newest records leaves an intact, shorter chain: compare `records` with an earlier count.
  std::string reason;
  std::int64_t first_broken_index = 0;  // its 0-based place in the chain
  UnixMicros first_broken_created_at = 0;
};

class AuditLog {
 public:
  // The newest records of the scope's tenant, newest first, at most `limit`.
  static Result<std::vector<AuditEntry>> recent(Transaction& tx, const TenantScope& scope, int limit);
  // Recomputes the chain of one tenant (or the system chain when tenant_id is nullopt), oldest
  // first, in batches of kAuditVerifyBatch.
  static Result<ChainVerification> verify(Transaction& tx, const SystemScope& scope,
                                          std::optional<std::int64_t> tenant_id);
  // The scope's own tenant's chain (row-level security lets it read no other).
  static Result<ChainVerification> verify(Transaction& tx, const TenantScope& scope);

 private:
  static Result<ChainVerification> walk(Transaction& tx, std::optional<std::int64_t> tenant_id);
};

}  // namespace narralytica::store
