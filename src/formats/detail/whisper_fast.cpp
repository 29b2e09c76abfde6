// The Whisper/WhisperX fast path (see the header): a strict one-pass JSON reader for the shapes
// these engines write, building the Document exactly as read_whisper_value() does from the DOM.
// Every `return false` / nullopt below means "not sure": the DOM reader then decides.
#include "formats/detail/whisper_fast.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/json_cursor.hpp"
#include "formats/detail/finish.hpp"
#include "formats/detail/text.hpp"
#include "formats/detail/words.hpp"
#include "formats/limits.hpp"

namespace narralytica::formats::detail {
namespace {

// How many segments detection looks at (as detect_json in read.cpp).
constexpr std::size_t kSegmentsInspected = 8;
// Nesting allowed inside a skipped value: the known levels above it (root, segments, segment,
// words, word) plus this stay under limits::json_depth_max, so the fast path never accepts what
// parse_json() refuses as too deep.
constexpr std::size_t kSkipDepthMax = limits::json_depth_max - 8;

// A member's key (the engines write none with escapes) and its colon.
bool read_key(JsonCursor& in, std::string_view& key) { return in.raw_string(key) && in.eat(':'); }

// Seconds to milliseconds as to_ms() in json.cpp does, or false where it would refuse.
bool seconds_to_checked_ms(double seconds, int64_t& out) {
  if (!std::isfinite(seconds) || seconds < 0) return false;
  const double ms = seconds * 1000.0;
  if (ms > static_cast<double>(limits::timestamp_ms_max)) return false;
  out = static_cast<int64_t>(std::llround(ms));
  return true;
}

bool confidence(JsonCursor& in, std::optional<double>& out) {
  double value = 0;
  if (!in.number(value) || !(value >= 0.0 && value <= 1.0)) return false;
  out = value;
  return true;
}

struct RawWord {
  Word word;
  bool has_start = false, has_end = false;
  bool text_named_text = false;  // whisper-timestamped: the text came from "text", not "word"
  std::optional<double> score, probability;
  std::optional<double> timestamped_confidence;  // whisper-timestamped's "confidence"
};

struct RawSegment {
  Segment segment;
  bool has_start = false, has_end = false, has_text = false, has_speaker = false;
  bool has_words = false;         // a words array (null is refused)
  bool first_word_scored = false; // words[0] has "score" (detection)
  std::optional<double> own_confidence;  // whisper-timestamped's segment "confidence"
  std::vector<RawWord> words;
};

// Sets bit `bit` of `seen`; false when it was set already (a duplicate key: nlohmann keeps the
// last one, which is not worth reproducing here).
bool first_time(unsigned& seen, unsigned bit) {
  if (seen & (1u << bit)) return false;
  seen |= 1u << bit;
  return true;
}

bool read_word(JsonCursor& in, RawWord& raw) {
  if (!in.eat('{')) return false;
  unsigned seen = 0;
  std::string text;
  std::optional<std::string> timestamped_text;  // "text", used when there is no "word"
  if (in.eat('}')) return false;  // "word" (or "text") is required
  do {
    std::string_view key;
    if (!read_key(in, key)) return false;
    if (key == "word") {
      if (!first_time(seen, 0) || !in.string(text)) return false;
      raw.word.text = tidy_text(text);
    } else if (key == "start") {
      double seconds = 0;
      if (!first_time(seen, 1) || !in.number(seconds) || !seconds_to_checked_ms(seconds, raw.word.start_ms)) return false;
      raw.has_start = true;
    } else if (key == "end") {
      double seconds = 0;
      if (!first_time(seen, 2) || !in.number(seconds) || !seconds_to_checked_ms(seconds, raw.word.end_ms)) return false;
      raw.has_end = true;
    } else if (key == "score") {
      if (!first_time(seen, 3) || !confidence(in, raw.score)) return false;
    } else if (key == "probability") {
      if (!first_time(seen, 4) || !confidence(in, raw.probability)) return false;
    } else if (key == "speaker") {
      if (!first_time(seen, 5) || !in.string(text)) return false;
      raw.word.speaker_label = clip_label(text);
    } else if (key == "text") {
      if (!first_time(seen, 6) || !in.string(text)) return false;
      timestamped_text = std::move(text);
    } else if (key == "confidence") {
      if (!first_time(seen, 7) || !confidence(in, raw.timestamped_confidence)) return false;
    } else if (!in.skip_value(kSkipDepthMax)) {
      return false;
    }
  } while (in.eat(','));
  if ((seen & 1u) == 0) {
    if (!timestamped_text) return false;
    raw.word.text = tidy_text(*timestamped_text);
    raw.text_named_text = true;
  }
  return in.eat('}');
}

bool read_words(JsonCursor& in, std::vector<RawWord>& words) {
  if (!in.eat('[')) return false;
  if (in.eat(']')) return true;
  do {
    if (words.size() >= limits::words_max) return false;
    words.emplace_back();
    if (!read_word(in, words.back())) return false;
  } while (in.eat(','));
  return in.eat(']');
}

bool read_segment(JsonCursor& in, RawSegment& raw) {
  if (!in.eat('{')) return false;
  if (in.eat('}')) return false;  // start, end and text are required
  unsigned seen = 0;
  std::string text;
  do {
    std::string_view key;
    if (!read_key(in, key)) return false;
    if (key == "start") {
      double seconds = 0;
      if (!first_time(seen, 0) || !in.number(seconds) || !seconds_to_checked_ms(seconds, raw.segment.start_ms)) return false;
      raw.has_start = true;
    } else if (key == "end") {
      double seconds = 0;
      if (!first_time(seen, 1) || !in.number(seconds) || !seconds_to_checked_ms(seconds, raw.segment.end_ms)) return false;
      raw.has_end = true;
    } else if (key == "text") {
      if (!first_time(seen, 2) || !in.string(text)) return false;
      raw.segment.text = tidy_text(text);
      raw.has_text = true;
    } else if (key == "speaker") {
      if (!first_time(seen, 3) || !in.string(text)) return false;
      raw.segment.speaker_label = clip_label(text);
      raw.has_speaker = true;
    } else if (key == "avg_logprob") {
      double value = 0;
      if (!first_time(seen, 4) || !in.number(value)) return false;
      // As read_whisper_value: the geometric mean token probability, 0..1.
      raw.segment.confidence = std::clamp(std::exp(value), 0.0, 1.0);
    } else if (key == "words") {
      if (!first_time(seen, 5) || !read_words(in, raw.words)) return false;
      raw.has_words = true;
      raw.first_word_scored = !raw.words.empty() && raw.words.front().score.has_value();
    } else if (key == "confidence") {
      if (!first_time(seen, 6) || !confidence(in, raw.own_confidence)) return false;
    } else if (!in.skip_value(kSkipDepthMax)) {
      return false;
    }
  } while (in.eat(','));
  return raw.has_start && raw.has_end && raw.has_text && raw.segment.end_ms >= raw.segment.start_ms &&
         in.eat('}');
}

// The words of one list as read_words() in whisper_reader.cpp makes them; false where it would
// refuse. Sets `timestamped` when a word's text came from whisper-timestamped's "text".
bool finish_words(std::vector<RawWord>& raw, bool whisperx, std::vector<Word>& words, std::vector<bool>& timed,
                  bool& timestamped) {
  words.reserve(raw.size());
  timed.reserve(raw.size());
  for (RawWord& r : raw) {
    if (!whisperx || (r.has_start && r.has_end)) {
      if (!r.has_start || !r.has_end || r.word.end_ms < r.word.start_ms) return false;
      timed.push_back(true);
    } else {
      r.word.start_ms = 0;
      r.word.end_ms = 0;
      timed.push_back(false);
    }
    const std::optional<double>& own = whisperx ? r.score : r.probability;
    r.word.confidence = own ? own : r.timestamped_confidence;
    timestamped |= r.text_named_text;
    words.push_back(std::move(r.word));
  }
  return true;
}

}  // namespace

std::optional<Document> read_whisper_fast(std::string_view content, std::string_view source,
                                          std::optional<Format> format) {
  if (format && *format != Format::whisper_json && *format != Format::whisperx_json) return std::nullopt;
  if (content.size() > limits::json_input_bytes_max) return std::nullopt;
  JsonCursor in(content);
  in.p += bom_length(content);
  if (!in.eat('{') || in.eat('}')) return std::nullopt;

  Document document;
  std::vector<RawSegment> segments;
  std::vector<RawWord> flat_words, flat_word_segments;
  bool has_word_segments = false, has_flat_words = false, has_segments = false;
  unsigned seen = 0;
  std::string text;
  do {
    std::string_view key;
    if (!read_key(in, key)) return std::nullopt;
    if (key == "language") {
      if (!first_time(seen, 0) || !in.string(document.language)) return std::nullopt;
    } else if (key == "duration") {
      double seconds = 0;
      int64_t ms = 0;
      if (!first_time(seen, 1) || !in.number(seconds) || !seconds_to_checked_ms(seconds, ms)) return std::nullopt;
      document.duration_ms = ms;
    } else if (key == "model") {
      if (!first_time(seen, 2) || !in.string(document.model)) return std::nullopt;
    } else if (key == "segments") {
      if (!first_time(seen, 3) || !in.eat('[')) return std::nullopt;
      has_segments = true;
      if (!in.eat(']')) {
        do {
          if (segments.size() >= limits::segments_max) return std::nullopt;
          segments.emplace_back();
          if (!read_segment(in, segments.back())) return std::nullopt;
        } while (in.eat(','));
        if (!in.eat(']')) return std::nullopt;
      }
    } else if (key == "word_segments") {
      if (!first_time(seen, 4) || !read_words(in, flat_word_segments)) return std::nullopt;
      has_word_segments = true;
    } else if (key == "words") {
      if (!first_time(seen, 5) || !read_words(in, flat_words)) return std::nullopt;
      has_flat_words = true;
    } else if (key == "format" || key == "results" || key == "utterances" || key == "audio_duration" ||
               key == "language_code" || key == "audio_url") {
      return std::nullopt;  // another engine's JSON (or one detection would weigh differently)
    } else if (!in.skip_value(kSkipDepthMax)) {
      return std::nullopt;
    }
  } while (in.eat(','));
  if (!in.eat('}') || !in.at_end() || !has_segments) return std::nullopt;

  // Detection, as detect_json() in read.cpp.
  bool whisperx = false;
  if (format) {
    whisperx = *format == Format::whisperx_json;
  } else {
    whisperx = has_word_segments;
    for (std::size_t i = 0; i < segments.size() && i < kSegmentsInspected && !whisperx; ++i) {
      whisperx = segments[i].has_speaker || segments[i].first_word_scored;
    }
  }
  (void)has_flat_words;

  // The document, as read_whisper_value() builds it.
  document.format = to_string(whisperx ? Format::whisperx_json : Format::whisper_json);
  document.engine = whisperx ? "whisperx" : "openai-whisper";
  document.segments.reserve(segments.size());
  std::size_t untimed_words = 0;
  bool any_words = false;
  bool timestamped = false;
  for (RawSegment& raw : segments) {
    Segment segment = std::move(raw.segment);
    if (raw.own_confidence) segment.confidence = raw.own_confidence;
    if (raw.has_words) {
      std::vector<bool> timed;
      if (!finish_words(raw.words, whisperx, segment.words, timed, timestamped)) return std::nullopt;
      untimed_words += static_cast<std::size_t>(std::count(timed.begin(), timed.end(), false));
      interpolate_words(segment.words, timed, segment.start_ms, segment.end_ms);
      any_words |= !segment.words.empty();
    }
    std::vector<RawWord>().swap(raw.words);
    document.segments.push_back(std::move(segment));
  }
  std::vector<RawWord>& flat = whisperx ? flat_word_segments : flat_words;
  std::vector<Word> words;
  std::vector<bool> timed;
  if (!any_words && !finish_words(flat, whisperx, words, timed, timestamped)) return std::nullopt;
  if (timestamped && !whisperx) document.engine = "whisper-timestamped";
  finish_whisper_words(document, std::move(words), timed, untimed_words);
  if (!finish_document(document, source).ok()) return std::nullopt;
  return document;
}

}  // namespace narralytica::formats::detail
