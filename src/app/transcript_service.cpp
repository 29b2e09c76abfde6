#include "app/transcript_service.hpp"

#include "app/layer_kinds.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <future>

#include "core/hashing.hpp"
#include "core/json_writer.hpp"
#include "formats/narralytica_json.hpp"
#include "formats/subtitle_writer.hpp"
#include "store/media/attachment_repository.hpp"
#include "store/tenancy/tenant_repository.hpp"

namespace narralytica::app {
namespace {

using namespace store;

// The tenant configuration key (tenant_configs) naming the language of files that name none.
constexpr const char* kDefaultLanguageKey = "default_language";

const char* media_type_of(formats::Format format) {
  switch (format) {
    case formats::Format::webvtt: return "text/vtt";
    case formats::Format::srt: return "application/x-subrip";
    default: return "application/json";
  }
}

std::string file_stem(std::string_view name) {
  std::filesystem::path path{std::string(name)};
  std::string stem = path.stem().string();
  return stem.empty() ? std::string("Untitled") : stem;
}

// The draft to store, moving each segment's text and words out of the document (its times and
// cue ids stay, for warnings); word timings are encoded once, here.
TranscriptDraft to_draft(formats::Document& document, std::string language) {
  TranscriptDraft draft;
  draft.language = std::move(language);
  draft.origin = document.engine.empty() ? "import" : "asr";
  if (!document.engine.empty()) draft.engine = document.engine;
  if (!document.model.empty()) draft.model = document.model;
  if (!document.model_version.empty()) draft.model_version = document.model_version;
  draft.segments.reserve(document.segments.size());
  for (formats::Segment& s : document.segments) {
    SegmentDraft segment;
    segment.start_ms = s.start_ms;
    segment.end_ms = s.end_ms;
    segment.text = std::move(s.text);
    segment.speaker_label = s.speaker_label;
    segment.confidence = s.confidence;
    if (!s.words.empty()) segment.words_json = encode_words(s.words);
    std::vector<formats::Word>().swap(s.words);  // freed now: the draft holds them encoded
    draft.segments.push_back(std::move(segment));
  }
  return draft;
}

// A layer as read from a file, as a run to store, its items checked against their kind like any
// other run's (layer_kinds.hpp). Segment indexes of the Document are the stored ordinals:
// to_draft() keeps every segment, in order. `field` names the layer in errors ("layers[1]").
Result<LayerRunDraft> to_run_draft(const formats::Layer& layer, const std::string& field) {
  if (!known_layer_kind(layer.kind)) {
    return make_error(ErrorCode::invalid_argument,
                      "unknown layer kind \"" + layer.kind + "\": the built-in kinds are " +
                          std::string(builtin_layer_kinds()) + "; a custom kind starts with \"x-\"",
                      field + ".kind");
  }
  LayerRunDraft run;
  run.kind = layer.kind;
  run.producer_name = layer.producer_name.empty() ? std::string("import") : layer.producer_name;
  // The schema wants a version; a source that names none gets an explicit marker, not a guess.
  run.producer_version = layer.producer_version.empty() ? std::string("unspecified") : layer.producer_version;
  run.params_json = layer.params_json.empty() ? std::string("{}") : layer.params_json;
  run.items.reserve(layer.items.size());
  for (std::size_t k = 0; k < layer.items.size(); ++k) {
    const formats::LayerItem& item = layer.items[k];
    LayerItemDraft draft;
    if (item.segment_index && item.segment_index_last) {
      draft.segment_ordinal_first = static_cast<std::int64_t>(*item.segment_index);
      draft.segment_ordinal_last = static_cast<std::int64_t>(*item.segment_index_last);
    }
    draft.start_ms = item.start_ms;
    draft.end_ms = item.end_ms;
    draft.link_by_time = false;  // the reader attached the item to the segments it overlaps
    const auto value = nlohmann::json::parse(item.payload_json, nullptr, /*allow_exceptions=*/false);
    ASSIGN_OR_RETURN(LayerItemValues values,
                     check_layer_value(layer.kind, value, field + ".items[" + std::to_string(k) + "].payload"));
    draft.label = std::move(values.label);
    draft.score = values.score;
    draft.payload_json = item.payload_json;
    run.items.push_back(std::move(draft));
  }
  return run;
}

// A stored run as a Document layer; stored ordinals are the exported segments' indexes.
Result<formats::Layer> read_layer(Transaction& tx, const TenantScope& scope, const LayerRun& run) {
  formats::Layer layer;
  layer.kind = run.kind;
  layer.producer_name = run.producer_name;
  layer.producer_version = run.producer_version == "unspecified" ? std::string() : run.producer_version;
  layer.params_json = run.params_json;
  LayerItemQuery query;
  query.limit = kPageLimitMax;
  while (true) {
    ASSIGN_OR_RETURN(LayerItemPage page, LayerRepository::items(tx, scope, run, query));
    for (LayerItem& stored : page.items) {
      formats::LayerItem item;
      if (stored.segment_ordinal_first && stored.segment_ordinal_last) {
        item.segment_index = static_cast<std::size_t>(*stored.segment_ordinal_first);
        item.segment_index_last = static_cast<std::size_t>(*stored.segment_ordinal_last);
      }
      item.start_ms = stored.start_ms;
      item.end_ms = stored.end_ms;
      item.payload_json = std::move(stored.payload_json);
      layer.items.push_back(std::move(item));
    }
    if (!page.next_after_ordinal) break;
    query.after_ordinal = page.next_after_ordinal;
  }
  return layer;
}

// The video a request names: by id, or by a source URL an existing video has. nullopt when the
// import is to create its video. Errors: not_found for an id that is not the tenant's.
Result<std::optional<Video>> named_video(Transaction& tx, const TenantScope& scope, const ImportOptions& options) {
  if (options.video) {
    ASSIGN_OR_RETURN(Video video, VideoRepository::get(tx, scope, *options.video));
    return std::optional<Video>(std::move(video));
  }
  if (options.source_url) return VideoRepository::find_by_source(tx, scope, "url", *options.source_url);
  return std::optional<Video>();
}

// What the transcript says of the media's length: the duration the file declares, else the end
// of its last segment; nullopt for a transcript without segments.
std::optional<std::int64_t> transcript_duration(const formats::Document& document) {
  if (document.duration_ms) return document.duration_ms;
  std::optional<std::int64_t> end;
  for (const formats::Segment& segment : document.segments) {
    if (!end || segment.end_ms > *end) end = segment.end_ms;
  }
  return end;
}

// The language of a file that names none: the video's, else the tenant's `default_language`
// configuration (a JSON string), else "und" (undetermined, BCP 47) with a warning.
Result<std::string> fallback_language(Transaction& tx, const TenantScope& scope, const std::optional<Video>& video,
                                      std::vector<formats::Warning>& warnings) {
  if (video && video->language && !video->language->empty()) return *video->language;
  ASSIGN_OR_RETURN(auto configured, TenantRepository::get_config(tx, scope, kDefaultLanguageKey));
  if (configured) {
    const auto value = nlohmann::json::parse(*configured, nullptr, /*allow_exceptions=*/false);
    if (!value.is_string() || value.get<std::string>().empty()) {
      return make_error(ErrorCode::precondition_failed,
                        std::string("the tenant's ") + kDefaultLanguageKey +
                            " setting is not a language: expected a JSON string such as \"en\", found " +
                            configured->substr(0, 40),
                        std::string("tenant_configs.") + kDefaultLanguageKey);
    }
    return value.get<std::string>();
  }
  warnings.push_back(formats::Warning{.message = std::string("the file names no language, and neither the video "
                                                             "nor the tenant's ") +
                                                 kDefaultLanguageKey + " setting gives one: stored as \"und\""});
  return std::string("und");
}

// The named video, or a new one titled after the file.
Result<Video> resolve_video(Transaction& tx, const TenantScope& scope, const ImportOptions& options,
                            const formats::Document& document, const std::string& language,
                            std::optional<Video> named) {
  if (named) return std::move(*named);
  VideoDraft draft;
  draft.title = options.title.empty() ? file_stem(options.source_name) : options.title;
  // "und" says nobody knows: the video is better left without a language than with that one.
  if (language != "und") draft.language = language;
  draft.duration_ms = transcript_duration(document);
  if (options.source_url) {
    // A URL is also the source's external id, so the same URL finds this video again.
    draft.sources.push_back(VideoSourceDraft{"url", options.source_url, options.source_url, std::nullopt, true});
  }
  return VideoRepository::create(tx, scope, draft);
}

}  // namespace

// Written straight into one string (the same bytes as a JsonObject per word): this runs for
// every word of every import.
std::string encode_words(const std::vector<formats::Word>& words) {
  constexpr std::size_t kBytesPerWordGuess = 80;
  std::string out;
  out.reserve(2 + words.size() * kBytesPerWordGuess);
  out.push_back('[');
  for (std::size_t i = 0; i < words.size(); ++i) {
    const formats::Word& w = words[i];
    if (i) out.push_back(',');
    out += "{\"w\":";
    append_json_string(out, w.text);
    out += ",\"s\":";
    append_json_int(out, w.start_ms);
    out += ",\"e\":";
    append_json_int(out, w.end_ms);
    if (w.confidence) {
      out += ",\"c\":";
      append_json_double(out, *w.confidence);
    }
    // Flags, not a name, for the timing source: rows stored before "a" existed hash the same.
    if (w.timing == formats::WordTiming::interpolated) out += ",\"i\":true";
    if (w.timing == formats::WordTiming::aligned) out += ",\"a\":true";
    if (!w.speaker_label.empty()) {
      out += ",\"sp\":";
      append_json_string(out, w.speaker_label);
    }
    out.push_back('}');
  }
  out.push_back(']');
  return out;
}

Result<std::vector<formats::Word>> decode_words(std::string_view json) {
  std::vector<formats::Word> words;
  auto parsed = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) return make_error(ErrorCode::internal, "stored word timings are not a JSON array", "words");
  for (const auto& item : parsed) {
    formats::Word w;
    w.text = item.value("w", "");
    w.start_ms = item.value("s", std::int64_t{0});
    w.end_ms = item.value("e", std::int64_t{0});
    if (item.contains("c") && item["c"].is_number()) w.confidence = item["c"].get<double>();
    if (item.value("i", false)) w.timing = formats::WordTiming::interpolated;
    if (item.value("a", false)) w.timing = formats::WordTiming::aligned;
    w.speaker_label = item.value("sp", "");
    words.push_back(std::move(w));
  }
  return words;
}

Result<PreparedImport> TranscriptService::prepare(std::string_view content, const ImportOptions& options) {
  formats::ReadOptions read_options;
  read_options.format = options.format;
  read_options.source_name = options.source_name;
  read_options.filename_hint = options.source_name;
  read_options.speaker_prefix = options.speaker_prefix;
  read_options.strict = options.strict;
  PreparedImport prepared;
  prepared.content = content;
  ASSIGN_OR_RETURN(prepared.document, formats::read_document(content, read_options));
  prepared.draft = to_draft(prepared.document, options.language.value_or(prepared.document.language));
  prepared.file_sha256 = sha256(content);  // once: for the lookup and for the content store
  return prepared;
}

Result<ImportResult> TranscriptService::import(const Principal& principal, std::string_view tenant_ref,
                                               std::string_view content, const ImportOptions& options,
                                               const RequestContext& request) {
  // Parse before touching the database: a broken file never takes a lock.
  ASSIGN_OR_RETURN(PreparedImport prepared, prepare(content, options));
  return import_prepared(principal, tenant_ref, std::move(prepared), options, request);
}

Result<ImportResult> TranscriptService::import_prepared(const Principal& principal, std::string_view tenant_ref,
                                                        PreparedImport prepared, const ImportOptions& options,
                                                        const RequestContext& request) {
  ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(database_, TxMode::write, context_));
  ASSIGN_OR_RETURN(Tenant tenant, TenantRepository::find(tx, tenant_ref));
  ASSIGN_OR_RETURN(TenantScope scope, Authorizer::authorize(tx, principal, tenant, {"write", "transcripts"}, request));
  ASSIGN_OR_RETURN(ImportResult result,
                   import_document(tx, scope, principal, tenant, std::move(prepared), options, request));
  if (!result.created) return result;  // nothing written: the transaction only read
  if (before_commit_) tx.set_before_commit(before_commit_);
  RETURN_IF_ERROR(tx.commit());
  return result;
}

Result<ImportResult> TranscriptService::import_in(Transaction& tx, const TenantScope& scope, const Principal& principal,
                                                  std::string_view content, const ImportOptions& options,
                                                  const RequestContext& request) {
  ASSIGN_OR_RETURN(PreparedImport prepared, prepare(content, options));
  ASSIGN_OR_RETURN(Tenant tenant, TenantRepository::find_by_id(tx, scope.tenant_id()));
  return import_document(tx, scope, principal, tenant, std::move(prepared), options, request);
}

Result<ImportResult> TranscriptService::import_document(Transaction& tx, const TenantScope& scope,
                                                        const Principal& principal, const Tenant& tenant,
                                                        PreparedImport prepared, const ImportOptions& options,
                                                        const RequestContext& request) {
  formats::Document& document = prepared.document;
  TranscriptDraft& draft = prepared.draft;
  // A named video that is not the caller's (or does not exist) is the first thing to report.
  ASSIGN_OR_RETURN(std::optional<Video> named, named_video(tx, scope, options));
  if (draft.language.empty()) {
    ASSIGN_OR_RETURN(draft.language, fallback_language(tx, scope, named, document.warnings));
  }
  const std::string language = draft.language;
  // The same file again: name what it made the first time. Only on the video the request names,
  // so an upload to one video never answers with another's transcript; an import that is to
  // create its video may still recognise a file it has seen anywhere in the tenant.
  std::optional<Transcript> same_file;
  if (named) {
    ASSIGN_OR_RETURN(same_file, TranscriptRepository::find_by_attachment_on_video(tx, scope, *named,
                                                                                  prepared.file_sha256));
  } else {
    ASSIGN_OR_RETURN(same_file, TranscriptRepository::find_by_attachment(tx, scope, prepared.file_sha256));
  }
  if (same_file && same_file->language == language) {
    ASSIGN_OR_RETURN(Video video, VideoRepository::get(tx, scope, same_file->video_public_id));
    return ImportResult{std::move(video), std::move(*same_file), false, {}, std::move(document.warnings)};
  }

  if (!options.video) RETURN_IF_ERROR(Authorizer::authorize(tx, principal, tenant, {"write", "videos"}, request));
  ASSIGN_OR_RETURN(Video video, resolve_video(tx, scope, options, document, language, std::move(named)));
  if (video.duration_ms) formats::warn_past_duration(document, *video.duration_ms);

  if (!options.new_revision) {
    ASSIGN_OR_RETURN(auto existing, TranscriptRepository::list_for_video(tx, scope, video));
    // The content hash only when there is something to compare it with (a new video has
    // nothing): the repository computes it again for the row, so it is not computed twice
    // on the common path.
    const std::string hash = existing.empty() ? std::string() : to_hex(transcript_content_hash(draft));
    for (const Transcript& t : existing) {
      if (t.content_hash == hash) return ImportResult{std::move(video), t, false, {}, std::move(document.warnings)};
    }
    for (const Transcript& t : existing) {
      if (t.language == language) {
        // Neutral wording: the CLI (--revision) and the API (?revision=true) each name their own way.
        return make_error(ErrorCode::conflict,
                          "video " + video.public_id.to_string() + " already has a different " + language +
                              " transcript (revision " + std::to_string(t.revision) +
                              "): store this file as its next revision to keep both",
                          options.source_name);
      }
    }
  }

  // The original file is written (and fsynced) on another thread while the rows go in; it is
  // waited for before this returns, so it is durable before the transaction can commit. On an
  // early error return the future's destructor waits too (it reads `prepared.content`).
  const StoredBlob blob = content_.locate(tenant.public_id, static_cast<std::int64_t>(prepared.content.size()),
                                          prepared.file_sha256);
  std::future<Status> blob_written = content_.write_async(blob, prepared.content);
  auto read_format = formats::parse_format(document.format);
  Attachment original{0, Uuid{}, "transcript_original",
                      read_format.ok() ? media_type_of(*read_format) : "application/octet-stream",
                      blob.sha256, blob.size_bytes, blob.storage_uri};
  ASSIGN_OR_RETURN(Attachment attachment, AttachmentRepository::put(tx, scope, original));
  draft.attachment_id = attachment.id;

  // Layers are checked before anything is written, and stored with the transcript in the same
  // transaction: an import leaves either the transcript with all its layers or nothing.
  std::vector<LayerRunDraft> layer_drafts;
  for (std::size_t i = 0; i < document.layers.size(); ++i) {
    auto run = to_run_draft(document.layers[i], "layers[" + std::to_string(i) + "]");
    if (!run.ok()) {
      Error error = std::move(run).error();
      error.field = options.source_name + ": " + error.field;
      return error;
    }
    layer_drafts.push_back(std::move(run).value());
  }
  ASSIGN_OR_RETURN(TranscriptWrite written, TranscriptRepository::create(tx, scope, video, draft));
  std::vector<LayerRun> runs;
  if (written.created) {
    for (std::size_t i = 0; i < layer_drafts.size(); ++i) {
      const LayerRunDraft& run = layer_drafts[i];
      auto stored = LayerRepository::create_run(tx, scope, written.transcript, run);
      if (!stored.ok()) {
        Error error = std::move(stored).error();
        error.field = options.source_name + ": layers[" + std::to_string(i) + "] (" + run.kind + "): " + error.field;
        return error;
      }
      runs.push_back(std::move(stored->run));
    }
  }
  // A video that does not know its length learns it from its first transcript, in this
  // transaction (audited like any update), so a failed import changes nothing.
  if (written.created && !video.duration_ms) {
    if (auto duration = transcript_duration(document)) {
      VideoPatch patch;
      patch.duration_ms = std::optional<std::int64_t>(*duration);
      ASSIGN_OR_RETURN(video, VideoRepository::update(tx, scope, video.public_id, patch));
    }
  }
  RETURN_IF_ERROR(blob_written.get());
  return ImportResult{std::move(video), std::move(written.transcript), written.created, std::move(runs),
                      std::move(document.warnings)};
}

Result<ExportResult> TranscriptService::export_transcript(const Principal& principal, std::string_view tenant_ref,
                                                          const Uuid& transcript_id, formats::Format format,
                                                          const ExportOptions& options,
                                                          const RequestContext& request) {
  ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(database_, TxMode::read, context_));
  std::string tenant_name(tenant_ref);
  if (tenant_name.empty()) {
    if (principal.kind != Principal::Kind::operator_cli) {
      return make_error(ErrorCode::invalid_argument, "name the tenant", "tenant");
    }
    ASSIGN_OR_RETURN(Uuid owner, TranscriptRepository::tenant_of(tx, SystemScope::because(principal.actor), transcript_id));
    tenant_name = owner.to_string();
  }
  ASSIGN_OR_RETURN(Tenant tenant, TenantRepository::find(tx, tenant_name));
  ASSIGN_OR_RETURN(TenantScope scope, Authorizer::authorize(tx, principal, tenant, {"read", "transcripts"}, request));
  return export_in(tx, scope, transcript_id, format, options);
}

Result<ExportResult> TranscriptService::export_in(Transaction& tx, const TenantScope& scope, const Uuid& transcript_id,
                                                  formats::Format format, const ExportOptions& options) {
  ASSIGN_OR_RETURN(Transcript transcript, TranscriptRepository::get(tx, scope, transcript_id));

  formats::Document document;
  document.format = formats::to_string(format);
  document.language = transcript.language;
  document.engine = transcript.engine.value_or("");
  document.model = transcript.model.value_or("");
  document.model_version = transcript.model_version.value_or("");
  SegmentQuery query;
  query.limit = kPageLimitMax;
  while (true) {
    ASSIGN_OR_RETURN(SegmentPage page, TranscriptRepository::segments(tx, scope, transcript, query));
    for (Segment& s : page.items) {
      formats::Segment segment;
      segment.start_ms = s.start_ms;
      segment.end_ms = s.end_ms;
      segment.text = std::move(s.text);
      segment.speaker_label = s.speaker_label.value_or("");
      segment.confidence = s.confidence;
      if (s.words_json) {
        ASSIGN_OR_RETURN(segment.words, decode_words(*s.words_json));
      }
      document.segments.push_back(std::move(segment));
    }
    if (!page.next_after_ordinal) break;
    query.after_ordinal = page.next_after_ordinal;
  }
  if (options.include_layers && format == formats::Format::narralytica_json) {
    ASSIGN_OR_RETURN(std::vector<LayerRun> runs, LayerRepository::list_for_transcript(tx, scope, transcript));
    // Runs come by kind then version: the last of each kind is its newest version.
    for (std::size_t i = 0; i < runs.size(); ++i) {
      if (i + 1 < runs.size() && runs[i + 1].kind == runs[i].kind) continue;
      ASSIGN_OR_RETURN(formats::Layer layer, read_layer(tx, scope, runs[i]));
      document.layers.push_back(std::move(layer));
    }
  }
  ExportResult result;
  result.media_type = media_type_of(format);
  if (format == formats::Format::narralytica_json) {
    ASSIGN_OR_RETURN(result.content, formats::write_narralytica_json(document));
  } else if (format == formats::Format::webvtt || format == formats::Format::srt) {
    ASSIGN_OR_RETURN(result.content, formats::write_document(document, format));
  } else {
    return make_error(ErrorCode::invalid_argument, "export formats are vtt, srt and json", "format");
  }
  return result;
}

}  // namespace narralytica::app
