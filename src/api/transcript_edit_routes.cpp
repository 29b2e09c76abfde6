// Editing a transcript as revisions (docs/editing.md): PATCH applies a list of operations to the
// current revision and answers the new one; the chain of revisions; the diff of two of them.
// Each handler is the edit service's function (app/edit_service.hpp) in the request's transaction.
#include <limits>

#include "api/detail/io.hpp"
#include "api/detail/route.hpp"
#include "api/detail/state.hpp"
#include "api/detail/views.hpp"
#include "app/edit_service.hpp"
#include "core/json_writer.hpp"

namespace narralytica::api {
namespace transcript_edit_routes_impl {
namespace {

constexpr Field kOperationFields[] = {
    {.name = "op", .required = true,
     .description = "set_text, set_times, set_speaker, split, merge, insert or delete"},
    {.name = "segment", .type = FieldType::integer, .required = true,
     .description = "index of the segment as the operations before this one left the transcript"},
    {.name = "text", .length_max = store::kSegmentTextLengthMax},
    {.name = "start_ms", .type = FieldType::integer},
    {.name = "end_ms", .type = FieldType::integer},
    {.name = "speaker_id", .description = "a speaker of the transcript's video"},
    {.name = "speaker_label", .nullable = true, .length_max = 200,
     .description = "a speaker label of the video, or a new one; null (set_speaker) for none"},
    {.name = "at_word", .type = FieldType::integer, .description = "split: the first word of the second part"},
    {.name = "at_char", .type = FieldType::integer, .description = "split: a character offset between two words"},
    {.name = "at_ms", .type = FieldType::integer, .description = "split: the boundary time (default: from the words)"},
};

constexpr Field kEditFields[] = {
    {.name = "operations", .type = FieldType::object_array, .required = true, .length_max = app::kEditOperationsMax,
     .items = kOperationFields, .description = "applied in order, all or none"},
};

// The transcript as the answer shows it, plus what the edit did.
std::string edit_json(const app::EditResult& result, std::size_t operations) {
  std::string body = transcript_json(result.transcript);
  body.pop_back();
  body += ",\"edit\":";
  body += JsonObject()
              .add("created", result.created)
              .add("previous_id", result.previous.public_id.to_string())
              .add("previous_revision", result.previous.revision)
              .add("operations", static_cast<std::int64_t>(operations))
              .add("segments_changed", result.stats.segments_changed)
              .add("words_timed", result.stats.words_timed)
              .add("words_interpolated", result.stats.words_interpolated)
              .str();
  body += '}';
  return body;
}

// PATCH /v1/transcripts/{id}: If-Match names the revision the edit builds on; without it the
// answer is 428, so no client overwrites a revision it never read.
Result<HttpResponse> edit_transcript(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "transcript"));
  const std::string_view if_match = call.request.header("if-match");
  if (if_match.empty()) {
    return make_error(ErrorCode::precondition_required,
                      "send If-Match with the transcript's ETag (its revision, as GET /v1/transcripts/{id} answers it)",
                      "If-Match");
  }
  app::EditRequest request;
  if (if_match != "*") {
    auto version = version_of_etag(if_match);
    // A revision is an int: a larger number names none (and must not wrap onto one that exists).
    if (!version || *version > std::numeric_limits<int>::max()) {
      return make_error(ErrorCode::precondition_failed, "If-Match does not name a revision of this transcript",
                        "If-Match");
    }
    request.expected_revision = static_cast<int>(*version);
  }
  ASSIGN_OR_RETURN(request.operations, app::parse_edit(call.request.body));
  ASSIGN_OR_RETURN(app::EditResult result,
                   app::EditService::edit_in(*call.tx, *call.scope, *call.principal, id, request));
  HttpResponse response = json_response(result.created ? 201 : 200, edit_json(result, request.operations.size()));
  response.with_header("ETag", etag_of(result.transcript.revision));
  if (result.created) response.with_header("Location", "/v1/transcripts/" + result.transcript.public_id.to_string());
  return response;
}

Result<HttpResponse> list_revisions(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "transcript"));
  ASSIGN_OR_RETURN(auto chain, app::EditService::revisions_in(*call.tx, *call.scope, id));
  JsonArray items;
  for (const auto& t : chain) items.add_raw(transcript_json(t));
  std::string body = page_json(items.str(), std::nullopt);
  body.pop_back();
  body += ",\"current_id\":\"" + chain.back().public_id.to_string() + "\"}";
  return json_response(200, std::move(body));
}

std::string word_json(const app::DiffWord& word) {
  JsonObject object;
  object.add("text", word.text);
  if (word.start_ms) object.add("start_ms", *word.start_ms);
  if (word.end_ms) object.add("end_ms", *word.end_ms);
  if (word.timing) object.add("timing", formats::to_string(*word.timing));
  return object.str();
}

std::string change_json(const app::SegmentChange& change) {
  JsonObject object;
  object.add("change", app::to_string(change.kind));
  if (change.from) object.add("from_ordinal", change.from->ordinal);
  if (change.to) object.add("to_ordinal", change.to->ordinal);
  if (!change.fields.empty()) {
    JsonArray fields;
    for (const std::string& field : change.fields) fields.add_raw("\"" + field + "\"");
    object.add_raw("fields", fields.str());
  }
  if (change.from) object.add_raw("from", segment_json(*change.from));
  if (change.to) object.add_raw("to", segment_json(*change.to));
  if (!change.words.empty()) {
    JsonArray words;
    for (const app::WordChange& w : change.words) {
      JsonObject item;
      item.add("change", app::to_string(w.kind));
      if (w.from) item.add_raw("from", word_json(*w.from));
      if (w.to) item.add_raw("to", word_json(*w.to));
      words.add_raw(item.str());
    }
    object.add_raw("words", words.str());
  }
  return object.str();
}

// GET /v1/transcripts/{id}/diff?from=R1&to=R2 (default: the transcript's revision and the one
// before it).
Result<HttpResponse> diff_revisions(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "transcript"));
  ASSIGN_OR_RETURN(auto from, query_int(call.request, "from", 1, INT32_MAX));
  ASSIGN_OR_RETURN(auto to, query_int(call.request, "to", 1, INT32_MAX));
  auto revision = [](const std::optional<std::int64_t>& value) {
    return value ? std::optional<int>(static_cast<int>(*value)) : std::nullopt;
  };
  ASSIGN_OR_RETURN(app::TranscriptDiff diff,
                   app::EditService::diff_in(*call.tx, *call.scope, id, revision(from), revision(to)));
  JsonArray segments;
  for (const app::SegmentChange& change : diff.segments) segments.add_raw(change_json(change));
  const app::DiffCounts& c = diff.counts;
  std::string body = JsonObject()
                         .add_raw("from", transcript_json(diff.from))
                         .add_raw("to", transcript_json(diff.to))
                         .add_raw("counts", JsonObject()
                                                .add("segments_added", c.segments_added)
                                                .add("segments_removed", c.segments_removed)
                                                .add("segments_changed", c.segments_changed)
                                                .add("words_added", c.words_added)
                                                .add("words_removed", c.words_removed)
                                                .add("words_changed", c.words_changed)
                                                .str())
                         .add_raw("segments", segments.str())
                         .str();
  return json_response(200, std::move(body));
}

constexpr std::string_view kDiffQuery[] = {"from", "to"};

constexpr Answer kEditAlso[] = {{428}, {200}};  // no If-Match (an edit must name the revision it changes); a replay

constexpr Route kRoutes[] = {
    {.method = "PATCH", .pattern = "/v1/transcripts/{id}", .operation_id = "transcript.edit", .returns = "TranscriptEdit",
     .summary = "Edit the current revision with a list of operations (docs/editing.md); stores and answers the next "
                "revision (origin edit) with word timings kept. If-Match (the revision) is required: 428 without, "
                "412 when stale",
     .permission = {"write", "transcripts"}, .body = BodyKind::json, .fields = kEditFields,
     .handler = edit_transcript, .resource_type = "transcript", .status = 201, .also = kEditAlso},
    {.method = "GET", .pattern = "/v1/transcripts/{id}/revisions", .operation_id = "transcript.revisions", .returns = "TranscriptRevisions",
     .summary = "Every revision of the transcript's video and language, oldest first; current_id names the newest",
     .permission = {"read", "transcripts"}, .handler = list_revisions},
    {.method = "GET", .pattern = "/v1/transcripts/{id}/diff", .operation_id = "transcript.diff", .returns = "TranscriptDiff",
     .summary = "Segments and words added, removed and changed from revision `from` to revision `to` (default: this "
                "revision and the one before it)",
     .permission = {"read", "transcripts"}, .handler = diff_revisions, .query = kDiffQuery},
};

}  // namespace
}  // namespace transcript_edit_routes_impl

std::span<const Route> transcript_edit_routes() { return transcript_edit_routes_impl::kRoutes; }

}  // namespace narralytica::api
