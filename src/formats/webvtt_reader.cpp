// WebVTT parsing follows the W3C "WebVTT parser algorithm" ("collect a WebVTT block"), so a file
// reads as browsers read it: a block the algorithm discards (a cue whose timing line cannot be
// read, text with no timing, a NOTE whose text holds "-->") is skipped with a warning naming its
// line and why, and with ReadOptions::strict the file is refused there instead. Two deliberate
// differences, both about cues a viewer never sees: a cue that ends before it starts, and a cue
// whose text is empty, are dropped with a warning (the store keeps start <= end and searchable text).
#include "formats/webvtt_reader.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "core/ascii.hpp"
#include "formats/detail/finish.hpp"
#include "formats/detail/subtitle_timing.hpp"
#include "formats/detail/text.hpp"
#include "formats/limits.hpp"

namespace narralytica::formats {

namespace {

using detail::Line;
using detail::LineReader;

constexpr const char* kVttTimestampShape = "a timestamp like 00:01.000 or 01:00:01.000";

// Parses a WebVTT timestamp at text[pos]; advances pos. Returns nullopt when malformed.
std::optional<int64_t> parse_vtt_timestamp(std::string_view text, std::size_t& pos) {
  auto digits = [&](std::size_t& count) -> int64_t {
    int64_t value = 0;
    count = 0;
    while (pos < text.size() && is_ascii_digit(text[pos])) {
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

using Timing = detail::SubtitleTiming;

std::optional<detail::LineProblem> parse_vtt_timing_line(std::string_view text, Timing& timing) {
  return detail::parse_subtitle_timing(text, parse_vtt_timestamp, kVttTimestampShape, '.', timing);
}

struct CueText {
  std::string text;
  std::string speaker;
  std::string other_speaker;  // a second, different voice in the same cue
};

// The element nesting of the cue text parsing rules, reduced to what decides whether text is
// ruby pronunciation: an <rt> counts only directly inside <ruby>, and </ruby> also closes it.
class CueNesting {
 public:
  void open(std::string_view name) {
    static constexpr std::string_view kElements[] = {"c", "i", "b", "u", "ruby", "v", "lang"};
    bool known = std::find(std::begin(kElements), std::end(kElements), name) != std::end(kElements);
    if (name == "rt" && !open_.empty() && open_.back() == "ruby") known = true;
    if (!known || open_.size() >= kDepthMax) return;  // the specification ignores unknown tags
    open_.emplace_back(name);
    if (name == "rt") ++ruby_text_depth_;
  }
  void close(std::string_view name) {
    if (open_.empty()) return;
    if (open_.back() == name) {
      pop();
    } else if (name == "ruby" && open_.back() == "rt") {
      pop();
      pop();
    }
  }
  bool in_ruby_text() const { return ruby_text_depth_ > 0; }

 private:
  void pop() {
    if (open_.empty()) return;
    if (open_.back() == "rt") --ruby_text_depth_;
    open_.pop_back();
  }
  // Far beyond real cues; a deeper tag is ignored rather than grown without bound.
  static constexpr std::size_t kDepthMax = 64;
  std::vector<std::string> open_;
  std::size_t ruby_text_depth_ = 0;
};

// The cue text tokenizer of the specification, reduced to what a transcript needs: the text, the
// first voice, nothing of the styling. <rt> (ruby pronunciation) text is dropped so the base
// text reads naturally; timestamp tags are dropped.
CueText parse_cue_text(std::string_view text) {
  CueText cue;
  std::string out;
  out.reserve(text.size());
  CueNesting nesting;
  for (std::size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c == '<') {
      std::size_t close = text.find('>', i + 1);
      if (close == std::string_view::npos) close = text.size();
      std::string_view tag = text.substr(i + 1, close - i - 1);
      i = close + 1;
      if (tag.empty()) continue;
      if (tag[0] == '/') {
        nesting.close(tag.substr(1));
        continue;
      }
      if (is_ascii_digit(tag[0])) continue;  // <00:00:01.000> karaoke timestamp
      std::size_t name_end = 0;
      while (name_end < tag.size() && tag[name_end] != '.' && !detail::is_space(tag[name_end]) &&
             tag[name_end] != '\n') {
        ++name_end;
      }
      std::string_view name = tag.substr(0, name_end);
      nesting.open(name);
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
        if (!nesting.in_ruby_text()) out += decoded;
        i += used;
        continue;
      }
    }
    if (!nesting.in_ruby_text()) out += c;
    ++i;
  }
  cue.text = detail::tidy_text(out);
  return cue;
}

// One block as "collect a WebVTT block" cuts it: lines up to an empty line (a line of spaces is
// not empty), or up to a line with "-->" that cannot be this block's timing line.
struct Block {
  std::vector<Line> lines_before_timing;  // the cue id, or the whole block when it has no timing
  std::optional<Line> timing_line;        // the line with "-->" on line 1 or 2
  std::vector<Line> text_lines;           // after the timing line
};

bool is_empty(const Line* line) {
  return line == nullptr || line->text.empty();
}

Block collect_block(LineReader& lines) {
  Block block;
  while (!is_empty(lines.peek())) {
    const Line& line = *lines.peek();
    if (detail::contains(line.text, "-->")) {
      // Only the first or second line can be a timing line; any later one starts the next block.
      if (block.timing_line || block.lines_before_timing.size() > 1) break;
      block.timing_line = line;
    } else if (block.timing_line) {
      block.text_lines.push_back(line);
    } else {
      block.lines_before_timing.push_back(line);
    }
    lines.advance();
  }
  return block;
}

std::string join_lines(const std::vector<Line>& lines) {
  std::string joined;
  for (const Line& line : lines) {
    if (!joined.empty()) joined += '\n';
    joined += line.text;
  }
  return joined;
}

// A block without a timing line: a NOTE comment, a STYLE or REGION definition (both only allowed
// before the first cue), or stray text. Only the comment and the early definitions are silent.
Status skip_untimed_block(Document& document, const ReadOptions& options, const Block& block,
                          bool seen_cue) {
  const Line& first = block.lines_before_timing.front();
  if (detail::starts_with_word(first.text, "NOTE")) return {};
  // A line that opens with a timestamp is a mistyped timing line ("->", "- ->"): name the arrow.
  for (std::size_t i = 0; i < block.lines_before_timing.size() && i < 2; ++i) {
    const Line& line = block.lines_before_timing[i];
    std::size_t pos = 0;
    while (pos < line.text.size() && detail::is_space(line.text[pos])) ++pos;
    if (!parse_vtt_timestamp(line.text, pos)) continue;
    Timing unused;
    if (auto problem = parse_vtt_timing_line(line.text, unused)) {
      return detail::skip_or_refuse(document, options, line, *problem, "cue");
    }
  }
  bool definition = detail::starts_with_word(first.text, "STYLE") ||
                    detail::starts_with_word(first.text, "REGION");
  if (definition && !seen_cue) return {};
  std::string expected = definition ? "a STYLE or REGION block only before the first cue"
                                    : "a cue timing line (\"00:01.000 --> 00:02.000\")";
  return detail::skip_or_refuse(
      document, options, first,
      detail::LineProblem{0, "expected " + expected + ", found " + detail::quote_found(first.text)},
      "block");
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
  // Header lines (old-style metadata) run to the first empty line; a timing line ends them early.
  while (!is_empty(lines.peek()) && !detail::contains(lines.peek()->text, "-->")) lines.advance();

  bool seen_cue = false;
  while (true) {
    while (lines.peek() != nullptr && lines.peek()->text.empty()) lines.advance();
    if (lines.peek() == nullptr) break;
    Block block = collect_block(lines);
    if (!block.timing_line) {
      RETURN_IF_ERROR(skip_untimed_block(document, options, block, seen_cue));
      continue;
    }
    const Line& timing_line = *block.timing_line;
    Timing timing;
    if (auto problem = parse_vtt_timing_line(timing_line.text, timing)) {
      // A NOTE whose text holds "-->" lands here too, as in the specification: say what it was.
      const Line& opening = block.lines_before_timing.empty() ? timing_line : block.lines_before_timing.front();
      bool comment = detail::starts_with_word(opening.text, "NOTE");
      RETURN_IF_ERROR(detail::skip_or_refuse(document, options, timing_line, *problem,
                                             comment ? "NOTE block with \"-->\"" : "cue"));
      continue;
    }
    CueText cue_text = parse_cue_text(join_lines(block.text_lines));
    Segment segment;
    segment.start_ms = timing.start_ms;
    segment.end_ms = timing.end_ms;
    segment.text = std::move(cue_text.text);
    segment.speaker_label = std::move(cue_text.speaker);
    // The identifier is the line before the timing, if any ("NOTE" too: the specification
    // reads a NOTE line directly above a timing line as this cue's id).
    if (!block.lines_before_timing.empty()) {
      segment.cue_id = detail::clip_label(block.lines_before_timing.front().text);
    }
    segment.cue_settings = std::move(timing.settings);
    if (!cue_text.other_speaker.empty()) {
      detail::add_warning(document, source, timing_line, 0,
                          "cue has several voices (\"" + segment.speaker_label + "\", \"" +
                              cue_text.other_speaker + "\"); the first is its speaker");
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
