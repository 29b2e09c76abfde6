// Pipeline lag: how far each pipeline's checkpoint is behind the event feed, and rewinding one.
// The use cases behind GET /v1/pipelines (the caller's tenant) and `narralytica pipelines
// list|reset` (the operator).
//
// Pipelines run over the global feed with one cursor for every tenant (a few keep a cursor per
// tenant), so what a tenant is shown is measured in ITS OWN events: the checkpoint's position, the
// tenant's newest event, how many of the tenant's events lie after the checkpoint and how long
// the oldest of them has waited. Other tenants' activity shows only as gaps in positions, as it
// already does in GET /v1/events. Rewinding a global cursor replays every tenant's events, so a
// reset is the operator's (SystemScope), and it writes an audit record.
//
// The runner does not store a pipeline's errors (they go to the worker's log), so no "last error"
// is reported here.
//
// Stateless and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/identity/permission.hpp"
#include "store/ops/checkpoint_repository.hpp"

namespace narralytica::app {

// Pipelines are operations like jobs: whoever may see the tenant's jobs may see their lag.
inline constexpr store::Permission kReadPipelines{"read", "jobs"};

struct PipelineLag {
  std::string name;
  std::optional<std::string> tenant;  // the slug of a per-tenant cursor; nullopt: one for all tenants
  std::int64_t position = 0;          // the last event position the pipeline processed
  std::int64_t head = 0;              // the newest event position (the tenant's, in the tenant view)
  std::int64_t lag_events = 0;        // events after `position` (the tenant's, in the tenant view)
  std::optional<UnixMicros> oldest_pending_at;  // when the oldest of them was written
  UnixMicros updated_at = 0;          // when the checkpoint last moved
  bool behind_horizon = false;        // events after `position` were pruned: rebuild
};

struct PipelinesReport {
  UnixMicros now = 0;
  std::int64_t head = 0;            // as PipelineLag::head
  std::int64_t pruned_through = 0;  // positions at or below this may have been pruned
  std::vector<PipelineLag> pipelines;  // by name, then tenant
};

class PipelineService {
 public:
  // The global cursors and the scope's tenant's own, measured in the tenant's events.
  static Result<PipelinesReport> list(store::Transaction& tx, const store::TenantScope& scope);
  // Every cursor, measured in every event.
  static Result<PipelinesReport> list(store::Transaction& tx, const store::SystemScope& scope);
  // Rewinds every cursor of `pipeline` to `position` (0: replay all retained events) and records
  // "pipeline.reset" in the system audit chain. Returns how many cursors moved. Errors:
  // invalid_argument naming "pipeline" or "position"; not_found when the pipeline has no cursor.
  static Result<std::int64_t> reset(store::Transaction& tx, const store::SystemScope& scope,
                                    std::string_view pipeline, std::int64_t position);
  // {"head", "pruned_through", "items": [{"name", "tenant", "position", "head", "lag_events",
  // "age_s", "oldest_pending_at", "updated_at", "behind_horizon"}]}: what the API answers and
  // `pipelines list --json` prints.
  static std::string report_json(const PipelinesReport& report);
};

}  // namespace narralytica::app
