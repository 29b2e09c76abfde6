// Layer documents: format detection, the entry point (read_layer_run), the DOM reader, which is
// the reference for every answer, and the NDJSON reader. The one-pass scanner the API and the CLI
// try first is in layer_document_fast.cpp.
#include "app/layer_document.hpp"

#include <nlohmann/json.hpp>

#include <optional>

#include "app/detail/layer_document_read.hpp"
#include "app/layer_kinds.hpp"
#include "core/json_depth.hpp"

namespace narralytica::app {
namespace {

using Json = nlohmann::json;
using store::LayerItemDraft;
using store::LayerRunDraft;

// Where an error is: the source, for NDJSON the line, and the JSON path inside that line/document.
struct Place {
  std::string source;
  std::optional<std::size_t> line;

  Error at(Error error) const {
    std::string where = source;
    if (line) where += ":" + std::to_string(*line);
    error.field = where + ": " + error.field;
    return error;
  }
};

Error invalid(const std::string& path, std::string message) {
  return make_error(ErrorCode::invalid_argument, std::move(message), path);
}

// "source:line:column: what" for JSON that does not parse.
Error syntax_error(std::string_view text, std::string_view source, std::size_t first_line, const std::string& what,
                   std::size_t byte) {
  std::size_t line = first_line;
  std::size_t column = 1;
  for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return make_error(ErrorCode::invalid_argument, "not valid JSON: " + what,
                    std::string(source) + ":" + std::to_string(line) + ":" + std::to_string(column));
}

Result<Json> parse_json(std::string_view text, std::string_view source, std::size_t first_line) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ...": keep
    // what follows the position, which this message gives in the source's own terms.
    if (auto colon = what.find(": ", what.find("column")); colon != std::string::npos) what = what.substr(colon + 2);
    return syntax_error(text, source, first_line, what, e.byte > 0 ? e.byte - 1 : 0);
  } catch (const Json::exception& e) {
    // out_of_range 406, a number too large for a double ("1e999"), is thrown as this rather than
    // as a parse_error, with no offset; it names the token, which is found in the text for the
    // position. Uncaught, it failed the request with a 500. (Found by tests/fuzz, layer_document.)
    const std::string what = e.what();
    const std::size_t open = what.find("parsing '");
    const std::size_t close = open == std::string::npos ? std::string::npos : what.find('\'', open + 9);
    const std::string token = close == std::string::npos ? std::string() : what.substr(open + 9, close - open - 9);
    const std::size_t at = token.empty() ? std::string_view::npos : text.find(token);
    return syntax_error(text, source, first_line,
                        "a number too large for a double" + (token.empty() ? std::string() : " (" + token + ")"),
                        at == std::string_view::npos ? 0 : at);
  }
}

Result<std::string> required_string(const Json& object, const char* name, const std::string& path) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return invalid(path + "." + name, std::string("expected a non-empty string (") + name + " is required)");
  }
  return it->get<std::string>();
}

Result<std::optional<std::int64_t>> optional_ms(const Json& item, const char* name, const std::string& path) {
  auto it = item.find(name);
  if (it == item.end()) return std::optional<std::int64_t>();
  if (!it->is_number_integer() || it->get<std::int64_t>() < 0) {
    return invalid(path + "." + name, "expected an integer number of milliseconds >= 0");
  }
  return std::optional<std::int64_t>(it->get<std::int64_t>());
}

}  // namespace

namespace detail {

Status read_layer_head(const Json& head, const std::string& path, LayerRunDraft& run, bool items_allowed) {
  if (!head.is_object()) return invalid(path, "expected a JSON object with kind and producer");
  for (const auto& [name, value] : head.items()) {
    if (name == "kind" || name == "producer" || (items_allowed && name == "items")) continue;
    // What `layers export` writes alongside, ignored when read back.
    if (name == "run" || name == "transcript") continue;
    return invalid(path + "." + name, "unknown member (expected kind, producer" +
                                          std::string(items_allowed ? ", items)" : ")"));
  }
  ASSIGN_OR_RETURN(run.kind, required_string(head, "kind", path));
  if (!known_layer_kind(run.kind)) {
    return invalid(path + ".kind", "unknown layer kind \"" + run.kind + "\": the built-in kinds are " +
                                       std::string(builtin_layer_kinds()) + "; a custom kind starts with \"x-\"");
  }
  auto producer = head.find("producer");
  if (producer == head.end() || !producer->is_object()) {
    return invalid(path + ".producer", "expected an object {name, version, params}");
  }
  const std::string producer_path = path + ".producer";
  for (const auto& [name, value] : producer->items()) {
    if (name != "name" && name != "version" && name != "params") {
      return invalid(producer_path + "." + name, "unknown member (expected name, version, params)");
    }
  }
  ASSIGN_OR_RETURN(run.producer_name, required_string(*producer, "name", producer_path));
  ASSIGN_OR_RETURN(run.producer_version, required_string(*producer, "version", producer_path));
  if (auto params = producer->find("params"); params != producer->end()) {
    if (!params->is_object()) return invalid(producer_path + ".params", "expected an object");
    // nlohmann's object keeps keys sorted and dump() is compact: a canonical form, so the same
    // parameters hash the same however the producer ordered them.
    run.params_json = params->dump();
  } else {
    run.params_json = "{}";
  }
  return ok_status();
}

Result<LayerItemDraft> read_layer_item(const Json& item, std::string_view kind) {
  static const std::string path;
  static const std::string value_path = ".value";
  if (!item.is_object()) return invalid(path, "expected an item object {segment|segments, start_ms, end_ms, value}");
  for (const auto& [name, value] : item.items()) {
    if (name != "segment" && name != "segments" && name != "start_ms" && name != "end_ms" && name != "value") {
      return invalid(path + "." + name, "unknown member (expected segment, segments, start_ms, end_ms, value)");
    }
  }
  LayerItemDraft draft;
  auto segment = item.find("segment");
  auto segments = item.find("segments");
  if (segment != item.end() && segments != item.end()) {
    return invalid(path + ".segments", "give segment or segments, not both");
  }
  if (segment != item.end()) {
    if (!segment->is_number_integer() || segment->get<std::int64_t>() < 0) {
      return invalid(path + ".segment", "expected a segment ordinal (an integer >= 0)");
    }
    draft.segment_ordinal_first = draft.segment_ordinal_last = segment->get<std::int64_t>();
  } else if (segments != item.end()) {
    if (!segments->is_array() || segments->size() != 2 || !(*segments)[0].is_number_integer() ||
        !(*segments)[1].is_number_integer() || (*segments)[0].get<std::int64_t>() < 0 ||
        (*segments)[1].get<std::int64_t>() < (*segments)[0].get<std::int64_t>()) {
      return invalid(path + ".segments", "expected [first, last] segment ordinals, 0 <= first <= last");
    }
    draft.segment_ordinal_first = (*segments)[0].get<std::int64_t>();
    draft.segment_ordinal_last = (*segments)[1].get<std::int64_t>();
  }
  ASSIGN_OR_RETURN(draft.start_ms, optional_ms(item, "start_ms", path));
  ASSIGN_OR_RETURN(draft.end_ms, optional_ms(item, "end_ms", path));
  if (draft.start_ms.has_value() != draft.end_ms.has_value()) {
    return invalid(path + (draft.start_ms ? ".end_ms" : ".start_ms"), "start_ms and end_ms go together");
  }
  if (draft.start_ms && *draft.end_ms < *draft.start_ms) return invalid(path + ".end_ms", "end_ms is before start_ms");
  auto value = item.find("value");
  if (value == item.end()) return invalid(path + ".value", "expected the item's value (required)");
  ASSIGN_OR_RETURN(LayerItemValues values, check_layer_value(kind, *value, value_path));
  draft.label = std::move(values.label);
  draft.score = values.score;
  draft.payload_json = value->dump();
  if (draft.payload_json.size() > store::kLayerItemPayloadBytesMax) {
    return invalid(path + ".value", "an item's value is at most 64 KiB of JSON");
  }
  return draft;
}

}  // namespace detail

namespace {

Result<LayerRunDraft> read_json_dom(std::string_view content, const Place& place) {
  ASSIGN_OR_RETURN(Json document, parse_json(content, place.source, 1));
  LayerRunDraft run;
  if (auto status = detail::read_layer_head(document, "$", run, true); !status.ok()) {
    return place.at(std::move(status).error());
  }
  auto items = document.find("items");
  if (items == document.end() || !items->is_array()) return place.at(invalid("$.items", "expected an array of items"));
  if (items->size() > store::kLayerItemsPerRunMax) {
    return place.at(make_error(ErrorCode::resource_exhausted,
                               "a layer run has at most " + std::to_string(store::kLayerItemsPerRunMax) + " items",
                               "$.items"));
  }
  run.items.reserve(items->size());
  for (std::size_t i = 0; i < items->size(); ++i) {
    auto item = detail::read_layer_item((*items)[i], run.kind);
    if (!item.ok()) {
      Error error = std::move(item).error();
      error.field = "$.items[" + std::to_string(i) + "]" + error.field;
      return place.at(std::move(error));
    }
    run.items.push_back(std::move(item).value());
  }
  return run;
}

// Line by line: only one item's DOM exists at a time, so a large run costs its drafts, not a
// document tree several times their size.
Result<LayerRunDraft> read_ndjson(std::string_view content, const Place& place, bool fast_items) {
  LayerRunDraft run;
  bool have_head = false;
  detail::fast::Kind fast_kind = detail::fast::Kind::other;
  std::string scratch;
  std::size_t line_number = 0;
  std::size_t position = 0;
  while (position < content.size()) {
    std::size_t end = content.find('\n', position);
    if (end == std::string_view::npos) end = content.size();
    std::string_view line = content.substr(position, end - position);
    position = end + 1;
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    if (have_head && run.items.size() < store::kLayerItemsPerRunMax && fast_kind != detail::fast::Kind::other) {
      JsonCursor c{line.data(), line.data() + line.size()};
      LayerItemDraft draft;
      if (detail::fast::item(c, fast_kind, scratch, draft) && (c.skip_blanks(), c.p == c.end)) {
        run.items.push_back(std::move(draft));
        continue;
      }
    }
    // The head, and the lines the fast reader gives up on (for their errors among others).
    Place here{place.source, line_number};
    ASSIGN_OR_RETURN(Json value, parse_json(line, place.source, line_number));
    if (!have_head) {
      if (auto status = detail::read_layer_head(value, "$", run, false); !status.ok()) {
        return here.at(std::move(status).error());
      }
      have_head = true;
      fast_kind = fast_items ? detail::fast::kind_of(run.kind) : detail::fast::Kind::other;
      continue;
    }
    if (run.items.size() >= store::kLayerItemsPerRunMax) {
      return here.at(make_error(ErrorCode::resource_exhausted,
                                "a layer run has at most " + std::to_string(store::kLayerItemsPerRunMax) + " items",
                                "$"));
    }
    auto item = detail::read_layer_item(value, run.kind);
    if (!item.ok()) {
      Error error = std::move(item).error();
      error.field = "$" + error.field;
      return here.at(std::move(error));
    }
    run.items.push_back(std::move(item).value());
  }
  if (!have_head) return place.at(invalid("$", "expected a first line {kind, producer}, found nothing"));
  return run;
}

}  // namespace

LayerDocumentFormat detect_layer_document(std::string_view content) {
  const std::size_t start = content.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return LayerDocumentFormat::json;
  const std::size_t end = content.find('\n', start);
  if (end == std::string_view::npos) return LayerDocumentFormat::json;
  if (content.find_first_not_of(" \t\r\n", end) == std::string_view::npos) return LayerDocumentFormat::json;
  // Too deep to parse safely: read_layer_run refuses it, whichever format is guessed.
  if (json_nesting_beyond(content.substr(start, end - start), kLayerDocumentDepthMax) != std::string_view::npos) {
    return LayerDocumentFormat::json;
  }
  const Json first = Json::parse(content.substr(start, end - start), nullptr, /*allow_exceptions=*/false);
  return first.is_object() ? LayerDocumentFormat::ndjson : LayerDocumentFormat::json;
}

Result<LayerRunDraft> read_layer_run(std::string_view content, std::string_view source_name,
                                     LayerDocumentFormat format, LayerReader reader) {
  const Place place{std::string(source_name), std::nullopt};
  // Every parser below (the fast readers, the DOM, each NDJSON line) sees text within this depth;
  // the whole content nests as deep as its deepest line when the lines are balanced.
  if (const std::size_t at = json_nesting_beyond(content, kLayerDocumentDepthMax); at != std::string_view::npos) {
    Error error = syntax_error(content, place.source, 1, "", at);
    error.message = "JSON nested deeper than " + std::to_string(kLayerDocumentDepthMax) + " levels";
    return error;
  }
  const bool fast = reader == LayerReader::fast;
  if (format == LayerDocumentFormat::ndjson) return read_ndjson(content, place, fast);
  if (fast) {
    if (auto run = detail::read_layer_json_fast(content)) return std::move(*run);
  }
  return read_json_dom(content, place);
}

}  // namespace narralytica::app