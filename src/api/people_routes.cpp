// People: the cross-video identities speakers are linked to. List, create, read (ETag), update
// (If-Match), delete, link and unlink speakers, merge, split, appearances and segments. A merged
// person's id answers reads with 308 to the survivor; changes to it are refused (409).
#include "api/detail/io.hpp"
#include "api/detail/route.hpp"
#include "api/detail/views.hpp"
#include "app/people_service.hpp"

namespace narralytica::api {
namespace people_routes_impl {
namespace {

using app::PeopleService;
using json = nlohmann::json;

app::PersonInput person_input(const json& body) {
  app::PersonInput input;
  input.name = optional_string(body, "name");
  input.notes = optional_string(body, "notes");
  if (!input.notes && body.contains("notes")) input.notes = "";  // null clears
  if (auto it = body.find("external_ids"); it != body.end() && !it->is_null()) input.external_ids_json = it->dump();
  return input;
}

HttpResponse person_response(int status, const store::Person& person) {
  HttpResponse response = json_response(status, person_json(person));
  response.with_header("ETag", etag_of(person.updated_at));
  return response;
}

// A merged person's reads go to the survivor, with the rest of the path kept.
HttpResponse redirect_to_survivor(const Call& call, const store::Person& person) {
  std::string location(call.request.path);
  const std::string old_id = person.public_id.to_string();
  location.replace(location.find(old_id), old_id.size(), person.merged_into->to_string());
  HttpResponse response = json_response(308, person_json(person));
  response.with_header("Location", location);
  return response;
}

Result<store::Person> person_of(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "person"));
  return PeopleService::get(*call.tx, *call.scope, id);
}

Result<HttpResponse> list_people(Call& call) {
  store::PersonListQuery query;
  ASSIGN_OR_RETURN(query.page.limit, page_limit(call.request));
  ASSIGN_OR_RETURN(query.page.after, id_cursor_after('p', call.request.query_param("cursor")));
  if (auto q = call.request.query_param("q"); q && !q->empty()) {
    if (q->size() > store::kPersonNameLengthMax) {
      return make_error(ErrorCode::invalid_argument, "at most 200 bytes", "q");
    }
    query.name_contains = *q;
  }
  ASSIGN_OR_RETURN(auto people, PeopleService::list(*call.tx, *call.scope, query));
  JsonArray items;
  for (const auto& p : people.items) items.add_raw(person_json(p));
  return json_response(200, page_json(items.str(), id_cursor('p', people.next_after)));
}

Result<HttpResponse> create_person(Call& call) {
  ASSIGN_OR_RETURN(auto person, PeopleService::create(*call.tx, *call.scope, person_input(call.body)));
  return person_response(201, person);
}

Result<HttpResponse> get_person(Call& call) {
  ASSIGN_OR_RETURN(auto person, person_of(call));
  if (person.merged_into) return redirect_to_survivor(call, person);
  return person_response(200, person);
}

Result<HttpResponse> update_person(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "person"));
  app::PersonInput input = person_input(call.body);
  ASSIGN_OR_RETURN(input.expected_updated_at, if_match_version(call.request, "person"));
  ASSIGN_OR_RETURN(auto updated, PeopleService::update(*call.tx, *call.scope, id, input));
  return person_response(200, updated);
}

Result<HttpResponse> delete_person(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "person"));
  ASSIGN_OR_RETURN(auto expected, if_match_version(call.request, "person"));
  RETURN_IF_ERROR(PeopleService::remove(*call.tx, *call.scope, id, expected));
  HttpResponse response;
  response.status = 204;
  return response;
}

Result<Uuid> body_id(const Call& call, const char* name, std::string_view what) {
  const std::string text = call.body.at(name).get<std::string>();
  auto id = Uuid::parse(text);
  // A malformed id names nothing, like an id of another tenant.
  if (!id) return make_error(ErrorCode::not_found, "no " + std::string(what) + " " + text, name);
  return *id;
}

Result<HttpResponse> list_person_speakers(Call& call) {
  ASSIGN_OR_RETURN(auto person, person_of(call));
  if (person.merged_into) return redirect_to_survivor(call, person);
  ASSIGN_OR_RETURN(auto speakers, PeopleService::speakers(*call.tx, *call.scope, person));
  JsonArray items;
  for (const auto& s : speakers) items.add_raw(speaker_json(s));
  return json_response(200, page_json(items.str(), std::nullopt));
}

Result<HttpResponse> link_person_speaker(Call& call) {
  ASSIGN_OR_RETURN(Uuid person, path_id(call, "id", "person"));
  ASSIGN_OR_RETURN(Uuid speaker, body_id(call, "speaker", "speaker"));
  ASSIGN_OR_RETURN(auto linked, PeopleService::link(*call.tx, *call.scope, speaker, person.to_string()));
  return json_response(200, speaker_json(linked));
}

Result<HttpResponse> unlink_person_speaker(Call& call) {
  ASSIGN_OR_RETURN(Uuid person, path_id(call, "id", "person"));
  ASSIGN_OR_RETURN(Uuid speaker_id, path_id(call, "speaker_id", "speaker"));
  ASSIGN_OR_RETURN(auto unlinked, PeopleService::unlink_from(*call.tx, *call.scope, person, speaker_id));
  return json_response(200, speaker_json(unlinked));
}

Result<HttpResponse> merge_person(Call& call) {
  ASSIGN_OR_RETURN(Uuid source, path_id(call, "id", "person"));
  ASSIGN_OR_RETURN(Uuid into, body_id(call, "into", "person"));
  ASSIGN_OR_RETURN(auto survivor, PeopleService::merge(*call.tx, *call.scope, source, into));
  return person_response(200, survivor);
}

Result<HttpResponse> split_person(Call& call) {
  ASSIGN_OR_RETURN(Uuid person, path_id(call, "id", "person"));
  std::vector<Uuid> speakers;
  const auto& list = call.body.at("speakers");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string text = list[i].get<std::string>();
    auto id = Uuid::parse(text);
    if (!id) return make_error(ErrorCode::not_found, "no speaker " + text, "speakers[" + std::to_string(i) + "]");
    speakers.push_back(*id);
  }
  ASSIGN_OR_RETURN(auto created, PeopleService::split(*call.tx, *call.scope, person, speakers,
                                                      call.body.at("name").get<std::string>()));
  return person_response(201, created);
}

Result<HttpResponse> person_appearances(Call& call) {
  ASSIGN_OR_RETURN(auto person, person_of(call));
  if (person.merged_into) return redirect_to_survivor(call, person);
  ASSIGN_OR_RETURN(auto appearances, PeopleService::appearances(*call.tx, *call.scope, person));
  JsonArray items;
  for (const auto& a : appearances) items.add_raw(appearance_json(a));
  return json_response(200, page_json(items.str(), std::nullopt));
}

Result<HttpResponse> person_segments(Call& call) {
  ASSIGN_OR_RETURN(auto person, person_of(call));
  if (person.merged_into) return redirect_to_survivor(call, person);
  store::PersonSegmentQuery query;
  ASSIGN_OR_RETURN(query.limit, page_limit(call.request));
  ASSIGN_OR_RETURN(query.from_ms, query_int(call.request, "from_ms", 0, INT64_MAX));
  ASSIGN_OR_RETURN(query.to_ms, query_int(call.request, "to_ms", 0, INT64_MAX));
  if (query.from_ms && query.to_ms && *query.from_ms > *query.to_ms) {
    return make_error(ErrorCode::invalid_argument, "from_ms must not be after to_ms", "from_ms");
  }
  if (auto cursor = call.request.query_param("cursor")) {
    ASSIGN_OR_RETURN(std::string key, decode_cursor('q', *cursor));
    auto transcript = key.size() == 24 ? Uuid::from_bytes(std::string_view(key).substr(0, 16)) : std::nullopt;
    if (!transcript) return make_error(ErrorCode::invalid_argument, "not a cursor this list gave out", "cursor");
    std::uint64_t ordinal = 0;
    for (std::size_t i = 16; i < 24; ++i) ordinal = ordinal << 8 | static_cast<unsigned char>(key[i]);
    query.after = std::make_pair(*transcript, static_cast<std::int64_t>(ordinal));
  }
  ASSIGN_OR_RETURN(auto page, PeopleService::segments(*call.tx, *call.scope, person, query));
  JsonArray items;
  for (const auto& s : page.items) items.add_raw(person_segment_json(s));
  std::optional<std::string> next;
  if (page.next_after) {
    std::string key(page.next_after->first.byte_view());
    for (int shift = 56; shift >= 0; shift -= 8) {
      key.push_back(static_cast<char>(static_cast<std::uint64_t>(page.next_after->second) >> shift & 0xff));
    }
    next = encode_cursor('q', key);
  }
  return json_response(200, page_json(items.str(), next));
}

// The link as the speaker routes have it since before people had routes of their own.
Result<HttpResponse> link_speaker(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "speaker"));
  ASSIGN_OR_RETURN(auto speaker, PeopleService::link(*call.tx, *call.scope, id, call.body.at("person").get<std::string>()));
  return json_response(200, speaker_json(speaker));
}

Result<HttpResponse> unlink_speaker(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "speaker"));
  ASSIGN_OR_RETURN(auto speaker, PeopleService::unlink(*call.tx, *call.scope, id));
  return json_response(200, speaker_json(speaker));
}

constexpr Field kPersonFields[] = {
    {.name = "id", .read_only = true},
    {.name = "name", .required = true, .length_max = store::kPersonNameLengthMax},
    {.name = "external_ids", .type = FieldType::object, .nullable = true,
     .description = "Names of the person elsewhere, as strings: {\"wikidata\": \"Q7259\"}"},
    {.name = "notes", .nullable = true, .length_max = store::kPersonNotesLengthMax},
    {.name = "merged_into", .read_only = true},
    {.name = "speaker_count", .read_only = true},
    {.name = "created_at", .read_only = true},
    {.name = "updated_at", .read_only = true},
};
constexpr Field kPersonPatchFields[] = {
    {.name = "id", .read_only = true},
    {.name = "name", .length_max = store::kPersonNameLengthMax},
    {.name = "external_ids", .type = FieldType::object,
     .description = "Replaces the person's external ids"},
    {.name = "notes", .nullable = true, .length_max = store::kPersonNotesLengthMax,
     .description = "null or an empty string clears the notes"},
};
constexpr Field kLinkFields[] = {
    {.name = "speaker", .required = true, .length_max = 36, .description = "A speaker of any video"},
};
constexpr Field kMergeFields[] = {
    {.name = "into", .required = true, .length_max = 36, .description = "The person that keeps the speakers"},
};
constexpr Field kSplitFields[] = {
    {.name = "speakers", .type = FieldType::string_array, .required = true, .length_max = 1000,
     .description = "Speakers, each linked to this person now, that move to the new person"},
    {.name = "name", .required = true, .length_max = store::kPersonNameLengthMax,
     .description = "The new person's name"},
};
constexpr Field kSpeakerLinkFields[] = {
    {.name = "person", .required = true, .length_max = 200,
     .description = "A person's id, or a name: the one person of that name, created when there is none"},
};

constexpr std::string_view kListQuery[] = {"limit", "cursor", "q"};
constexpr std::string_view kSegmentQuery[] = {"limit", "cursor", "from_ms", "to_ms"};

constexpr Answer kPersonGetAlso[] = {{308, "Person"}};  // a merged person: the survivor's Location

constexpr Route kRoutes[] = {
    {.method = "GET", .pattern = "/v1/people", .operation_id = "person.list", .returns = "PersonPage",
     .summary = "People of the tenant in creation order; q filters by a part of the name",
     .permission = app::kReadPeople, .handler = list_people, .query = kListQuery},
    {.method = "POST", .pattern = "/v1/people", .operation_id = "person.create", .returns = "Person", .summary = "Create a person",
     .permission = app::kWritePeople, .body = BodyKind::json, .fields = kPersonFields, .handler = create_person,
     .resource_type = "person", .status = 201},
    {.method = "GET", .pattern = "/v1/people/{id}", .operation_id = "person.get", .returns = "Person",
     .summary = "One person; ETag is its version. A merged person answers 308 to the survivor",
     .permission = app::kReadPeople, .handler = get_person,
     .also = kPersonGetAlso},
    {.method = "PATCH", .pattern = "/v1/people/{id}", .operation_id = "person.update", .returns = "Person",
     .summary = "Change a person's name, external ids or notes; If-Match refuses a lost update",
     .permission = app::kWritePeople, .body = BodyKind::json, .fields = kPersonPatchFields,
     .handler = update_person, .resource_type = "person"},
    {.method = "DELETE", .pattern = "/v1/people/{id}", .operation_id = "person.delete",
     .summary = "Delete a person and its links (its speakers stay)", .permission = app::kWritePeople,
     .handler = delete_person, .resource_type = "person", .status = 204},
    {.method = "GET", .pattern = "/v1/people/{id}/speakers", .operation_id = "person.speakers", .returns = "SpeakerPage",
     .summary = "The speakers linked to a person, in every video", .permission = app::kReadPeople,
     .handler = list_person_speakers},
    {.method = "POST", .pattern = "/v1/people/{id}/speakers", .operation_id = "person.link", .returns = "Speaker",
     .summary = "Link a speaker to this person (replacing any link it had)", .permission = app::kWritePeople,
     .body = BodyKind::json, .fields = kLinkFields, .handler = link_person_speaker, .resource_type = "speaker"},
    {.method = "DELETE", .pattern = "/v1/people/{id}/speakers/{speaker_id}", .operation_id = "person.unlink", .returns = "Speaker",
     .summary = "Remove a speaker's link to this person", .permission = app::kWritePeople,
     .handler = unlink_person_speaker, .resource_type = "speaker"},
    {.method = "POST", .pattern = "/v1/people/{id}/merge", .operation_id = "person.merge", .returns = "Person",
     .summary = "Move every speaker of this person to another; this id then answers 308 to it",
     .permission = app::kWritePeople, .body = BodyKind::json, .fields = kMergeFields, .handler = merge_person,
     .resource_type = "person"},
    {.method = "POST", .pattern = "/v1/people/{id}/split", .operation_id = "person.split", .returns = "Person",
     .summary = "Move some of this person's speakers to a new person", .permission = app::kWritePeople,
     .body = BodyKind::json, .fields = kSplitFields, .handler = split_person, .resource_type = "person",
     .status = 201},
    {.method = "GET", .pattern = "/v1/people/{id}/appearances", .operation_id = "person.appearances", .returns = "AppearancePage",
     .summary = "Every current transcript the person speaks in: speaking time, segments, first and last moment",
     .permission = app::kReadPeople, .handler = person_appearances,
     .also = kPersonGetAlso},
    {.method = "GET", .pattern = "/v1/people/{id}/segments", .operation_id = "person.segments", .returns = "PersonSegmentPage",
     .summary = "The person's segments across videos (current revisions), with a time window within each video",
     .permission = app::kReadPeople, .handler = person_segments, .query = kSegmentQuery,
     .also = kPersonGetAlso},
    {.method = "POST", .pattern = "/v1/speakers/{id}/link", .operation_id = "speaker.link", .returns = "Speaker",
     .summary = "Link a speaker to a person, by id or by name", .permission = app::kWritePeople,
     .body = BodyKind::json, .fields = kSpeakerLinkFields, .handler = link_speaker, .resource_type = "speaker"},
    {.method = "DELETE", .pattern = "/v1/speakers/{id}/link", .operation_id = "speaker.unlink", .returns = "Speaker",
     .summary = "Remove a speaker's link to a person", .permission = app::kWritePeople,
     .handler = unlink_speaker, .resource_type = "speaker"},
};

}  // namespace
}  // namespace people_routes_impl

std::span<const Route> people_routes() { return people_routes_impl::kRoutes; }

}  // namespace narralytica::api
