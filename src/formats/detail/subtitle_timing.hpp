// The timing line shared by the subtitle readers ("00:01.000 --> 00:02.000 align:start" in
// WebVTT, "00:00:01,000 --> 00:00:02,000 X1:10" in SRT): only the timestamp differs. Internal to
// src/formats.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "formats/detail/text.hpp"

namespace narralytica::formats::detail {

struct SubtitleTiming {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  std::string settings;  // what follows the end time, trimmed, verbatim
};

// Reads one timestamp at text[pos] and advances pos; nullopt when there is none there.
using TimestampParser = std::optional<int64_t> (*)(std::string_view text, std::size_t& pos);

// Reads "START --> END [settings]" (whitespace optional around the arrow and before the
// settings). Returns why the line is not a timing line, at its byte position: a malformed
// timestamp (`timestamp_shape` says what was expected), no arrow, a time past
// limits::timestamp_ms_max, an end before the start. `separator` is the one before the
// milliseconds when a time is quoted back ('.' or ','). Pure.
std::optional<LineProblem> parse_subtitle_timing(std::string_view text, TimestampParser parse_timestamp,
                                                 std::string_view timestamp_shape, char separator,
                                                 SubtitleTiming& timing);

}  // namespace narralytica::formats::detail
