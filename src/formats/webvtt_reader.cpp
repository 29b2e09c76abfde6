// WebVTT parsing follows the W3C "WebVTT parser algorithm" block by block, with one deliberate
// difference: where the specification silently drops a cue whose timing line is malformed, this
// reader refuses the file with the position, because a silently lost cue is lost speech.
#include "formats/webvtt_reader.hpp"

#include <string>

#include "formats/detail/finish.hpp"
#include "formats/detail/text.hpp"
#include "formats/limits.hpp"

namespace narralytica::formats {

namespace {

using detail::Line;
using detail::LineReader;

bool is_blank(const Line* line) {
  return line == nullptr || detail::trim(line->text).empty();
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

constexpr const char* kTimestampShape = "a timestamp like 00:01.000 or 01:00:01.000";

// Parses a WebVTT timestamp at text[pos]; advances pos. Returns nullopt when malformed.
std::optional<int64_t> parse_timestamp(std::string_view text, std::size_t& pos) {
  auto digits = [&](std::size_t& count) -> int64_t {
    int64_t value = 0;
    count = 0;
    while (pos < text.size() && is_digit(text[pos])) {
      if (count < 10) value = value * 10 + (text[pos] - '0');
      ++count;
      ++pos;
    }
    return value;
  };
  std::size_t count = 0;
  int64_t first = digits(count);
  if (count == 0 || count > 7) return std::nullopt;  // 7 hour digits is already past the limit
  bool first_is_hours = count != 2 || first > 59;
  if (pos >= text.size() || text[pos] != ':') return std::nullopt;
  ++pos;
  int64_t second = digits(count);
  if (count != 2) return std::nullopt;
  int64_t hours = 0, minutes = 0, seconds = 0;
  if (first_is_hours || (pos < text.size() && text[pos] == ':')) {
    if (pos >= text.size() || text[pos] != ':') return std::nullopt;
    ++pos;
    int64_t third = digits(count);
    if (count != 2) return std::nullopt;
    hours = first;
    minutes = second;
    seconds = third;
  } else {
    minutes = first;
    seconds = second;
  }
  if (pos >= text.size() || text[pos] != '.') return std::nullopt;
  ++pos;
  int64_t millis = digits(count);
  if (count != 3) return std::nullopt;
  if (minutes > 59 || seconds > 59) return std::nullopt;
  return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
}

std::string_view token_at(std::string_view text, std::size_t pos) {
  std::size_t end = pos;
  while (end < text.size() && !detail::is_space(text[end])) ++end;
  return text.substr(pos, end - pos);
}

struct Timing {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  std::string settings;
};

Result<Timing> parse_timing_line(const Line& line, std::string_view source) {
  std::string_view text = line.text;
  auto fail = [&](std::size_t pos, std::string expected, std::string_view found) -> Error {
    return make_error(ErrorCode::invalid_argument,
                      "expected " + expected + ", found " + detail::quote_found(found),
                      detail::line_field(source, line, pos));
  };
  std::size_t pos = 0;
  while (pos < text.size() && detail::is_space(text[pos])) ++pos;
  std::size_t start_pos = pos;
  auto start = parse_timestamp(text, pos);
  if (!start) return fail(start_pos, kTimestampShape, token_at(text, start_pos));
  while (pos < text.size() && detail::is_space(text[pos])) ++pos;
  if (text.substr(pos, 3) != "-->") return fail(pos, "\"-->\"", token_at(text, pos));
  pos += 3;
  while (pos < text.size() && detail::is_space(text[pos])) ++pos;
  std::size_t end_pos = pos;
  auto end = parse_timestamp(text, pos);
  if (!end) return fail(end_pos, kTimestampShape, token_at(text, end_pos));
  if (*start > limits::timestamp_ms_max || *end > limits::timestamp_ms_max) {
    return fail(*start > limits::timestamp_ms_max ? start_pos : end_pos,
                "a timestamp before " + detail::format_timestamp(limits::timestamp_ms_max, '.'),
                token_at(text, *start > limits::timestamp_ms_max ? start_pos : end_pos));
  }
  if (*end < *start) {
    return fail(end_pos,
                "an end time at or after the start " + detail::format_timestamp(*start, '.'),
                token_at(text, end_pos));
  }
  if (pos < text.size() && !detail::is_space(text[pos])) {
    return fail(pos, "a space before the cue settings", token_at(text, pos));
  }
  return Timing{*start, *end, std::string(detail::trim(text.substr(pos)))};
}

struct CueText {
  std::string text;
  std::string speaker;
  std::string other_speaker;  // a second, different voice in the same cue
};

// The cue text tokenizer of the specification, reduced to what a transcript needs: the text, the
// first voice, nothing of the styling. <rt> (ruby pronunciation) text is dropped so the base
// text reads naturally; timestamp tags are dropped.
CueText parse_cue_text(std::string_view text) {
  CueText cue;
  std::string out;
  out.reserve(text.size());
  bool in_ruby_text = false;
  for (std::size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c == '<') {
      std::size_t close = text.find('>', i + 1);
      if (close == std::string_view::npos) close = text.size();
      std::string_view tag = text.substr(i + 1, close - i - 1);
      i = close + 1;
      if (tag.empty()) continue;
      if (tag[0] == '/') {
        std::string_view name = detail::trim(tag.substr(1));
        if (name == "rt") in_ruby_text = false;
        continue;
      }
      if (is_digit(tag[0])) continue;  // <00:00:01.000> karaoke timestamp
      std::size_t name_end = 0;
      while (name_end < tag.size() && tag[name_end] != '.' && !detail::is_space(tag[name_end]) &&
             tag[name_end] != '\n') {
        ++name_end;
      }
      std::string_view name = tag.substr(0, name_end);
      if (name == "rt") in_ruby_text = true;
      if (name == "v") {
        std::size_t annotation_start = tag.find_first_of(" \t\n", name_end);
        std::string annotation;
        if (annotation_start != std::string_view::npos) {
          std::string_view raw = tag.substr(annotation_start);
          for (std::size_t k = 0; k < raw.size();) {
            if (raw[k] == '&') {
              std::size_t used = detail::decode_reference(raw.substr(k), annotation);
              if (used > 0) {
                k += used;
                continue;
              }
            }
            annotation += raw[k++];
          }
        }
        std::string speaker = detail::clip_label(annotation);
        if (cue.speaker.empty()) {
          cue.speaker = std::move(speaker);
        } else if (speaker != cue.speaker && cue.other_speaker.empty()) {
          cue.other_speaker = std::move(speaker);
        }
      }
      continue;
    }
    if (c == '&') {
      std::string decoded;
      std::size_t used = detail::decode_reference(text.substr(i), decoded);
      if (used > 0) {
        if (!in_ruby_text) out += decoded;
        i += used;
        continue;
      }
    }
    if (!in_ruby_text) out += c;
    ++i;
  }
  cue.text = detail::tidy_text(out);
  return cue;
}

// Skips a block that is not a cue: it ends at a blank line, or at a line with "-->", which the
// specification treats as the start of the next block.
void skip_block(LineReader& lines) {
  lines.advance();
  while (!is_blank(lines.peek()) && !detail::contains(lines.peek()->text, "-->")) lines.advance();
}

}  // namespace

Result<Document> read_webvtt(std::string_view content, const ReadOptions& options) {
  const std::string& source = options.source_name;
  RETURN_IF_ERROR(detail::check_input(content, source, /*check_lines=*/true));
  Document document;
  document.format = to_string(Format::webvtt);

  const std::size_t start = detail::bom_length(content);
  LineReader lines(content, start);
  const Line* signature = lines.peek();
  std::string_view first = signature ? signature->text : std::string_view{};
  if (first.substr(0, 6) != "WEBVTT" || (first.size() > 6 && !detail::is_space(first[6]))) {
    return make_error(ErrorCode::invalid_argument,
                      "expected \"WEBVTT\" on the first line, found " + detail::quote_found(first),
                      detail::position_field(source, content, start));
  }
  lines.advance();
  // Header lines (old-style metadata) run to the first blank line; a timing line ends them early.
  while (!is_blank(lines.peek()) && !detail::contains(lines.peek()->text, "-->")) lines.advance();

  bool seen_cue = false;
  while (true) {
    while (lines.peek() != nullptr && is_blank(lines.peek())) lines.advance();
    const Line* line = lines.peek();
    if (line == nullptr) break;

    std::string cue_id;
    Line timing_line;  // a copy: advance() frees the buffered line
    if (detail::contains(line->text, "-->")) {
      timing_line = *line;
    } else if (!is_blank(lines.peek(1)) && detail::contains(lines.peek(1)->text, "-->")) {
      cue_id = detail::clip_label(line->text);
      lines.advance();
      timing_line = *lines.peek();
    } else {
      // A block that opens with a timestamp but has no "-->" is a mistyped timing line ("->",
      // "- ->"): the specification would drop the cue silently; refuse it instead, at the arrow.
      for (std::size_t ahead = 0; ahead < 2 && !is_blank(lines.peek(ahead)); ++ahead) {
        const Line& candidate = *lines.peek(ahead);
        std::size_t pos = 0;
        while (pos < candidate.text.size() && detail::is_space(candidate.text[pos])) ++pos;
        if (parse_timestamp(candidate.text, pos)) {
          auto timing = parse_timing_line(candidate, source);
          if (!timing.ok()) return std::move(timing).error();
        }
      }
      std::string_view text = line->text;
      bool known = detail::starts_with_word(text, "NOTE") ||
                   detail::starts_with_word(text, "STYLE") ||
                   detail::starts_with_word(text, "REGION");
      if (!known) {
        detail::add_warning(
            document, detail::line_field(source, *line) + ": block without a cue timing ignored");
      } else if (seen_cue && !detail::starts_with_word(text, "NOTE")) {
        detail::add_warning(document, detail::line_field(source, *line) +
                                          ": STYLE or REGION block after the first cue ignored");
      }
      skip_block(lines);
      continue;
    }

    ASSIGN_OR_RETURN(Timing timing, parse_timing_line(timing_line, source));
    lines.advance();
    std::string raw_text;
    while (!is_blank(lines.peek()) && !detail::contains(lines.peek()->text, "-->")) {
      if (!raw_text.empty()) raw_text += '\n';
      raw_text += lines.peek()->text;
      lines.advance();
    }
    CueText cue_text = parse_cue_text(raw_text);
    Segment segment;
    segment.start_ms = timing.start_ms;
    segment.end_ms = timing.end_ms;
    segment.text = std::move(cue_text.text);
    segment.speaker_label = std::move(cue_text.speaker);
    segment.cue_id = std::move(cue_id);
    segment.cue_settings = std::move(timing.settings);
    if (!cue_text.other_speaker.empty()) {
      detail::add_warning(document, detail::line_field(source, timing_line) +
                                        ": cue has several voices (\"" + segment.speaker_label +
                                        "\", \"" + cue_text.other_speaker +
                                        "\"); the first is its speaker");
    }
    if (document.segments.size() >= limits::segments_max) {
      return make_error(
          ErrorCode::resource_exhausted,
          "expected at most " + std::to_string(limits::segments_max) + " cues, found more",
          detail::line_field(source, timing_line));
    }
    document.segments.push_back(std::move(segment));
    seen_cue = true;
  }
  RETURN_IF_ERROR(detail::finish_document(document, source));
  return document;
}

}  // namespace narralytica::formats
