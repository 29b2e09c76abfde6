#include "core/json_writer.hpp"

#include <charconv>
#include <cmath>

namespace narralytica {

namespace {

// The length of the well-formed UTF-8 sequence that `s` starts with (RFC 3629: no overlong form,
// no surrogate, nothing past U+10FFFF), or 0 when it starts with none.
std::size_t json_writer_utf8_length(std::string_view s) {
  const auto first = static_cast<unsigned char>(s[0]);
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (first >= 0xC2 && first <= 0xDF) {
    length = 2;
  } else if (first >= 0xE0 && first <= 0xEF) {
    length = 3;
    if (first == 0xE0) low = 0xA0;   // overlong below U+0800
    if (first == 0xED) high = 0x9F;  // surrogates
  } else if (first >= 0xF0 && first <= 0xF4) {
    length = 4;
    if (first == 0xF0) low = 0x90;   // overlong below U+10000
    if (first == 0xF4) high = 0x8F;  // past U+10FFFF
  } else {
    return 0;
  }
  if (s.size() < length) return 0;
  const auto second = static_cast<unsigned char>(s[1]);
  if (second < low || second > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    const auto next = static_cast<unsigned char>(s[i]);
    if (next < 0x80 || next > 0xBF) return 0;
  }
  return length;
}

}  // namespace

// Well-formed UTF-8 is copied as it is (stored hashes depend on those bytes); a byte that starts
// no well-formed sequence is written as U+FFFD, so the result is valid JSON whatever `value`
// holds: problem bodies quote a client's raw bytes. (Found by tests/fuzz, api_body.)
// Bytes that need nothing are copied a run at a time: this writes every segment page's text, where
// a byte-by-byte copy measured as a third of a 100-segment page's CPU.
void append_json_string(std::string& out, std::string_view value) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t run = 0;  // the start of the bytes not yet copied
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') continue;
    if (c >= 0x80) {
      if (const std::size_t length = json_writer_utf8_length(value.substr(i)); length > 0) {
        i += length - 1;
        continue;
      }
    }
    out.append(value.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(hex[c >> 4]);
          out.push_back(hex[c & 0xf]);
        } else {
          out += "\xEF\xBF\xBD";  // U+FFFD for a byte that starts no well-formed sequence
        }
    }
  }
  out.append(value.data() + run, value.size() - run);
  out.push_back('"');
}

void JsonObject::key(std::string_view name) {
  if (!empty_) text_.push_back(',');
  empty_ = false;
  append_json_string(text_, name);
  text_.push_back(':');
}

JsonObject& JsonObject::add(std::string_view k, std::string_view value) {
  key(k);
  append_json_string(text_, value);
  return *this;
}

void append_json_int(std::string& out, std::int64_t value) {
  char buffer[24];
  out.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, value).ptr);
}

void append_json_double(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  // std::to_chars with a precision is specified to print as printf does, without its cost.
  char buffer[32];
  out.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, 17).ptr);
}

JsonObject& JsonObject::add(std::string_view k, std::int64_t value) {
  key(k);
  append_json_int(text_, value);
  return *this;
}

JsonObject& JsonObject::add(std::string_view k, double value) {
  key(k);
  append_json_double(text_, value);
  return *this;
}

JsonObject& JsonObject::add(std::string_view k, bool value) {
  key(k);
  text_ += value ? "true" : "false";
  return *this;
}

JsonObject& JsonObject::add_null(std::string_view k) {
  key(k);
  text_ += "null";
  return *this;
}

JsonObject& JsonObject::add_raw(std::string_view k, std::string_view json) {
  key(k);
  text_ += json;
  return *this;
}

}  // namespace narralytica
