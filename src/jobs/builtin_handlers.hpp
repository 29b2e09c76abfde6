// Handlers every worker has out of the box, registered by the composition root:
//   events.prune  deletes event_logs older than the retention horizon (payload
//                 {"retention_us": N}), in bounded batches, raising the feed's pruned horizon.
//   jobs.prune    deletes succeeded and cancelled jobs finished before {"retention_us": N}.
#pragma once

#include "jobs/handler_registry.hpp"

namespace narralytica::jobs {

inline constexpr const char* kEventsPruneKind = "events.prune";
inline constexpr const char* kJobsPruneKind = "jobs.prune";
// Rows deleted per transaction by the prune handlers, and transactions per job.
inline constexpr int kPruneBatchRows = 5'000;
inline constexpr int kPruneBatchesPerJob = 200;

Status register_builtin_handlers(HandlerRegistry& registry);

}  // namespace narralytica::jobs
