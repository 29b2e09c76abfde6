// The unit of work: one database transaction on one pooled connection, plus the outbox of events
// and audit records it will write. Events and audit records are written at commit, in the same
// transaction as the change they describe, so either all of them land or none does.
//
// On PostgreSQL, entering a scope sets `narralytica.tenant_id` (or `narralytica.system`) with
// SET LOCAL semantics, which row-level security policies check; the setting ends with the
// transaction, so a pooled connection never carries one tenant into the next borrower's work.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "store/database.hpp"
#include "store/scope.hpp"
#include "store/write_batch.hpp"
#include "store/write_turn.hpp"

namespace narralytica::store {

enum class TxMode { read, write };

// One change worth telling derived systems about (one per logical change, e.g. one for a whole
// imported transcript).
struct EventRecord {
  std::optional<std::int64_t> tenant_id;
  std::string event_type;   // e.g. "transcript.created"
  std::string entity_type;  // e.g. "transcript"
  std::optional<Uuid> entity_public_id;
  std::string payload_json = "{}";
};

enum class AuditOutcome { allowed, denied, failed };
const char* to_string(AuditOutcome outcome) noexcept;

struct AuditRecord {
  std::optional<std::int64_t> tenant_id;
  Actor actor;
  std::string action;         // e.g. "tenant.create", "token.create"
  std::string resource_type;  // e.g. "tenant"
  std::optional<Uuid> resource_public_id;
  AuditOutcome outcome = AuditOutcome::allowed;
  RequestContext context;
  std::string details_json = "{}";
};

// Shared services a transaction needs: the clock for timestamps and the random source for ids.
struct StoreContext {
  const Clock* clock = &SystemClock::instance();
  Random* random = &SecureRandom::instance();
};

class Transaction {
 public:
  // Borrows a connection and begins. A write on a database that batches writes joins its batch
  // instead (write_batch.hpp): it waits for its turn and runs in a savepoint of the batch's
  // transaction. A write on a database with a write turn (SQLite without a batch,
  // write_turn.hpp) first waits for the turn, before borrowing a connection, and holds it until
  // the transaction ends: another thread's write waits; a second write on this thread while
  // the first is open is refused. Errors: unavailable when no connection can be had or the
  // write turn or lock is not granted within the busy timeout; internal for a write begun on a
  // thread whose write transaction on this database is still open.
  static Result<Transaction> begin(Database& database, TxMode mode, StoreContext context = {});

  Transaction(Transaction&&) noexcept = default;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  // Rolls back unless committed.
  ~Transaction();

  // Valid until the transaction ends (commit, rollback).
  Connection& connection() const { return member_ ? member_->connection() : *lease_; }
  Backend backend() const { return connection().backend(); }
  const Clock& clock() const { return *context_.clock; }
  Random& random() { return *context_.random; }
  UnixMicros now_us() const { return context_.clock->now_us(); }
  Uuid new_id() { return Uuid::v7(*context_.clock, *context_.random); }

  // Shorthand for connection().prepare(sql).
  Result<Statement*> prepare(std::string_view sql) { return connection().prepare(sql); }

  // Switches the transaction to act for one tenant (row-level security on PostgreSQL).
  Status enter(const TenantScope& scope);
  // Switches the transaction to cross-tenant work.
  Status enter(const SystemScope& scope);
  // The tenant entered last, if any; repositories check it against their scope argument.
  std::optional<std::int64_t> current_tenant() const { return current_tenant_; }

  // Queues records written at commit.
  void record_event(EventRecord event) { events_.push_back(std::move(event)); }
  void record_audit(AuditRecord audit) { audits_.push_back(std::move(audit)); }

  // One mutation of tenant data: queues its event (for derived systems) and its audit record
  // (who did it), both written at commit. `payload_json` is the event payload and audit details.
  void record_change(const TenantScope& scope, std::string_view action, std::string_view entity_type,
                     const std::optional<Uuid>& entity, std::string payload_json = "{}");
  // The same for a change outside any tenant (a user account, say).
  void record_change(const SystemScope& scope, std::optional<std::int64_t> tenant_id,
                     std::string_view action, std::string_view entity_type,
                     const std::optional<Uuid>& entity, std::string payload_json = "{}");

  // Test seam: runs after the outbox is written and before COMMIT; an error aborts the commit.
  // Used to prove that a failure at that point leaves nothing behind.
  void set_before_commit(std::function<Status()> hook) { before_commit_ = std::move(hook); }

  // Writes the outbox and commits; returns once the commit is durable. After a failure the
  // transaction is rolled back. In a write batch this commits the batch, unless the caller
  // deferred durability: then the change is kept in the batch, which commits when its last
  // queued writer is done, and the batch's turn passes on at once.
  Status commit();
  // commit() returns as soon as the commit is written, before it is durable: the caller then
  // owns the wait and must not acknowledge the change before Database::group_sync() reports
  // it durable (the HTTP server holds the answer until then without blocking its thread).
  void defer_durability() { durability_deferred_ = true; }
  Status rollback();

 private:
  Transaction(WriteTurn::Hold turn, ConnectionLease lease, StoreContext context)
      : turn_(std::move(turn)), lease_(std::move(lease)), context_(context) {}
  Transaction(WriteBatch& batch, WriteBatch::Member member, StoreContext context)
      : batch_(&batch), member_(std::move(member)), context_(context) {}
  // Ends the transaction: the outbox is dropped and the turn (a batch member's, or the
  // database's write turn) passes on.
  void finish();

  WriteTurn::Hold turn_;                      // a write's turn, held until the transaction ends
  ConnectionLease lease_;                     // a transaction of its own, or
  WriteBatch* batch_ = nullptr;               // a member of a write batch
  std::optional<WriteBatch::Member> member_;
  StoreContext context_;
  enum class Mode { none, tenant, system };
  Mode mode_ = Mode::none;
  bool generic_plans_ = false;  // plan_cache_mode = force_generic_plan is set in this transaction
  std::optional<std::int64_t> current_tenant_;
  std::vector<EventRecord> events_;
  std::vector<AuditRecord> audits_;
  std::function<Status()> before_commit_;
  bool open_ = true;
  bool durability_deferred_ = false;
};

}  // namespace narralytica::store
