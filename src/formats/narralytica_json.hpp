// Narralytica's own transcript JSON: lossless, so export then import gives back exactly the same
// Document (segments, speakers, word timings with their source (interpolated, aligned), confidences, cue ids and
// settings, layers). The schema is documented in docs/formats.md.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "formats/document.hpp"
#include "formats/format.hpp"

namespace narralytica::formats {

// Top-level "format" value that identifies the file, and the schema version written.
inline constexpr std::string_view narralytica_json_format_name = "narralytica.transcript";
inline constexpr int narralytica_json_version = 1;

struct JsonWriteOptions {
  bool include_words = true;   // word timings
  bool include_layers = true;  // layers ("and layers when asked")
  bool pretty = true;          // two-space indentation; false writes one line
};

// Writes `document` as Narralytica JSON. Fails with invalid_argument when the document breaks an
// invariant of document.hpp (e.g. end_ms < start_ms, a payload that is not a JSON object).
Result<std::string> write_narralytica_json(const Document& document,
                                           const JsonWriteOptions& options = {});

// Reads Narralytica JSON written by any version up to narralytica_json_version.
Result<Document> read_narralytica_json(std::string_view content, const ReadOptions& options = {});

}  // namespace narralytica::formats
