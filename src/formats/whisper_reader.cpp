// Whisper verbose_json and WhisperX share the segment list; WhisperX adds speakers, word scores,
// and words without times, which are interpolated rather than dropped so no spoken word is lost.
// whisper-timestamped is Whisper with its own names for a word's text and confidence.
#include "formats/whisper_reader.hpp"

#include <algorithm>
#include <cmath>

#include "formats/detail/finish.hpp"
#include "formats/detail/json_readers.hpp"
#include "formats/detail/text.hpp"
#include "formats/detail/whisper_fast.hpp"
#include "formats/detail/words.hpp"
#include "formats/limits.hpp"

namespace narralytica::formats::detail {

namespace {

// Reads a words[] array. For WhisperX a word may lack start/end: timed[i] says which have them.
// whisper-timestamped names a word's text "text" and its probability "confidence"; each is read
// when the engine's own name ("word"; "probability" or "score") is absent, and `timestamped` is
// set when a word's text came from "text".
Status read_words(const JsonSource& src, const Json& array, const JsonPath& path, bool whisperx,
                  std::vector<Word>& words, std::vector<bool>& timed, bool& timestamped) {
  RETURN_IF_ERROR(check_count(array.size(), limits::words_max, "words", path.str()));
  words.reserve(array.size());
  timed.reserve(array.size());
  for (std::size_t j = 0; j < array.size(); ++j) {
    JsonPath word_path = path.at(j);
    ASSIGN_OR_RETURN(const Json* object, require_object(src, array[j], word_path));
    Word word;
    const bool text_named_text = find(*object, "word") == nullptr && find(*object, "text") != nullptr;
    timestamped |= text_named_text;
    ASSIGN_OR_RETURN(std::string text,
                     string_member(src, *object, text_named_text ? "text" : "word", word_path, true));
    word.text = tidy_text(text);
    bool has_start = find(*object, "start") != nullptr;
    bool has_end = find(*object, "end") != nullptr;
    if (!whisperx || (has_start && has_end)) {
      ASSIGN_OR_RETURN(word.start_ms, seconds_member(src, *object, "start", word_path));
      ASSIGN_OR_RETURN(word.end_ms, seconds_member(src, *object, "end", word_path));
      RETURN_IF_ERROR(check_time_order(src, word_path, *object, word.start_ms, word.end_ms));
      timed.push_back(true);
    } else {
      timed.push_back(false);
    }
    const char* confidence_key = whisperx ? "score" : "probability";
    if (find(*object, confidence_key) == nullptr) confidence_key = "confidence";
    ASSIGN_OR_RETURN(word.confidence, confidence_member(src, *object, confidence_key, word_path));
    ASSIGN_OR_RETURN(word.speaker_label, string_member(src, *object, "speaker", word_path, false));
    word.speaker_label = clip_label(word.speaker_label);
    words.push_back(std::move(word));
  }
  return ok_status();
}

}  // namespace

Result<Document> read_whisper_value(const JsonSource& src, const Json& root, bool whisperx) {
  const JsonPath root_path;
  RETURN_IF_ERROR(require_object(src, root, root_path));
  Document document;
  document.format = to_string(whisperx ? Format::whisperx_json : Format::whisper_json);
  document.engine = whisperx ? "whisperx" : "openai-whisper";
  ASSIGN_OR_RETURN(document.language, string_member(src, root, "language", root_path, false));
  ASSIGN_OR_RETURN(document.duration_ms, optional_seconds_member(src, root, "duration", root_path));
  ASSIGN_OR_RETURN(document.model, string_member(src, root, "model", root_path, false));

  ASSIGN_OR_RETURN(const Json* segments, array_member(src, root, "segments", root_path, true));
  const JsonPath segments_path = root_path.member("segments");
  RETURN_IF_ERROR(
      check_count(segments->size(), limits::segments_max, "segments", segments_path.str()));
  document.segments.reserve(segments->size());
  std::size_t untimed_words = 0;
  bool any_words = false;
  bool timestamped = false;
  for (std::size_t i = 0; i < segments->size(); ++i) {
    JsonPath path = segments_path.at(i);
    ASSIGN_OR_RETURN(const Json* object, require_object(src, (*segments)[i], path));
    Segment segment;
    ASSIGN_OR_RETURN(segment.start_ms, seconds_member(src, *object, "start", path));
    ASSIGN_OR_RETURN(segment.end_ms, seconds_member(src, *object, "end", path));
    RETURN_IF_ERROR(check_time_order(src, path, *object, segment.start_ms, segment.end_ms));
    ASSIGN_OR_RETURN(std::string text, string_member(src, *object, "text", path, true));
    segment.text = tidy_text(text);
    ASSIGN_OR_RETURN(std::string speaker, string_member(src, *object, "speaker", path, false));
    segment.speaker_label = clip_label(speaker);
    ASSIGN_OR_RETURN(std::optional<double> avg_logprob,
                     optional_number_member(src, *object, "avg_logprob", path));
    if (avg_logprob) {
      // exp of the mean log-probability is the geometric mean token probability, a 0..1 figure
      // comparable with the other engines' confidences.
      segment.confidence = std::clamp(std::exp(*avg_logprob), 0.0, 1.0);
    }
    // whisper-timestamped's own segment confidence (0..1), when it gives one, is the better figure.
    ASSIGN_OR_RETURN(std::optional<double> own_confidence,
                     confidence_member(src, *object, "confidence", path));
    if (own_confidence) segment.confidence = own_confidence;
    ASSIGN_OR_RETURN(const Json* words, array_member(src, *object, "words", path, false));
    if (words != nullptr) {
      std::vector<bool> timed;
      RETURN_IF_ERROR(
          read_words(src, *words, path.member("words"), whisperx, segment.words, timed, timestamped));
      untimed_words += static_cast<std::size_t>(std::count(timed.begin(), timed.end(), false));
      interpolate_words(segment.words, timed, segment.start_ms, segment.end_ms);
      any_words |= !segment.words.empty();
    }
    document.segments.push_back(std::move(segment));
  }

  // Word timings outside the segments: the OpenAI API's top-level words[] (timestamp
  // granularity "word") or WhisperX's word_segments[]. Used only when no segment has words.
  const char* flat_key = whisperx ? "word_segments" : "words";
  ASSIGN_OR_RETURN(const Json* flat, array_member(src, root, flat_key, root_path, false));
  std::vector<Word> words;
  std::vector<bool> timed;
  if (!any_words && flat != nullptr && !flat->empty()) {
    RETURN_IF_ERROR(read_words(src, *flat, root_path.member(flat_key), whisperx, words, timed, timestamped));
  }
  if (timestamped && !whisperx) document.engine = "whisper-timestamped";
  finish_whisper_words(document, std::move(words), timed, untimed_words);
  RETURN_IF_ERROR(finish_document(document, src.source));
  return document;
}

}  // namespace narralytica::formats::detail

namespace narralytica::formats {

namespace {

// The fast path when the file is of the usual shape (detail/whisper_fast.hpp), else the DOM.
Result<Document> read_either(std::string_view content, const ReadOptions& options, bool whisperx) {
  RETURN_IF_ERROR(detail::check_input(content, options.source_name, /*check_lines=*/false));
  if (auto fast = detail::read_whisper_fast(content, options.source_name,
                                            whisperx ? Format::whisperx_json : Format::whisper_json)) {
    return std::move(*fast);
  }
  detail::JsonSource src{content, options.source_name};
  ASSIGN_OR_RETURN(detail::Json root, detail::parse_json(src));
  return detail::read_whisper_value(src, root, whisperx);
}

}  // namespace

Result<Document> read_whisper(std::string_view content, const ReadOptions& options) {
  return read_either(content, options, /*whisperx=*/false);
}

Result<Document> read_whisperx(std::string_view content, const ReadOptions& options) {
  return read_either(content, options, /*whisperx=*/true);
}

}  // namespace narralytica::formats
