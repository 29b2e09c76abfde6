// The tenant's background jobs (list, read, enqueue, cancel, retry) and its event feed
// (GET /v1/events?after=: every change in commit order, resumable from the last position seen).
#include "api/detail/io.hpp"
#include "api/detail/route.hpp"
#include "core/json_writer.hpp"
#include "store/ops/event_feed.hpp"
#include "store/ops/job_repository.hpp"

namespace narralytica::api {
namespace {

using store::JobRepository;

std::string job_json(const store::Job& job) {
  JsonObject out;
  out.add("id", job.public_id.to_string())
      .add("kind", job.kind)
      .add_raw("payload", job.payload_json.empty() ? "{}" : job.payload_json)
      .add("status", store::to_string(job.status))
      .add("priority", job.priority)
      .add("run_at", rfc3339(job.run_at))
      .add("attempts", job.attempts)
      .add("max_attempts", job.max_attempts)
      .add_optional("last_error", job.last_error)
      .add_optional("idempotency_key", job.idempotency_key);
  if (job.finished_at) out.add("finished_at", rfc3339(*job.finished_at));
  else out.add_null("finished_at");
  return out.add("created_at", rfc3339(job.created_at)).add("updated_at", rfc3339(job.updated_at)).str();
}

Result<HttpResponse> list_jobs(Call& call) {
  store::JobFilter filter;
  if (auto status = call.request.query_param("status")) {
    filter.status = store::parse_job_status(*status);
    if (!filter.status) {
      return make_error(ErrorCode::invalid_argument,
                        "status is one of queued, running, succeeded, failed, dead, cancelled", "status");
    }
  }
  if (auto kind = call.request.query_param("kind")) filter.kind = *kind;
  store::PageRequest page;
  ASSIGN_OR_RETURN(page.limit, page_limit(call.request));
  if (auto cursor = call.request.query_param("cursor")) {
    ASSIGN_OR_RETURN(std::string key, decode_cursor('j', *cursor));
    auto after = Uuid::from_bytes(key);
    if (!after) return make_error(ErrorCode::invalid_argument, "not a cursor this list gave out", "cursor");
    page.after = *after;
  }
  ASSIGN_OR_RETURN(auto jobs, JobRepository::list(*call.tx, *call.scope, filter, page));
  JsonArray items;
  for (const auto& j : jobs.items) items.add_raw(job_json(j));
  std::optional<std::string> next;
  if (jobs.next_after) next = encode_cursor('j', jobs.next_after->byte_view());
  return json_response(200, JsonObject().add_raw("items", items.str()).add_optional("next_cursor", next).str());
}

Result<HttpResponse> get_job(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "job"));
  ASSIGN_OR_RETURN(auto job, JobRepository::get(*call.tx, *call.scope, id));
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
  ASSIGN_OR_RETURN(auto result, JobRepository::enqueue(*call.tx, *call.scope, draft));
  HttpResponse response = json_response(result.created ? 201 : 200, job_json(result.job));
  response.with_header("Location", "/v1/jobs/" + result.job.public_id.to_string());
  return response;
}

Result<HttpResponse> cancel_job(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "job"));
  ASSIGN_OR_RETURN(auto job, JobRepository::cancel(*call.tx, *call.scope, id));
  return json_response(200, job_json(job));
}

Result<HttpResponse> retry_job(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "job"));
  ASSIGN_OR_RETURN(auto job, JobRepository::retry(*call.tx, *call.scope, id));
  return json_response(200, job_json(job));
}

Result<HttpResponse> read_events(Call& call) {
  ASSIGN_OR_RETURN(auto after, query_int(call.request, "after", 0, INT64_MAX));
  ASSIGN_OR_RETURN(auto limit, query_int(call.request, "limit", 1, store::kFeedLimitMax));
  ASSIGN_OR_RETURN(auto page, store::EventFeed::read(*call.tx, *call.scope, after.value_or(0),
                                                     static_cast<int>(limit.value_or(store::kFeedLimitDefault))));
  JsonArray items;
  for (const auto& e : page.events) {
    JsonObject event;
    event.add("position", e.position)
        .add("type", e.event_type)
        .add("entity_type", e.entity_type);
    if (e.entity_public_id) event.add("entity_id", e.entity_public_id->to_string());
    else event.add_null("entity_id");
    items.add_raw(event.add_raw("payload", e.payload_json.empty() ? "{}" : e.payload_json)
                      .add("created_at", rfc3339(e.created_at))
                      .str());
  }
  if (page.behind_horizon) {
    return make_error(ErrorCode::precondition_failed,
                      "events after " + std::to_string(after.value_or(0)) + " were pruned (through " +
                          std::to_string(page.pruned_through) + "): rebuild from canonical data and resume there",
                      "after");
  }
  return json_response(200, JsonObject()
                                .add_raw("items", items.str())
                                .add("next_after", page.next_after)
                                .add("head", page.head)
                                .str());
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

constexpr Route kRoutes[] = {
    {.method = "GET", .pattern = "/v1/jobs", .operation_id = "job.list", .summary = "The tenant's jobs, oldest first",
     .permission = {"read", "jobs"}, .handler = list_jobs, .query = kJobQuery},
    {.method = "POST", .pattern = "/v1/jobs", .operation_id = "job.enqueue",
     .summary = "Enqueue a job (an idempotency_key returns the existing job)", .permission = {"write", "jobs"},
     .body = BodyKind::json, .fields = kEnqueueFields, .handler = enqueue_job, .resource_type = "job",
     .status = 201},
    {.method = "GET", .pattern = "/v1/jobs/{id}", .operation_id = "job.get", .summary = "One job",
     .permission = {"read", "jobs"}, .handler = get_job},
    {.method = "POST", .pattern = "/v1/jobs/{id}/cancel", .operation_id = "job.cancel",
     .summary = "Cancel a queued or running job", .permission = {"write", "jobs"}, .handler = cancel_job,
     .resource_type = "job"},
    {.method = "POST", .pattern = "/v1/jobs/{id}/retry", .operation_id = "job.retry",
     .summary = "Queue a dead, failed or cancelled job again", .permission = {"write", "jobs"},
     .handler = retry_job, .resource_type = "job"},
    {.method = "GET", .pattern = "/v1/events", .operation_id = "event.list",
     .summary = "The tenant's changes in commit order after position `after`; 412 when they were pruned",
     .permission = {"read", "events"}, .handler = read_events, .query = kEventQuery},
};

}  // namespace

std::span<const Route> jobs_routes() { return kRoutes; }

}  // namespace narralytica::api
