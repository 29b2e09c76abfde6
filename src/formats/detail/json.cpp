#include "formats/detail/json.hpp"

#include <cmath>
#include <vector>

#include "formats/detail/text.hpp"
#include "formats/limits.hpp"

namespace narralytica::formats::detail {

namespace {

std::size_t skip_ws(std::string_view s, std::size_t pos) {
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n' || s[pos] == '\r'))
    ++pos;
  return pos;
}

// Skips a string starting at s[pos] == '"'; returns the position after the closing quote.
std::size_t skip_string(std::string_view s, std::size_t pos) {
  ++pos;
  while (pos < s.size() && s[pos] != '"') pos += s[pos] == '\\' ? 2 : 1;
  return pos + 1;
}

std::size_t skip_value(std::string_view s, std::size_t pos) {
  pos = skip_ws(s, pos);
  if (pos >= s.size()) return pos;
  if (s[pos] == '"') return skip_string(s, pos);
  if (s[pos] == '{' || s[pos] == '[') {
    std::size_t depth = 0;
    while (pos < s.size()) {
      char c = s[pos];
      if (c == '"') {
        pos = skip_string(s, pos);
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        --depth;
        if (depth == 0) return pos + 1;
      }
      ++pos;
    }
    return pos;
  }
  while (pos < s.size() && s[pos] != ',' && s[pos] != '}' && s[pos] != ']' && s[pos] != ' ' &&
         s[pos] != '\n' && s[pos] != '\r' && s[pos] != '\t') {
    ++pos;
  }
  return pos;
}

// Position of the value of member `key` in the object at s[pos], or npos.
std::size_t find_member(std::string_view s, std::size_t pos, std::string_view key) {
  pos = skip_ws(s, pos);
  if (pos >= s.size() || s[pos] != '{') return std::string_view::npos;
  ++pos;
  while (true) {
    pos = skip_ws(s, pos);
    if (pos >= s.size() || s[pos] != '"') return std::string_view::npos;
    std::size_t key_end = skip_string(s, pos);
    if (key_end > s.size()) return std::string_view::npos;
    std::string_view raw_key = s.substr(pos + 1, key_end - pos - 2);
    pos = skip_ws(s, key_end);
    if (pos >= s.size() || s[pos] != ':') return std::string_view::npos;
    pos = skip_ws(s, pos + 1);
    if (raw_key == key) return pos;
    pos = skip_ws(s, skip_value(s, pos));
    if (pos >= s.size() || s[pos] != ',') return std::string_view::npos;
    ++pos;
  }
}

std::size_t find_element(std::string_view s, std::size_t pos, std::size_t index) {
  pos = skip_ws(s, pos);
  if (pos >= s.size() || s[pos] != '[') return std::string_view::npos;
  ++pos;
  for (std::size_t i = 0;; ++i) {
    pos = skip_ws(s, pos);
    if (pos >= s.size() || s[pos] == ']') return std::string_view::npos;
    if (i == index) return pos;
    pos = skip_ws(s, skip_value(s, pos));
    if (pos >= s.size() || s[pos] != ',') return std::string_view::npos;
    ++pos;
  }
}

std::string field_for(const JsonSource& src, const JsonPath& path) {
  std::optional<std::size_t> offset = locate_json_path(src.content, path);
  std::string where =
      offset ? position_field(src.source, src.content, *offset) : source_or_default(src.source);
  return where + ": " + path.str();
}

Error missing_or_wrong(const JsonSource& src, const JsonPath& path, std::string_view expected,
                       const Json& object, std::string_view key) {
  const Json* found = nullptr;
  if (object.is_object()) {
    auto it = object.find(key);
    if (it != object.end()) found = &*it;
  }
  return json_error(src, path, expected, found);
}

Result<int64_t> to_ms(const JsonSource& src, const JsonPath& path, const Json& value, double scale,
                      std::string_view unit) {
  double number = value.get<double>();
  if (!std::isfinite(number) || number < 0) {
    return json_error(src, path, "a non-negative number of " + std::string(unit), &value);
  }
  double ms = number * scale;
  if (ms > static_cast<double>(limits::timestamp_ms_max)) {
    return json_error(
        src, path, std::string(unit) + " before " + format_timestamp(limits::timestamp_ms_max, '.'),
        &value);
  }
  return static_cast<int64_t>(std::llround(ms));
}

}  // namespace

std::string JsonPath::str() const {
  std::vector<const JsonPath*> chain;
  for (const JsonPath* p = this; p != nullptr; p = p->parent) chain.push_back(p);
  std::string out = "$";
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const JsonPath* p = *it;
    if (p->parent == nullptr) continue;  // the root
    // Appended piecewise: `"[" + std::to_string(...)` trips GCC 12's -Wrestrict at -O2.
    if (p->is_index) {
      out += '[';
      out += std::to_string(p->index);
      out += ']';
    } else {
      out += '.';
      out += p->key;
    }
  }
  return out;
}

std::optional<std::size_t> locate_json_path(std::string_view content, const JsonPath& path) {
  std::vector<const JsonPath*> chain;
  for (const JsonPath* p = &path; p != nullptr; p = p->parent) chain.push_back(p);
  std::size_t pos = skip_ws(content, bom_length(content));
  if (pos >= content.size()) return std::nullopt;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const JsonPath* p = *it;
    if (p->parent == nullptr) continue;
    std::size_t next =
        p->is_index ? find_element(content, pos, p->index) : find_member(content, pos, p->key);
    if (next == std::string_view::npos) return pos;  // the deepest part that exists
    pos = next;
  }
  return pos;
}

Result<Json> parse_json(const JsonSource& src) {
  if (src.content.size() > limits::json_input_bytes_max) {
    return make_error(ErrorCode::resource_exhausted,
                      "expected JSON of at most " + std::to_string(limits::json_input_bytes_max) +
                          " bytes, found " + std::to_string(src.content.size()),
                      source_or_default(src.source));
  }
  // nlohmann's parser is iterative, but a bound on nesting keeps every later walk cheap.
  std::size_t depth = 0;
  for (std::size_t i = 0; i < src.content.size(); ++i) {
    char c = src.content[i];
    if (c == '"') {
      i = skip_string(src.content, i) - 1;
    } else if (c == '{' || c == '[') {
      if (++depth > limits::json_depth_max) {
        return make_error(ErrorCode::resource_exhausted,
                          "expected JSON nested at most " + std::to_string(limits::json_depth_max) +
                              " levels deep, found deeper",
                          position_field(src.source, src.content, i));
      }
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  try {
    return Json::parse(src.content.begin(), src.content.end());
  } catch (const Json::parse_error& e) {
    std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    std::string what = e.what();
    // Keep nlohmann's explanation, without its own "[json.exception...] ... line 1, column 5:"
    // prefix.
    std::size_t column = what.find("column ");
    std::size_t colon = column == std::string::npos ? std::string::npos : what.find(": ", column);
    std::string detail = colon == std::string::npos ? what : what.substr(colon + 2);
    return make_error(ErrorCode::invalid_argument, "expected valid JSON, found " + detail,
                      position_field(src.source, src.content, offset));
  } catch (const Json::exception& e) {
    // out_of_range 406: a number too large for a double ("1e999"). It carries no offset, but it
    // names the token, which is found in the text for the position. (Found by fuzzing.)
    std::string what = e.what();
    std::size_t open = what.find("parsing '");
    std::size_t close = open == std::string::npos ? std::string::npos : what.find('\'', open + 9);
    std::string token =
        close == std::string::npos ? std::string() : what.substr(open + 9, close - open - 9);
    std::size_t offset = token.empty() ? std::string_view::npos : src.content.find(token);
    std::string field = offset == std::string_view::npos
                            ? source_or_default(src.source)
                            : position_field(src.source, src.content, offset);
    return make_error(
        ErrorCode::invalid_argument,
        "expected a number that fits a double, found " +
            (token.empty() ? std::string("a number out of range") : quote_found(token)),
        std::move(field));
  }
}

std::string describe_json(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::string:
      return "string " + quote_found(value.get_ref<const std::string&>());
    case Json::value_t::boolean:
      return value.get<bool>() ? "true" : "false";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return "number " + value.dump();
    default:
      return "a value of another kind";
  }
}

Error json_error(const JsonSource& src, const JsonPath& path, std::string_view expected,
                 const Json* found) {
  std::string message =
      "expected " + std::string(expected) + ", found " +
      (found == nullptr ? std::string("nothing (the member is missing)") : describe_json(*found));
  return make_error(ErrorCode::invalid_argument, std::move(message), field_for(src, path));
}

const Json* find(const Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

Result<const Json*> require_object(const JsonSource& src, const Json& value, const JsonPath& path) {
  if (!value.is_object()) return json_error(src, path, "an object", &value);
  return &value;
}

Result<const Json*> array_member(const JsonSource& src, const Json& object, std::string_view key,
                                 const JsonPath& path, bool required) {
  const Json* value = find(object, key);
  if (value == nullptr) {
    if (required) return missing_or_wrong(src, path.member(key), "an array", object, key);
    return static_cast<const Json*>(nullptr);
  }
  if (!value->is_array()) return json_error(src, path.member(key), "an array", value);
  return value;
}

Result<double> number_member(const JsonSource& src, const Json& object, std::string_view key,
                             const JsonPath& path) {
  const Json* value = find(object, key);
  if (value == nullptr || !value->is_number()) {
    return missing_or_wrong(src, path.member(key), "a number", object, key);
  }
  return value->get<double>();
}

Result<std::optional<double>> optional_number_member(const JsonSource& src, const Json& object,
                                                     std::string_view key, const JsonPath& path) {
  const Json* value = find(object, key);
  if (value == nullptr) return std::optional<double>();
  if (!value->is_number()) return json_error(src, path.member(key), "a number", value);
  return std::optional<double>(value->get<double>());
}

Result<std::string> string_member(const JsonSource& src, const Json& object, std::string_view key,
                                  const JsonPath& path, bool required) {
  const Json* value = find(object, key);
  if (value == nullptr) {
    if (required) return missing_or_wrong(src, path.member(key), "a string", object, key);
    return std::string();
  }
  if (value->is_string()) return value->get<std::string>();
  if (value->is_number_integer()) return value->dump();
  return json_error(src, path.member(key), "a string", value);
}

Result<int64_t> seconds_member(const JsonSource& src, const Json& object, std::string_view key,
                               const JsonPath& path) {
  const Json* value = find(object, key);
  if (value == nullptr || !value->is_number()) {
    return missing_or_wrong(src, path.member(key), "a number of seconds", object, key);
  }
  return to_ms(src, path.member(key), *value, 1000.0, "seconds");
}

Result<std::optional<int64_t>> optional_seconds_member(const JsonSource& src, const Json& object,
                                                       std::string_view key, const JsonPath& path) {
  const Json* value = find(object, key);
  if (value == nullptr) return std::optional<int64_t>();
  if (!value->is_number()) return json_error(src, path.member(key), "a number of seconds", value);
  ASSIGN_OR_RETURN(int64_t ms, to_ms(src, path.member(key), *value, 1000.0, "seconds"));
  return std::optional<int64_t>(ms);
}

Result<int64_t> ms_member(const JsonSource& src, const Json& object, std::string_view key,
                          const JsonPath& path) {
  const Json* value = find(object, key);
  if (value == nullptr || !value->is_number()) {
    return missing_or_wrong(src, path.member(key), "a number of milliseconds", object, key);
  }
  return to_ms(src, path.member(key), *value, 1.0, "milliseconds");
}

Result<std::optional<int64_t>> optional_ms_member(const JsonSource& src, const Json& object,
                                                  std::string_view key, const JsonPath& path) {
  const Json* value = find(object, key);
  if (value == nullptr) return std::optional<int64_t>();
  if (!value->is_number())
    return json_error(src, path.member(key), "a number of milliseconds", value);
  ASSIGN_OR_RETURN(int64_t ms, to_ms(src, path.member(key), *value, 1.0, "milliseconds"));
  return std::optional<int64_t>(ms);
}

Result<std::optional<double>> confidence_member(const JsonSource& src, const Json& object,
                                                std::string_view key, const JsonPath& path) {
  const Json* value = find(object, key);
  if (value == nullptr) return std::optional<double>();
  if (!value->is_number())
    return json_error(src, path.member(key), "a confidence between 0 and 1", value);
  double number = value->get<double>();
  if (!(number >= 0.0 && number <= 1.0)) {
    return json_error(src, path.member(key), "a confidence between 0 and 1", value);
  }
  return std::optional<double>(number);
}

Status check_time_order(const JsonSource& src, const JsonPath& path, const Json& object,
                        int64_t start_ms, int64_t end_ms, std::string_view end_key) {
  if (end_ms >= start_ms) return ok_status();
  return json_error(src, path.member(end_key),
                    "an end at or after the start " + format_timestamp(start_ms, '.'),
                    find(object, end_key));
}

}  // namespace narralytica::formats::detail
