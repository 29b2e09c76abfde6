// Importing transcript files into the canonical store and exporting them back out: the use case
// behind `narralytica import|export` and the API's transcript upload and download. An import is
// one transaction: the video (created or attached), the original file as an attachment, the
// transcript with its speakers and segments; an interrupted import leaves nothing behind.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/content_store.hpp"
#include "formats/format.hpp"
#include "store/identity/authorizer.hpp"
#include "store/layers/layer_repository.hpp"
#include "store/media/transcript_repository.hpp"

namespace narralytica::app {

inline constexpr store::Permission kTranscriptsRead{"read", "transcripts"};
inline constexpr store::Permission kTranscriptsWrite{"write", "transcripts"};
inline constexpr store::Permission kTranscriptsDelete{"delete", "transcripts"};

// A page of a transcript's segments, with the transcript it was read from.
struct SegmentListing {
  store::Transcript transcript;
  store::SegmentPage page;
};

struct ImportOptions {
  std::optional<Uuid> video;              // attach to this video; otherwise found or created
  std::string title;                      // a new video's title (default: the file's name)
  std::optional<std::string> source_url;  // a new video's source; also finds it on re-import
  std::optional<std::string> language;    // overrides the file's own language
  std::optional<formats::Format> format;  // overrides detection
  bool speaker_prefix = false;            // SRT "Name: text" lines name their speaker
  // WebVTT/SRT: refuse a block a player would skip instead of skipping it with a warning.
  bool strict = false;
  // Store as the next revision when the video already has a different transcript in this
  // language; without it that is a conflict, so nothing is replaced by accident.
  bool new_revision = false;
  std::string source_name = "<input>";    // the file's name, for error positions
};

struct ImportResult {
  store::Video video;
  store::Transcript transcript;
  bool created = false;  // false: the same content was already stored; nothing was written
  std::vector<store::LayerRun> layers;  // the runs stored with a created transcript
  std::vector<formats::Warning> warnings;  // what the reader skipped or repaired, with positions
};

// Everything an import does before it touches the database: the file read into a Document, the
// draft to store (word timings encoded) and the file's SHA-256. Made by
// TranscriptService::prepare(), which is pure and thread-safe, so a caller importing many files
// can prepare the next one while this one's transaction runs (the CLI does).
struct PreparedImport {
  std::string_view content;     // the file's bytes; the caller keeps them alive until the import
  formats::Document document;   // segments keep their times and cue ids; text and words moved into the draft
  store::TranscriptDraft draft; // language from the options or the file, possibly empty (refused at import)
  std::string file_sha256;      // 32 raw bytes: the idempotency lookup and the attachment's name
};

struct ExportOptions {
  // Narralytica JSON only: the newest version of each layer kind over the transcript.
  bool include_layers = false;
};

struct ExportResult {
  std::string content;
  std::string media_type;  // text/vtt, application/x-subrip, application/json
};

class TranscriptService {
 public:
  TranscriptService(store::Database& database, std::filesystem::path data_dir, store::StoreContext context = {})
      : database_(database), content_(std::move(data_dir)), context_(context) {}

  // Reads `content` (the file's bytes) and stores it for `tenant` (slug or public id) as
  // `principal`, who needs write access to transcripts (and videos, to create one). Errors:
  // invalid_argument with "file:line:column" or a JSON path for a broken file; conflict when the
  // video already has another transcript in that language and new_revision is not set.
  Result<ImportResult> import(const store::Principal& principal, std::string_view tenant, std::string_view content,
                              const ImportOptions& options, const store::RequestContext& request = {});

  // import() in two halves: prepare() parses and hashes (no database; thread-safe; errors as
  // import()'s for a broken file), import_prepared() does the transaction.
  static Result<PreparedImport> prepare(std::string_view content, const ImportOptions& options);
  Result<ImportResult> import_prepared(const store::Principal& principal, std::string_view tenant,
                                       PreparedImport prepared, const ImportOptions& options,
                                       const store::RequestContext& request = {});

  // Writes a stored transcript in `format` (vtt, srt or json). `tenant` may be empty for the
  // operator, who is then looked up from the transcript. Errors: not_found.
  Result<ExportResult> export_transcript(const store::Principal& principal, std::string_view tenant,
                                         const Uuid& transcript, formats::Format format,
                                         const ExportOptions& options = {},
                                         const store::RequestContext& request = {});

  // The same two inside a transaction the caller already opened and authorized (the API's
  // dispatcher, which commits): `scope` must allow writing (reading) transcripts; creating a video
  // (options.video unset) also checks writing videos for `principal`. The import's file is kept
  // under the scope's tenant. Errors: as import() and export_transcript().
  Result<ImportResult> import_in(store::Transaction& tx, const store::TenantScope& scope,
                                 const store::Principal& principal, std::string_view content,
                                 const ImportOptions& options, const store::RequestContext& request = {});
  Result<ExportResult> export_in(store::Transaction& tx, const store::TenantScope& scope, const Uuid& transcript,
                                 formats::Format format, const ExportOptions& options = {});

  // Reading and deleting stored transcripts, inside a transaction the caller opened with a scope
  // authorized for the permission named (the API's dispatcher, the CLI through in_tenant). They
  // need no content store, hence static.
  //
  // kTranscriptsRead. A video's transcripts, by language and revision. Errors: not_found (field
  // "video").
  static Result<std::vector<store::Transcript>> list_in(store::Transaction& tx, const store::TenantScope& scope,
                                                        const Uuid& video);
  // kTranscriptsRead. Errors: not_found (also another tenant's id).
  static Result<store::Transcript> get_in(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id);
  // kTranscriptsDelete. Deletes the transcript with its segments, writing its event and audit
  // record. Errors: not_found; conflict when a newer revision builds on it.
  static Status remove_in(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id);
  // kTranscriptsRead. Segments in order after query.after_ordinal, those overlapping [from_ms,
  // to_ms) and of one speaker when the query says so. Errors: not_found for the transcript;
  // invalid_argument naming "from_ms" when it is after to_ms, "limit" outside 1..kPageLimitMax.
  static Result<SegmentListing> segments_in(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id,
                                            const store::SegmentQuery& query);

  // Test seam: passed to each import's Transaction::set_before_commit, so a test can fail an
  // import after everything is written and before COMMIT and check that nothing is left.
  void set_before_commit_for_testing(std::function<Status()> hook) { before_commit_ = std::move(hook); }

 private:
  Result<ImportResult> import_document(store::Transaction& tx, const store::TenantScope& scope,
                                       const store::Principal& principal, const store::Tenant& tenant,
                                       PreparedImport prepared, const ImportOptions& options,
                                       const store::RequestContext& request);

  store::Database& database_;
  ContentStore content_;
  store::StoreContext context_;
  std::function<Status()> before_commit_;
};

// Word timings as stored in segments.words (compact JSON) and back.
std::string encode_words(const std::vector<formats::Word>& words);
Result<std::vector<formats::Word>> decode_words(std::string_view json);

}  // namespace narralytica::app
