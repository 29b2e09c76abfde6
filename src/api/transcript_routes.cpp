// Transcripts of a video, and their segments with keyset pagination, a time window and a
// speaker filter.
#include "api/detail/io.hpp"
#include "core/json_writer.hpp"
#include "api/detail/route.hpp"
#include "api/detail/state.hpp"
#include "api/detail/views.hpp"
#include "app/layer_json.hpp"
#include "app/layer_service.hpp"
#include "app/transcript_service.hpp"
#include "formats/format.hpp"

namespace narralytica::api {
namespace transcript_routes_impl {
namespace {

using app::TranscriptService;

Result<HttpResponse> list_transcripts(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "video"));
  ASSIGN_OR_RETURN(auto transcripts, TranscriptService::list_in(*call.tx, *call.scope, id));
  JsonArray items;
  for (const auto& t : transcripts) items.add_raw(transcript_json(t));
  return json_response(200, page_json(items.str(), std::nullopt));
}

// The transcript's metadata, or with ?format=vtt|srt|json the transcript itself in that format.
Result<HttpResponse> get_transcript(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "transcript"));
  if (auto format_name = call.request.query_param("format")) {
    ASSIGN_OR_RETURN(formats::Format format, formats::parse_format(*format_name));
    app::ExportOptions options;
    options.include_layers = call.request.query_param("layers") == std::optional<std::string>("true");
    ASSIGN_OR_RETURN(app::ExportResult exported, call.state.transcripts.export_in(*call.tx, *call.scope, id, format, options));
    HttpResponse response;
    response.content_type = exported.media_type;
    response.body = std::move(exported.content);
    return response;
  }
  ASSIGN_OR_RETURN(auto transcript, TranscriptService::get_in(*call.tx, *call.scope, id));
  // A revision never changes; its number is what PATCH's If-Match names (transcript_edit_routes.cpp).
  HttpResponse response = json_response(200, transcript_json(transcript));
  response.with_header("ETag", etag_of(transcript.revision));
  return response;
}

// The upload's format: ?format= wins, then the Content-Type, then detection from the bytes.
Result<std::optional<formats::Format>> upload_format(const HttpRequest& request) {
  if (auto name = request.query_param("format")) {
    ASSIGN_OR_RETURN(formats::Format format, formats::parse_format(*name));
    return std::optional<formats::Format>(format);
  }
  const std::string_view type = request.header("Content-Type");
  if (type.starts_with("text/vtt")) return std::optional<formats::Format>(formats::Format::webvtt);
  if (type.starts_with("application/x-subrip") || type.starts_with("text/srt")) {
    return std::optional<formats::Format>(formats::Format::srt);
  }
  return std::optional<formats::Format>();
}

// POST /v1/videos/{id}/transcripts: the body is a transcript file, imported in this request's
// transaction (atomic, idempotent by content; ?revision=true stores a new revision). The answer is
// the transcript with the reader's "warnings" (what it skipped or repaired, with line and column);
// ?strict=true refuses a WebVTT/SRT file with a block a player would skip.
Result<HttpResponse> upload_transcript(Call& call) {
  ASSIGN_OR_RETURN(Uuid video, path_id(call, "id", "video"));
  app::ImportOptions options;
  options.video = video;
  options.source_name = "body";
  ASSIGN_OR_RETURN(options.format, upload_format(call.request));
  if (auto language = call.request.query_param("language")) options.language = *language;
  options.new_revision = call.request.query_param("revision") == std::optional<std::string>("true");
  options.speaker_prefix = call.request.query_param("speaker_prefix") == std::optional<std::string>("true");
  options.strict = call.request.query_param("strict") == std::optional<std::string>("true");
  ASSIGN_OR_RETURN(app::ImportResult imported,
                   call.state.transcripts.import_in(*call.tx, *call.scope, *call.principal, call.request.body,
                                                    options, call.scope->context()));
  return json_response(imported.created ? 201 : 200, transcript_json(imported.transcript, imported.warnings));
}

Result<HttpResponse> delete_transcript(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "transcript"));
  RETURN_IF_ERROR(TranscriptService::remove_in(*call.tx, *call.scope, id));
  return json_response(204, "");
}

// ?layers=sentiment,topics@2: the items of those layers (current version, or kind@version)
// covering the page's segments.
Result<std::vector<app::AttachedLayer>> attached_layers(Call& call, const store::Transcript& transcript,
                                                        const store::SegmentPage& page) {
  auto selection = call.request.query_param("layers");
  if (!selection) return std::vector<app::AttachedLayer>();
  ASSIGN_OR_RETURN(auto selectors, app::parse_layer_selectors(*selection, "layers"));
  return app::LayerService::attach_to_page_in(*call.tx, *call.scope, *call.principal, transcript, selectors, page);
}

// Replaces the segment object's closing brace with "layers": {kind: [values of the items covering
// it]}. Items are few per segment and sorted by first segment, so a scan is enough.
void append_segment_layers(std::string& out, const std::vector<app::AttachedLayer>& layers, std::int64_t ordinal) {
  out.pop_back();
  out += ",\"layers\":{";
  for (std::size_t k = 0; k < layers.size(); ++k) {
    if (k) out += ',';
    append_json_string(out, layers[k].run.kind);
    out += ":[";
    bool first = true;
    for (const store::LayerItem& item : layers[k].items) {
      if (*item.segment_ordinal_first > ordinal) break;
      if (*item.segment_ordinal_last < ordinal) continue;
      if (!first) out += ',';
      first = false;
      out += item.payload_json;
    }
    out += ']';
  }
  out += "}}";
}

Result<HttpResponse> list_segments(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "transcript"));
  store::SegmentQuery query;
  ASSIGN_OR_RETURN(query.limit, page_limit(call.request));
  ASSIGN_OR_RETURN(query.from_ms, query_int(call.request, "from_ms", 0, INT64_MAX));
  ASSIGN_OR_RETURN(query.to_ms, query_int(call.request, "to_ms", 0, INT64_MAX));
  if (auto speaker = call.request.query_param("speaker")) {
    auto speaker_id = Uuid::parse(*speaker);
    if (!speaker_id) return make_error(ErrorCode::invalid_argument, "speaker is a speaker id", "speaker");
    query.speaker_public_id = *speaker_id;
  }
  if (auto cursor = call.request.query_param("cursor")) {
    ASSIGN_OR_RETURN(auto key, decode_int_cursor('s', *cursor, 1));
    query.after_ordinal = key[0];
  }
  ASSIGN_OR_RETURN(app::SegmentListing listing, TranscriptService::segments_in(*call.tx, *call.scope, id, query));
  const store::SegmentPage& page = listing.page;
  ASSIGN_OR_RETURN(std::vector<app::AttachedLayer> layers, attached_layers(call, listing.transcript, page));
  // One buffer for the whole page: no per-segment string, no copy of the items into a wrapper.
  std::string out;
  out.reserve(page.items.size() * 320 + 64);
  out += "{\"items\":[";
  for (std::size_t i = 0; i < page.items.size(); ++i) {
    if (i) out += ',';
    append_segment_json(out, page.items[i]);
    if (!layers.empty()) append_segment_layers(out, layers, page.items[i].ordinal);
  }
  out += ']';
  if (!layers.empty()) {
    out += ",\"layers\":{";
    for (std::size_t k = 0; k < layers.size(); ++k) {
      if (k) out += ',';
      append_json_string(out, layers[k].run.kind);
      out += ':';
      out += app::layer_run_json(layers[k].run);
    }
    out += '}';
  }
  out += ",\"next_cursor\":";
  if (page.next_after_ordinal) {
    append_json_string(out, encode_int_cursor('s', {*page.next_after_ordinal}));
  } else {
    out += "null";
  }
  out += '}';
  return json_response(200, std::move(out));
}

constexpr std::string_view kSegmentQuery[] = {"limit", "cursor", "from_ms", "to_ms", "speaker", "layers"};
constexpr std::string_view kUploadQuery[] = {"format", "language", "revision", "speaker_prefix", "strict"};
constexpr std::string_view kExportQuery[] = {"format", "layers"};
constexpr std::string_view kExportTypes[] = {"text/vtt", "application/x-subrip"};  // ?format=json: application/json
constexpr Answer kStoredOrFound[] = {{200}};  // the same content was already there

constexpr Route kRoutes[] = {
    {.method = "GET", .pattern = "/v1/videos/{id}/transcripts", .operation_id = "transcript.list", .returns = "TranscriptPage",
     .summary = "A video's transcripts, by language and revision", .permission = app::kTranscriptsRead,
     .handler = list_transcripts},
    {.method = "POST", .pattern = "/v1/videos/{id}/transcripts", .operation_id = "transcript.upload", .returns = "TranscriptUpload",
     .summary = "Import a transcript file (WebVTT, SRT, Whisper/WhisperX, AssemblyAI, Deepgram or Narralytica "
                "JSON) for the video; 201 when stored, 200 when the same content was already there",
     .permission = app::kTranscriptsWrite, .body = BodyKind::upload, .handler = upload_transcript,
     .resource_type = "transcript", .query = kUploadQuery, .status = 201,
     .also = kStoredOrFound},
    {.method = "GET", .pattern = "/v1/transcripts/{id}", .operation_id = "transcript.get", .returns = "TranscriptOrExport",
     .summary = "One transcript's metadata, or with ?format=vtt|srt|json the transcript in that format",
     .permission = app::kTranscriptsRead, .handler = get_transcript, .query = kExportQuery,
     .also_produces = kExportTypes},
    {.method = "DELETE", .pattern = "/v1/transcripts/{id}", .operation_id = "transcript.delete",
     .summary = "Delete a transcript and its segments (not when a newer revision builds on it)",
     .permission = app::kTranscriptsDelete, .handler = delete_transcript, .resource_type = "transcript",
     .status = 204},
    {.method = "GET", .pattern = "/v1/transcripts/{id}/segments", .operation_id = "segment.list", .returns = "SegmentPage",
     .summary = "Segments in order; a time window (segments overlapping [from_ms, to_ms)) and a speaker filter; "
                "?layers=sentiment,topics@2 attaches those layers' values (current version, or kind@version)",
     .permission = app::kTranscriptsRead, .handler = list_segments, .query = kSegmentQuery},
};

}  // namespace
}  // namespace transcript_routes_impl

std::span<const Route> transcript_routes() { return transcript_routes_impl::kRoutes; }

}  // namespace narralytica::api
