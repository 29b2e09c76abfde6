#include "jobs/builtin_handlers.hpp"

#include <nlohmann/json.hpp>

#include "store/ops/event_feed.hpp"
#include "store/ops/job_repository.hpp"

namespace narralytica::jobs {
namespace {

Result<std::int64_t> retention_from(const store::Job& job) {
  nlohmann::json payload = nlohmann::json::parse(job.payload_json, nullptr, false);
  if (payload.is_discarded() || !payload.is_object() || !payload.contains("retention_us") ||
      !payload["retention_us"].is_number_integer() || payload["retention_us"].get<std::int64_t>() <= 0) {
    return make_error(ErrorCode::invalid_argument, "payload needs a positive integer retention_us", "payload");
  }
  return payload["retention_us"].get<std::int64_t>();
}

// Runs `prune_batch` in its own short transactions until it deletes less than a batch, so a large
// backlog never holds the write lock for long. Bounded by kPruneBatchesPerJob; the next scheduled
// run continues.
template <class PruneBatch>
Status prune_in_batches(JobContext& context, const char* actor, PruneBatch prune_batch) {
  const auto scope = store::SystemScope::because(store::Actor{std::nullopt, std::nullopt, actor});
  for (int batch = 0; batch < kPruneBatchesPerJob && !context.cancelled.load(); ++batch) {
    ASSIGN_OR_RETURN(auto tx, store::Transaction::begin(context.database, store::TxMode::write, context.store_context));
    ASSIGN_OR_RETURN(std::int64_t deleted, prune_batch(tx, scope));
    RETURN_IF_ERROR(tx.commit());
    if (deleted < kPruneBatchRows) break;
  }
  return ok_status();
}

}  // namespace

Status register_builtin_handlers(HandlerRegistry& registry) {
  RETURN_IF_ERROR(registry.add(kEventsPruneKind, [](JobContext& context) -> Status {
    ASSIGN_OR_RETURN(const std::int64_t retention_us, retention_from(context.job));
    const UnixMicros before = context.store_context.clock->now_us() - retention_us;
    return prune_in_batches(context, "job:events.prune", [&](store::Transaction& tx, const store::SystemScope& scope) {
      return store::EventFeed::prune(tx, scope, before, kPruneBatchRows);
    });
  }));
  RETURN_IF_ERROR(registry.add(kJobsPruneKind, [](JobContext& context) -> Status {
    ASSIGN_OR_RETURN(const std::int64_t retention_us, retention_from(context.job));
    const UnixMicros before = context.store_context.clock->now_us() - retention_us;
    return prune_in_batches(context, "job:jobs.prune", [&](store::Transaction& tx, const store::SystemScope& scope) {
      return store::JobRepository::prune_finished(tx, scope, before, kPruneBatchRows);
    });
  }));
  return ok_status();
}

}  // namespace narralytica::jobs
