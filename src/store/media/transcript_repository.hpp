// Transcripts with their segments and speakers. A transcript is written once, whole, in the
// caller's transaction (one event for the whole transcript, not one per segment); a correction
// is a new revision, never an update of segments. Re-writing the same content for the same video
// is a no-op that returns the existing transcript.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/media/video_repository.hpp"

namespace narralytica::store {

inline constexpr std::size_t kTranscriptSegmentsMax = 1'000'000;
inline constexpr std::size_t kSegmentTextLengthMax = 100'000;

struct SegmentDraft {
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::string text;
  std::string speaker_label;  // empty: no speaker
  std::optional<double> confidence;
  std::string words_json;  // compact JSON array of word timings; empty: none
};

struct TranscriptDraft {
  std::string language;
  std::string origin = "import";  // asr, human, import, edit
  std::optional<std::string> engine;
  std::optional<std::string> model;
  std::optional<std::string> model_version;
  std::optional<std::int64_t> attachment_id;
  // Speaker display names by label, for labels the source names (e.g. WebVTT voices).
  std::vector<std::pair<std::string, std::string>> speaker_names;
  std::vector<SegmentDraft> segments;
  // origin "edit": how many operations made this revision, for its event payload and audit details.
  std::optional<std::int64_t> edit_operations;
};

struct Transcript {
  std::int64_t id = 0;
  Uuid public_id;
  Uuid video_public_id;
  std::string language;
  int revision = 1;
  std::optional<Uuid> previous_public_id;
  std::string origin;
  std::optional<std::string> engine;
  std::optional<std::string> model;
  std::optional<std::string> model_version;
  std::string content_hash;  // hex SHA-256 of language and segments
  std::int64_t segment_count = 0;
  UnixMicros created_at = 0;
};

struct TranscriptWrite {
  Transcript transcript;
  bool created = false;  // false: the same content was already stored, nothing was written
};

// A speaker of one video (a diarization label or a named voice), optionally linked to a person
// (store/media/people_repository.hpp) who may speak in other videos too.
struct Speaker {
  std::int64_t id = 0;
  Uuid public_id;
  Uuid video_public_id;
  std::string label;
  std::optional<std::string> display_name;
  std::optional<Uuid> person_public_id;
  std::optional<std::string> person_name;
};

// A segment is identified by its transcript and ordinal (0-based, in time order as imported).
struct Segment {
  std::int64_t ordinal = 0;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::optional<Uuid> speaker_public_id;
  std::optional<std::string> speaker_label;
  std::string text;
  std::optional<double> confidence;
  std::optional<std::string> words_json;
};

struct SegmentQuery {
  std::optional<std::int64_t> after_ordinal;  // keyset cursor
  int limit = kPageLimitDefault;
  std::optional<std::int64_t> from_ms;  // segments ending at or after
  std::optional<std::int64_t> to_ms;    // segments starting before
  std::optional<Uuid> speaker_public_id;
};

struct SegmentPage {
  std::vector<Segment> items;
  std::optional<std::int64_t> next_after_ordinal;
};

// The content hash of a draft: what makes two imports "the same content".
std::string transcript_content_hash(const TranscriptDraft& draft);

class TranscriptRepository {
 public:
  // Stores the draft as the next revision of (video, language), with one event and audit record:
  // "transcript.created", or "transcript.edited" for origin "edit" (its payload also names the
  // previous revision). Errors: invalid_argument
  // naming the segment and field (e.g. "segments[12].end_ms"); nothing is written on error
  // (the caller's transaction rolls back).
  static Result<TranscriptWrite> create(Transaction& tx, const TenantScope& scope, const Video& video,
                                        const TranscriptDraft& draft);
  // Errors: not_found (also for another tenant's id).
  static Result<Transcript> get(Transaction& tx, const TenantScope& scope, const Uuid& public_id);
  // The transcript made from an attachment with this content (32-byte SHA-256), if any: an
  // import of the same file again finds it.
  static Result<std::optional<Transcript>> find_by_attachment(Transaction& tx, const TenantScope& scope,
                                                               std::string_view sha256);
  // The same, among `video`'s transcripts only: an upload to one video never answers with
  // another video's transcript.
  static Result<std::optional<Transcript>> find_by_attachment_on_video(Transaction& tx, const TenantScope& scope,
                                                                       const Video& video, std::string_view sha256);
  static Result<std::vector<Transcript>> list_for_video(Transaction& tx, const TenantScope& scope,
                                                        const Video& video);
  // Errors: not_found; conflict when a newer revision builds on this one.
  static Status remove(Transaction& tx, const TenantScope& scope, const Uuid& public_id);

  static Result<SegmentPage> segments(Transaction& tx, const TenantScope& scope,
                                      const Transcript& transcript, const SegmentQuery& query);

  static Result<std::vector<Speaker>> speakers(Transaction& tx, const TenantScope& scope, const Video& video);
  // How many segments the tenant stores, every revision counted: a size measure that costs one
  // aggregate over transcripts (reindex starts the largest tenants first).
  static Result<std::int64_t> segments_stored(Transaction& tx, const TenantScope& scope);
  // The public id of the tenant owning a transcript, for the operator's CLI, which may name a
  // transcript without its tenant. Errors: not_found.
  static Result<Uuid> tenant_of(Transaction& tx, const SystemScope& scope, const Uuid& transcript);
  // Sets a speaker's display name. Errors: not_found, invalid_argument.
  static Result<Speaker> rename_speaker(Transaction& tx, const TenantScope& scope, const Uuid& speaker,
                                        std::string_view display_name);
};

}  // namespace narralytica::store
