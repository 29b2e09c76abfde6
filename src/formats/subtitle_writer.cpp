// The subtitle writers produce files the readers (and players) accept: text that could end a cue
// early (a blank line, "-->") is neutralised rather than written raw.
#include "formats/subtitle_writer.hpp"

#include <string>

#include "formats/detail/text.hpp"
#include "formats/narralytica_json.hpp"

namespace narralytica::formats {

namespace {

Status check_segment(const Segment& segment, std::size_t index) {
  if (segment.start_ms >= 0 && segment.end_ms >= segment.start_ms) return ok_status();
  return make_error(ErrorCode::invalid_argument,
                    "expected 0 <= start_ms <= end_ms, found " + std::to_string(segment.start_ms) +
                        " and " + std::to_string(segment.end_ms),
                    "segments[" + std::to_string(index) + "]");
}

// The segment's lines without blank ones (a blank line ends a cue); the words when there is no
// text.
std::string cue_lines(const Segment& segment) {
  std::string text = segment.text;
  if (detail::trim(text).empty()) {
    for (const Word& word : segment.words) {
      if (!text.empty()) text += ' ';
      text += word.text;
    }
  }
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find_first_of("\r\n", start);
    if (end == std::string::npos) end = text.size();
    std::string_view line = detail::trim(std::string_view(text).substr(start, end - start));
    if (!line.empty()) {
      if (!out.empty()) out += '\n';
      out += line;
    }
    start = end + 1;
  }
  return out;
}

std::string escape_vtt(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else
      out += c;
  }
  return out;
}

std::string one_line(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

}  // namespace

Result<std::string> write_webvtt(const Document& document) {
  std::string out = "WEBVTT\n";
  for (std::size_t i = 0; i < document.segments.size(); ++i) {
    const Segment& segment = document.segments[i];
    RETURN_IF_ERROR(check_segment(segment, i));
    out += '\n';
    // An id may not contain "-->" or a line break, nor be blank; such an id is left out.
    std::string id = one_line(segment.cue_id);
    if (!detail::trim(id).empty() && !detail::contains(id, "-->") && id == segment.cue_id) {
      out += id;
      out += '\n';
    }
    out += detail::format_timestamp(segment.start_ms, '.');
    out += " --> ";
    out += detail::format_timestamp(segment.end_ms, '.');
    std::string settings = one_line(detail::trim(segment.cue_settings));
    if (!settings.empty()) {
      out += ' ';
      out += settings;
    }
    out += '\n';
    if (!segment.speaker_label.empty()) {
      out += "<v ";
      out += escape_vtt(one_line(segment.speaker_label));
      // A name ending in "--" would make "-->" with the closing '>', which reads as a timing
      // line; the reader trims the space again. (Found by fuzzing.)
      if (segment.speaker_label.back() == '-') out += ' ';
      out += '>';
    }
    out += escape_vtt(cue_lines(segment));
    out += '\n';
  }
  return out;
}

Result<std::string> write_srt(const Document& document) {
  std::string out;
  for (std::size_t i = 0; i < document.segments.size(); ++i) {
    const Segment& segment = document.segments[i];
    RETURN_IF_ERROR(check_segment(segment, i));
    if (i > 0) out += '\n';
    out += std::to_string(i + 1);
    out += '\n';
    out += detail::format_timestamp(segment.start_ms, ',');
    out += " --> ";
    out += detail::format_timestamp(segment.end_ms, ',');
    // Only SRT's own position hints (X1:... Y2:...) mean anything to an SRT player.
    std::string settings = one_line(detail::trim(segment.cue_settings));
    if (settings.rfind("X1:", 0) == 0) {
      out += ' ';
      out += settings;
    }
    out += '\n';
    std::string text = cue_lines(segment);
    // SRT has no escaping: "-->" in text would read as a timing line, so it loses its '-'.
    // Restart from the beginning after each cut: "--->" becomes "-->" after one.
    for (std::size_t pos = text.find("-->"); pos != std::string::npos; pos = text.find("-->")) {
      text.erase(pos, 1);
    }
    if (!segment.speaker_label.empty()) {
      out += one_line(segment.speaker_label);
      out += ": ";
    }
    out += text;
    out += '\n';
  }
  return out;
}

Result<std::string> write_document(const Document& document, Format format) {
  switch (format) {
    case Format::webvtt:
      return write_webvtt(document);
    case Format::srt:
      return write_srt(document);
    case Format::narralytica_json:
      return write_narralytica_json(document);
    default:
      break;
  }
  return make_error(
      ErrorCode::invalid_argument,
      std::string("expected an export format (vtt, srt, json), found ") + to_string(format),
      "format");
}

}  // namespace narralytica::formats
