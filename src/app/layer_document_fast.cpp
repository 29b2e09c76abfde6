// The fast reader of layer documents (see detail/layer_document_read.hpp).
//
// Most runs are machine-written: ASCII labels, plain numbers, the built-in kinds' fixed members.
// For those, the reader below checks each item against its kind while scanning the text once, and
// writes its value straight into the draft in the form `value.dump()` gives (members in key order,
// no blanks, numbers as nlohmann prints them), with no document tree and no second pass. It never
// decides that something is wrong: whatever it does not accept (an escape or a non-ASCII byte in a
// string, an exponent, a custom kind, a repeated member, any error) is read again by the DOM reader
// (layer_document.cpp), which gives the error with its JSON path, so the two readers cannot
// disagree on what is valid or on the error a bad document gets. Accepting is the fast path's only claim, and it makes
// it only for input on which the DOM reader returns exactly the same draft.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include "app/detail/layer_document_read.hpp"
#include "app/layer_document.hpp"

namespace narralytica::app::detail {

using Json = nlohmann::json;
using store::LayerItemDraft;
using store::LayerRunDraft;

namespace fast {
namespace {

// A string of printable ASCII without escapes (what dump() writes back byte for byte).
bool plain_string(JsonCursor& c, std::string_view& out) { return c.raw_string(out, true); }

// A number without an exponent (rare: left to the DOM reader).
bool number(JsonCursor& c, JsonNumber& out) { return c.number(out) && !out.exponent; }

// A non-negative integer the DOM reader holds exactly (at most 18 digits).
bool count(JsonCursor& c, std::int64_t& out, std::string_view* text = nullptr) {
  JsonNumber n;
  if (!number(c, n) || !n.integer || n.negative || n.text.size() > 18) return false;
  std::int64_t v = 0;
  for (char ch : n.text) v = v * 10 + (ch - '0');
  out = v;
  if (text) *text = n.text;
  return true;
}

// Appends `n` as dump() prints it and returns its value.
bool append_number(std::string& out, const JsonNumber& n, double& value) {
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
bool object(JsonCursor& c, const std::array<std::string_view, N>& names, Read read) {
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
bool array(JsonCursor& c, Element element) {
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
bool scored(JsonCursor& c, std::string_view label_name, std::string& out, std::string_view& label, double& score) {
  JsonNumber score_number;
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

// An item's value, checked against its kind, written to `out` as dump() would.
bool value(JsonCursor& c, Kind kind, std::string& out, LayerItemDraft& draft) {
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
          JsonNumber number_value;
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

}  // namespace

Kind kind_of(std::string_view kind) {
  if (kind == "sentiment") return Kind::sentiment;
  if (kind == "topics") return Kind::topics;
  if (kind == "keywords") return Kind::keywords;
  if (kind == "entities") return Kind::entities;
  if (kind == "summary") return Kind::summary;
  if (kind == "embedding") return Kind::embedding;
  return Kind::other;
}

bool item(JsonCursor& c, Kind kind, std::string& out, LayerItemDraft& draft) {
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

}  // namespace fast

namespace {

// The items array of a JSON document: each item by the fast reader, or when it gives up on one, by
// the DOM reader (read_layer_item over that item alone). False: read the whole document with the
// DOM reader (also for any error, so that a syntax error further on still takes precedence).
bool read_items_fast(JsonCursor& c, const std::string& kind, LayerRunDraft& run) {
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
      if (!c.skip_value(kLayerDocumentDepthMax)) return false;
      const Json value = Json::parse(std::string_view(start, static_cast<std::size_t>(c.p - start)), nullptr, false);
      if (value.is_discarded()) return false;
      auto slow = read_layer_item(value, kind);
      if (!slow.ok()) return false;
      draft = std::move(slow).value();
    }
  } while (c.eat(','));
  return c.eat(']');
}

}  // namespace

// A JSON document without a document tree of its items: the members other than "items" (kind,
// producer, what `layers export` writes alongside) are small and go through read_layer_head as
// the DOM reader's do. Empty: read it with the DOM reader.
std::optional<LayerRunDraft> read_layer_json_fast(std::string_view content) {
  JsonCursor c(content);
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
      } else if (!c.skip_value(kLayerDocumentDepthMax)) {
        return std::nullopt;
      }
      continue;
    }
    const char* start = c.p;
    if (std::string_view text; key == "kind" && fast::plain_string(c, text)) {
      kind.emplace(text);
    } else {
      c.p = start;
      if (!c.skip_value(kLayerDocumentDepthMax)) return std::nullopt;
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
  if (parsed.is_discarded() || !read_layer_head(parsed, "$", run, true).ok()) return std::nullopt;
  if (!items_read) {
    JsonCursor items(items_at, c.end);
    if (!read_items_fast(items, run.kind, run)) return std::nullopt;
  }
  return run;
}

}  // namespace narralytica::app::detail
