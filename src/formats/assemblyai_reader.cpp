// AssemblyAI gives times in milliseconds already; its analysis results (sentiment, entities,
// chapters, topics) become layers so they are stored, versioned, beside the segments they
// describe instead of being thrown away at import.
#include "formats/assemblyai_reader.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>

#include "formats/detail/finish.hpp"
#include "formats/detail/json_readers.hpp"
#include "formats/detail/text.hpp"
#include "formats/detail/words.hpp"
#include "formats/limits.hpp"

namespace narralytica::formats::detail {

namespace {

constexpr const char* kProducer = "assemblyai";

Result<std::vector<Word>> read_words(const JsonSource& src, const Json& array,
                                     const JsonPath& path) {
  RETURN_IF_ERROR(check_count(array.size(), limits::words_max, "words", path.str()));
  std::vector<Word> words;
  words.reserve(array.size());
  for (std::size_t j = 0; j < array.size(); ++j) {
    JsonPath word_path = path.at(j);
    ASSIGN_OR_RETURN(const Json* object, require_object(src, array[j], word_path));
    Word word;
    ASSIGN_OR_RETURN(std::string text, string_member(src, *object, "text", word_path, true));
    word.text = tidy_text(text);
    ASSIGN_OR_RETURN(word.start_ms, ms_member(src, *object, "start", word_path));
    ASSIGN_OR_RETURN(word.end_ms, ms_member(src, *object, "end", word_path));
    RETURN_IF_ERROR(check_time_order(src, word_path, *object, word.start_ms, word.end_ms));
    ASSIGN_OR_RETURN(word.confidence, confidence_member(src, *object, "confidence", word_path));
    ASSIGN_OR_RETURN(std::string speaker, string_member(src, *object, "speaker", word_path, false));
    word.speaker_label = clip_label(speaker);
    words.push_back(std::move(word));
  }
  return words;
}

// AssemblyAI's sentiment {sentiment: "NEGATIVE", confidence} as Narralytica's built-in
// sentiment {label: "negative", score}.
Result<Json> sentiment_value(const JsonSource& src, const Json& object, const JsonPath& path) {
  ASSIGN_OR_RETURN(std::string sentiment, string_member(src, object, "sentiment", path, true));
  std::transform(sentiment.begin(), sentiment.end(), sentiment.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (sentiment != "positive" && sentiment != "neutral" && sentiment != "negative") {
    return json_error(src, path.member("sentiment"), "POSITIVE, NEUTRAL or NEGATIVE", find(object, "sentiment"));
  }
  ASSIGN_OR_RETURN(std::optional<double> confidence, confidence_member(src, object, "confidence", path));
  if (!confidence) return json_error(src, path.member("confidence"), "a confidence from 0 to 1", nullptr);
  return Json{{"label", sentiment}, {"score", *confidence}};
}

// A topic's labels [{label, relevance}] as the built-in topics [{label, score}].
Result<Json> topics_value(const JsonSource& src, const Json& object, const JsonPath& path) {
  ASSIGN_OR_RETURN(const Json* labels, array_member(src, object, "labels", path, true));
  Json topics = Json::array();
  const JsonPath labels_path = path.member("labels");  // a JsonPath points at its parent: keep it alive
  for (std::size_t i = 0; i < labels->size(); ++i) {
    const JsonPath label_path = labels_path.at(i);
    ASSIGN_OR_RETURN(const Json* label, require_object(src, (*labels)[i], label_path));
    ASSIGN_OR_RETURN(std::string name, string_member(src, *label, "label", label_path, true));
    ASSIGN_OR_RETURN(std::optional<double> relevance, confidence_member(src, *label, "relevance", label_path));
    if (!relevance) return json_error(src, label_path.member("relevance"), "a relevance from 0 to 1", nullptr);
    topics.push_back(Json{{"label", name}, {"score", *relevance}});
  }
  return topics;
}

// One layer item from an element with start/end (ms) or timestamp{start,end}. Sentiment and
// topics become Narralytica's built-in shapes; other kinds keep the element without its times,
// so every field AssemblyAI adds later is kept too.
Result<LayerItem> read_item(const JsonSource& src, const Json& element, const JsonPath& path,
                            const std::string& kind) {
  ASSIGN_OR_RETURN(const Json* object, require_object(src, element, path));
  const Json* times = object;
  JsonPath times_path = path;
  const Json* timestamp = find(*object, "timestamp");
  if (timestamp != nullptr) {
    times_path = path.member("timestamp");
    ASSIGN_OR_RETURN(times, require_object(src, *timestamp, times_path));
  }
  LayerItem item;
  ASSIGN_OR_RETURN(item.start_ms, ms_member(src, *times, "start", times_path));
  ASSIGN_OR_RETURN(item.end_ms, ms_member(src, *times, "end", times_path));
  RETURN_IF_ERROR(check_time_order(src, times_path, *times, item.start_ms, item.end_ms));
  Json payload;
  if (kind == "sentiment") {
    ASSIGN_OR_RETURN(payload, sentiment_value(src, *object, path));
  } else if (kind == "topics") {
    ASSIGN_OR_RETURN(payload, topics_value(src, *object, path));
  } else {
    payload = *object;
    payload.erase("start");
    payload.erase("end");
    payload.erase("timestamp");
  }
  item.payload_json = payload.dump();
  return item;
}

Result<std::optional<Layer>> read_layer(const JsonSource& src, const Json& array,
                                        const JsonPath& path, std::string kind,
                                        const std::string& model) {
  if (array.empty()) return std::optional<Layer>();
  RETURN_IF_ERROR(check_count(array.size(), limits::layer_items_max, "layer items", path.str()));
  Layer layer;
  layer.kind = std::move(kind);
  layer.producer_name = kProducer;
  layer.producer_version = model;
  layer.items.reserve(array.size());
  for (std::size_t i = 0; i < array.size(); ++i) {
    ASSIGN_OR_RETURN(LayerItem item, read_item(src, array[i], path.at(i), layer.kind));
    layer.items.push_back(std::move(item));
  }
  return std::optional<Layer>(std::move(layer));
}

}  // namespace

Result<Document> read_assemblyai_value(const JsonSource& src, const Json& root) {
  const JsonPath root_path;
  RETURN_IF_ERROR(require_object(src, root, root_path));
  ASSIGN_OR_RETURN(std::string status, string_member(src, root, "status", root_path, false));
  if (!status.empty() && status != "completed") {
    std::string expected = "a completed transcript (status \"completed\")";
    if (status == "error") {
      ASSIGN_OR_RETURN(std::string reason, string_member(src, root, "error", root_path, false));
      if (!reason.empty()) expected += "; AssemblyAI reported: " + reason;
    }
    return json_error(src, root_path.member("status"), expected, find(root, "status"));
  }
  Document document;
  document.format = to_string(Format::assemblyai_json);
  document.engine = kProducer;
  ASSIGN_OR_RETURN(document.external_id, string_member(src, root, "id", root_path, false));
  ASSIGN_OR_RETURN(document.language, string_member(src, root, "language_code", root_path, false));
  ASSIGN_OR_RETURN(document.duration_ms,
                   optional_seconds_member(src, root, "audio_duration", root_path));
  ASSIGN_OR_RETURN(document.model, string_member(src, root, "speech_model", root_path, false));

  ASSIGN_OR_RETURN(const Json* utterances, array_member(src, root, "utterances", root_path, false));
  ASSIGN_OR_RETURN(const Json* words, array_member(src, root, "words", root_path, false));
  if (utterances != nullptr && !utterances->empty()) {
    const JsonPath utterances_path = root_path.member("utterances");
    RETURN_IF_ERROR(
        check_count(utterances->size(), limits::segments_max, "utterances", utterances_path.str()));
    for (std::size_t i = 0; i < utterances->size(); ++i) {
      JsonPath path = utterances_path.at(i);
      ASSIGN_OR_RETURN(const Json* object, require_object(src, (*utterances)[i], path));
      Segment segment;
      ASSIGN_OR_RETURN(segment.start_ms, ms_member(src, *object, "start", path));
      ASSIGN_OR_RETURN(segment.end_ms, ms_member(src, *object, "end", path));
      RETURN_IF_ERROR(check_time_order(src, path, *object, segment.start_ms, segment.end_ms));
      ASSIGN_OR_RETURN(std::string text, string_member(src, *object, "text", path, true));
      segment.text = tidy_text(text);
      ASSIGN_OR_RETURN(std::string speaker, string_member(src, *object, "speaker", path, false));
      segment.speaker_label = clip_label(speaker);
      ASSIGN_OR_RETURN(segment.confidence, confidence_member(src, *object, "confidence", path));
      ASSIGN_OR_RETURN(const Json* utterance_words,
                       array_member(src, *object, "words", path, false));
      if (utterance_words != nullptr) {
        ASSIGN_OR_RETURN(segment.words, read_words(src, *utterance_words, path.member("words")));
      }
      document.segments.push_back(std::move(segment));
    }
  } else if (words != nullptr && !words->empty()) {
    ASSIGN_OR_RETURN(std::vector<Word> all_words,
                     read_words(src, *words, root_path.member("words")));
    document.segments = group_words(std::move(all_words));
    add_warning(document,
                "no utterances (speaker_labels was off); segments were formed from words "
                "at pauses and speaker changes");
  } else {
    ASSIGN_OR_RETURN(std::string text, string_member(src, root, "text", root_path, false));
    if (!tidy_text(text).empty()) {
      Segment segment;
      segment.end_ms = document.duration_ms.value_or(0);
      segment.text = tidy_text(text);
      document.segments.push_back(std::move(segment));
      add_warning(document, "no utterances and no words; the whole text is one segment");
    }
  }

  struct LayerSource {
    const char* key;
    const char* kind;
  };
  constexpr LayerSource kLayerSources[] = {
      {"sentiment_analysis_results", "sentiment"},
      // Not the built-in entities (those need character offsets AssemblyAI does not give) nor a
      // built-in kind at all: custom kinds, stored as AssemblyAI wrote them.
      {"entities", "x-assemblyai-entities"},
      {"chapters", "x-assemblyai-chapters"},
  };
  for (const LayerSource& layer_source : kLayerSources) {
    ASSIGN_OR_RETURN(const Json* array,
                     array_member(src, root, layer_source.key, root_path, false));
    if (array == nullptr) continue;
    ASSIGN_OR_RETURN(std::optional<Layer> layer,
                     read_layer(src, *array, root_path.member(layer_source.key), layer_source.kind,
                                document.model));
    if (layer) document.layers.push_back(std::move(*layer));
  }
  std::optional<LayerItem> topics_summary;
  if (const Json* iab = find(root, "iab_categories_result"); iab != nullptr) {
    const JsonPath iab_path = root_path.member("iab_categories_result");
    ASSIGN_OR_RETURN(const Json* iab_object, require_object(src, *iab, iab_path));
    ASSIGN_OR_RETURN(const Json* results,
                     array_member(src, *iab_object, "results", iab_path, false));
    if (results != nullptr) {
      ASSIGN_OR_RETURN(
          std::optional<Layer> layer,
          read_layer(src, *results, iab_path.member("results"), "topics", document.model));
      if (layer) document.layers.push_back(std::move(*layer));
    }
    if (const Json* summary = find(*iab_object, "summary");
        summary != nullptr && !summary->empty()) {
      // {label: relevance, ...} over the whole file, as built-in topics [{label, score}].
      if (!summary->is_object()) {
        return json_error(src, iab_path.member("summary"), "an object of label: relevance", summary);
      }
      Json topics = Json::array();
      const JsonPath summary_path = iab_path.member("summary");
      for (const auto& [label, relevance] : summary->items()) {
        if (!relevance.is_number() || relevance.get<double>() < 0 || relevance.get<double>() > 1) {
          return json_error(src, summary_path.member(label), "a relevance from 0 to 1", &relevance);
        }
        topics.push_back(Json{{"label", label}, {"score", relevance.get<double>()}});
      }
      LayerItem item;
      item.payload_json = topics.dump();
      topics_summary = std::move(item);
    }
  }

  RETURN_IF_ERROR(finish_document(document, src.source));
  for (Layer& layer : document.layers) attach_by_time(document, layer);
  if (topics_summary) {
    // The topic summary is about the whole file: it spans everything and attaches to no segment.
    topics_summary->end_ms = document.duration_ms.value_or(
        document.segments.empty() ? 0 : document.segments.back().end_ms);
    auto topics = std::find_if(document.layers.begin(), document.layers.end(),
                               [](const Layer& layer) { return layer.kind == "topics"; });
    if (topics == document.layers.end()) {
      Layer layer;
      layer.kind = "topics";
      layer.producer_name = kProducer;
      layer.producer_version = document.model;
      document.layers.push_back(std::move(layer));
      topics = std::prev(document.layers.end());
    }
    topics->items.push_back(std::move(*topics_summary));
  }
  return document;
}

}  // namespace narralytica::formats::detail

namespace narralytica::formats {

Result<Document> read_assemblyai(std::string_view content, const ReadOptions& options) {
  detail::JsonSource src{content, options.source_name};
  ASSIGN_OR_RETURN(detail::Json root, detail::check_and_parse(src));
  return detail::read_assemblyai_value(src, root);
}

}  // namespace narralytica::formats
