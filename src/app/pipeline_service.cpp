#include "app/pipeline_service.hpp"

#include "core/clock.hpp"
#include "core/json_writer.hpp"
#include "store/ops/event_feed.hpp"
#include "store/tenancy/tenant_repository.hpp"

namespace narralytica::app {
namespace {

template <class Backlog>
Result<PipelinesReport> measure(store::Transaction& tx, const store::SystemScope& system,
                                std::optional<std::int64_t> only_tenant, Backlog backlog) {
  PipelinesReport report;
  report.now = tx.now_us();
  ASSIGN_OR_RETURN(report.pruned_through, store::EventFeed::pruned_through(tx, system));
  ASSIGN_OR_RETURN(auto checkpoints, store::CheckpointRepository::list(tx, system));
  ASSIGN_OR_RETURN(const store::FeedBacklog now, backlog(report.pruned_through));
  report.head = now.head;
  for (const auto& c : checkpoints) {
    if (only_tenant && c.tenant_id && *c.tenant_id != *only_tenant) continue;
    PipelineLag lag;
    lag.name = c.pipeline;
    if (c.tenant_id) {
      ASSIGN_OR_RETURN(auto tenant, store::TenantRepository::find_by_id(tx, *c.tenant_id));
      lag.tenant = tenant.slug;
    }
    lag.position = c.position;
    lag.updated_at = c.updated_at;
    lag.behind_horizon = c.position < report.pruned_through;
    ASSIGN_OR_RETURN(const store::FeedBacklog pending, backlog(c.position));
    lag.head = pending.head;
    lag.lag_events = pending.pending;
    lag.oldest_pending_at = pending.oldest_pending_at;
    report.pipelines.push_back(std::move(lag));
  }
  return report;
}

}  // namespace

Result<PipelinesReport> PipelineService::list(store::Transaction& tx, const store::TenantScope& scope) {
  // The cursors are read as the system (a global cursor belongs to no tenant, and PostgreSQL's
  // row-level security shows a tenant only its own rows); the events counted are the tenant's.
  const auto system = store::SystemScope::because(scope.actor(), scope.context());
  return measure(tx, system, scope.tenant_id(),
                 [&](std::int64_t after) { return store::EventFeed::backlog(tx, scope, after); });
}

Result<PipelinesReport> PipelineService::list(store::Transaction& tx, const store::SystemScope& scope) {
  return measure(tx, scope, std::nullopt, [&](std::int64_t after) { return store::EventFeed::backlog(tx, scope, after); });
}

Result<std::int64_t> PipelineService::reset(store::Transaction& tx, const store::SystemScope& scope,
                                            std::string_view pipeline, std::int64_t position) {
  ASSIGN_OR_RETURN(const std::int64_t moved, store::CheckpointRepository::reset(tx, scope, pipeline, position));
  // No event: a reset changes no tenant data, and every pipeline would receive a system event.
  tx.record_audit(store::AuditRecord{std::nullopt, scope.actor(), "pipeline.reset", "pipeline", std::nullopt,
                                     store::AuditOutcome::allowed, scope.context(),
                                     JsonObject()
                                         .add("pipeline", pipeline)
                                         .add("position", position)
                                         .add("checkpoints", moved)
                                         .str()});
  return moved;
}

std::string PipelineService::report_json(const PipelinesReport& report) {
  std::string items = "[";
  for (const auto& p : report.pipelines) {
    JsonObject item;
    item.add("name", p.name)
        .add_optional("tenant", p.tenant)
        .add("position", p.position)
        .add("head", p.head)
        .add("lag_events", p.lag_events)
        .add("age_s", p.oldest_pending_at ? (report.now - *p.oldest_pending_at) / 1'000'000 : std::int64_t{0});
    if (p.oldest_pending_at) item.add("oldest_pending_at", format_rfc3339(*p.oldest_pending_at));
    else item.add_null("oldest_pending_at");
    item.add("updated_at", format_rfc3339(p.updated_at)).add("behind_horizon", p.behind_horizon);
    if (items.size() > 1) items += ',';
    items += item.str();
  }
  items += ']';
  return JsonObject()
      .add("head", report.head)
      .add("pruned_through", report.pruned_through)
      .add_raw("items", items)
      .str();
}

}  // namespace narralytica::app
