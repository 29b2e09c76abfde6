#include "formats/detail/subtitle_timing.hpp"

#include "formats/limits.hpp"

namespace narralytica::formats::detail {

namespace {

std::string_view token_at(std::string_view text, std::size_t pos) {
  std::size_t end = pos;
  while (end < text.size() && !is_space(text[end])) ++end;
  return text.substr(pos, end - pos);
}

}  // namespace

std::optional<LineProblem> parse_subtitle_timing(std::string_view text, TimestampParser parse_timestamp,
                                                 std::string_view timestamp_shape, char separator,
                                                 SubtitleTiming& timing) {
  auto problem = [&](std::size_t pos, std::string_view expected, std::string_view found) {
    return LineProblem{pos, "expected " + std::string(expected) + ", found " + quote_found(found)};
  };
  std::size_t pos = 0;
  while (pos < text.size() && is_space(text[pos])) ++pos;
  const std::size_t start_pos = pos;
  const auto start = parse_timestamp(text, pos);
  if (!start) return problem(start_pos, timestamp_shape, token_at(text, start_pos));
  while (pos < text.size() && is_space(text[pos])) ++pos;
  if (text.substr(pos, 3) != "-->") return problem(pos, "\"-->\"", token_at(text, pos));
  pos += 3;
  while (pos < text.size() && is_space(text[pos])) ++pos;
  const std::size_t end_pos = pos;
  const auto end = parse_timestamp(text, pos);
  if (!end) return problem(end_pos, timestamp_shape, token_at(text, end_pos));
  if (*start > limits::timestamp_ms_max || *end > limits::timestamp_ms_max) {
    const std::size_t at = *start > limits::timestamp_ms_max ? start_pos : end_pos;
    return problem(at, "a timestamp before " + format_timestamp(limits::timestamp_ms_max, separator),
                   token_at(text, at));
  }
  if (*end < *start) {
    return problem(end_pos, "an end time at or after the start " + format_timestamp(*start, separator),
                   token_at(text, end_pos));
  }
  timing = SubtitleTiming{*start, *end, std::string(trim(text.substr(pos)))};
  return std::nullopt;
}

}  // namespace narralytica::formats::detail
