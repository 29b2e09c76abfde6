// GET /v1/search: the tenant's segments matching a query in the search language
// (docs/search.md), ranked, with highlighted snippets and deep links; grouped by video on request.
#include "api/detail/io.hpp"
#include "api/detail/route.hpp"
#include "api/detail/state.hpp"
#include "app/search_service.hpp"

namespace narralytica::api {
namespace {

Result<HttpResponse> search_segments(Call& call) {
  app::SearchQuery query;
  auto q = call.request.query_param("q");
  if (!q || q->empty()) {
    return make_error(ErrorCode::invalid_argument, "q is required: words, \"a phrase\", prefix*, or filters", "q");
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
  ASSIGN_OR_RETURN(auto result, call.state.search.search_in(*call.scope, query));
  return json_response(200, app::search_result_json(result));
}

constexpr std::string_view kSearchQuery[] = {"q", "limit", "cursor", "group", "hits_per_video"};

constexpr Route kRoutes[] = {
    {.method = "GET", .pattern = "/v1/search", .operation_id = "search.query",
     .summary = "Search the tenant's transcripts: words, \"phrases\", prefix*, OR, -exclusion, NEAR/n and filters "
                "(speaker:, video:, lang:, from:, to:, topic:, sentiment:, entity:, keyword:, after:, before:); "
                "ranked by BM25, each hit time-coded with a highlighted snippet; ?group=video groups by video",
     .permission = {"read", "transcripts"}, .handler = search_segments, .query = kSearchQuery},
};

}  // namespace

std::span<const Route> search_routes() { return kRoutes; }

}  // namespace narralytica::api
