// GET /v1/search: the tenant's segments matching a query in the search language
// (docs/search.md), ranked, with highlighted snippets and deep links; grouped by video on request.
#include "api/detail/io.hpp"
#include "api/detail/route.hpp"
#include "api/detail/state.hpp"
#include "api/problem.hpp"
#include "app/search_service.hpp"

namespace narralytica::api {
namespace {

// A query the language cannot parse is a malformed request (400, code malformed_query, with the
// character position in the detail), as issue 14 specifies; other bad parameters stay 422 like
// every route's.
template <class T>
Result<HttpResponse> answer(Call& call, const Result<T>& result, std::string (*to_json)(const T&)) {
  if (!result.ok()) {
    const Error& error = result.error();
    if (error.code == ErrorCode::invalid_argument && error.field == "q") {
      return problem(400, "malformed_query", error.message, "q", call.request);
    }
    return error;
  }
  return json_response(200, to_json(*result));
}

Result<HttpResponse> answer(Call& call, const app::SearchQuery& query) {
  return answer(call, call.state.search.search_in(*call.scope, query), app::search_result_json);
}

Result<HttpResponse> search_segments(Call& call) {
  app::SearchQuery query;
  auto q = call.request.query_param("q");
  if (!q || q->empty()) {
    return problem(400, "malformed_query", "q is required: words, \"a phrase\", prefix*, or filters", "q", call.request);
  }
  query.q = *q;
  ASSIGN_OR_RETURN(auto limit, query_int(call.request, "limit", 1, search::kSearchLimitMax));
  query.limit = static_cast<int>(limit.value_or(search::kSearchLimitDefault));
  if (auto cursor = call.request.query_param("cursor")) query.cursor = *cursor;
  if (auto group = call.request.query_param("group")) {
    if (*group != "video") return make_error(ErrorCode::invalid_argument, "group can only be \"video\"", "group");
    query.group_by_video = true;
  }
  ASSIGN_OR_RETURN(auto per_video, query_int(call.request, "hits_per_video", 1, search::kHitsPerVideoMax));
  query.hits_per_video = static_cast<int>(per_video.value_or(search::kHitsPerVideoDefault));
  return answer(call, query);
}

// GET /v1/timeline: how often a query (words, a phrase, or a filter such as topic:flood) comes up
// over the videos' published dates, per speaker or person on request, with each bucket's best
// moments.
Result<HttpResponse> timeline(Call& call) {
  app::TimelineQuery query;
  auto q = call.request.query_param("q");
  if (!q || q->empty()) {
    return problem(400, "malformed_query", "q is required: words, \"a phrase\", or a filter such as topic:flood", "q",
                   call.request);
  }
  query.q = *q;
  if (auto bucket = call.request.query_param("bucket")) {
    ASSIGN_OR_RETURN(query.bucket, app::parse_timeline_bucket(*bucket, "bucket"));
  }
  if (auto by = call.request.query_param("by")) {
    ASSIGN_OR_RETURN(query.by, app::parse_timeline_series(*by, "by"));
  }
  ASSIGN_OR_RETURN(auto top, query_int(call.request, "top", 0, search::kTimelineTopMax));
  query.top = static_cast<int>(top.value_or(search::kTimelineTopDefault));
  return answer(call, call.state.search.timeline_in(*call.scope, query), app::timeline_json);
}

// POST /v1/search: the same search with a JSON body, which can carry a vector (an embedding of the
// client's query, from the same model as the tenant's `embedding` layer) for vector or hybrid
// search.
Result<HttpResponse> search_with_body(Call& call) {
  const nlohmann::json& body = call.body;
  app::SearchQuery query;
  if (body.contains("q")) query.q = body["q"].get<std::string>();
  if (body.contains("mode")) {
    ASSIGN_OR_RETURN(query.mode, app::parse_search_mode(body["mode"].get<std::string>(), "mode"));
  } else if (body.contains("vector")) {
    query.mode = query.q.empty() ? search::SearchMode::vector : search::SearchMode::hybrid;
  }
  if (body.contains("vector")) {
    const auto& values = body["vector"];
    if (!values.is_array() || values.empty() || values.size() > search::kVectorDimsMax) {
      return make_error(ErrorCode::invalid_argument,
                        "vector is an array of 1 to " + std::to_string(search::kVectorDimsMax) + " numbers", "vector");
    }
    search::VectorQuery vector;
    vector.values.reserve(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (!values[i].is_number()) {
        return make_error(ErrorCode::invalid_argument, "expected a number", "vector[" + std::to_string(i) + "]");
      }
      vector.values.push_back(values[i].get<float>());
    }
    if (body.contains("producer")) vector.producer = body["producer"].get<std::string>();
    query.vector = std::move(vector);
  }
  if (query.q.empty() && query.mode != search::SearchMode::vector) {
    return problem(400, "malformed_query", "q is required unless a vector is searched alone", "q", call.request);
  }
  if (body.contains("limit")) query.limit = body["limit"].get<int>();
  if (body.contains("cursor")) query.cursor = body["cursor"].get<std::string>();
  if (body.contains("group")) {
    if (body["group"] != "video") return make_error(ErrorCode::invalid_argument, "group can only be \"video\"", "group");
    query.group_by_video = true;
  }
  if (body.contains("hits_per_video")) query.hits_per_video = body["hits_per_video"].get<int>();
  if (body.contains("rrf_k")) query.rrf_k = body["rrf_k"].get<int>();
  if (body.contains("candidates")) query.candidates = body["candidates"].get<int>();
  return answer(call, query);
}

constexpr std::string_view kSearchQuery[] = {"q", "limit", "cursor", "group", "hits_per_video"};

constexpr Field kSearchBody[] = {
    {.name = "q", .length_max = search::kQueryBytesMax, .description = "the query (docs/search.md); may be omitted in vector mode"},
    {.name = "mode", .description = "text, vector or hybrid (default: hybrid with a vector and words, vector with a vector alone)"},
    {.name = "vector", .type = FieldType::any, .description = "an array of numbers: the query's embedding"},
    {.name = "producer", .description = "the embedding layer's producer as name@version (default: the only one of that size)"},
    {.name = "limit", .type = FieldType::integer},
    {.name = "cursor"},
    {.name = "group", .description = "\"video\": the best hits per video (text search)"},
    {.name = "hits_per_video", .type = FieldType::integer},
    {.name = "rrf_k", .type = FieldType::integer, .description = "reciprocal rank fusion's k (default 60)"},
    {.name = "candidates", .type = FieldType::integer, .description = "hits taken from each list before fusing (100 to 1000)"},
};

constexpr std::string_view kTimelineQuery[] = {"q", "bucket", "by", "top"};

constexpr Route kRoutes[] = {
    {.method = "GET", .pattern = "/v1/timeline", .operation_id = "search.timeline",
     .summary = "How often a query comes up over the videos' published dates (bucket=day|week|month|year), per "
                "speaker or person (by=speaker|person), with the first mention, the peak and each bucket's top moments",
     .permission = {"read", "transcripts"}, .handler = timeline, .query = kTimelineQuery},
    {.method = "GET", .pattern = "/v1/search", .operation_id = "search.query",
     .summary = "Search the tenant's transcripts: words, \"phrases\", prefix*, OR, -exclusion, NEAR/n and filters "
                "(speaker:, video:, lang:, from:, to:, topic:, sentiment:, entity:, keyword:, after:, before:); "
                "ranked by BM25, each hit time-coded with a highlighted snippet; ?group=video groups by video",
     .permission = {"read", "transcripts"}, .handler = search_segments, .query = kSearchQuery},
    {.method = "POST", .pattern = "/v1/search", .operation_id = "search.vector",
     .summary = "Search with a JSON body, which may carry a vector: text (BM25), vector (nearest segments of the "
                "tenant's embedding layers) or hybrid (both lists fused by reciprocal rank); the query's filters "
                "apply to every mode",
     .permission = {"read", "transcripts"}, .body = BodyKind::json, .fields = kSearchBody, .handler = search_with_body,
     .reads_only = true},
};

}  // namespace

std::span<const Route> search_routes() { return kRoutes; }

}  // namespace narralytica::api
