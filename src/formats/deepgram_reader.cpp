// Deepgram reports seconds; utterances, when requested, are its own segmentation and are kept as
// they are. Without them, words are grouped by speaker turn so a file never becomes one huge
// segment.
#include "formats/deepgram_reader.hpp"

#include "formats/detail/finish.hpp"
#include "formats/detail/json_readers.hpp"
#include "formats/detail/text.hpp"
#include "formats/detail/words.hpp"
#include "formats/limits.hpp"

namespace narralytica::formats::detail {

namespace {

// "0"; with several channels "channel 1 speaker 0" (or "channel 1" without diarization), so two
// channels' speaker 0 are never taken for one person.
std::string label_for(const std::string& speaker, const std::string& channel, bool multichannel) {
  if (!multichannel) return clip_label(speaker);
  std::string label = "channel " + (channel.empty() ? std::string("0") : channel);
  if (!speaker.empty()) label += " speaker " + speaker;
  return clip_label(label);
}

Result<std::vector<Word>> read_words(const JsonSource& src, const Json& array, const JsonPath& path,
                                     const std::string& channel, bool multichannel) {
  RETURN_IF_ERROR(check_count(array.size(), limits::words_max, "words", path.str()));
  std::vector<Word> words;
  words.reserve(array.size());
  for (std::size_t j = 0; j < array.size(); ++j) {
    JsonPath word_path = path.at(j);
    ASSIGN_OR_RETURN(const Json* object, require_object(src, array[j], word_path));
    Word word;
    ASSIGN_OR_RETURN(std::string plain, string_member(src, *object, "word", word_path, true));
    ASSIGN_OR_RETURN(std::string punctuated,
                     string_member(src, *object, "punctuated_word", word_path, false));
    word.text = tidy_text(punctuated.empty() ? plain : punctuated);
    ASSIGN_OR_RETURN(word.start_ms, seconds_member(src, *object, "start", word_path));
    ASSIGN_OR_RETURN(word.end_ms, seconds_member(src, *object, "end", word_path));
    RETURN_IF_ERROR(check_time_order(src, word_path, *object, word.start_ms, word.end_ms));
    ASSIGN_OR_RETURN(word.confidence, confidence_member(src, *object, "confidence", word_path));
    ASSIGN_OR_RETURN(std::string speaker, string_member(src, *object, "speaker", word_path, false));
    word.speaker_label = label_for(speaker, channel, multichannel);
    words.push_back(std::move(word));
  }
  return words;
}

}  // namespace

Result<Document> read_deepgram_value(const JsonSource& src, const Json& root) {
  const JsonPath root_path;
  RETURN_IF_ERROR(require_object(src, root, root_path));
  Document document;
  document.format = to_string(Format::deepgram_json);
  document.engine = "deepgram";

  if (const Json* metadata = find(root, "metadata"); metadata != nullptr) {
    const JsonPath metadata_path = root_path.member("metadata");
    ASSIGN_OR_RETURN(const Json* object, require_object(src, *metadata, metadata_path));
    ASSIGN_OR_RETURN(document.duration_ms,
                     optional_seconds_member(src, *object, "duration", metadata_path));
    ASSIGN_OR_RETURN(document.external_id,
                     string_member(src, *object, "request_id", metadata_path, false));
    // model_info maps model uuids to {name, version, arch}; the first one names the model.
    if (const Json* info = find(*object, "model_info");
        info != nullptr && info->is_object() && !info->empty()) {
      const Json& first = info->begin().value();
      const JsonPath info_path = metadata_path.member("model_info");
      const JsonPath first_path = info_path.member(info->begin().key());
      ASSIGN_OR_RETURN(document.model, string_member(src, first, "name", first_path, false));
      ASSIGN_OR_RETURN(document.model_version,
                       string_member(src, first, "version", first_path, false));
    }
  }

  const Json* results_value = find(root, "results");
  const JsonPath results_path = root_path.member("results");
  if (results_value == nullptr) return json_error(src, results_path, "an object", nullptr);
  ASSIGN_OR_RETURN(const Json* results, require_object(src, *results_value, results_path));
  ASSIGN_OR_RETURN(const Json* channels,
                   array_member(src, *results, "channels", results_path, true));
  const JsonPath channels_path = results_path.member("channels");
  const bool multichannel = channels->size() > 1;
  if (!channels->empty()) {
    ASSIGN_OR_RETURN(const Json* first, require_object(src, (*channels)[0], channels_path.at(0)));
    ASSIGN_OR_RETURN(document.language,
                     string_member(src, *first, "detected_language", channels_path.at(0), false));
  }

  ASSIGN_OR_RETURN(const Json* utterances,
                   array_member(src, *results, "utterances", results_path, false));
  if (utterances != nullptr && !utterances->empty()) {
    const JsonPath utterances_path = results_path.member("utterances");
    RETURN_IF_ERROR(
        check_count(utterances->size(), limits::segments_max, "utterances", utterances_path.str()));
    for (std::size_t i = 0; i < utterances->size(); ++i) {
      JsonPath path = utterances_path.at(i);
      ASSIGN_OR_RETURN(const Json* object, require_object(src, (*utterances)[i], path));
      Segment segment;
      ASSIGN_OR_RETURN(segment.start_ms, seconds_member(src, *object, "start", path));
      ASSIGN_OR_RETURN(segment.end_ms, seconds_member(src, *object, "end", path));
      RETURN_IF_ERROR(check_time_order(src, path, *object, segment.start_ms, segment.end_ms));
      ASSIGN_OR_RETURN(std::string text, string_member(src, *object, "transcript", path, true));
      segment.text = tidy_text(text);
      ASSIGN_OR_RETURN(segment.confidence, confidence_member(src, *object, "confidence", path));
      ASSIGN_OR_RETURN(std::string speaker, string_member(src, *object, "speaker", path, false));
      ASSIGN_OR_RETURN(std::string channel, string_member(src, *object, "channel", path, false));
      segment.speaker_label = label_for(speaker, channel, multichannel);
      ASSIGN_OR_RETURN(segment.cue_id, string_member(src, *object, "id", path, false));
      segment.cue_id = clip_label(segment.cue_id);
      ASSIGN_OR_RETURN(const Json* words, array_member(src, *object, "words", path, false));
      if (words != nullptr) {
        ASSIGN_OR_RETURN(segment.words,
                         read_words(src, *words, path.member("words"), channel, multichannel));
      }
      document.segments.push_back(std::move(segment));
    }
  } else {
    for (std::size_t c = 0; c < channels->size(); ++c) {
      JsonPath channel_path = channels_path.at(c);
      ASSIGN_OR_RETURN(const Json* channel, require_object(src, (*channels)[c], channel_path));
      ASSIGN_OR_RETURN(const Json* alternatives,
                       array_member(src, *channel, "alternatives", channel_path, true));
      if (alternatives->empty()) continue;
      const JsonPath alternatives_path = channel_path.member("alternatives");
      const JsonPath alternative_path = alternatives_path.at(0);
      ASSIGN_OR_RETURN(const Json* alternative,
                       require_object(src, (*alternatives)[0], alternative_path));
      ASSIGN_OR_RETURN(const Json* words,
                       array_member(src, *alternative, "words", alternative_path, false));
      std::vector<Word> channel_words;
      if (words != nullptr) {
        ASSIGN_OR_RETURN(channel_words, read_words(src, *words, alternative_path.member("words"),
                                                   std::to_string(c), multichannel));
      }
      if (channel_words.empty()) {
        ASSIGN_OR_RETURN(std::string transcript,
                         string_member(src, *alternative, "transcript", alternative_path, false));
        if (!tidy_text(transcript).empty()) {
          Segment segment;
          segment.end_ms = document.duration_ms.value_or(0);
          segment.text = tidy_text(transcript);
          segment.speaker_label = label_for("", std::to_string(c), multichannel);
          document.segments.push_back(std::move(segment));
          add_warning(document, "channel " + std::to_string(c) +
                                    " has a transcript but no words; it is one segment");
        }
        continue;
      }
      for (Segment& segment : group_words(std::move(channel_words))) {
        document.segments.push_back(std::move(segment));
      }
    }
  }
  RETURN_IF_ERROR(finish_document(document, src.source));
  return document;
}

}  // namespace narralytica::formats::detail

namespace narralytica::formats {

Result<Document> read_deepgram(std::string_view content, const ReadOptions& options) {
  detail::JsonSource src{content, options.source_name};
  ASSIGN_OR_RETURN(detail::Json root, detail::check_and_parse(src));
  return detail::read_deepgram_value(src, root);
}

}  // namespace narralytica::formats
