#include "store/ops/audit_log.hpp"

#include "store/outbox.hpp"
#include "store/page.hpp"

namespace narralytica::store {
namespace {

constexpr const char* kRecent =
    "SELECT id, public_id, actor, action, resource_type, resource_public_id, outcome, request_id, details, "
    "created_at FROM audit_logs WHERE tenant_id = $1 ORDER BY id DESC LIMIT $2";

#define CHAIN_COLUMNS                                                                               \
  "SELECT public_id, tenant_id, actor_user_id, actor_token_id, actor, action, resource_type, "      \
  "resource_public_id, outcome, client_address, user_agent, request_id, details, prev_hash, hash, " \
  "created_at, id FROM audit_logs "
constexpr const char* kChainTenant = CHAIN_COLUMNS "WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3";
constexpr const char* kChainSystem = CHAIN_COLUMNS "WHERE tenant_id IS NULL AND id > $1 ORDER BY id LIMIT $2";
#undef CHAIN_COLUMNS

}  // namespace

Result<std::vector<AuditEntry>> AuditLog::recent(Transaction& tx, const TenantScope& scope, int limit) {
  RETURN_IF_ERROR(check_page_limit(limit));
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kRecent));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, limit);
  return s->collect([](const Statement& row) {
    return AuditEntry{row.column_int64(0), row.column_uuid(1), row.column_text(2), row.column_text(3),
                      row.column_text(4), row.column_optional_uuid(5), row.column_text(6),
                      row.column_optional_text(7).value_or(""), row.column_text(8), row.column_int64(9)};
  });
}

Result<ChainVerification> AuditLog::verify(Transaction& tx, const SystemScope& scope,
                                           std::optional<std::int64_t> tenant_id) {
  RETURN_IF_ERROR(tx.enter(scope));
  return walk(tx, tenant_id);
}

Result<ChainVerification> AuditLog::verify(Transaction& tx, const TenantScope& scope) {
  RETURN_IF_ERROR(tx.enter(scope));
  return walk(tx, scope.tenant_id());
}

Result<ChainVerification> AuditLog::walk(Transaction& tx, std::optional<std::int64_t> tenant_id) {
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(tenant_id ? kChainTenant : kChainSystem));
  ChainVerification result;
  std::string expected_prev(32, '\0');
  std::int64_t after = 0;
  while (true) {
    int parameter = 1;
    if (tenant_id) s->bind_int64(parameter++, *tenant_id);
    s->bind_int64(parameter++, after);
    s->bind_int64(parameter, kAuditVerifyBatch);
    int read = 0;
    while (true) {
      ASSIGN_OR_RETURN(bool has_row, s->step());
      if (!has_row) break;
      ++read;
      AuditHashInput in;
      in.prev_hash = s->column_blob(13);
      in.public_id = s->column_uuid(0);
      in.tenant_id = s->column_optional_int64(1);
      in.actor_user_id = s->column_optional_int64(2);
      in.actor_token_id = s->column_optional_int64(3);
      in.actor = s->column_text(4);
      in.action = s->column_text(5);
      in.resource_type = s->column_text(6);
      in.resource_public_id = s->column_optional_uuid(7);
      in.outcome = s->column_text(8);
      in.client_address = s->column_optional_text(9).value_or("");
      in.user_agent = s->column_optional_text(10).value_or("");
      in.request_id = s->column_optional_text(11).value_or("");
      in.details_json = s->column_text(12);
      in.created_at = s->column_int64(15);
      after = s->column_int64(16);
      const std::string stored_hash = s->column_blob(14);
      if (!result.first_broken) {
        // Its own hash first: an edited record is "changed" even when its link also broke.
        const char* reason = audit_hash(in) != stored_hash ? "changed"
                             : in.prev_hash != expected_prev ? "unlinked"
                                                             : nullptr;
        if (reason) {
          result.first_broken = in.public_id;
          result.reason = reason;
          result.first_broken_index = result.records;
          result.first_broken_created_at = in.created_at;
        }
      }
      ++result.records;
      expected_prev = stored_hash;
    }
    s->reset();
    if (read < kAuditVerifyBatch) break;
  }
  return result;
}

}  // namespace narralytica::store
