// What conversation analytics reads and keeps: a transcript's segments read lean (times,
// speaker, text, word timings), a video's speakers with their persons, and the per-transcript
// measures the analytics projection stores (migration 0014, docs/decisions/0017). The measures
// themselves are computed elsewhere (src/analytics); this layer only moves their numbers.
//
// Persons are the people model's (migration 0012): a speaker is linked to at most one person
// through person_speakers. Every statement here that maps a speaker to its person uses the two
// fragments PERSON_OF_SPEAKER and SPEAKER_IS_PERSON of the .cpp.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/media/transcript_repository.hpp"

namespace narralytica::store {

struct ConversationSegment {
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::optional<std::int64_t> speaker_id;  // internal id
  std::string text;
};

// Sees the stored word timings of segment `index` (JSON, a view valid during the call only) while
// the segments are read, so that a 3-hour transcript's megabyte of word timings is decoded in
// place instead of copied first. Not called for a segment without word timings.
using ConversationWordsReader = std::function<Status(std::size_t index, std::string_view words_json)>;

struct PersonRef {
  std::int64_t id = 0;
  Uuid public_id;
  std::string name;  // display name, else label
};

struct ConversationSpeaker {
  std::int64_t id = 0;
  Uuid public_id;
  std::string label;
  std::optional<std::string> display_name;
  std::optional<PersonRef> person;
};

// One speaker's stored measures in one transcript (see analytics::SpeakerMeasures).
struct MeasuredSpeaker {
  std::int64_t transcript_id = 0;
  int slot = 0;
  std::optional<std::int64_t> speaker_id;
  std::int64_t talk_ms = 0, words = 0, turns = 0, turn_ms = 0, longest_turn_ms = 0, interruptions = 0,
               interrupted = 0, overlaps = 0, overlap_ms = 0, questions = 0;
  std::string offsets;  // little-endian int32 each
  // Filled by reads, for grouping and display:
  std::optional<Uuid> speaker_public_id;
  std::string speaker_label;
  std::optional<std::string> speaker_name;
  std::optional<PersonRef> person;
  Uuid video_public_id;
  std::string video_title;
  std::optional<UnixMicros> published_at;
};

// One transcript's stored measures (see analytics::TranscriptMeasures).
struct MeasuredTranscript {
  std::int64_t transcript_id = 0;
  std::int64_t video_id = 0;
  std::string timing;  // words, segments, mixed, none
  std::int64_t span_ms = 0, speech_ms = 0, overlap_ms = 0, turns = 0, speaker_changes = 0, talk_ms = 0, words = 0,
               interruptions = 0, overlaps = 0, questions = 0;
  std::string offsets;
  std::vector<MeasuredSpeaker> speakers;  // writes only
};

// Which videos a scoped read covers: all of the tenant's, narrowed by collection, tag and a
// half-open range of published dates [after, before) (videos without a date are then left out).
struct ConversationScope {
  std::optional<std::int64_t> collection_id;
  std::optional<std::string> tag;
  std::optional<UnixMicros> published_after;
  std::optional<UnixMicros> published_before;
  std::optional<std::int64_t> person_id;  // only transcripts where this person speaks
};

inline constexpr std::size_t kConversationRowsMax = 2'000'000;

class ConversationRepository {
 public:
  // Every segment of the transcript in ordinal order, their word timings handed to `on_words`.
  // Errors: database errors, and what `on_words` returns.
  static Result<std::vector<ConversationSegment>> segments(Transaction& tx, const TenantScope& scope,
                                                           const Transcript& transcript,
                                                           const ConversationWordsReader& on_words);
  // The video's speakers (by internal id) with their persons.
  static Result<std::vector<ConversationSpeaker>> speakers(Transaction& tx, const TenantScope& scope,
                                                           std::int64_t video_id);
  // A person by public id; a merged person's id gives the person it was merged into.
  // Errors: not_found (field "person").
  static Result<PersonRef> person(Transaction& tx, const TenantScope& scope, const Uuid& public_id);
  // The speaker by public id with its video. Errors: not_found (field "speaker").
  static Result<std::pair<ConversationSpeaker, Uuid>> speaker(Transaction& tx, const TenantScope& scope,
                                                              const Uuid& public_id);

  // Replaces the stored measures of `video_id` with `measured` (none: forgets the video).
  static Status replace_video(Transaction& tx, const TenantScope& scope, std::int64_t video_id,
                              const std::optional<MeasuredTranscript>& measured);
  // Forgets every stored measure of the tenant (a rebuild starts here).
  static Status clear(Transaction& tx, const TenantScope& scope);
  // The stored transcripts (without speakers) of the videos in scope.
  static Result<std::vector<MeasuredTranscript>> transcripts_in(Transaction& tx, const TenantScope& scope,
                                                                const ConversationScope& filter);
  // The stored speaker rows of the videos in scope (with filter.person_id: every speaker's rows
  // of the transcripts where the person speaks), with their speaker, person and video.
  static Result<std::vector<MeasuredSpeaker>> speakers_in(Transaction& tx, const TenantScope& scope,
                                                          const ConversationScope& filter);
  // The stored transcript ids of the tenant, for verification.
  static Result<std::vector<std::int64_t>> measured_transcripts(Transaction& tx, const TenantScope& scope);
};

}  // namespace narralytica::store
