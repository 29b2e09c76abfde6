// Conversation analytics as pure functions: a transcript's segments (with word timings where it
// has them) in, its measures per speaker and per speaker pair out; and the sums that combine
// transcripts into a video, a person, a collection or a tenant. No database, no I/O, no
// allocation beyond the result. docs/analytics.md defines every measure with its formula and a
// worked example; the comments here only say where each one is computed.
//
// Thread-safety: stateless functions; the structs are plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace narralytica::analytics {

inline constexpr std::int64_t kOverlapThresholdMsDefault = 200;
inline constexpr std::int64_t kYieldWindowMsDefault = 2000;
inline constexpr std::int64_t kThresholdMsMax = 60'000;

struct Options {
  // A turn that starts inside another speaker's turn counts (as an overlap or an interruption)
  // only when the two overlap by more than this.
  std::int64_t overlap_threshold_ms = kOverlapThresholdMsDefault;
  // An overlapping turn is an interruption when the earlier speaker stops within this of its start
  // (and the new turn goes on after they stop).
  std::int64_t yield_window_ms = kYieldWindowMsDefault;
  // The transcript's language (BCP 47): Greek also ends a question with ';'.
  std::string_view language;
};

struct WordTime {
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
};

// One segment. `speaker` is the speaker's slot in the transcript (0..speaker_slots-1), or -1 for
// a segment without a speaker (measured as one more slot, the last).
struct Utterance {
  int speaker = -1;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::string_view text;
  std::span<const WordTime> words;  // empty: the segment has no word timings
};

// Additive per-speaker measures: the sums over transcripts are the measures over them.
struct SpeakerMeasures {
  std::int64_t talk_ms = 0;          // union of the speaker's speech intervals
  std::int64_t words = 0;
  std::int64_t turns = 0;
  std::int64_t turn_ms = 0;          // sum of turn durations (for the average monologue)
  std::int64_t longest_turn_ms = 0;  // combines by max, not sum
  std::int64_t interruptions = 0;    // turns of this speaker that interrupted another
  std::int64_t interrupted = 0;      // times another speaker interrupted this one
  std::int64_t overlaps = 0;         // turns of this speaker that overlapped another without interrupting
  std::int64_t overlap_ms = 0;       // time this speaker spoke while another also spoke
  std::int64_t questions = 0;
  std::vector<std::int32_t> offsets_ms;  // floor-transfer offset each time this speaker took the floor

  void add(const SpeakerMeasures& other);
};

struct PairMeasures {
  int from = 0;  // slots
  int to = 0;
  std::vector<std::int32_t> offsets_ms;  // at each change from `from` to `to`, in time order
};

enum class Timing { none, words, segments, mixed };
std::string_view timing_name(Timing timing);

struct TranscriptMeasures {
  Timing timing = Timing::none;
  std::int64_t span_ms = 0;     // first speech start to last speech end
  std::int64_t speech_ms = 0;   // union of everyone's speech intervals
  std::int64_t overlap_ms = 0;  // time two or more speakers spoke at once
  std::int64_t turns = 0;
  std::int64_t speaker_changes = 0;
  std::vector<std::int32_t> offsets_ms;  // every floor-transfer offset, in time order
  // Indexed by slot; the last slot holds the segments without a speaker when there are any.
  std::vector<SpeakerMeasures> speakers;
  std::vector<PairMeasures> pairs;  // by (from, to)
};

// The measures of one transcript. `speaker_slots` is the number of speakers; utterances with
// speaker -1 are measured in slot `speaker_slots` (then speakers.size() == speaker_slots + 1).
// Utterances may come in any order; they are taken in time order (start, then as given).
TranscriptMeasures measure_transcript(std::span<const Utterance> utterances, int speaker_slots,
                                      const Options& options);

// Words of a segment without word timings: runs of characters between white space.
std::int64_t count_words(std::string_view text);
// Questions in a segment's text: sentences whose closing punctuation includes a question mark
// ('?', U+FF1F, U+061F; for Greek also ';' and U+037E).
std::int64_t count_questions(std::string_view text, std::string_view language);

// Sums of many transcripts (or of a speaker's rows across transcripts).
struct ConversationTotals {
  std::int64_t transcripts = 0;
  std::int64_t span_ms = 0;
  std::int64_t speech_ms = 0;
  std::int64_t overlap_ms = 0;
  std::int64_t turns = 0;
  std::int64_t speaker_changes = 0;
  std::vector<std::int32_t> offsets_ms;
  SpeakerMeasures everyone;  // the sum of every speaker's measures

  void add(const TranscriptMeasures& transcript);
  std::int64_t silence_ms() const { return span_ms > speech_ms ? span_ms - speech_ms : 0; }
};

// Derived measures, from sums (so that they are the same however the sums were grouped).
double share(std::int64_t part, std::int64_t whole);  // 0 when whole is 0
double words_per_minute(const SpeakerMeasures& m);     // words / talk minutes; 0 without talk
double average_turn_ms(const SpeakerMeasures& m);      // turn_ms / turns; 0 without turns
// The median of the values (the mean of the two middle ones for an even count); nullopt if none.
std::optional<double> median(std::vector<std::int32_t> values);

// Offsets as stored by the projection: little-endian int32 each.
std::string encode_offsets(std::span<const std::int32_t> offsets);
// Appends the decoded offsets to `out`; a trailing partial value is ignored.
void decode_offsets(std::string_view bytes, std::vector<std::int32_t>& out);

}  // namespace narralytica::analytics
