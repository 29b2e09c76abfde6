// Videos and their sources: list (keyset), create, read (ETag), update (If-Match), delete.
#include "api/detail/io.hpp"
#include "core/json_writer.hpp"
#include "api/detail/route.hpp"
#include "api/detail/views.hpp"
#include "app/video_service.hpp"

namespace narralytica::api {
namespace video_routes_impl {
namespace {

using nlohmann::json;
using app::VideoService;

constexpr Field kSourceFields[] = {
    {.name = "id", .read_only = true},
    {.name = "kind", .description = "url, youtube, vimeo, file or object (default url)"},
    {.name = "uri", .nullable = true, .length_max = 2048},
    {.name = "external_id", .nullable = true, .length_max = 200, .description = "The platform's id of the video"},
    {.name = "checksum", .nullable = true, .length_max = 200},
    {.name = "is_primary", .type = FieldType::boolean},
};

constexpr Field kCreateFields[] = {
    {.name = "id", .read_only = true},
    {.name = "title", .required = true, .length_max = store::kVideoTitleLengthMax},
    {.name = "description", .length_max = store::kVideoDescriptionLengthMax},
    {.name = "language", .nullable = true, .length_max = 35, .description = "BCP 47 tag"},
    {.name = "duration_ms", .type = FieldType::integer, .nullable = true},
    {.name = "published_at", .nullable = true, .description = "RFC 3339 timestamp"},
    {.name = "status", .read_only = true},
    {.name = "sources", .type = FieldType::object_array, .length_max = store::kVideoSourcesMax, .items = kSourceFields},
    {.name = "created_at", .read_only = true},
    {.name = "updated_at", .read_only = true},
};

constexpr Field kUpdateFields[] = {
    {.name = "id", .read_only = true},
    {.name = "title", .length_max = store::kVideoTitleLengthMax},
    {.name = "description", .length_max = store::kVideoDescriptionLengthMax},
    {.name = "language", .nullable = true, .length_max = 35},
    {.name = "duration_ms", .type = FieldType::integer, .nullable = true},
    {.name = "published_at", .nullable = true},
    {.name = "status", .description = "active or archived"},
    {.name = "sources", .type = FieldType::object_array, .read_only = true},
    {.name = "created_at", .read_only = true},
    {.name = "updated_at", .read_only = true},
};

// A timestamp member: nullopt when absent or null. Errors: invalid_argument naming it.
Result<std::optional<UnixMicros>> optional_time(const json& body, const char* name) {
  auto text = optional_string(body, name);
  if (!text) return std::optional<UnixMicros>{};
  ASSIGN_OR_RETURN(UnixMicros us, parse_rfc3339(*text, name));
  return std::optional<UnixMicros>{us};
}

HttpResponse video_response(int status, const store::Video& video) {
  HttpResponse response = json_response(status, video_json(video));
  response.with_header("ETag", etag_of(video.updated_at));
  return response;
}

Result<HttpResponse> list_videos(Call& call) {
  app::VideoListQuery query;
  ASSIGN_OR_RETURN(query.page.limit, page_limit(call.request));
  ASSIGN_OR_RETURN(query.page.after, id_cursor_after('v', call.request.query_param("cursor")));
  query.collection = call.request.query_param("collection");
  query.tag = call.request.query_param("tag");
  ASSIGN_OR_RETURN(auto videos, VideoService::list(*call.tx, *call.scope, query));
  JsonArray items;
  for (const auto& v : videos.items) items.add_raw(video_json(v));
  return json_response(200, page_json(items.str(), id_cursor('v', videos.next_after)));
}

Result<HttpResponse> create_video(Call& call) {
  const json& body = call.body;
  store::VideoDraft draft;
  draft.title = body.at("title").get<std::string>();
  draft.description = optional_string(body, "description").value_or("");
  draft.language = optional_string(body, "language");
  if (auto it = body.find("duration_ms"); it != body.end() && !it->is_null()) draft.duration_ms = it->get<std::int64_t>();
  ASSIGN_OR_RETURN(draft.published_at, optional_time(body, "published_at"));
  if (auto sources = body.find("sources"); sources != body.end()) {
    for (const json& s : *sources) {
      store::VideoSourceDraft source;
      source.kind = optional_string(s, "kind").value_or("url");
      source.uri = optional_string(s, "uri");
      source.external_id = optional_string(s, "external_id");
      source.checksum = optional_string(s, "checksum");
      source.is_primary = s.value("is_primary", false);
      draft.sources.push_back(std::move(source));
    }
  }
  ASSIGN_OR_RETURN(auto video, VideoService::create(*call.tx, *call.scope, draft));
  HttpResponse response = video_response(201, video);
  response.with_header("Location", "/v1/videos/" + video.public_id.to_string());
  return response;
}

Result<HttpResponse> get_video(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "video"));
  ASSIGN_OR_RETURN(auto video, VideoService::show(*call.tx, *call.scope, id));
  const std::string_view none_match = call.request.header("if-none-match");
  if (!none_match.empty() && version_of_etag(none_match) == video.updated_at) {
    HttpResponse response;
    response.status = 304;
    response.with_header("ETag", etag_of(video.updated_at));
    return response;
  }
  return video_response(200, video);
}

Result<HttpResponse> update_video(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "video"));
  const json& body = call.body;
  store::VideoPatch patch;
  ASSIGN_OR_RETURN(patch.expected_updated_at, if_match_version(call.request, "video"));
  if (body.contains("title")) patch.title = body["title"].get<std::string>();
  if (body.contains("description")) patch.description = body["description"].get<std::string>();
  if (body.contains("status")) patch.status = body["status"].get<std::string>();
  if (body.contains("language")) patch.language = optional_string(body, "language");
  if (body.contains("duration_ms")) {
    patch.duration_ms = body["duration_ms"].is_null() ? std::optional<std::int64_t>{}
                                                      : std::optional<std::int64_t>{body["duration_ms"].get<std::int64_t>()};
  }
  if (body.contains("published_at")) {
    ASSIGN_OR_RETURN(auto published, optional_time(body, "published_at"));
    patch.published_at = published;
  }
  ASSIGN_OR_RETURN(auto video, VideoService::update(*call.tx, *call.scope, id, patch));
  return video_response(200, video);
}

Result<HttpResponse> delete_video(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "video"));
  RETURN_IF_ERROR(VideoService::remove(*call.tx, *call.scope, id));
  return json_response(204, "");
}

Result<HttpResponse> list_sources(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "video"));
  ASSIGN_OR_RETURN(auto sources, VideoService::sources(*call.tx, *call.scope, id));
  JsonArray items;
  for (const auto& s : sources) items.add_raw(source_json(s));
  return json_response(200, page_json(items.str(), std::nullopt));
}

constexpr std::string_view kListQuery[] = {"limit", "cursor", "collection", "tag"};

constexpr Answer kVideoGetAlso[] = {{304}};  // If-None-Match names the current version

constexpr Route kRoutes[] = {
    {.method = "GET", .pattern = "/v1/videos", .operation_id = "video.list", .returns = "VideoPage",
     .summary = "List videos, oldest first; ?collection= (id or name) and ?tag= keep those in a collection or "
                "carrying a tag",
     .permission = app::kVideosRead, .handler = list_videos, .query = kListQuery},
    {.method = "POST", .pattern = "/v1/videos", .operation_id = "video.create", .returns = "Video", .summary = "Create a video with its sources",
     .permission = app::kVideosWrite, .body = BodyKind::json, .fields = kCreateFields, .handler = create_video,
     .resource_type = "video", .status = 201},
    {.method = "GET", .pattern = "/v1/videos/{id}", .operation_id = "video.get", .returns = "Video",
     .summary = "One video with its sources; ETag is its version", .permission = app::kVideosRead,
     .handler = get_video, .also = kVideoGetAlso},
    {.method = "PATCH", .pattern = "/v1/videos/{id}", .operation_id = "video.update", .returns = "Video",
     .summary = "Change a video's fields; If-Match refuses a lost update", .permission = app::kVideosWrite,
     .body = BodyKind::json, .fields = kUpdateFields, .handler = update_video, .resource_type = "video"},
    {.method = "DELETE", .pattern = "/v1/videos/{id}", .operation_id = "video.delete",
     .summary = "Delete a video with its sources, speakers, transcripts and segments",
     .permission = app::kVideosDelete, .handler = delete_video, .resource_type = "video", .status = 204},
    {.method = "GET", .pattern = "/v1/videos/{id}/sources", .operation_id = "video.sources", .returns = "VideoSourcePage",
     .summary = "A video's sources", .permission = app::kVideosRead, .handler = list_sources},
};

}  // namespace
}  // namespace video_routes_impl

std::span<const Route> video_routes() { return video_routes_impl::kRoutes; }

}  // namespace narralytica::api
