#include "store/transaction.hpp"

#include <utility>

#include "store/outbox.hpp"

namespace narralytica::store {
namespace {

constexpr const char* kEnterSystemPostgres =
    "SELECT set_config('narralytica.tenant_id', '', true), set_config('narralytica.system', 'on', true)";
// The job queue runs a few fixed-shape statements thousands of times a second. PostgreSQL
// re-plans a prepared statement at every execution while it judges a custom plan cheaper than the
// generic one, which it did for the job claim: 0.24-0.38 ms of planning per claim, a third of a
// batch-1 cycle (docs/performance.md). Their generic plans are the same index scans.
constexpr const char* kEnterSystemGenericPostgres =
    "SELECT set_config('narralytica.tenant_id', '', true), set_config('narralytica.system', 'on', true), "
    "set_config('plan_cache_mode', 'force_generic_plan', true)";
// Tenant work after that in the same transaction: the planner's configured default again.
constexpr const char* kLeaveSystemPostgres = "SET LOCAL plan_cache_mode TO DEFAULT";

}  // namespace

const char* to_string(AuditOutcome outcome) noexcept {
  switch (outcome) {
    case AuditOutcome::allowed: return "allowed";
    case AuditOutcome::denied: return "denied";
    case AuditOutcome::failed: return "failed";
  }
  return "failed";
}

void Transaction::record_change(const TenantScope& scope, std::string_view action,
                                std::string_view entity_type, const std::optional<Uuid>& entity,
                                std::string payload_json) {
  events_.push_back(EventRecord{scope.tenant_id(), std::string(action), std::string(entity_type),
                                entity, payload_json});
  audits_.push_back(AuditRecord{scope.tenant_id(), scope.actor(), std::string(action),
                                std::string(entity_type), entity, AuditOutcome::allowed,
                                scope.context(), std::move(payload_json)});
}

void Transaction::record_change(const SystemScope& scope, std::optional<std::int64_t> tenant_id,
                                std::string_view action, std::string_view entity_type,
                                const std::optional<Uuid>& entity, std::string payload_json) {
  events_.push_back(EventRecord{tenant_id, std::string(action), std::string(entity_type), entity,
                                payload_json});
  audits_.push_back(AuditRecord{tenant_id, scope.actor(), std::string(action),
                                std::string(entity_type), entity, AuditOutcome::allowed,
                                scope.context(), std::move(payload_json)});
}

Result<Transaction> Transaction::begin(Database& database, TxMode mode, StoreContext context) {
  if (WriteBatch* batch = database.write_batch(); batch && mode == TxMode::write) {
    ASSIGN_OR_RETURN(WriteBatch::Member member, batch->join());
    return Transaction(*batch, std::move(member), context);
  }
  // The turn before the connection: writers that wait for it hold no connection meanwhile.
  WriteTurn::Hold turn;
  if (WriteTurn* write_turn = database.write_turn(); write_turn && mode == TxMode::write) {
    ASSIGN_OR_RETURN(turn, write_turn->take());
  }
  ASSIGN_OR_RETURN(ConnectionLease lease, database.acquire());
  RETURN_IF_ERROR(lease->begin(mode == TxMode::write));
  return Transaction(std::move(turn), std::move(lease), context);
}

Transaction::~Transaction() {
  if (open_ && (lease_ || member_)) (void)rollback();
}

void Transaction::finish() {
  open_ = false;
  events_.clear();
  audits_.clear();
  member_.reset();
  turn_.reset();
}

// Scope entries are deferred: on PostgreSQL they travel with the next statement (one round trip
// for both), and with BEGIN when they come first. The tenant id is an integer we format: nothing
// of a caller's reaches the SQL text.
Status Transaction::enter(const TenantScope& scope) {
  if (mode_ == Mode::tenant && current_tenant_ == scope.tenant_id()) return ok_status();
  mode_ = Mode::tenant;
  current_tenant_ = scope.tenant_id();
  if (backend() != Backend::postgres) return ok_status();
  if (generic_plans_) {
    RETURN_IF_ERROR(connection().defer_script(kLeaveSystemPostgres));
    generic_plans_ = false;
  }
  std::string sql = "SELECT set_config('narralytica.tenant_id', '";
  sql += std::to_string(scope.tenant_id());
  sql += "', true), set_config('narralytica.system', '', true)";
  return connection().defer_script(sql);
}

Status Transaction::enter(const SystemScope& scope) {
  const bool generic = scope.generic_plans() && backend() == Backend::postgres;
  if (mode_ == Mode::system && (!generic || generic_plans_)) return ok_status();
  mode_ = Mode::system;
  current_tenant_.reset();
  if (backend() != Backend::postgres) return ok_status();
  RETURN_IF_ERROR(connection().defer_script(generic ? kEnterSystemGenericPostgres : kEnterSystemPostgres));
  generic_plans_ = generic_plans_ || generic;
  return ok_status();
}

Status Transaction::commit() {
  if (!open_) return make_error(ErrorCode::internal, "transaction already finished");
  auto fail = [&](Error error) -> Status {
    (void)rollback();
    return error;
  };
  if (connection().statement_failed()) {
    return fail(make_error(ErrorCode::internal,
                           "a statement in this transaction failed; it was rolled back, not committed"));
  }
  // The outbox is the store's own bookkeeping for changes already authorized when they were
  // queued, possibly for several scopes (a user and a tenant): it is written in system mode.
  // A transaction that queued nothing (a read) skips the switch: one round trip fewer.
  const bool outbox_empty = events_.empty() && audits_.empty();
  if (backend() == Backend::postgres && mode_ != Mode::system && !outbox_empty) {
    if (auto s = enter(SystemScope::because(Actor{std::nullopt, std::nullopt, "store.outbox"})); !s.ok()) {
      return fail(std::move(s).error());
    }
  }
  if (auto s = write_events(*this, events_); !s.ok()) return fail(std::move(s).error());
  if (auto s = write_audits(*this, audits_); !s.ok()) return fail(std::move(s).error());
  if (before_commit_) {
    if (auto s = before_commit_(); !s.ok()) return fail(std::move(s).error());
  }
  if (member_) {
    if (durability_deferred_) {
      if (auto s = member_->release(); !s.ok()) return fail(std::move(s).error());
      finish();
      return ok_status();
    }
    auto sequence = member_->commit_batch();
    if (!sequence.ok()) return fail(std::move(sequence).error());
    finish();  // the next writer need not wait for this one's fsync
    return batch_->wait_durable(*sequence);
  }
  if (auto s = lease_->commit(); !s.ok()) return fail(std::move(s).error());
  finish();
  return durability_deferred_ ? ok_status() : lease_->await_durable();
}

Status Transaction::rollback() {
  if (!open_) return ok_status();
  Status rolled_back = member_ ? member_->rollback() : lease_->rollback();
  finish();
  return rolled_back;
}

}  // namespace narralytica::store
