// GET /v1/analytics/conversation: talk time, turns, interruptions, floor transfers and questions
// (docs/analytics.md) of a transcript, a video, a speaker, a person across videos, or the tenant
// narrowed by collection, tag and published dates. One call of app::ConversationService. The
// layer analytics route (/v1/analytics/layers) is listed right before this one in the route
// table (router.cpp), so the analytics routes stay together in the OpenAPI document.
#include "api/detail/io.hpp"
#include "api/detail/route.hpp"
#include "app/conversation_service.hpp"
#include "app/conversation_view.hpp"

namespace narralytica::api {
namespace analytics_routes_impl {
namespace {

Result<std::optional<Uuid>> id_param(const HttpRequest& request, std::string_view name) {
  auto text = request.query_param(name);
  if (!text) return std::optional<Uuid>{};
  auto id = Uuid::parse(*text);
  if (!id) return make_error(ErrorCode::invalid_argument, "not an id", std::string(name));
  return std::optional<Uuid>(*id);
}

// RFC 3339, or a bare date (midnight UTC).
Result<std::optional<UnixMicros>> date_param(const HttpRequest& request, std::string_view name) {
  auto text = request.query_param(name);
  if (!text) return std::optional<UnixMicros>{};
  std::string value = *text;
  if (value.size() == 10) value += "T00:00:00Z";
  ASSIGN_OR_RETURN(UnixMicros us, parse_rfc3339(value, name));
  return std::optional<UnixMicros>(us);
}

Result<HttpResponse> conversation(Call& call) {
  const HttpRequest& r = call.request;
  app::ConversationQuery query;
  ASSIGN_OR_RETURN(query.transcript, id_param(r, "transcript"));
  ASSIGN_OR_RETURN(query.video, id_param(r, "video"));
  ASSIGN_OR_RETURN(query.speaker, id_param(r, "speaker"));
  ASSIGN_OR_RETURN(query.person, id_param(r, "person"));
  query.collection = r.query_param("collection");
  query.tag = r.query_param("tag");
  ASSIGN_OR_RETURN(query.published_after, date_param(r, "after"));
  ASSIGN_OR_RETURN(query.published_before, date_param(r, "before"));
  ASSIGN_OR_RETURN(query.overlap_threshold_ms, query_int(r, "overlap_threshold_ms", 0, analytics::kThresholdMsMax));
  ASSIGN_OR_RETURN(query.yield_window_ms, query_int(r, "yield_window_ms", 0, analytics::kThresholdMsMax));
  ASSIGN_OR_RETURN(auto report, app::ConversationService::conversation_in(*call.tx, *call.scope, query));
  return json_response(200, app::conversation_report_json(report));
}

constexpr std::string_view kConversationQuery[] = {
    "transcript", "video", "speaker", "person", "collection", "tag", "after", "before", "overlap_threshold_ms",
    "yield_window_ms"};

constexpr Route kRoutes[] = {
    {.method = "GET", .pattern = "/v1/analytics/conversation", .operation_id = "analytics.conversation",
     .returns = "ConversationReport",
     .summary = "Conversation measures (docs/analytics.md): talk time and share, words per minute, turns and "
                "monologues, interruptions, overlaps, floor-transfer offsets, questions, silence. Scope: one of "
                "transcript, video, speaker or person, or none for the tenant; person and tenant narrow by "
                "collection, tag and the videos' published dates (after inclusive, before exclusive)",
     .permission = app::kConversationRead, .handler = conversation, .query = kConversationQuery},
};

}  // namespace
}  // namespace analytics_routes_impl

std::span<const Route> analytics_routes() { return analytics_routes_impl::kRoutes; }

}  // namespace narralytica::api
