// The checks and repairs every reader applies last, so every Document honours the invariants in
// document.hpp whatever format it came from. The rules are listed in docs/formats.md.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "formats/document.hpp"

namespace narralytica::formats::detail {

// Drops segments with no text and no words (warning), replaces NUL characters (warning), sorts
// segments by start_ms when out of order (warning, layer item indexes follow their segments),
// warns once about overlapping segments and once about times past duration_ms. Refuses
// (invalid_argument) a segment, word or layer item with end_ms < start_ms or outside
// [0, limits::timestamp_ms_max], and resource_exhausted over the count limits.
Status finish_document(Document& document, std::string_view source);

// Sets segment_index / segment_index_last of every item of `layer` to the first and last segment
// overlapping the item's time span. Segments must already be sorted (finish_document).
void attach_by_time(const Document& document, Layer& layer);

// One warning counting the segments that end after `duration_ms`; `what` names the duration.
void warn_past_duration(Document& document, int64_t duration_ms, std::string_view what);

// Human name of a segment for warnings: cue "id" at 00:00:01.000, or segment N at ...
std::string describe_segment(const Segment& segment, std::size_t index);

// A resource_exhausted error when `count` would pass `maximum`.
Status check_count(std::size_t count, std::size_t maximum, std::string_view what,
                   std::string_view field);

}  // namespace narralytica::formats::detail
