// Narralytica JSON is the one format that must lose nothing, so the writer emits every field of
// the Document that is not empty, and the reader takes text verbatim (no whitespace tidying).
#include "formats/narralytica_json.hpp"

#include "formats/detail/finish.hpp"
#include "formats/detail/json_readers.hpp"
#include "formats/detail/text.hpp"
#include "formats/limits.hpp"

namespace narralytica::formats {

namespace {

using detail::Json;
// Written with keys in a fixed, readable order; payloads keep the order they were stored in.
using OrderedJson = nlohmann::ordered_json;

Error write_error(std::string message, std::string field) {
  return make_error(ErrorCode::invalid_argument, std::move(message), std::move(field));
}

Result<OrderedJson> object_from_text(const std::string& text, const std::string& field, bool or_array = false) {
  OrderedJson value = OrderedJson::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded() || !(value.is_object() || (or_array && value.is_array()))) {
    return write_error(std::string("expected a JSON object") + (or_array ? " or array" : "") + ", found " +
                           detail::quote_found(text),
                       field);
  }
  return value;
}

}  // namespace

Result<std::string> write_narralytica_json(const Document& document,
                                           const JsonWriteOptions& options) {
  OrderedJson root;
  root["format"] = narralytica_json_format_name;
  root["version"] = narralytica_json_version;
  if (!document.language.empty()) root["language"] = document.language;
  if (document.duration_ms) root["duration_ms"] = *document.duration_ms;
  OrderedJson origin = OrderedJson::object();
  if (!document.engine.empty()) origin["engine"] = document.engine;
  if (!document.model.empty()) origin["model"] = document.model;
  if (!document.model_version.empty()) origin["model_version"] = document.model_version;
  if (!document.external_id.empty()) origin["external_id"] = document.external_id;
  if (!origin.empty()) root["origin"] = std::move(origin);
  root["speakers"] = speaker_labels(document);

  OrderedJson segments = OrderedJson::array();
  for (std::size_t i = 0; i < document.segments.size(); ++i) {
    const Segment& segment = document.segments[i];
    const std::string field = "segments[" + std::to_string(i) + "]";
    if (segment.start_ms < 0 || segment.end_ms < segment.start_ms) {
      return write_error("expected 0 <= start_ms <= end_ms, found " +
                             std::to_string(segment.start_ms) + " and " +
                             std::to_string(segment.end_ms),
                         field);
    }
    OrderedJson out;
    out["start_ms"] = segment.start_ms;
    out["end_ms"] = segment.end_ms;
    out["text"] = segment.text;
    if (!segment.speaker_label.empty()) out["speaker"] = segment.speaker_label;
    if (segment.confidence) out["confidence"] = *segment.confidence;
    if (!segment.cue_id.empty()) out["cue_id"] = segment.cue_id;
    if (!segment.cue_settings.empty()) out["cue_settings"] = segment.cue_settings;
    if (options.include_words && !segment.words.empty()) {
      OrderedJson words = OrderedJson::array();
      for (std::size_t j = 0; j < segment.words.size(); ++j) {
        const Word& word = segment.words[j];
        if (word.start_ms < 0 || word.end_ms < word.start_ms) {
          return write_error("expected 0 <= start_ms <= end_ms, found " +
                                 std::to_string(word.start_ms) + " and " +
                                 std::to_string(word.end_ms),
                             field + ".words[" + std::to_string(j) + "]");
        }
        OrderedJson w;
        w["text"] = word.text;
        w["start_ms"] = word.start_ms;
        w["end_ms"] = word.end_ms;
        if (word.confidence) w["confidence"] = *word.confidence;
        // Only a word whose time is not the engine's is marked, so an ASR word costs nothing.
        if (word.timing == WordTiming::interpolated) w["interpolated"] = true;
        if (word.timing == WordTiming::aligned) w["aligned"] = true;
        if (!word.speaker_label.empty()) w["speaker"] = word.speaker_label;
        words.push_back(std::move(w));
      }
      out["words"] = std::move(words);
    }
    segments.push_back(std::move(out));
  }
  root["segments"] = std::move(segments);

  if (options.include_layers && !document.layers.empty()) {
    OrderedJson layers = OrderedJson::array();
    for (std::size_t l = 0; l < document.layers.size(); ++l) {
      const Layer& layer = document.layers[l];
      const std::string field = "layers[" + std::to_string(l) + "]";
      OrderedJson out;
      out["kind"] = layer.kind;
      out["producer"] = {{"name", layer.producer_name}, {"version", layer.producer_version}};
      ASSIGN_OR_RETURN(out["params"],
                       object_from_text(layer.params_json.empty() ? "{}" : layer.params_json,
                                        field + ".params"));
      OrderedJson items = OrderedJson::array();
      for (std::size_t k = 0; k < layer.items.size(); ++k) {
        const LayerItem& item = layer.items[k];
        const std::string item_field = field + ".items[" + std::to_string(k) + "]";
        OrderedJson i_out;
        if (item.segment_index.has_value() != item.segment_index_last.has_value() ||
            (item.segment_index && (*item.segment_index > *item.segment_index_last ||
                                    *item.segment_index_last >= document.segments.size()))) {
          return write_error(
              "expected segment_index <= segment_index_last < the number of segments", item_field);
        }
        if (item.start_ms < 0 || item.end_ms < item.start_ms) {
          return write_error("expected 0 <= start_ms <= end_ms, found " +
                                 std::to_string(item.start_ms) + " and " +
                                 std::to_string(item.end_ms),
                             item_field);
        }
        if (item.segment_index) {
          i_out["segment_index"] = *item.segment_index;
          i_out["segment_index_last"] = *item.segment_index_last;
        }
        i_out["start_ms"] = item.start_ms;
        i_out["end_ms"] = item.end_ms;
        ASSIGN_OR_RETURN(i_out["payload"],
                         object_from_text(item.payload_json, item_field + ".payload", /*or_array=*/true));
        items.push_back(std::move(i_out));
      }
      out["items"] = std::move(items);
      layers.push_back(std::move(out));
    }
    root["layers"] = std::move(layers);
  }
  // replace: a Document built by hand with bad UTF-8 is written with U+FFFD rather than throwing.
  std::string text =
      root.dump(options.pretty ? 2 : -1, ' ', false, OrderedJson::error_handler_t::replace);
  text += '\n';
  return text;
}

namespace detail {

namespace {

Result<std::optional<std::size_t>> optional_index(const JsonSource& src, const Json& object,
                                                  std::string_view key, const JsonPath& path,
                                                  std::size_t count) {
  const Json* value = find(object, key);
  if (value == nullptr) return std::optional<std::size_t>();
  if (!value->is_number_unsigned() && !(value->is_number_integer() && value->get<int64_t>() >= 0)) {
    return json_error(src, path.member(key), "a segment index (an integer from 0)", value);
  }
  auto index = value->get<uint64_t>();
  if (index >= count) {
    return json_error(
        src, path.member(key),
        "a segment index below the number of segments (" + std::to_string(count) + ")", value);
  }
  return std::optional<std::size_t>(static_cast<std::size_t>(index));
}

}  // namespace

Result<Document> read_narralytica_value(const JsonSource& src, const Json& root) {
  const JsonPath root_path;
  RETURN_IF_ERROR(require_object(src, root, root_path));
  const Json* format = find(root, "format");
  if (format == nullptr || !format->is_string() ||
      format->get_ref<const std::string&>() != narralytica_json_format_name) {
    return json_error(src, root_path.member("format"),
                      "\"" + std::string(narralytica_json_format_name) + "\"", format);
  }
  const Json* version = find(root, "version");
  if (version == nullptr || !version->is_number_integer() || version->get<int64_t>() < 1 ||
      version->get<int64_t>() > narralytica_json_version) {
    return json_error(src, root_path.member("version"),
                      "a version from 1 to " + std::to_string(narralytica_json_version), version);
  }
  Document document;
  document.format = to_string(Format::narralytica_json);
  ASSIGN_OR_RETURN(document.language, string_member(src, root, "language", root_path, false));
  ASSIGN_OR_RETURN(document.duration_ms, optional_ms_member(src, root, "duration_ms", root_path));
  if (const Json* origin = find(root, "origin"); origin != nullptr) {
    const JsonPath origin_path = root_path.member("origin");
    RETURN_IF_ERROR(require_object(src, *origin, origin_path));
    ASSIGN_OR_RETURN(document.engine, string_member(src, *origin, "engine", origin_path, false));
    ASSIGN_OR_RETURN(document.model, string_member(src, *origin, "model", origin_path, false));
    ASSIGN_OR_RETURN(document.model_version,
                     string_member(src, *origin, "model_version", origin_path, false));
    ASSIGN_OR_RETURN(document.external_id,
                     string_member(src, *origin, "external_id", origin_path, false));
  }

  ASSIGN_OR_RETURN(const Json* segments, array_member(src, root, "segments", root_path, true));
  const JsonPath segments_path = root_path.member("segments");
  RETURN_IF_ERROR(
      check_count(segments->size(), limits::segments_max, "segments", segments_path.str()));
  document.segments.reserve(segments->size());
  for (std::size_t i = 0; i < segments->size(); ++i) {
    JsonPath path = segments_path.at(i);
    ASSIGN_OR_RETURN(const Json* object, require_object(src, (*segments)[i], path));
    Segment segment;
    ASSIGN_OR_RETURN(segment.start_ms, ms_member(src, *object, "start_ms", path));
    ASSIGN_OR_RETURN(segment.end_ms, ms_member(src, *object, "end_ms", path));
    RETURN_IF_ERROR(check_time_order(src, path, *object, segment.start_ms, segment.end_ms, "end_ms"));
    ASSIGN_OR_RETURN(segment.text, string_member(src, *object, "text", path, true));
    ASSIGN_OR_RETURN(segment.speaker_label, string_member(src, *object, "speaker", path, false));
    ASSIGN_OR_RETURN(segment.confidence, confidence_member(src, *object, "confidence", path));
    ASSIGN_OR_RETURN(segment.cue_id, string_member(src, *object, "cue_id", path, false));
    ASSIGN_OR_RETURN(segment.cue_settings,
                     string_member(src, *object, "cue_settings", path, false));
    ASSIGN_OR_RETURN(const Json* words, array_member(src, *object, "words", path, false));
    if (words != nullptr) {
      const JsonPath words_path = path.member("words");
      RETURN_IF_ERROR(check_count(words->size(), limits::words_per_segment_max,
                                  "words in one segment", words_path.str()));
      segment.words.reserve(words->size());
      for (std::size_t j = 0; j < words->size(); ++j) {
        JsonPath word_path = words_path.at(j);
        ASSIGN_OR_RETURN(const Json* w, require_object(src, (*words)[j], word_path));
        Word word;
        ASSIGN_OR_RETURN(word.text, string_member(src, *w, "text", word_path, true));
        ASSIGN_OR_RETURN(word.start_ms, ms_member(src, *w, "start_ms", word_path));
        ASSIGN_OR_RETURN(word.end_ms, ms_member(src, *w, "end_ms", word_path));
        RETURN_IF_ERROR(check_time_order(src, word_path, *w, word.start_ms, word.end_ms, "end_ms"));
        ASSIGN_OR_RETURN(word.confidence, confidence_member(src, *w, "confidence", word_path));
        for (const auto& [member, timing] : {std::pair{"interpolated", WordTiming::interpolated},
                                             std::pair{"aligned", WordTiming::aligned}}) {
          const Json* flag = find(*w, member);
          if (flag == nullptr) continue;
          if (!flag->is_boolean()) return json_error(src, word_path.member(member), "true or false", flag);
          if (flag->get<bool>()) word.timing = timing;
        }
        ASSIGN_OR_RETURN(word.speaker_label, string_member(src, *w, "speaker", word_path, false));
        segment.words.push_back(std::move(word));
      }
    }
    document.segments.push_back(std::move(segment));
  }

  ASSIGN_OR_RETURN(const Json* layers, array_member(src, root, "layers", root_path, false));
  if (layers != nullptr) {
    const JsonPath layers_path = root_path.member("layers");
    RETURN_IF_ERROR(check_count(layers->size(), limits::layers_max, "layers", layers_path.str()));
    for (std::size_t l = 0; l < layers->size(); ++l) {
      JsonPath path = layers_path.at(l);
      ASSIGN_OR_RETURN(const Json* object, require_object(src, (*layers)[l], path));
      Layer layer;
      ASSIGN_OR_RETURN(layer.kind, string_member(src, *object, "kind", path, true));
      if (const Json* producer = find(*object, "producer"); producer != nullptr) {
        const JsonPath producer_path = path.member("producer");
        RETURN_IF_ERROR(require_object(src, *producer, producer_path));
        ASSIGN_OR_RETURN(layer.producer_name,
                         string_member(src, *producer, "name", producer_path, false));
        ASSIGN_OR_RETURN(layer.producer_version,
                         string_member(src, *producer, "version", producer_path, false));
      }
      if (const Json* params = find(*object, "params"); params != nullptr) {
        RETURN_IF_ERROR(require_object(src, *params, path.member("params")));
        layer.params_json = params->dump();
      }
      ASSIGN_OR_RETURN(const Json* items, array_member(src, *object, "items", path, true));
      const JsonPath items_path = path.member("items");
      RETURN_IF_ERROR(
          check_count(items->size(), limits::layer_items_max, "layer items", items_path.str()));
      layer.items.reserve(items->size());
      for (std::size_t k = 0; k < items->size(); ++k) {
        JsonPath item_path = items_path.at(k);
        ASSIGN_OR_RETURN(const Json* i, require_object(src, (*items)[k], item_path));
        LayerItem item;
        ASSIGN_OR_RETURN(item.segment_index, optional_index(src, *i, "segment_index", item_path,
                                                            document.segments.size()));
        ASSIGN_OR_RETURN(
            item.segment_index_last,
            optional_index(src, *i, "segment_index_last", item_path, document.segments.size()));
        if (item.segment_index.has_value() != item.segment_index_last.has_value() ||
            (item.segment_index && *item.segment_index_last < *item.segment_index)) {
          return json_error(src, item_path.member("segment_index_last"),
                            "segment_index and segment_index_last together, first <= last",
                            find(*i, "segment_index_last"));
        }
        ASSIGN_OR_RETURN(item.start_ms, ms_member(src, *i, "start_ms", item_path));
        ASSIGN_OR_RETURN(item.end_ms, ms_member(src, *i, "end_ms", item_path));
        RETURN_IF_ERROR(check_time_order(src, item_path, *i, item.start_ms, item.end_ms, "end_ms"));
        const Json* payload = find(*i, "payload");
        // An object, or an array for list kinds (topics, entities, keywords).
        if (payload == nullptr || !(payload->is_object() || payload->is_array())) {
          return json_error(src, item_path.member("payload"), "an object or an array", payload);
        }
        item.payload_json = payload->dump();
        layer.items.push_back(std::move(item));
      }
      document.layers.push_back(std::move(layer));
    }
  }
  RETURN_IF_ERROR(finish_document(document, src.source));
  return document;
}

Result<Json> check_and_parse(const JsonSource& src) {
  RETURN_IF_ERROR(check_input(src.content, src.source, /*check_lines=*/false));
  return parse_json(src);
}

}  // namespace detail

Result<Document> read_narralytica_json(std::string_view content, const ReadOptions& options) {
  detail::JsonSource src{content, options.source_name};
  ASSIGN_OR_RETURN(detail::Json root, detail::check_and_parse(src));
  return detail::read_narralytica_value(src, root);
}

}  // namespace narralytica::formats
