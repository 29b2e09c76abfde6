#include "store/ops/event_feed.hpp"

#include <algorithm>

namespace narralytica::store {
namespace {

#define NARRALYTICA_EVENT_COLUMNS \
  "position, tenant_id, event_type, entity_type, entity_public_id, payload, created_at"

constexpr const char* kReadTenant =
    "SELECT " NARRALYTICA_EVENT_COLUMNS " FROM event_logs WHERE tenant_id = $1 AND position > $2 "
    "ORDER BY position LIMIT $3";
constexpr const char* kReadAll =
    "SELECT " NARRALYTICA_EVENT_COLUMNS " FROM event_logs WHERE position > $1 ORDER BY position LIMIT $2";
constexpr const char* kHeadTenant = "SELECT coalesce(max(position), 0) FROM event_logs WHERE tenant_id = $1";
constexpr const char* kHeadAll = "SELECT coalesce(max(position), 0) FROM event_logs";
constexpr const char* kBacklogTenant =
    "SELECT count(*), min(created_at) FROM event_logs WHERE tenant_id = $1 AND position > $2";
constexpr const char* kBacklogAll = "SELECT count(*), min(created_at) FROM event_logs WHERE position > $1";
constexpr const char* kHorizon = "SELECT pruned_through FROM event_log_horizon WHERE id = 1";
// Pruners take turns on the horizon row (SQLite's writer lock already serializes them).
constexpr const char* kHorizonForUpdatePostgres =
    "SELECT pruned_through FROM event_log_horizon WHERE id = 1 FOR UPDATE";
constexpr const char* kPruneCandidates =
    "SELECT position, created_at FROM event_logs WHERE position > $1 ORDER BY position LIMIT $2";
constexpr const char* kDeletePrefix = "DELETE FROM event_logs WHERE position > $1 AND position <= $2";
constexpr const char* kRaiseHorizon =
    "UPDATE event_log_horizon SET pruned_through = $1, updated_at = $2 WHERE id = 1 AND pruned_through < $1";

Result<std::int64_t> single_int(Transaction& tx, const char* sql, std::optional<std::int64_t> param) {
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(sql));
  if (param) s->bind_int64(1, *param);
  ASSIGN_OR_RETURN(bool has_row, s->step());
  const std::int64_t value = has_row ? s->column_int64(0) : 0;
  s->reset();
  return value;
}

Status check_read(std::int64_t after, int limit) {
  if (limit < 1 || limit > kFeedLimitMax) {
    return make_error(ErrorCode::invalid_argument, "limit must be between 1 and " + std::to_string(kFeedLimitMax),
                      "limit");
  }
  if (after < 0) return make_error(ErrorCode::invalid_argument, "after must not be negative", "after");
  return ok_status();
}

Result<FeedPage> read_feed(Transaction& tx, std::optional<std::int64_t> tenant_id, std::int64_t after, int limit) {
  RETURN_IF_ERROR(check_read(after, limit));
  FeedPage page;
  page.next_after = after;
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(tenant_id ? kReadTenant : kReadAll));
  int i = 1;
  if (tenant_id) s->bind_int64(i++, *tenant_id);
  s->bind_int64(i++, after);
  s->bind_int64(i++, limit);
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, s->step());
    if (!has_row) break;
    FeedEvent e;
    e.position = s->column_int64(0);
    e.tenant_id = s->column_optional_int64(1);
    e.event_type = s->column_text(2);
    e.entity_type = s->column_text(3);
    e.entity_public_id = s->column_optional_uuid(4);
    e.payload_json = s->column_text(5);
    e.created_at = s->column_int64(6);
    page.events.push_back(std::move(e));
  }
  s->reset();
  // The horizon is read after the events: a prune committing in between can only make this read
  // report "behind" too eagerly, never hide a gap.
  ASSIGN_OR_RETURN(page.pruned_through, single_int(tx, kHorizon, std::nullopt));
  ASSIGN_OR_RETURN(page.head, single_int(tx, tenant_id ? kHeadTenant : kHeadAll, tenant_id));
  if (after < page.pruned_through) {
    page.behind_horizon = true;
    page.events.clear();
    return page;
  }
  if (!page.events.empty()) page.next_after = page.events.back().position;
  page.head = std::max(page.head, page.next_after);
  return page;
}

Result<FeedBacklog> read_backlog(Transaction& tx, std::optional<std::int64_t> tenant_id, std::int64_t after) {
  if (after < 0) return make_error(ErrorCode::invalid_argument, "after must not be negative", "after");
  FeedBacklog backlog;
  ASSIGN_OR_RETURN(backlog.head, single_int(tx, tenant_id ? kHeadTenant : kHeadAll, tenant_id));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(tenant_id ? kBacklogTenant : kBacklogAll));
  int i = 1;
  if (tenant_id) s->bind_int64(i++, *tenant_id);
  s->bind_int64(i, after);
  ASSIGN_OR_RETURN(bool has_row, s->step());
  if (has_row) {
    backlog.pending = s->column_int64(0);
    backlog.oldest_pending_at = s->column_optional_int64(1);
  }
  s->reset();
  return backlog;
}

}  // namespace

Result<FeedBacklog> EventFeed::backlog(Transaction& tx, const TenantScope& scope, std::int64_t after) {
  RETURN_IF_ERROR(tx.enter(scope));
  return read_backlog(tx, scope.tenant_id(), after);
}

Result<FeedBacklog> EventFeed::backlog(Transaction& tx, const SystemScope& scope, std::int64_t after) {
  RETURN_IF_ERROR(tx.enter(scope));
  return read_backlog(tx, std::nullopt, after);
}

Result<FeedPage> EventFeed::read(Transaction& tx, const TenantScope& scope, std::int64_t after, int limit) {
  RETURN_IF_ERROR(tx.enter(scope));
  return read_feed(tx, scope.tenant_id(), after, limit);
}

Result<FeedPage> EventFeed::read(Transaction& tx, const SystemScope& scope, std::int64_t after, int limit) {
  RETURN_IF_ERROR(tx.enter(scope));
  return read_feed(tx, std::nullopt, after, limit);
}

Result<std::int64_t> EventFeed::head(Transaction& tx, const SystemScope& scope) {
  RETURN_IF_ERROR(tx.enter(scope));
  return single_int(tx, kHeadAll, std::nullopt);
}

Result<std::int64_t> EventFeed::pruned_through(Transaction& tx, const SystemScope& scope) {
  RETURN_IF_ERROR(tx.enter(scope));
  return single_int(tx, kHorizon, std::nullopt);
}

Result<std::int64_t> EventFeed::prune(Transaction& tx, const SystemScope& scope, UnixMicros created_before,
                                      int limit) {
  if (limit < 1 || limit > kEventPruneBatchMax) {
    return make_error(ErrorCode::invalid_argument,
                      "prune limit must be between 1 and " + std::to_string(kEventPruneBatchMax), "limit");
  }
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(const std::int64_t horizon,
                   single_int(tx, tx.backend() == Backend::postgres ? kHorizonForUpdatePostgres : kHorizon,
                              std::nullopt));
  ASSIGN_OR_RETURN(const std::int64_t newest, single_int(tx, kHeadAll, std::nullopt));
  // Only a prefix in position order is pruned, so "at or below the horizon" is exactly what is gone.
  ASSIGN_OR_RETURN(Statement * candidates, tx.prepare(kPruneCandidates));
  candidates->bind_int64(1, horizon);
  candidates->bind_int64(2, limit);
  std::int64_t cut = horizon;
  std::int64_t count = 0;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, candidates->step());
    if (!has_row) break;
    const std::int64_t position = candidates->column_int64(0);
    // The newest event stays: SQLite numbers the next one max(position) + 1.
    if (candidates->column_int64(1) >= created_before || position >= newest) break;
    cut = position;
    ++count;
  }
  candidates->reset();
  if (cut == horizon) return std::int64_t{0};
  ASSIGN_OR_RETURN(Statement * del, tx.prepare(kDeletePrefix));
  del->bind_int64(1, horizon);
  del->bind_int64(2, cut);
  RETURN_IF_ERROR(del->execute());
  ASSIGN_OR_RETURN(Statement * raise, tx.prepare(kRaiseHorizon));
  raise->bind_int64(1, cut);
  raise->bind_int64(2, tx.now_us());
  RETURN_IF_ERROR(raise->execute());
  return count;
}

}  // namespace narralytica::store
