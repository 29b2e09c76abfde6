// GET/POST /v1/search, GET /v1/timeline and POST /v1/retrieve: the tenant's segments matching a
// query in the search language (docs/search.md), ranked, with highlighted snippets and deep links;
// how often they come up over time; and speaker-turn passages with citations (docs/retrieval.md).
#include <algorithm>
#include <climits>

#include "api/detail/io.hpp"
#include "api/detail/route.hpp"
#include "api/detail/state.hpp"
#include "api/problem.hpp"
#include "app/retrieval_service.hpp"
#include "app/search_service.hpp"

namespace narralytica::api {
namespace search_routes_impl {
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

// The body's "vector" (and "producer"), when it has one.
Result<std::optional<search::VectorQuery>> vector_of(const nlohmann::json& body) {
  if (!body.contains("vector")) return std::optional<search::VectorQuery>();
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
  return std::optional<search::VectorQuery>(std::move(vector));
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
  ASSIGN_OR_RETURN(query.vector, vector_of(body));
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

// POST /v1/retrieve: speaker-turn passages with citations for an AI client (docs/retrieval.md).
// A malformed query is 400 (malformed_query, with the character position), as for search; other
// bad members, the budget's among them, are 422 naming the member.
Result<HttpResponse> retrieve(Call& call) {
  const nlohmann::json& body = call.body;
  app::RetrievalQuery query;
  if (body.contains("query")) query.query = body["query"].get<std::string>();
  ASSIGN_OR_RETURN(query.vector, vector_of(body));
  if (query.query.empty() && !query.vector) {
    return problem(400, "malformed_query", "query is required unless a vector is given", "query", call.request);
  }
  if (body.contains("budget")) {
    const auto& budget = body["budget"];
    if (budget.size() != 1) {
      return make_error(ErrorCode::invalid_argument, "give one of budget.words or budget.tokens", "budget");
    }
    const std::string unit = budget.begin().key();
    ASSIGN_OR_RETURN(query.passages.budget, app::make_budget(unit, budget.begin()->get<std::int64_t>(), "budget." + unit));
  }
  // Saturated to int, so a huge number is refused by the range check rather than wrapped into it.
  auto member = [&](const char* name, int& out) {
    if (body.contains(name)) out = static_cast<int>(std::clamp<std::int64_t>(body[name].get<std::int64_t>(), INT_MIN, INT_MAX));
  };
  member("passage_words", query.passages.passage_words);
  member("overlap_words", query.passages.overlap_words);
  member("k", query.passages.k);
  const auto result = call.state.retrieval.retrieve_in(*call.scope, query);
  if (!result.ok() && result.error().code == ErrorCode::invalid_argument && result.error().field == "query") {
    return problem(400, "malformed_query", result.error().message, "query", call.request);
  }
  if (!result.ok()) return result.error();
  return json_response(200, app::retrieval_json(*result, query.passages.budget));
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

constexpr Field kBudgetFields[] = {
    {.name = "words", .type = FieldType::integer, .description = "the most words of passage text in the answer"},
    {.name = "tokens", .type = FieldType::integer,
     .description = "the most tokens, estimated as max(ceil(words * 4 / 3), ceil(characters / 4)) per passage"},
};

constexpr Field kRetrieveBody[] = {
    {.name = "query", .length_max = search::kQueryBytesMax,
     .description = "words and filters in the search language (docs/search.md); may be omitted with a vector"},
    {.name = "vector", .type = FieldType::any, .description = "an array of numbers: the query's embedding (hybrid or vector ranking)"},
    {.name = "producer", .description = "the embedding layer's producer as name@version (default: the only one of that size)"},
    {.name = "budget", .type = FieldType::object, .items = kBudgetFields,
     .description = "one of {\"words\": N} or {\"tokens\": N}: passages past it are left out whole"},
    {.name = "passage_words", .type = FieldType::integer, .description = "the most words of a passage (10 to 1000; default 120)"},
    {.name = "overlap_words", .type = FieldType::integer,
     .description = "words a passage shares with the next of its turn (0 to half of passage_words; default 20)"},
    {.name = "k", .type = FieldType::integer, .description = "the most passages (1 to 50; default 10)"},
};

constexpr std::string_view kTimelineQuery[] = {"q", "bucket", "by", "top"};

constexpr Route kRoutes[] = {
    {.method = "GET", .pattern = "/v1/timeline", .operation_id = "search.timeline", .returns = "Timeline",
     .summary = "How often a query comes up over the videos' published dates (bucket=day|week|month|year), per "
                "speaker or person (by=speaker|person), with the first mention, the peak and each bucket's top moments",
     .permission = {"read", "transcripts"}, .handler = timeline, .query = kTimelineQuery},
    {.method = "GET", .pattern = "/v1/search", .operation_id = "search.query", .returns = "SearchPage",
     .summary = "Search the tenant's transcripts: words, \"phrases\", prefix*, OR, -exclusion, NEAR/n and filters "
                "(speaker:, video:, lang:, from:, to:, topic:, sentiment:, entity:, keyword:, after:, before:); "
                "ranked by BM25, each hit time-coded with a highlighted snippet; ?group=video groups by video",
     .permission = {"read", "transcripts"}, .handler = search_segments, .query = kSearchQuery},
    {.method = "POST", .pattern = "/v1/search", .operation_id = "search.vector", .returns = "SearchPage",
     .summary = "Search with a JSON body, which may carry a vector: text (BM25), vector (nearest segments of the "
                "tenant's embedding layers) or hybrid (both lists fused by reciprocal rank); the query's filters "
                "apply to every mode",
     .permission = {"read", "transcripts"}, .body = BodyKind::json, .fields = kSearchBody, .handler = search_with_body,
     .reads_only = true},
    {.method = "POST", .pattern = "/v1/retrieve", .operation_id = "search.retrieve", .returns = "Retrieve",
     .summary = "Passages for an AI client: speaker turns cut into windows of words, ranked by their best search "
                "hit (BM25, or hybrid with a vector), each with a stable passage_id and a citation (video, "
                "transcript revision, time span, speaker and person, deep link), within a budget of words or tokens",
     .permission = {"read", "transcripts"}, .body = BodyKind::json, .fields = kRetrieveBody, .handler = retrieve,
     .reads_only = true},
};

}  // namespace
}  // namespace search_routes_impl

std::span<const Route> search_routes() { return search_routes_impl::kRoutes; }

}  // namespace narralytica::api
