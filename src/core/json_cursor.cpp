#include "core/json_cursor.hpp"

#include <charconv>
#include <cmath>

#include "core/ascii.hpp"
#include "core/utf8.hpp"

namespace narralytica {

bool JsonCursor::raw_string(std::string_view& out, bool printable_ascii) {
  if (!eat('"')) return false;
  const char* start = p;
  while (p < end && *p != '"') {
    const auto c = static_cast<unsigned char>(*p);
    if (c == '\\' || c < 0x20 || (printable_ascii && c > 0x7e)) return false;
    ++p;
  }
  if (p >= end) return false;
  out = std::string_view(start, static_cast<std::size_t>(p - start));
  ++p;
  return true;
}

bool JsonCursor::string(std::string& out) {
  out.clear();
  return scan_string(&out);
}

// `out` null: checks the string without keeping it (skip_value).
bool JsonCursor::scan_string(std::string* out) {
  if (!eat('"')) return false;
  while (true) {
    const char* start = p;
    while (p < end) {
      const auto c = static_cast<unsigned char>(*p);
      if (c == '"' || c == '\\' || c < 0x20) break;
      ++p;
    }
    if (out) out->append(start, static_cast<std::size_t>(p - start));
    if (p >= end || static_cast<unsigned char>(*p) < 0x20) return false;
    if (*p == '"') {
      ++p;
      return true;
    }
    if (!escape(out)) return false;
  }
}

bool JsonCursor::hex4(char32_t& out) {
  if (end - p < 4) return false;
  out = 0;
  for (int i = 0; i < 4; ++i) {
    const int digit = ascii_hex_value(*p++);
    if (digit < 0) return false;
    out = (out << 4) | static_cast<char32_t>(digit);
  }
  return true;
}

bool JsonCursor::escape(std::string* out) {
  ++p;  // the backslash
  if (p >= end) return false;
  char decoded = 0;
  switch (*p++) {
    case '"': decoded = '"'; break;
    case '\\': decoded = '\\'; break;
    case '/': decoded = '/'; break;
    case 'b': decoded = '\b'; break;
    case 'f': decoded = '\f'; break;
    case 'n': decoded = '\n'; break;
    case 'r': decoded = '\r'; break;
    case 't': decoded = '\t'; break;
    case 'u': break;
    default: return false;
  }
  if (decoded != 0) {
    if (out) out->push_back(decoded);
    return true;
  }
  char32_t code = 0;
  if (!hex4(code) || code == 0 || (code >= 0xDC00 && code <= 0xDFFF)) return false;
  if (code >= 0xD800 && code <= 0xDBFF) {
    char32_t low = 0;
    if (end - p < 2 || p[0] != '\\' || p[1] != 'u') return false;
    p += 2;
    if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
  }
  if (out) append_utf8(*out, code);
  return true;
}

bool JsonCursor::number(JsonNumber& out) {
  skip_blanks();
  out = JsonNumber{};
  const char* start = p;
  const auto digits = [&] {
    const char* first = p;
    while (p < end && is_ascii_digit(*p)) ++p;
    return p > first;
  };
  if (p < end && *p == '-') {
    out.negative = true;
    ++p;
  }
  if (p >= end || !is_ascii_digit(*p)) return false;
  if (*p == '0') {
    ++p;
  } else {
    digits();
  }
  if (p < end && *p == '.') {
    out.integer = false;
    ++p;
    if (!digits()) return false;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    out.integer = false;
    out.exponent = true;
    ++p;
    if (p < end && (*p == '+' || *p == '-')) ++p;
    if (!digits()) return false;
  }
  out.text = std::string_view(start, static_cast<std::size_t>(p - start));
  return true;
}

bool JsonCursor::number(double& out) {
  JsonNumber n;
  if (!number(n)) return false;
  const char* last = n.text.data() + n.text.size();
  const auto [stop, ec] = std::from_chars(n.text.data(), last, out);
  return ec == std::errc() && stop == last && std::isfinite(out);
}

bool JsonCursor::skip_value(std::size_t depth) {
  skip_blanks();
  if (p >= end) return false;
  const char c = *p;
  if (c == '"') return scan_string(nullptr);
  if (c == '{' || c == '[') {
    if (depth == 0) return false;
    ++p;
    const char close = c == '{' ? '}' : ']';
    if (eat(close)) return true;
    do {
      if (c == '{' && (!scan_string(nullptr) || !eat(':'))) return false;
      if (!skip_value(depth - 1)) return false;
    } while (eat(','));
    return eat(close);
  }
  if (c == '-' || is_ascii_digit(c)) {
    double ignored = 0;
    return number(ignored);
  }
  for (const std::string_view literal : {std::string_view("true"), std::string_view("false"), std::string_view("null")}) {
    if (static_cast<std::size_t>(end - p) >= literal.size() && std::string_view(p, literal.size()) == literal) {
      p += literal.size();
      return true;
    }
  }
  return false;
}

}  // namespace narralytica
