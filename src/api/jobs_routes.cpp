// The tenant's background jobs (list, read, enqueue, cancel, retry: app::JobService), its event
// feed (GET /v1/events?after=: every change in commit order, resumable from the last position
// seen: app::TenantService::events), and how far behind it each pipeline is (GET /v1/pipelines,
// app::PipelineService).
#include "api/detail/io.hpp"
#include "api/detail/route.hpp"
#include "app/pipeline_service.hpp"
#include "core/json_writer.hpp"
#include "api/detail/views.hpp"
#include "app/job_service.hpp"
#include "app/tenant_service.hpp"

namespace narralytica::api {
namespace jobs_routes_impl {
namespace {

using app::JobService;

Result<HttpResponse> list_jobs(Call& call) {
  ASSIGN_OR_RETURN(store::JobFilter filter,
                   app::job_filter(call.request.query_param("status"), call.request.query_param("kind")));
  store::PageRequest page;
  ASSIGN_OR_RETURN(page.limit, page_limit(call.request));
  ASSIGN_OR_RETURN(page.after, id_cursor_after('j', call.request.query_param("cursor")));
  ASSIGN_OR_RETURN(auto jobs, JobService::list(*call.tx, *call.scope, filter, page));
  JsonArray items;
  for (const auto& j : jobs.items) items.add_raw(job_json(j));
  return json_response(200, page_json(items.str(), id_cursor('j', jobs.next_after)));
}

Result<HttpResponse> get_job(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "job"));
  ASSIGN_OR_RETURN(auto job, JobService::show(*call.tx, *call.scope, id));
  return json_response(200, job_json(job));
}

Result<HttpResponse> enqueue_job(Call& call) {
  const auto& body = call.body;
  store::JobDraft draft;
  draft.kind = body.at("kind").get<std::string>();
  if (auto payload = body.find("payload"); payload != body.end()) draft.payload_json = payload->dump();
  draft.priority = body.value("priority", 0);
  draft.max_attempts = body.value("max_attempts", store::kJobMaxAttemptsDefault);
  if (auto key = body.find("idempotency_key"); key != body.end()) draft.idempotency_key = key->get<std::string>();
  if (auto run_at = body.find("run_at"); run_at != body.end()) {
    ASSIGN_OR_RETURN(UnixMicros at, parse_rfc3339(run_at->get<std::string>(), "run_at"));
    draft.run_at = at;
  }
  ASSIGN_OR_RETURN(auto result, JobService::enqueue(*call.tx, *call.scope, draft));
  HttpResponse response = json_response(result.created ? 201 : 200, job_json(result.job));
  response.with_header("Location", "/v1/jobs/" + result.job.public_id.to_string());
  return response;
}

Result<HttpResponse> cancel_job(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "job"));
  ASSIGN_OR_RETURN(auto job, JobService::cancel(*call.tx, *call.scope, id));
  return json_response(200, job_json(job));
}

Result<HttpResponse> retry_job(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "job"));
  ASSIGN_OR_RETURN(auto job, JobService::retry(*call.tx, *call.scope, id));
  return json_response(200, job_json(job));
}

Result<HttpResponse> read_events(Call& call) {
  ASSIGN_OR_RETURN(auto after, query_int(call.request, "after", 0, INT64_MAX));
  ASSIGN_OR_RETURN(auto limit, query_int(call.request, "limit", 1, store::kFeedLimitMax));
  ASSIGN_OR_RETURN(auto page, app::TenantService::events(*call.tx, *call.scope, after.value_or(0),
                                                         static_cast<int>(limit.value_or(store::kFeedLimitDefault))));
  return json_response(200, feed_json(page));
}

constexpr Field kEnqueueFields[] = {
    {.name = "kind", .required = true, .length_max = store::kJobKindLengthMax},
    {.name = "payload", .type = FieldType::object},
    {.name = "priority", .type = FieldType::integer},
    {.name = "max_attempts", .type = FieldType::integer},
    {.name = "idempotency_key", .length_max = store::kJobIdempotencyKeyLengthMax},
    {.name = "run_at", .description = "RFC 3339; not before"},
    {.name = "id", .read_only = true},
    {.name = "status", .read_only = true},
    {.name = "attempts", .read_only = true},
};
constexpr std::string_view kJobQuery[] = {"status", "kind", "limit", "cursor"};
constexpr std::string_view kEventQuery[] = {"after", "limit"};

Result<HttpResponse> list_pipelines(Call& call) {
  ASSIGN_OR_RETURN(auto report, app::PipelineService::list(*call.tx, *call.scope));
  return json_response(200, app::PipelineService::report_json(report));
}

constexpr Answer kExisting[] = {{200}};  // the idempotency_key's existing job

constexpr Route kRoutes[] = {
    {.method = "GET", .pattern = "/v1/jobs", .operation_id = "job.list", .returns = "JobPage", .summary = "The tenant's jobs, oldest first",
     .permission = app::kJobsRead, .handler = list_jobs, .query = kJobQuery},
    {.method = "POST", .pattern = "/v1/jobs", .operation_id = "job.enqueue", .returns = "Job",
     .summary = "Enqueue a job (an idempotency_key returns the existing job)", .permission = app::kJobsWrite,
     .body = BodyKind::json, .fields = kEnqueueFields, .handler = enqueue_job, .resource_type = "job",
     .status = 201, .also = kExisting},
    {.method = "GET", .pattern = "/v1/jobs/{id}", .operation_id = "job.get", .returns = "Job", .summary = "One job",
     .permission = app::kJobsRead, .handler = get_job},
    {.method = "POST", .pattern = "/v1/jobs/{id}/cancel", .operation_id = "job.cancel", .returns = "Job",
     .summary = "Cancel a queued or running job", .permission = app::kJobsWrite, .handler = cancel_job,
     .resource_type = "job"},
    {.method = "POST", .pattern = "/v1/jobs/{id}/retry", .operation_id = "job.retry", .returns = "Job",
     .summary = "Queue a dead, failed or cancelled job again", .permission = app::kJobsWrite,
     .handler = retry_job, .resource_type = "job"},
    {.method = "GET", .pattern = "/v1/events", .operation_id = "event.list", .returns = "EventFeed",
     .summary = "The tenant's changes in commit order after position `after`; 412 when they were pruned",
     .permission = app::kEventsRead, .handler = read_events, .query = kEventQuery},
    {.method = "GET", .pattern = "/v1/pipelines", .operation_id = "pipeline.list", .returns = "PipelinesReport",
     .summary = "Each pipeline's checkpoint and its lag behind the feed, counted in the tenant's own events",
     .permission = app::kReadPipelines, .handler = list_pipelines},
};

}  // namespace
}  // namespace jobs_routes_impl

std::span<const Route> jobs_routes() { return jobs_routes_impl::kRoutes; }

}  // namespace narralytica::api
