// The transcript domain model shared by every reader and writer in src/formats: a reader turns a
// file into a Document, a writer turns a Document back into a file. Plain data with std types only,
// so the store and the app layer can use it without pulling in any parser.
//
// Times are integer milliseconds from the start of the media. Readers convert seconds with
// std::llround(seconds * 1000.0), so a value never drifts however many times it is converted.
// Invariants every reader guarantees (and every writer expects):
//   0 <= start_ms <= end_ms <= limits::timestamp_ms_max, for segments, words and layer items;
//   segments are sorted by start_ms (stable: equal starts keep file order);
//   no segment has empty text and no words (such cues are dropped with a warning);
//   strings are valid UTF-8 without NUL characters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace narralytica::formats {

// Where a word's times came from. Stored with each word (segments.words) and kept by the
// Narralytica JSON export, so a reader can tell the engine's timing from an estimate.
enum class WordTiming : std::uint8_t {
  asr,           // the engine's own timing, as read
  // Spread between the word's timed neighbours: the engine gave it no time (WhisperX numbers and
  // symbols), or an edit changed or inserted it (app/word_alignment.hpp).
  interpolated,
  aligned,  // set by a forced aligner run over the media (none ships yet; stored data may say so)
};
// "asr", "interpolated", "aligned".
const char* to_string(WordTiming timing) noexcept;

// One recognised word with its own timing, when the source has word-level timestamps.
struct Word {
  std::string text;      // the word as written, trimmed, punctuation kept if the engine gave it
  int64_t start_ms = 0;  // inclusive start of the word
  int64_t end_ms = 0;    // end of the word, >= start_ms
  // 0..1 as reported by the engine (probability, score); absent if none.
  std::optional<double> confidence;
  WordTiming timing = WordTiming::asr;  // where start_ms and end_ms came from
  std::string speaker_label;  // diarization label of this word, empty when unknown
};

// One cue / utterance: a span of speech with its text.
struct Segment {
  int64_t start_ms = 0;
  int64_t end_ms = 0;  // >= start_ms
  std::string text;    // plain text, tags stripped, entities decoded; lines joined by '\n'
  // Speaker as the source names it ("A", "SPEAKER_00", "Alice"); may be empty.
  std::string speaker_label;
  std::optional<double> confidence;  // 0..1; absent if the source has none
  std::vector<Word> words;           // word timings, empty when the source has none
  std::string cue_id;                // WebVTT cue identifier or SRT index as written; may be empty
  // WebVTT cue settings after the timing ("align:start line:0"), verbatim; SRT position hints.
  std::string cue_settings;
};

// One annotation of a layer: a span of time, the segments it is attached to, and a JSON payload.
struct LayerItem {
  // The first and last (inclusive) segments overlapping [start_ms, end_ms], as indexes into
  // Document::segments. Both set or both empty; empty means the item overlaps no segment or
  // describes the whole document (for example a topic summary).
  std::optional<std::size_t> segment_index;
  std::optional<std::size_t> segment_index_last;
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  std::string payload_json;  // a compact JSON object, keys sorted, e.g. {"sentiment":"POSITIVE"}
};

// A versioned AI output over the transcript (sentiment, entities, chapters, topics...).
struct Layer {
  std::string kind;                // "sentiment", "entities", "chapters", "topics", ...
  std::string producer_name;       // who produced it, e.g. "assemblyai"
  std::string producer_version;    // version of that producer's model; may be empty
  std::string params_json = "{}";  // compact JSON object of the parameters the producer ran with
  std::vector<LayerItem> items;
};

// Something a reader kept, repaired or skipped that deserves a look (docs/formats.md lists them).
struct Warning {
  // Members have explicit initializers so designated initialisation stays warning-free on GCC 12.
  std::string message{};   // what was done and why: "cue skipped: expected ..., found ..."
  std::string source{};    // the file name used in positions; empty when not positioned
  std::size_t line = 0;    // 1-based line in a text file; 0 when the warning is about no one line
  std::size_t column = 0;  // 1-based, in characters; 0 when line is 0
  // "source:line:column: message" when positioned, else the message.
  std::string describe() const;
  bool operator==(const Warning&) const = default;
};

// A whole transcript as read from one file.
struct Document {
  // The format it was read from: "vtt", "srt", "whisper", ... (see to_string(Format)).
  std::string format;
  // BCP 47 / ISO 639 code as given by the source ("en", "en_us"); may be empty.
  std::string language;
  std::optional<int64_t> duration_ms;  // media duration declared by the source, if any
  // ASR engine ("openai-whisper", "whisperx", "assemblyai", "deepgram"); empty = unknown or human.
  std::string engine;
  std::string model;          // engine model name, may be empty
  std::string model_version;  // engine model version, may be empty
  // The engine's own id for this transcript (AssemblyAI "id", Deepgram "request_id").
  std::string external_id;
  std::vector<Segment> segments;
  std::vector<Layer> layers;
  // What was kept or repaired but deserves a look; at most limits::warnings_max + 1 entries.
  std::vector<Warning> warnings;
};

// Gives every word with timed[i] == false times spread evenly between its timed neighbours (or
// the segment bounds `start_ms`/`end_ms` at the edges; a zero-length slot at the left neighbour's
// end when the neighbours overlap), and sets their timing to WordTiming::interpolated. The
// readers use it for words the engine left untimed, edits for words they change or insert.
void interpolate_words(std::vector<Word>& words, const std::vector<bool>& timed, int64_t start_ms,
                       int64_t end_ms);

// Distinct non-empty speaker labels in order of first appearance (segments, then words).
std::vector<std::string> speaker_labels(const Document& document);

}  // namespace narralytica::formats
