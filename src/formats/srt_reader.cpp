// SRT has no specification; this reader accepts what common tools (ffmpeg, Subtitle Edit, Aegisub,
// YouTube, ASR exporters) write. A block a player drops (its timing line cannot be read, or it has
// none) is skipped with a warning naming its line and why, as the WebVTT reader does; with
// ReadOptions::strict the file is refused there instead.
#include "formats/srt_reader.hpp"

#include <string>

#include "core/ascii.hpp"
#include "formats/detail/finish.hpp"
#include "formats/detail/subtitle_timing.hpp"
#include "formats/detail/text.hpp"
#include "formats/limits.hpp"

namespace narralytica::formats {

namespace {

using detail::Line;
using detail::LineReader;

bool is_blank(const Line* line) {
  return line == nullptr || detail::trim(line->text).empty();
}

bool all_digits(std::string_view text) {
  text = detail::trim(text);
  if (text.empty() || text.size() > 10) return false;
  for (char c : text) {
    if (!is_ascii_digit(c)) return false;
  }
  return true;
}

// hh:mm:ss,mmm; also "." before the milliseconds, 1 to 7 hour digits, 1 or 2 minute and second
// digits, 1 to 3 fraction digits (",5" is half a second).
std::optional<int64_t> parse_srt_timestamp(std::string_view text, std::size_t& pos) {
  auto digits = [&](std::size_t max_count, std::size_t& count) -> int64_t {
    int64_t value = 0;
    count = 0;
    while (pos < text.size() && is_ascii_digit(text[pos]) && count < max_count + 1) {
      value = value * 10 + (text[pos] - '0');
      ++count;
      ++pos;
    }
    return value;
  };
  std::size_t count = 0;
  int64_t hours = digits(7, count);
  if (count == 0 || count > 7) return std::nullopt;
  if (pos >= text.size() || text[pos] != ':') return std::nullopt;
  ++pos;
  int64_t minutes = digits(2, count);
  if (count == 0 || count > 2 || minutes > 59) return std::nullopt;
  if (pos >= text.size() || text[pos] != ':') return std::nullopt;
  ++pos;
  int64_t seconds = digits(2, count);
  if (count == 0 || count > 2 || seconds > 59) return std::nullopt;
  if (pos >= text.size() || (text[pos] != ',' && text[pos] != '.')) return std::nullopt;
  ++pos;
  int64_t fraction = digits(3, count);
  if (count == 0 || count > 3) return std::nullopt;
  for (std::size_t k = count; k < 3; ++k) fraction *= 10;
  return ((hours * 60 + minutes) * 60 + seconds) * 1000 + fraction;
}

constexpr const char* kSrtTimestampShape = "a timestamp like 00:00:01,000";

using Timing = detail::SubtitleTiming;

std::optional<detail::LineProblem> parse_srt_timing_line(std::string_view text, Timing& timing) {
  return detail::parse_subtitle_timing(text, parse_srt_timestamp, kSrtTimestampShape, ',', timing);
}

bool is_timing_line(const Line* line) {
  if (line == nullptr || !detail::contains(line->text, "-->")) return false;
  std::string_view text = detail::trim(line->text);
  std::size_t pos = 0;
  return parse_srt_timestamp(text, pos).has_value();
}

bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Strips HTML-like tags (<i>, </b>, <font color="...">) and ASS override codes ({\an8}); a '<'
// that does not open a tag ("x < y") stays.
std::string strip_tags(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == '<') {
      std::size_t name = i + 1;
      if (name < text.size() && text[name] == '/') ++name;
      std::size_t close = text.find('>', i + 1);
      std::size_t newline = text.find('\n', i + 1);
      if (name < text.size() && is_letter(text[name]) && close != std::string_view::npos &&
          (newline == std::string_view::npos || close < newline)) {
        i = close + 1;
        continue;
      }
    }
    if (text[i] == '{' && i + 1 < text.size() && text[i + 1] == '\\') {
      std::size_t close = text.find('}', i + 2);
      if (close != std::string_view::npos) {
        i = close + 1;
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

// "Name: text" on the first line: a name of at most five words followed by a colon and a space or
// the end of the line (so "10:30 tomorrow" and "http://x" are not speakers).
bool split_speaker_prefix(std::string& text, std::string& speaker) {
  constexpr std::size_t kNameBytesMax = 64;
  constexpr int kNameWordsMax = 5;
  std::size_t colon = text.find(':');
  std::size_t newline = text.find('\n');
  if (colon == std::string::npos || colon == 0 || colon > kNameBytesMax ||
      (newline != std::string::npos && newline < colon)) {
    return false;
  }
  if (colon + 1 < text.size() && text[colon + 1] != ' ' && text[colon + 1] != '\t' &&
      text[colon + 1] != '\n') {
    return false;
  }
  std::string_view name = detail::trim(std::string_view(text).substr(0, colon));
  if (name.empty()) return false;
  int words = 1;
  for (char c : name) words += c == ' ' ? 1 : 0;
  if (words > kNameWordsMax) return false;
  speaker = detail::clip_label(name);
  text = detail::tidy_text(std::string_view(text).substr(colon + 1));
  return true;
}

// A cue starts at a timing line, or at a number line directly above one.
bool starts_cue(LineReader& lines) {
  return is_timing_line(lines.peek()) || (lines.peek() != nullptr && all_digits(lines.peek()->text) &&
                                          is_timing_line(lines.peek(1)));
}

// Past the rest of a block a player drops: to a blank line or to the start of the next cue.
void skip_rest_of_block(LineReader& lines) {
  while (!is_blank(lines.peek()) && !starts_cue(lines)) lines.advance();
}

}  // namespace

Result<Document> read_srt(std::string_view content, const ReadOptions& options) {
  const std::string& source = options.source_name;
  RETURN_IF_ERROR(detail::check_input(content, source, /*check_lines=*/true));
  Document document;
  document.format = to_string(Format::srt);

  LineReader lines(content, detail::bom_length(content));
  while (true) {
    while (lines.peek() != nullptr && is_blank(lines.peek())) lines.advance();
    const Line* line = lines.peek();
    if (line == nullptr) break;

    std::string cue_id;
    if (!detail::contains(line->text, "-->")) {
      if (!all_digits(line->text)) {
        RETURN_IF_ERROR(detail::skip_or_refuse(
            document, options, *line,
            detail::LineProblem{0, "expected a cue number or a timing line, found " +
                                       detail::quote_found(detail::trim(line->text))},
            "block"));
        lines.advance();
        skip_rest_of_block(lines);
        continue;
      }
      cue_id = std::string(detail::trim(line->text));
      Line index_line = *line;
      lines.advance();
      line = lines.peek();
      if (line == nullptr || is_blank(line)) {
        RETURN_IF_ERROR(detail::skip_or_refuse(
            document, options, line == nullptr ? index_line : *line,
            detail::LineProblem{0,
                                "expected a timing line like 00:00:01,000 --> 00:00:02,000 after cue " +
                                    cue_id + ", found " +
                                    (line == nullptr ? "the end of the file" : "a blank line")},
            "cue"));
        continue;
      }
    }
    Line timing_line = *line;
    Timing timing;
    lines.advance();
    if (auto problem = parse_srt_timing_line(timing_line.text, timing)) {
      RETURN_IF_ERROR(detail::skip_or_refuse(document, options, timing_line, *problem, "cue"));
      skip_rest_of_block(lines);
      continue;
    }

    std::string raw_text;
    while (!is_blank(lines.peek())) {
      // A missing blank line between cues: the next index and timing start a new cue.
      if (starts_cue(lines)) break;
      if (!raw_text.empty()) raw_text += '\n';
      raw_text += lines.peek()->text;
      lines.advance();
    }
    Segment segment;
    segment.start_ms = timing.start_ms;
    segment.end_ms = timing.end_ms;
    segment.text = detail::tidy_text(strip_tags(raw_text));
    segment.cue_id = std::move(cue_id);
    segment.cue_settings = std::move(timing.settings);
    if (options.speaker_prefix) split_speaker_prefix(segment.text, segment.speaker_label);
    if (document.segments.size() >= limits::segments_max) {
      return make_error(
          ErrorCode::resource_exhausted,
          "expected at most " + std::to_string(limits::segments_max) + " cues, found more",
          detail::line_field(source, timing_line));
    }
    document.segments.push_back(std::move(segment));
  }
  RETURN_IF_ERROR(detail::finish_document(document, source));
  return document;
}

}  // namespace narralytica::formats
