// Collections of videos and tags on videos: /v1/collections..., /v1/videos/{id}/tags...,
// /v1/tags. Every handler is one call of app::CollectionService inside the dispatcher's
// transaction; the permission each route declares is the service's.
#include "api/detail/io.hpp"
#include "api/detail/route.hpp"
#include "api/detail/views.hpp"
#include "app/collection_service.hpp"
#include "core/json_writer.hpp"

namespace narralytica::api {
namespace collection_routes_impl {
namespace {

using app::CollectionService;
using nlohmann::json;

Result<store::PageRequest> page_request(const Call& call, char kind) {
  store::PageRequest page;
  ASSIGN_OR_RETURN(page.limit, page_limit(call.request));
  if (auto cursor = call.request.query_param("cursor")) {
    ASSIGN_OR_RETURN(std::string key, decode_cursor(kind, *cursor));
    auto after = Uuid::from_bytes(key);
    if (!after) return make_error(ErrorCode::invalid_argument, "not a cursor this list gave out", "cursor");
    page.after = *after;
  }
  return page;
}

template <class T, class Render>
HttpResponse page_response(const store::Page<T>& page, char kind, Render render) {
  JsonArray items;
  for (const auto& item : page.items) items.add_raw(render(item));
  std::optional<std::string> next;
  if (page.next_after) next = encode_cursor(kind, page.next_after->byte_view());
  return json_response(200, page_json(items.str(), next));
}

Result<HttpResponse> list_collections(Call& call) {
  ASSIGN_OR_RETURN(auto page, page_request(call, 'c'));
  ASSIGN_OR_RETURN(auto collections, CollectionService::list_in(*call.tx, *call.scope, page));
  return page_response(collections, 'c', collection_json);
}

Result<HttpResponse> create_collection(Call& call) {
  ASSIGN_OR_RETURN(auto c, CollectionService::create_in(*call.tx, *call.scope, call.body.at("name").get<std::string>(),
                                                         call.body.value("description", std::string())));
  HttpResponse response = json_response(201, collection_json(c));
  response.with_header("Location", "/v1/collections/" + c.public_id.to_string());
  return response;
}

Result<std::string> collection_ref(const Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "collection"));
  return id.to_string();
}

Result<HttpResponse> get_collection(Call& call) {
  ASSIGN_OR_RETURN(std::string ref, collection_ref(call));
  ASSIGN_OR_RETURN(auto c, CollectionService::get_in(*call.tx, *call.scope, ref));
  return json_response(200, collection_json(c));
}

Result<HttpResponse> update_collection(Call& call) {
  ASSIGN_OR_RETURN(std::string ref, collection_ref(call));
  store::CollectionPatch patch;
  if (call.body.contains("name")) patch.name = call.body["name"].get<std::string>();
  if (call.body.contains("description")) patch.description = call.body["description"].get<std::string>();
  ASSIGN_OR_RETURN(auto c, CollectionService::update_in(*call.tx, *call.scope, ref, patch));
  return json_response(200, collection_json(c));
}

Result<HttpResponse> delete_collection(Call& call) {
  ASSIGN_OR_RETURN(std::string ref, collection_ref(call));
  RETURN_IF_ERROR(CollectionService::remove_in(*call.tx, *call.scope, ref));
  return json_response(204, "");
}

Result<HttpResponse> collection_videos(Call& call) {
  ASSIGN_OR_RETURN(std::string ref, collection_ref(call));
  ASSIGN_OR_RETURN(auto page, page_request(call, 'v'));
  ASSIGN_OR_RETURN(auto videos, CollectionService::videos_in(*call.tx, *call.scope, page, ref, std::nullopt));
  return page_response(videos, 'v', video_json);
}

// {"add": [video ids], "remove": [video ids]}
Result<std::vector<Uuid>> id_list(const json& body, const char* name) {
  std::vector<Uuid> ids;
  auto it = body.find(name);
  if (it == body.end()) return ids;
  if (!it->is_array() || it->size() > store::kCollectionBatchMax) {
    return make_error(ErrorCode::invalid_argument,
                      "an array of at most " + std::to_string(store::kCollectionBatchMax) + " video ids", name);
  }
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& item = (*it)[i];
    std::optional<Uuid> id = item.is_string() ? Uuid::parse(item.get<std::string>()) : std::nullopt;
    if (!id) {
      return make_error(ErrorCode::invalid_argument, "a video id", std::string(name) + "[" + std::to_string(i) + "]");
    }
    ids.push_back(*id);
  }
  return ids;
}

Result<HttpResponse> change_collection_videos(Call& call) {
  ASSIGN_OR_RETURN(std::string ref, collection_ref(call));
  ASSIGN_OR_RETURN(auto add, id_list(call.body, "add"));
  ASSIGN_OR_RETURN(auto remove, id_list(call.body, "remove"));
  ASSIGN_OR_RETURN(std::int64_t added, CollectionService::add_videos_in(*call.tx, *call.scope, ref, add));
  ASSIGN_OR_RETURN(std::int64_t removed, CollectionService::remove_videos_in(*call.tx, *call.scope, ref, remove));
  ASSIGN_OR_RETURN(auto c, CollectionService::get_in(*call.tx, *call.scope, ref));
  return json_response(200, JsonObject()
                                .add("added", added)
                                .add("removed", removed)
                                .add_raw("collection", collection_json(c))
                                .str());
}

Result<HttpResponse> put_collection_video(Call& call) {
  ASSIGN_OR_RETURN(std::string ref, collection_ref(call));
  ASSIGN_OR_RETURN(Uuid video, path_id(call, "video_id", "video"));
  ASSIGN_OR_RETURN(std::int64_t added, CollectionService::add_videos_in(*call.tx, *call.scope, ref, {video}));
  ASSIGN_OR_RETURN(auto c, CollectionService::get_in(*call.tx, *call.scope, ref));
  return json_response(200, JsonObject().add("added", added > 0).add_raw("collection", collection_json(c)).str());
}

Result<HttpResponse> delete_collection_video(Call& call) {
  ASSIGN_OR_RETURN(std::string ref, collection_ref(call));
  ASSIGN_OR_RETURN(Uuid video, path_id(call, "video_id", "video"));
  ASSIGN_OR_RETURN(std::int64_t removed, CollectionService::remove_videos_in(*call.tx, *call.scope, ref, {video}));
  if (removed == 0) {
    return make_error(ErrorCode::not_found, "video " + video.to_string() + " is not in this collection", "video_id");
  }
  return json_response(204, "");
}

Result<HttpResponse> video_tags(Call& call) {
  ASSIGN_OR_RETURN(Uuid video, path_id(call, "id", "video"));
  ASSIGN_OR_RETURN(auto tags, CollectionService::tags_in(*call.tx, *call.scope, video));
  return json_response(200, JsonObject().add_raw("tags", tags_json(tags)).str());
}

Result<HttpResponse> put_video_tag(Call& call) {
  ASSIGN_OR_RETURN(Uuid video, path_id(call, "id", "video"));
  ASSIGN_OR_RETURN(auto change, CollectionService::tag_in(*call.tx, *call.scope, video,
                                                          percent_decode(call.param("tag"), /*plus_is_space=*/false)));
  ASSIGN_OR_RETURN(auto tags, CollectionService::tags_in(*call.tx, *call.scope, video));
  return json_response(
      200, JsonObject().add("tag", change.tag).add("added", change.changed).add_raw("tags", tags_json(tags)).str());
}

Result<HttpResponse> delete_video_tag(Call& call) {
  ASSIGN_OR_RETURN(Uuid video, path_id(call, "id", "video"));
  ASSIGN_OR_RETURN(auto change,
                   CollectionService::untag_in(*call.tx, *call.scope, video, percent_decode(call.param("tag"), /*plus_is_space=*/false)));
  if (!change.changed) {
    return make_error(ErrorCode::not_found, "the video has no tag '" + change.tag + "'", "tag");
  }
  return json_response(204, "");
}

Result<HttpResponse> list_tags(Call& call) {
  ASSIGN_OR_RETURN(auto tags, CollectionService::all_tags_in(*call.tx, *call.scope));
  JsonArray items;
  for (const auto& t : tags) items.add_raw(tag_count_json(t));
  return json_response(200, page_json(items.str(), std::nullopt));
}

constexpr std::string_view kPageQuery[] = {"limit", "cursor"};

constexpr Field kCreateFields[] = {
    {.name = "id", .read_only = true},
    {.name = "name", .required = true, .length_max = store::kCollectionNameLengthMax,
     .description = "Unique within the tenant"},
    {.name = "description", .length_max = store::kCollectionDescriptionLengthMax},
    {.name = "video_count", .type = FieldType::integer, .read_only = true},
    {.name = "created_at", .read_only = true},
    {.name = "updated_at", .read_only = true},
};
constexpr Field kUpdateFields[] = {
    {.name = "id", .read_only = true},
    {.name = "name", .length_max = store::kCollectionNameLengthMax},
    {.name = "description", .length_max = store::kCollectionDescriptionLengthMax},
    {.name = "video_count", .type = FieldType::integer, .read_only = true},
    {.name = "created_at", .read_only = true},
    {.name = "updated_at", .read_only = true},
};
constexpr Field kBatchFields[] = {
    {.name = "add", .type = FieldType::any, .description = "Video ids to add (at most 1,000)"},
    {.name = "remove", .type = FieldType::any, .description = "Video ids to remove (at most 1,000)"},
};

constexpr store::Permission kRead = app::kOrganiseRead;
constexpr store::Permission kWrite = app::kOrganiseWrite;

constexpr Route kRoutes[] = {
    {.method = "GET", .pattern = "/v1/collections", .operation_id = "collection.list", .returns = "CollectionPage",
     .summary = "The tenant's collections of videos, oldest first", .permission = kRead,
     .handler = list_collections, .query = kPageQuery},
    {.method = "POST", .pattern = "/v1/collections", .operation_id = "collection.create", .returns = "Collection",
     .summary = "Create a collection (a name unique in the tenant, a description)", .permission = kWrite,
     .body = BodyKind::json, .fields = kCreateFields, .handler = create_collection, .resource_type = "collection",
     .status = 201},
    {.method = "GET", .pattern = "/v1/collections/{id}", .operation_id = "collection.get", .returns = "Collection",
     .summary = "One collection with its number of videos", .permission = kRead, .handler = get_collection},
    {.method = "PATCH", .pattern = "/v1/collections/{id}", .operation_id = "collection.update", .returns = "Collection",
     .summary = "Rename a collection or change its description", .permission = kWrite, .body = BodyKind::json,
     .fields = kUpdateFields, .handler = update_collection, .resource_type = "collection"},
    {.method = "DELETE", .pattern = "/v1/collections/{id}", .operation_id = "collection.delete",
     .summary = "Delete a collection (its videos stay)", .permission = kWrite, .handler = delete_collection,
     .resource_type = "collection", .status = 204},
    {.method = "GET", .pattern = "/v1/collections/{id}/videos", .operation_id = "collection.videos", .returns = "VideoPage",
     .summary = "The videos in a collection, oldest first", .permission = kRead, .handler = collection_videos,
     .query = kPageQuery},
    {.method = "POST", .pattern = "/v1/collections/{id}/videos", .operation_id = "collection.change_videos", .returns = "CollectionChange",
     .summary = "Add and remove videos in one request: {\"add\": [ids], \"remove\": [ids]}", .permission = kWrite,
     .body = BodyKind::json, .fields = kBatchFields, .handler = change_collection_videos,
     .resource_type = "collection"},
    {.method = "PUT", .pattern = "/v1/collections/{id}/videos/{video_id}", .operation_id = "collection.add_video", .returns = "CollectionAdd",
     .summary = "Add a video to a collection (no change when it is in already)", .permission = kWrite,
     .handler = put_collection_video, .resource_type = "collection"},
    {.method = "DELETE", .pattern = "/v1/collections/{id}/videos/{video_id}",
     .operation_id = "collection.remove_video", .summary = "Take a video out of a collection",
     .permission = kWrite, .handler = delete_collection_video, .resource_type = "collection", .status = 204},
    {.method = "GET", .pattern = "/v1/tags", .operation_id = "tag.list", .returns = "TagCountPage",
     .summary = "Every tag of the tenant with its number of videos", .permission = kRead, .handler = list_tags},
    {.method = "GET", .pattern = "/v1/videos/{id}/tags", .operation_id = "video.tags", .returns = "Tags",
     .summary = "A video's tags", .permission = kRead, .handler = video_tags},
    {.method = "PUT", .pattern = "/v1/videos/{id}/tags/{tag}", .operation_id = "video.tag", .returns = "TagChange",
     .summary = "Tag a video; the tag is trimmed, lower-cased and NFC-normalised (docs/collections.md)",
     .permission = kWrite, .handler = put_video_tag, .resource_type = "video"},
    {.method = "DELETE", .pattern = "/v1/videos/{id}/tags/{tag}", .operation_id = "video.untag",
     .summary = "Remove a tag from a video", .permission = kWrite, .handler = delete_video_tag,
     .resource_type = "video", .status = 204},
};

}  // namespace
}  // namespace collection_routes_impl

std::span<const Route> collection_routes() { return collection_routes_impl::kRoutes; }

}  // namespace narralytica::api
