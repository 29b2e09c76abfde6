#include "app/layer_document.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <optional>

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

// The document's head: kind and producer (everything but the items).
Status read_head(const Json& head, const std::string& path, LayerRunDraft& run, bool items_allowed) {
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

Result<std::optional<std::int64_t>> optional_ms(const Json& item, const char* name, const std::string& path) {
  auto it = item.find(name);
  if (it == item.end()) return std::optional<std::int64_t>();
  if (!it->is_number_integer() || it->get<std::int64_t>() < 0) {
    return invalid(path + "." + name, "expected an integer number of milliseconds >= 0");
  }
  return std::optional<std::int64_t>(it->get<std::int64_t>());
}

// One item; an error's field is relative to the item ("" for the item itself, ".value.score"), so
// no path string is built for the items that are fine (the caller prefixes "$.items[3]").
Result<LayerItemDraft> read_item(const Json& item, std::string_view kind) {
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

// ---- the fast reader ---------------------------------------------------------------------------
//
// Most runs are machine-written: ASCII labels, plain numbers, the built-in kinds' fixed members.
// For those, the reader below checks each item against its kind while scanning the text once, and
// writes its value straight into the draft in the form `value.dump()` gives (members in key order,
// no blanks, numbers as nlohmann prints them), with no document tree and no second pass. It never
// decides that something is wrong: whatever it does not accept (an escape or a non-ASCII byte in a
// string, an exponent, a custom kind, a repeated member, any error) is read again by the DOM reader
// above, which gives the error with its JSON path, so the two readers cannot disagree on what is
// valid or on the error a bad document gets. Accepting is the fast path's only claim, and it makes
// it only for input on which the DOM reader returns exactly the same draft.
namespace fast {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

struct Cursor {
  const char* p;
  const char* end;

  void skip_blanks() {
    while (p < end && blank(*p)) ++p;
  }
  // Skips blanks, then consumes `c` if it is next.
  bool eat(char c) {
    skip_blanks();
    if (p < end && *p == c) {
      ++p;
      return true;
    }
    return false;
  }
  bool peek(char c) {
    skip_blanks();
    return p < end && *p == c;
  }
};

// A string of printable ASCII without escapes (what dump() writes back byte for byte).
bool plain_string(Cursor& c, std::string_view& out) {
  if (!c.eat('"')) return false;
  const char* start = c.p;
  while (c.p < c.end) {
    const auto ch = static_cast<unsigned char>(*c.p);
    if (ch == '"') {
      out = std::string_view(start, static_cast<std::size_t>(c.p - start));
      ++c.p;
      return true;
    }
    if (ch < 0x20 || ch > 0x7e || ch == '\\') return false;
    ++c.p;
  }
  return false;
}

// A JSON number; `integer` when it has no fraction or exponent.
struct Number {
  std::string_view text;
  bool integer = true;
  bool negative = false;
};

bool number(Cursor& c, Number& out) {
  c.skip_blanks();
  const char* start = c.p;
  const char* p = c.p;
  out = Number{};
  if (p < c.end && *p == '-') {
    out.negative = true;
    ++p;
  }
  if (p >= c.end || *p < '0' || *p > '9') return false;
  if (*p == '0') {
    ++p;
  } else {
    while (p < c.end && *p >= '0' && *p <= '9') ++p;
  }
  if (p < c.end && *p == '.') {
    out.integer = false;
    ++p;
    const char* digits = p;
    while (p < c.end && *p >= '0' && *p <= '9') ++p;
    if (p == digits) return false;
  }
  if (p < c.end && (*p == 'e' || *p == 'E')) return false;  // rare: left to the DOM reader
  out.text = std::string_view(start, static_cast<std::size_t>(p - start));
  c.p = p;
  return true;
}

// A non-negative integer the DOM reader holds exactly (at most 18 digits).
bool count(Cursor& c, std::int64_t& out, std::string_view* text = nullptr) {
  Number n;
  if (!number(c, n) || !n.integer || n.negative || n.text.size() > 18) return false;
  std::int64_t v = 0;
  for (char ch : n.text) v = v * 10 + (ch - '0');
  out = v;
  if (text) *text = n.text;
  return true;
}

// Appends `n` as dump() prints it and returns its value.
bool append_number(std::string& out, const Number& n, double& value) {
  if (n.integer) {
    // Integers print as written, except "-0" (read as 0) and those too long for an int64.
    if (n.text.size() > 18 || n.text == "-0") return false;
    std::int64_t v = 0;
    for (char ch : n.text.substr(n.negative ? 1 : 0)) v = v * 10 + (ch - '0');
    value = static_cast<double>(n.negative ? -v : v);
    out += n.text;
    return true;
  }
  auto [end, ec] = std::from_chars(n.text.data(), n.text.data() + n.text.size(), value);
  if (ec != std::errc() || end != n.text.data() + n.text.size() || !std::isfinite(value)) return false;
  char buffer[64];
  char* last = nlohmann::detail::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, static_cast<std::size_t>(last - buffer));
  return true;
}

void append_string(std::string& out, std::string_view s) {
  out += '"';
  out += s;
  out += '"';
}

// The members of one object of a fixed shape, each at most once; `read` consumes a member's value
// by its index in `names`, false to give up.
template <std::size_t N, class Read>
bool object(Cursor& c, const std::array<std::string_view, N>& names, Read read) {
  if (!c.eat('{')) return false;
  std::array<bool, N> seen{};
  if (c.eat('}')) return false;  // every member is required
  do {
    std::string_view key;
    if (!plain_string(c, key) || !c.eat(':')) return false;
    std::size_t k = 0;
    while (k < N && names[k] != key) ++k;
    if (k == N || seen[k]) return false;
    seen[k] = true;
    if (!read(k)) return false;
  } while (c.eat(','));
  if (!c.eat('}')) return false;
  for (bool s : seen) {
    if (!s) return false;
  }
  return true;
}

// An array of objects of one shape (topics, keywords, entities).
template <class Element>
bool array(Cursor& c, Element element) {
  if (!c.eat('[')) return false;
  if (c.eat(']')) return true;
  std::size_t i = 0;
  do {
    if (!element(i++)) return false;
  } while (c.eat(','));
  return c.eat(']');
}

bool label_string(std::string_view s) { return !s.empty() && s.size() <= 256; }

// {"label": "...", "score": 0..1}, or {"text", "score"} (keywords): dump() puts label before score
// and score before text.
bool scored(Cursor& c, std::string_view label_name, std::string& out, std::string_view& label, double& score) {
  Number score_number;
  const std::array<std::string_view, 2> names = {label_name, "score"};
  const bool ok = object(c, names, [&](std::size_t k) {
    if (k == 0) return plain_string(c, label) && label_string(label);
    return number(c, score_number);
  });
  if (!ok) return false;
  const bool label_first = label_name < std::string_view("score");
  if (label_first) {
    out += "{\"";
    out += label_name;
    out += "\":";
    append_string(out, label);
    out += ",\"score\":";
  } else {
    out += "{\"score\":";
  }
  if (!append_number(out, score_number, score) || score < 0 || score > 1) return false;
  if (!label_first) {
    out += ",\"";
    out += label_name;
    out += "\":";
    append_string(out, label);
  }
  out += '}';
  return true;
}

enum class Kind { sentiment, topics, keywords, entities, summary, embedding, other };

Kind kind_of(std::string_view kind) {
  if (kind == "sentiment") return Kind::sentiment;
  if (kind == "topics") return Kind::topics;
  if (kind == "keywords") return Kind::keywords;
  if (kind == "entities") return Kind::entities;
  if (kind == "summary") return Kind::summary;
  if (kind == "embedding") return Kind::embedding;
  return Kind::other;
}

// An item's value, checked against its kind, written to `out` as dump() would.
bool value(Cursor& c, Kind kind, std::string& out, LayerItemDraft& draft) {
  switch (kind) {
    case Kind::sentiment: {
      std::string_view label;
      double score = 0;
      if (!scored(c, "label", out, label, score)) return false;
      if (label != "positive" && label != "neutral" && label != "negative") return false;
      draft.label.emplace(label);
      draft.score = score;
      return true;
    }
    case Kind::topics:
    case Kind::keywords: {
      // Label and score of the highest-scoring element (the first of equals).
      std::string_view best_label;
      std::optional<double> best;
      out += '[';
      const bool ok = array(c, [&](std::size_t i) {
        if (i) out += ',';
        std::string_view label;
        double score = 0;
        if (!scored(c, kind == Kind::topics ? "label" : "text", out, label, score)) return false;
        if (!best || score > *best) {
          best = score;
          best_label = label;
        }
        return true;
      });
      if (!ok) return false;
      out += ']';
      if (best) {
        draft.label.emplace(best_label);
        draft.score = best;
      }
      return true;
    }
    case Kind::entities: {
      out += '[';
      const bool ok = array(c, [&](std::size_t i) {
        std::string_view text, type, start_text, end_text;
        std::int64_t start = 0, end = 0;
        const std::array<std::string_view, 4> names = {"end_char", "start_char", "text", "type"};
        const bool element = object(c, names, [&](std::size_t k) {
          switch (k) {
            case 0: return count(c, end, &end_text);
            case 1: return count(c, start, &start_text);
            case 2: return plain_string(c, text) && !text.empty();
            default: return plain_string(c, type) && label_string(type);
          }
        });
        if (!element || end < start) return false;
        if (i == 0) draft.label.emplace(type);
        if (i) out += ',';
        out += "{\"end_char\":";
        out += end_text;
        out += ",\"start_char\":";
        out += start_text;
        out += ",\"text\":";
        append_string(out, text);
        out += ",\"type\":";
        append_string(out, type);
        out += '}';
        return true;
      });
      if (!ok) return false;
      out += ']';
      return true;
    }
    case Kind::summary: {
      std::string_view text;
      const std::array<std::string_view, 1> names = {"text"};
      if (!object(c, names, [&](std::size_t) { return plain_string(c, text) && !text.empty(); })) return false;
      out += "{\"text\":";
      append_string(out, text);
      out += '}';
      return true;
    }
    case Kind::embedding: {
      std::int64_t dims = 0;
      std::string_view dims_text;
      std::string vector;
      std::size_t n = 0;
      const std::array<std::string_view, 2> names = {"dims", "vector"};
      const bool ok = object(c, names, [&](std::size_t k) {
        if (k == 0) return count(c, dims, &dims_text);
        vector += '[';
        if (!c.eat('[')) return false;
        if (c.eat(']')) return true;
        do {
          if (n++) vector += ',';
          Number number_value;
          double ignored = 0;
          if (!number(c, number_value) || !append_number(vector, number_value, ignored)) return false;
        } while (c.eat(','));
        return c.eat(']');
      });
      if (!ok || dims < 1 || dims > 4096 || n != static_cast<std::size_t>(dims)) return false;
      vector += ']';
      out += "{\"dims\":";
      out += dims_text;
      out += ",\"vector\":";
      out += vector;
      out += '}';
      return true;
    }
    case Kind::other:
      return false;
  }
  return false;
}

// One item object {segment|segments, start_ms, end_ms, value}.
bool item(Cursor& c, Kind kind, std::string& out, LayerItemDraft& draft) {
  bool have_value = false;
  bool have_segment = false;
  bool have_segments = false;
  std::optional<std::int64_t> start_ms, end_ms;
  out.clear();
  if (!c.eat('{')) return false;
  if (c.eat('}')) return false;  // no value
  do {
    std::string_view key;
    if (!plain_string(c, key) || !c.eat(':')) return false;
    std::int64_t v = 0;
    if (key == "value") {
      if (have_value || !value(c, kind, out, draft)) return false;
      have_value = true;
    } else if (key == "segment") {
      if (have_segment || !count(c, v)) return false;
      have_segment = true;
      draft.segment_ordinal_first = draft.segment_ordinal_last = v;
    } else if (key == "segments") {
      std::int64_t last = 0;
      if (have_segments || !c.eat('[') || !count(c, v) || !c.eat(',') || !count(c, last) || !c.eat(']') || last < v) {
        return false;
      }
      have_segments = true;
      draft.segment_ordinal_first = v;
      draft.segment_ordinal_last = last;
    } else if (key == "start_ms") {
      if (start_ms || !count(c, v)) return false;
      start_ms = v;
    } else if (key == "end_ms") {
      if (end_ms || !count(c, v)) return false;
      end_ms = v;
    } else {
      return false;
    }
  } while (c.eat(','));
  if (!c.eat('}') || !have_value || (have_segment && have_segments)) return false;
  if (start_ms.has_value() != end_ms.has_value() || (start_ms && *end_ms < *start_ms)) return false;
  if (out.size() > store::kLayerItemPayloadBytesMax) return false;
  draft.start_ms = start_ms;
  draft.end_ms = end_ms;
  draft.payload_json.assign(out);  // one allocation of the value's size
  return true;
}

// Skips one JSON value without checking it (the DOM reader checks what this finds): the end of a
// member the fast reader leaves to nlohmann, or of an item it gave up on. False at the end of the
// input or on a stray closing bracket.
bool skip_value(Cursor& c) {
  c.skip_blanks();
  const char* start = c.p;
  int depth = 0;
  while (c.p < c.end) {
    const char ch = *c.p;
    if (ch == '"') {
      ++c.p;
      while (c.p < c.end && *c.p != '"') {
        if (*c.p == '\\' && c.end - c.p < 2) return false;
        c.p += *c.p == '\\' ? 2 : 1;
      }
      if (c.p >= c.end) return false;
      ++c.p;
      if (depth == 0) return true;
    } else if (ch == '{' || ch == '[') {
      ++depth;
      ++c.p;
    } else if (ch == '}' || ch == ']') {
      if (depth == 0) return c.p != start;  // the end of a number or literal
      ++c.p;
      if (--depth == 0) return true;
    } else if (depth == 0 && (ch == ',' || blank(ch))) {
      return c.p != start;
    } else {
      ++c.p;
    }
  }
  return depth == 0 && c.p != start;
}

}  // namespace fast

// The items array of a JSON document: each item by the fast reader, or when it gives up on one, by
// the DOM reader (read_item over that item alone). False: read the whole document with the DOM
// reader (also for any error, so that a syntax error further on still takes precedence).
bool read_items_fast(fast::Cursor& c, const std::string& kind, LayerRunDraft& run) {
  const fast::Kind fast_kind = fast::kind_of(kind);
  std::string scratch;
  if (!c.eat('[')) return false;
  if (c.eat(']')) return true;
  do {
    if (run.items.size() >= store::kLayerItemsPerRunMax) return false;
    c.skip_blanks();
    const char* start = c.p;
    LayerItemDraft& draft = run.items.emplace_back();
    if (fast_kind == fast::Kind::other || !fast::item(c, fast_kind, scratch, draft)) {
      c.p = start;
      if (!fast::skip_value(c)) return false;
      const Json value = Json::parse(std::string_view(start, static_cast<std::size_t>(c.p - start)), nullptr, false);
      if (value.is_discarded()) return false;
      auto slow = read_item(value, kind);
      if (!slow.ok()) return false;
      draft = std::move(slow).value();
    }
  } while (c.eat(','));
  return c.eat(']');
}

// A JSON document without a document tree of its items: the members other than "items" (kind,
// producer, what `layers export` writes alongside) are small and go through read_head as before.
// Empty: read it with the DOM reader.
std::optional<LayerRunDraft> read_json_fast(std::string_view content) {
  fast::Cursor c{content.data(), content.data() + content.size()};
  if (!c.eat('{') || c.peek('}')) return std::nullopt;
  LayerRunDraft run;
  std::string head = "{";
  std::vector<std::string_view> keys;
  std::optional<std::string> kind;  // the "kind" member when seen before "items"
  const char* items_at = nullptr;
  bool items_read = false;
  do {
    std::string_view key;
    if (!fast::plain_string(c, key) || !c.eat(':')) return std::nullopt;
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) return std::nullopt;
    keys.push_back(key);
    c.skip_blanks();
    if (key == "items") {
      items_at = c.p;
      if (kind) {
        if (!read_items_fast(c, *kind, run)) return std::nullopt;
        items_read = true;
      } else if (!fast::skip_value(c)) {
        return std::nullopt;
      }
      continue;
    }
    const char* start = c.p;
    if (std::string_view text; key == "kind" && fast::plain_string(c, text)) {
      kind.emplace(text);
    } else {
      c.p = start;
      if (!fast::skip_value(c)) return std::nullopt;
    }
    if (head.size() > 1) head += ',';
    head += '"';
    head += key;
    head += "\":";
    head.append(start, static_cast<std::size_t>(c.p - start));
  } while (c.eat(','));
  if (!c.eat('}')) return std::nullopt;
  c.skip_blanks();
  if (c.p != c.end || items_at == nullptr) return std::nullopt;
  head += '}';
  const Json parsed = Json::parse(head, nullptr, false);
  if (parsed.is_discarded() || !read_head(parsed, "$", run, true).ok()) return std::nullopt;
  if (!items_read) {
    fast::Cursor items{items_at, c.end};
    if (!read_items_fast(items, run.kind, run)) return std::nullopt;
  }
  return run;
}

Result<LayerRunDraft> read_json_dom(std::string_view content, const Place& place) {
  ASSIGN_OR_RETURN(Json document, parse_json(content, place.source, 1));
  LayerRunDraft run;
  if (auto status = read_head(document, "$", run, true); !status.ok()) return place.at(std::move(status).error());
  auto items = document.find("items");
  if (items == document.end() || !items->is_array()) return place.at(invalid("$.items", "expected an array of items"));
  if (items->size() > store::kLayerItemsPerRunMax) {
    return place.at(make_error(ErrorCode::resource_exhausted,
                               "a layer run has at most " + std::to_string(store::kLayerItemsPerRunMax) + " items",
                               "$.items"));
  }
  run.items.reserve(items->size());
  for (std::size_t i = 0; i < items->size(); ++i) {
    auto item = read_item((*items)[i], run.kind);
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
  fast::Kind fast_kind = fast::Kind::other;
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
    if (have_head && run.items.size() < store::kLayerItemsPerRunMax && fast_kind != fast::Kind::other) {
      fast::Cursor c{line.data(), line.data() + line.size()};
      LayerItemDraft draft;
      if (fast::item(c, fast_kind, scratch, draft) && (c.skip_blanks(), c.p == c.end)) {
        run.items.push_back(std::move(draft));
        continue;
      }
    }
    // The head, and the lines the fast reader gives up on (for their errors among others).
    Place here{place.source, line_number};
    ASSIGN_OR_RETURN(Json value, parse_json(line, place.source, line_number));
    if (!have_head) {
      if (auto status = read_head(value, "$", run, false); !status.ok()) return here.at(std::move(status).error());
      have_head = true;
      fast_kind = fast_items ? fast::kind_of(run.kind) : fast::Kind::other;
      continue;
    }
    if (run.items.size() >= store::kLayerItemsPerRunMax) {
      return here.at(make_error(ErrorCode::resource_exhausted,
                                "a layer run has at most " + std::to_string(store::kLayerItemsPerRunMax) + " items",
                                "$"));
    }
    auto item = read_item(value, run.kind);
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
    if (auto run = read_json_fast(content)) return std::move(*run);
  }
  return read_json_dom(content, place);
}

}  // namespace narralytica::app
