#include "formats/detail/text.hpp"

#include <cmath>
#include <cstdio>
#include <string>

#include "core/ascii.hpp"
#include "core/utf8.hpp"
#include "formats/limits.hpp"

namespace narralytica::formats {

std::string Warning::describe() const {
  if (line == 0) return message;
  return source + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

}  // namespace narralytica::formats

namespace narralytica::formats::detail {

namespace {

struct NamedReference {
  std::string_view name;  // without '&' and ';'
  char32_t code_point;
};

// The references WebVTT requires (amp, lt, gt, lrm, rlm, nbsp) plus the ones subtitle tools
// commonly emit. Anything else is kept verbatim, which is what an HTML parser does with an
// unknown reference, so no text is lost.
constexpr NamedReference kNamedReferences[] = {
    {"amp", U'&'},      {"lt", U'<'},       {"gt", U'>'},       {"quot", U'"'},
    {"apos", U'\''},    {"nbsp", 0x00A0},   {"lrm", 0x200E},    {"rlm", 0x200F},
    {"hellip", 0x2026}, {"mdash", 0x2014},  {"ndash", 0x2013},  {"lsquo", 0x2018},
    {"rsquo", 0x2019},  {"ldquo", 0x201C},  {"rdquo", 0x201D},  {"laquo", 0x00AB},
    {"raquo", 0x00BB},  {"copy", 0x00A9},   {"reg", 0x00AE},    {"trade", 0x2122},
    {"deg", 0x00B0},    {"euro", 0x20AC},   {"pound", 0x00A3},  {"cent", 0x00A2},
    {"yen", 0x00A5},    {"sect", 0x00A7},   {"para", 0x00B6},   {"middot", 0x00B7},
    {"bull", 0x2022},   {"iexcl", 0x00A1},  {"iquest", 0x00BF}, {"times", 0x00D7},
    {"divide", 0x00F7}, {"agrave", 0x00E0}, {"aacute", 0x00E1}, {"acirc", 0x00E2},
    {"auml", 0x00E4},   {"ccedil", 0x00E7}, {"egrave", 0x00E8}, {"eacute", 0x00E9},
    {"ecirc", 0x00EA},  {"euml", 0x00EB},   {"iuml", 0x00EF},   {"ntilde", 0x00F1},
    {"ouml", 0x00F6},   {"uuml", 0x00FC},   {"szlig", 0x00DF},  {"Agrave", 0x00C0},
    {"Eacute", 0x00C9}, {"Auml", 0x00C4},   {"Ouml", 0x00D6},   {"Uuml", 0x00DC},
    {"shy", 0x00AD},    {"zwj", 0x200D},    {"zwnj", 0x200C},   {"ensp", 0x2002},
    {"emsp", 0x2003},   {"thinsp", 0x2009},
};

// Length of the UTF-8 sequence starting at s[i], or 0 when it is not valid UTF-8 (overlong
// forms, surrogates and code points above U+10FFFF are invalid too).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t length = 0;
  char32_t minimum = 0;
  char32_t value = 0;
  if ((c & 0xE0) == 0xC0) {
    length = 2;
    minimum = 0x80;
    value = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    length = 3;
    minimum = 0x800;
    value = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    length = 4;
    minimum = 0x10000;
    value = c & 0x07;
  } else
    return 0;
  if (i + length > s.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    value = (value << 6) | (byte(i + k) & 0x3F);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0;
  return length;
}

}  // namespace

std::string source_or_default(std::string_view source) {
  return source.empty() ? std::string("<input>") : std::string(source);
}

std::string position_field(std::string_view source, std::string_view content, std::size_t offset) {
  if (offset > content.size()) offset = content.size();
  std::size_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (content[i] == '\n') {
      ++line;
      line_start = i + 1;
    } else if (content[i] == '\r') {
      if (i + 1 < content.size() && content[i + 1] == '\n') continue;  // CRLF counts once, at LF
      ++line;
      line_start = i + 1;
    }
  }
  std::size_t column = 1;
  for (std::size_t i = line_start; i < offset; ++i) {
    // Count code points: continuation bytes do not start a column.
    if ((static_cast<unsigned char>(content[i]) & 0xC0) != 0x80) ++column;
  }
  // A BOM is invisible to the user, so it does not count as a column.
  if (line == 1 && offset >= 3 && bom_length(content) == 3) --column;
  return source_or_default(source) + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string quote_found(std::string_view text) {
  if (text.empty()) return "the end of the line";
  constexpr std::size_t kShown = 40;
  std::string out = "\"";
  std::size_t i = 0;
  for (; i < text.size() && i < kShown; ++i) {
    char c = text[i];
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02x", static_cast<unsigned char>(c));
      out += buffer;
    } else {
      out += c;
    }
  }
  // Do not cut a multi-byte character in half.
  while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) out += text[i++];
  if (i < text.size()) out += "...";
  out += '"';
  return out;
}

Status check_input(std::string_view content, std::string_view source, bool check_lines) {
  if (content.size() > limits::input_bytes_max) {
    return make_error(ErrorCode::resource_exhausted,
                      "expected at most " + std::to_string(limits::input_bytes_max) +
                          " bytes, found " + std::to_string(content.size()),
                      source_or_default(source));
  }
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < content.size();) {
    unsigned char c = static_cast<unsigned char>(content[i]);
    if (c == '\n' || c == '\r') {
      line_start = i + 1;
      ++i;
      continue;
    }
    if (check_lines && i - line_start >= limits::line_bytes_max) {
      return make_error(ErrorCode::resource_exhausted,
                        "expected lines of at most " + std::to_string(limits::line_bytes_max) +
                            " bytes, found a longer one",
                        position_field(source, content, line_start));
    }
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = utf8_sequence_length(content, i);
    if (length == 0) {
      char buffer[64];
      std::snprintf(buffer, sizeof buffer, "expected UTF-8 text, found the byte 0x%02X", c);
      return make_error(ErrorCode::invalid_argument,
                        std::string(buffer) + " (convert the file to UTF-8, e.g. with iconv)",
                        position_field(source, content, i));
    }
    i += length;
  }
  return ok_status();
}

std::size_t bom_length(std::string_view content) {
  return content.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\f';
}

std::string_view trim(std::string_view text) {
  const auto blank = [](char c) {
    return c == ' ' || c == '\t' || c == '\f' || c == '\n' || c == '\r';
  };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return text;
}

int64_t seconds_to_ms(double seconds) {
  return std::llround(seconds * 1000.0);
}

std::string format_timestamp(int64_t ms, char separator) {
  if (ms < 0) ms = 0;
  const int64_t hours = ms / 3'600'000;
  const int64_t minutes = (ms / 60'000) % 60;
  const int64_t seconds = (ms / 1000) % 60;
  const int64_t millis = ms % 1000;
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%02lld:%02lld:%02lld%c%03lld",
                static_cast<long long>(hours), static_cast<long long>(minutes),
                static_cast<long long>(seconds), separator, static_cast<long long>(millis));
  return buffer;
}

std::size_t decode_reference(std::string_view text, std::string& out) {
  if (text.size() < 3 || text[0] != '&') return 0;
  constexpr std::size_t kLongest = 12;  // "&#x10FFFF;" and the longest name fit
  std::size_t semicolon = text.find(';', 1);
  if (semicolon == std::string_view::npos || semicolon > kLongest) return 0;
  std::string_view body = text.substr(1, semicolon - 1);
  if (body.empty()) return 0;
  if (body[0] == '#') {
    bool hex = body.size() > 1 && (body[1] == 'x' || body[1] == 'X');
    std::string_view digits = body.substr(hex ? 2 : 1);
    if (digits.empty()) return 0;
    char32_t value = 0;
    for (char c : digits) {
      const int digit = hex ? ascii_hex_value(c) : (is_ascii_digit(c) ? c - '0' : -1);
      if (digit < 0) return 0;
      value = value * (hex ? 16 : 10) + static_cast<char32_t>(digit);
      if (value > 0x10FFFF) value = 0x110000;  // stays invalid, becomes U+FFFD
    }
    append_utf8(out, value);
    return semicolon + 1;
  }
  for (const auto& reference : kNamedReferences) {
    if (reference.name == body) {
      append_utf8(out, reference.code_point);
      return semicolon + 1;
    }
  }
  return 0;
}

std::string tidy_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = trim(text.substr(start, end - start));
    if (!line.empty()) {
      if (!out.empty()) out += '\n';
      bool in_space = false;
      for (char c : line) {
        if (c == ' ' || c == '\t' || c == '\f' || c == '\r') {
          in_space = true;
          continue;
        }
        if (in_space) out += ' ';
        in_space = false;
        out += c;
      }
    }
    start = end + 1;
  }
  return out;
}

std::string clip_label(std::string_view text) {
  std::string label = tidy_text(text);
  for (char& c : label) {
    if (c == '\n') c = ' ';
  }
  if (label.size() > limits::label_bytes_max) {
    std::size_t cut = limits::label_bytes_max;
    while (cut > 0 && (static_cast<unsigned char>(label[cut]) & 0xC0) == 0x80) --cut;
    label.resize(cut);
  }
  return label;
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

bool starts_with_word(std::string_view text, std::string_view word) {
  if (text.substr(0, word.size()) != word) return false;
  return text.size() == word.size() || text[word.size()] == ' ' || text[word.size()] == '\t';
}

namespace {

void push_warning(Document& document, Warning warning) {
  if (document.warnings.size() < limits::warnings_max) {
    document.warnings.push_back(std::move(warning));
  } else if (document.warnings.size() == limits::warnings_max) {
    document.warnings.push_back(Warning{.message = "further warnings omitted (more than " +
                                                   std::to_string(limits::warnings_max) + ")"});
  }
}

// 1-based column of byte `pos` in `line`, counted in characters.
std::size_t column_of(const Line& line, std::size_t pos) {
  std::size_t column = 1;
  for (std::size_t i = 0; i < pos && i < line.text.size(); ++i) {
    if ((static_cast<unsigned char>(line.text[i]) & 0xC0) != 0x80) ++column;
  }
  return column;
}

}  // namespace

void add_warning(Document& document, std::string message) {
  push_warning(document, Warning{.message = std::move(message)});
}

void add_warning(Document& document, std::string_view source, const Line& line, std::size_t pos,
                 std::string message) {
  push_warning(document, Warning{.message = std::move(message),
                                 .source = source_or_default(source),
                                 .line = line.number,
                                 .column = column_of(line, pos)});
}

Status skip_or_refuse(Document& document, const ReadOptions& options, const Line& line,
                      const LineProblem& problem, std::string_view what) {
  if (options.strict) {
    return make_error(ErrorCode::invalid_argument, problem.message,
                      line_field(options.source_name, line, problem.pos));
  }
  add_warning(document, options.source_name, line, problem.pos,
              std::string(what) + " skipped: " + problem.message);
  return {};
}

std::string line_field(std::string_view source, const Line& line, std::size_t pos) {
  return source_or_default(source) + ":" + std::to_string(line.number) + ":" +
         std::to_string(column_of(line, pos));
}

LineReader::LineReader(std::string_view content, std::size_t start_offset)
    : content_(content), position_(start_offset) {}

bool LineReader::read_one(Line& line) {
  if (position_ >= content_.size()) return false;
  std::size_t end = position_;
  while (end < content_.size() && content_[end] != '\n' && content_[end] != '\r') ++end;
  line.text = content_.substr(position_, end - position_);
  line.offset = position_;
  line.number = next_number_++;
  if (end < content_.size()) {
    if (content_[end] == '\r' && end + 1 < content_.size() && content_[end + 1] == '\n') ++end;
    ++end;
  }
  position_ = end;
  return true;
}

const Line* LineReader::peek(std::size_t ahead) {
  while (buffer_.size() <= ahead) {
    Line line;
    if (!read_one(line)) return nullptr;
    buffer_.push_back(line);
  }
  return &buffer_[ahead];
}

void LineReader::advance() {
  if (peek() != nullptr) buffer_.pop_front();
}

}  // namespace narralytica::formats::detail
