// Speakers: a video's speakers, renaming, merging two. Linking to a person is in people_routes.cpp.
#include "api/detail/io.hpp"
#include "core/json_writer.hpp"
#include "api/detail/route.hpp"
#include "api/detail/views.hpp"
#include "app/speaker_service.hpp"

namespace narralytica::api {
namespace speaker_routes_impl {
namespace {

using app::SpeakerService;

Result<HttpResponse> list_speakers(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "video"));
  ASSIGN_OR_RETURN(auto speakers, SpeakerService::list(*call.tx, *call.scope, id));
  JsonArray items;
  for (const auto& s : speakers) items.add_raw(speaker_json(s));
  return json_response(200, page_json(items.str(), std::nullopt));
}

Result<HttpResponse> get_speaker(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "speaker"));
  ASSIGN_OR_RETURN(auto speaker, SpeakerService::show(*call.tx, *call.scope, id));
  return json_response(200, speaker_json(speaker));
}

Result<HttpResponse> rename_speaker(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "speaker"));
  ASSIGN_OR_RETURN(auto speaker, SpeakerService::rename(
                                     *call.tx, *call.scope, id, call.body.at("display_name").get<std::string>()));
  return json_response(200, speaker_json(speaker));
}

Result<HttpResponse> merge_speaker(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "speaker"));
  auto into = Uuid::parse(call.body.at("into").get<std::string>());
  if (!into) return make_error(ErrorCode::invalid_argument, "into is a speaker id", "into");
  ASSIGN_OR_RETURN(auto speaker, SpeakerService::merge(*call.tx, *call.scope, id, *into));
  return json_response(200, speaker_json(speaker));
}

constexpr Field kRenameFields[] = {
    {.name = "id", .read_only = true},
    {.name = "display_name", .required = true, .length_max = 200},
    {.name = "label", .read_only = true},
};
constexpr Field kMergeFields[] = {
    {.name = "into", .required = true, .length_max = 36, .description = "The speaker that keeps the segments"},
};

constexpr Route kRoutes[] = {
    {.method = "GET", .pattern = "/v1/videos/{id}/speakers", .operation_id = "speaker.list", .returns = "SpeakerPage",
     .summary = "A video's speakers", .permission = app::kTranscriptsRead, .handler = list_speakers},
    {.method = "GET", .pattern = "/v1/speakers/{id}", .operation_id = "speaker.get", .returns = "Speaker", .summary = "One speaker",
     .permission = app::kTranscriptsRead, .handler = get_speaker},
    {.method = "PATCH", .pattern = "/v1/speakers/{id}", .operation_id = "speaker.rename", .returns = "Speaker",
     .summary = "Set a speaker's display name", .permission = app::kTranscriptsWrite, .body = BodyKind::json,
     .fields = kRenameFields, .handler = rename_speaker, .resource_type = "speaker"},
    {.method = "POST", .pattern = "/v1/speakers/{id}/merge", .operation_id = "speaker.merge", .returns = "Speaker",
     .summary = "Move this speaker's segments to another speaker of the same video and delete it",
     .permission = app::kTranscriptsWrite, .body = BodyKind::json, .fields = kMergeFields,
     .handler = merge_speaker, .resource_type = "speaker"},
};

}  // namespace
}  // namespace speaker_routes_impl

std::span<const Route> speaker_routes() { return speaker_routes_impl::kRoutes; }

}  // namespace narralytica::api
