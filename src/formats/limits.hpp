// Named limits on everything a reader accepts, so a hostile or broken file costs bounded memory
// and time. A file over a limit is refused with ErrorCode::resource_exhausted, never truncated.
#pragma once

#include <cstddef>
#include <cstdint>

namespace narralytica::formats::limits {

// Largest input file. Hours of word-level JSON from an ASR engine stay well under this.
inline constexpr std::size_t input_bytes_max = 256u * 1024 * 1024;
// Largest JSON input. JSON is parsed into a DOM that takes about 12 times the file size in
// memory, so JSON gets a lower cap than text; 64 MiB holds ~10 h of word-level WhisperX output.
inline constexpr std::size_t json_input_bytes_max = 64u * 1024 * 1024;
// Longest line of a text format (WebVTT, SRT); a longer one is not a subtitle.
inline constexpr std::size_t line_bytes_max = 64u * 1024;
// Most segments in one document (a 24 h recording at one cue per second is 86,400).
inline constexpr std::size_t segments_max = 1'000'000;
// Most words in one segment, and in a whole document.
inline constexpr std::size_t words_per_segment_max = 100'000;
inline constexpr std::size_t words_max = 10'000'000;
// Most layers and items per layer.
inline constexpr std::size_t layers_max = 64;
inline constexpr std::size_t layer_items_max = 1'000'000;
// Deepest JSON nesting accepted (real ASR output nests 5 or 6 levels).
inline constexpr std::size_t json_depth_max = 64;
// Latest timestamp accepted: 1000 hours, far past any real recording and far from overflow.
inline constexpr int64_t timestamp_ms_max = 1000LL * 3600 * 1000;
// Most warnings kept in Document::warnings; the rest are counted in one final warning.
inline constexpr std::size_t warnings_max = 100;
// Longest speaker label and cue id kept.
inline constexpr std::size_t label_bytes_max = 256;
// Words grouped into segments (Deepgram, AssemblyAI without utterances) break at a pause this
// long...
inline constexpr int64_t turn_gap_ms_max = 1500;
// ...or when the segment would grow past this length.
inline constexpr int64_t turn_length_ms_max = 30'000;

}  // namespace narralytica::formats::limits
