#include "store/outbox.hpp"

#include "core/hashing.hpp"

namespace narralytica::store {
namespace {

// Arbitrary constants naming the advisory locks; any value unique within this schema works.
constexpr std::int64_t kEventLockKey = 0x4e4c4556;  // "NLEV"
constexpr std::int64_t kAuditLockKey = 0x4e4c4155;  // "NLAU"

constexpr const char* kNextEventPositionSqlite =
    "SELECT coalesce(max(position), 0) + 1 FROM event_logs";
constexpr const char* kInsertEventSqlite =
    "INSERT INTO event_logs (position, tenant_id, event_type, entity_type, entity_public_id, "
    "payload, created_at) VALUES ($7, $1, $2, $3, $4, $5, $6)";
// PostgreSQL draws positions from a sequence while holding the event lock until commit, so
// positions follow commit order (docs/decisions/0005).
constexpr const char* kInsertEventPostgres =
    "INSERT INTO event_logs (position, tenant_id, event_type, entity_type, entity_public_id, "
    "payload, created_at) VALUES (nextval('event_logs_position_seq'), $1, $2, $3, $4, $5, $6)";

constexpr const char* kAuditHeadTenant =
    "SELECT hash FROM audit_logs WHERE tenant_id = $1 ORDER BY id DESC LIMIT 1";
constexpr const char* kAuditHeadSystem =
    "SELECT hash FROM audit_logs WHERE tenant_id IS NULL ORDER BY id DESC LIMIT 1";
constexpr const char* kInsertAudit =
    "INSERT INTO audit_logs (public_id, tenant_id, actor_user_id, actor_token_id, actor, action, "
    "resource_type, resource_public_id, outcome, client_address, user_agent, request_id, details, "
    "prev_hash, hash, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)";

void bind_optional_uuid(Statement& s, int index, const std::optional<Uuid>& id) {
  if (id) s.bind_uuid(index, *id); else s.bind_null(index);
}

std::string optional_number(const std::optional<std::int64_t>& value) {
  return value ? std::to_string(*value) : std::string();
}

}  // namespace

namespace {

// The advisory locks need no answer: they are deferred, so each travels with the statement
// that follows it (one round trip for both on PostgreSQL).
Status lock_events(Transaction& tx) {
  std::string sql = "SELECT pg_advisory_xact_lock(";
  sql += std::to_string(kEventLockKey);
  sql += ')';
  return tx.connection().defer_script(sql);
}

Status lock_audit_chain(Transaction& tx, const std::optional<std::int64_t>& tenant_id) {
  std::string sql = "SELECT pg_advisory_xact_lock(";
  sql += std::to_string(static_cast<std::int32_t>(kAuditLockKey));
  sql += ", ";
  sql += std::to_string(static_cast<std::int32_t>(tenant_id.value_or(0)));
  sql += ')';
  return tx.connection().defer_script(sql);
}

}  // namespace

Status write_events(Transaction& tx, std::span<const EventRecord> events) {
  if (events.empty()) return ok_status();
  const bool postgres = tx.backend() == Backend::postgres;
  std::int64_t position = 0;
  if (postgres) {
    RETURN_IF_ERROR(lock_events(tx));
  } else {
    ASSIGN_OR_RETURN(Statement * next, tx.prepare(kNextEventPositionSqlite));
    ASSIGN_OR_RETURN(bool has_row, next->step());
    position = has_row ? next->column_int64(0) : 1;
    next->reset();
  }
  ASSIGN_OR_RETURN(Statement * insert, tx.prepare(postgres ? kInsertEventPostgres : kInsertEventSqlite));
  for (const EventRecord& event : events) {
    insert->reset();
    insert->bind_optional_int64(1, event.tenant_id);
    insert->bind_text(2, event.event_type);
    insert->bind_text(3, event.entity_type);
    bind_optional_uuid(*insert, 4, event.entity_public_id);
    insert->bind_json(5, event.payload_json);
    insert->bind_int64(6, tx.now_us());
    if (!postgres) insert->bind_int64(7, position++);
    RETURN_IF_ERROR(insert->execute());
  }
  return ok_status();
}

std::string audit_hash(const AuditHashInput& in) {
  Sha256 h;
  h.update_field(in.prev_hash);
  h.update_field(in.public_id.byte_view());
  h.update_field(optional_number(in.tenant_id));
  h.update_field(optional_number(in.actor_user_id));
  h.update_field(optional_number(in.actor_token_id));
  h.update_field(in.actor);
  h.update_field(in.action);
  h.update_field(in.resource_type);
  h.update_field(in.resource_public_id ? in.resource_public_id->byte_view() : std::string_view());
  h.update_field(in.outcome);
  h.update_field(in.client_address);
  h.update_field(in.user_agent);
  h.update_field(in.request_id);
  h.update_field(in.details_json);
  h.update_field(std::to_string(in.created_at));
  return h.finish();
}

Status write_audits(Transaction& tx, std::span<const AuditRecord> audits) {
  for (const AuditRecord& audit : audits) {
    if (tx.backend() == Backend::postgres) RETURN_IF_ERROR(lock_audit_chain(tx, audit.tenant_id));
    ASSIGN_OR_RETURN(Statement * head, tx.prepare(audit.tenant_id ? kAuditHeadTenant : kAuditHeadSystem));
    if (audit.tenant_id) head->bind_int64(1, *audit.tenant_id);
    ASSIGN_OR_RETURN(bool has_head, head->step());
    AuditHashInput in;
    in.prev_hash = has_head ? head->column_blob(0) : std::string(32, '\0');
    head->reset();
    in.public_id = tx.new_id();
    in.tenant_id = audit.tenant_id;
    in.actor_user_id = audit.actor.user_id;
    in.actor_token_id = audit.actor.token_id;
    in.actor = audit.actor.label;
    in.action = audit.action;
    in.resource_type = audit.resource_type;
    in.resource_public_id = audit.resource_public_id;
    in.outcome = to_string(audit.outcome);
    in.client_address = audit.context.client_address;
    in.user_agent = audit.context.user_agent;
    in.request_id = audit.context.request_id;
    in.details_json = audit.details_json;
    in.created_at = tx.now_us();
    const std::string hash = audit_hash(in);

    ASSIGN_OR_RETURN(Statement * insert, tx.prepare(kInsertAudit));
    insert->bind_uuid(1, in.public_id);
    insert->bind_optional_int64(2, in.tenant_id);
    insert->bind_optional_int64(3, in.actor_user_id);
    insert->bind_optional_int64(4, in.actor_token_id);
    insert->bind_text(5, in.actor);
    insert->bind_text(6, in.action);
    insert->bind_text(7, in.resource_type);
    bind_optional_uuid(*insert, 8, in.resource_public_id);
    insert->bind_text(9, in.outcome);
    auto bind_empty_as_null = [&](int index, const std::string& value) {
      if (value.empty()) insert->bind_null(index); else insert->bind_text(index, value);
    };
    bind_empty_as_null(10, in.client_address);
    bind_empty_as_null(11, in.user_agent);
    bind_empty_as_null(12, in.request_id);
    insert->bind_json(13, in.details_json);
    insert->bind_blob(14, in.prev_hash);
    insert->bind_blob(15, hash);
    insert->bind_int64(16, in.created_at);
    RETURN_IF_ERROR(insert->execute());
  }
  return ok_status();
}

}  // namespace narralytica::store
