// The event feed: `event_logs` read in position order, for pipelines (pipeline_runner) and for
// outside consumers (GET /v1/events?after=). Events are written by Transaction::commit
// (store/outbox.hpp) with positions that become visible in increasing order (see the
// event-feed-ordering record in docs/decisions/), so a consumer that remembers the last position it
// processed and asks for what comes after never skips an event. Positions can have gaps (a
// transaction that rolled back after taking one); consumers must not expect consecutive numbers.
//
// Retention: old events are pruned (EventFeed::prune, run by the built-in `events.prune` job).
// A consumer whose cursor is older than the pruned horizon has missed events: the read says so
// (FeedPage::behind_horizon) instead of silently resuming at the oldest retained event.
//
// Thread-safety: stateless; works inside the Transaction it is given.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/scope.hpp"
#include "store/transaction.hpp"

namespace narralytica::store {

inline constexpr int kFeedLimitDefault = 100;
inline constexpr int kFeedLimitMax = 1000;
inline constexpr int kEventPruneBatchMax = 10'000;

struct FeedEvent {
  std::int64_t position = 0;
  std::optional<std::int64_t> tenant_id;  // nullopt: a system event
  std::string event_type;                 // e.g. "transcript.created"
  std::string entity_type;
  std::optional<Uuid> entity_public_id;
  std::string payload_json;
  UnixMicros created_at = 0;
};

struct FeedPage {
  std::vector<FeedEvent> events;  // positions strictly increasing, all > after
  // Where to resume: the last returned position, or `after` when nothing was returned.
  std::int64_t next_after = 0;
  // The highest position visible in this feed (the tenant's own events for a tenant read, every
  // event for a system read); head - next_after is how far the consumer lags.
  std::int64_t head = 0;
  // Everything at or below this position may have been pruned.
  std::int64_t pruned_through = 0;
  // True when `after` < pruned_through: events the consumer never saw were pruned. `events` is
  // empty then; the consumer must rebuild from canonical data and resume from pruned_through.
  bool behind_horizon = false;
};

// What a consumer at `after` has still to process: the feed's head, how many events lie after
// `after` and when the oldest of them was written (nullopt when none: the consumer is current).
struct FeedBacklog {
  std::int64_t head = 0;
  std::int64_t pending = 0;
  std::optional<UnixMicros> oldest_pending_at;
};

class EventFeed {
 public:
  // The scope's tenant's events after `after`, at most `limit` (1..kFeedLimitMax).
  // Errors: invalid_argument for a bad limit or a negative `after`.
  static Result<FeedPage> read(Transaction& tx, const TenantScope& scope, std::int64_t after, int limit);
  // Every event (all tenants and system events) after `after`.
  static Result<FeedPage> read(Transaction& tx, const SystemScope& scope, std::int64_t after, int limit);

  // The highest position written so far (0 when none).
  static Result<std::int64_t> head(Transaction& tx, const SystemScope& scope);
  // The scope's tenant's events after `after` (a global pipeline's lag as the tenant sees it), or
  // every event after it. Errors: invalid_argument for a negative `after`.
  static Result<FeedBacklog> backlog(Transaction& tx, const TenantScope& scope, std::int64_t after);
  static Result<FeedBacklog> backlog(Transaction& tx, const SystemScope& scope, std::int64_t after);
  // Positions at or below the returned value may have been pruned (0: nothing pruned).
  static Result<std::int64_t> pruned_through(Transaction& tx, const SystemScope& scope);

  // Deletes up to `limit` (1..kEventPruneBatchMax) events created before `created_before`, oldest
  // first, and raises the pruned horizon accordingly. The newest event is always kept, so
  // positions are never reused (SQLite assigns max(position) + 1). Returns how many were deleted;
  // call again while it returns `limit`.
  static Result<std::int64_t> prune(Transaction& tx, const SystemScope& scope, UnixMicros created_before,
                                    int limit);
};

}  // namespace narralytica::store
