// Writes a transaction's events and audit records, just before it commits. Internal to the store:
// callers queue records on the Transaction.
#pragma once

#include <span>

#include "store/transaction.hpp"

namespace narralytica::store {

// Appends events with positions that become visible in increasing order: on SQLite the writer
// holds the database's only write lock; on PostgreSQL it takes a transaction-level advisory lock
// first, held until commit, so no later position can commit before an earlier one.
Status write_events(Transaction& tx, std::span<const EventRecord> events);

// Appends audit records, each chained to the previous record of the same tenant (or of the
// system chain) by hash. The chain head is read under a lock, so concurrent writers cannot fork it.
Status write_audits(Transaction& tx, std::span<const AuditRecord> audits);

// The hash of one audit record given the previous one: SHA-256 over length-prefixed fields.
struct AuditHashInput {
  std::string prev_hash;
  Uuid public_id;
  std::optional<std::int64_t> tenant_id;
  std::optional<std::int64_t> actor_user_id;
  std::optional<std::int64_t> actor_token_id;
  std::string actor;
  std::string action;
  std::string resource_type;
  std::optional<Uuid> resource_public_id;
  std::string outcome;
  std::string client_address;
  std::string user_agent;
  std::string request_id;
  std::string details_json;
  UnixMicros created_at = 0;
};
std::string audit_hash(const AuditHashInput& input);

}  // namespace narralytica::store
