// WebVTT reader (W3C WebVTT: The Web Video Text Tracks Format). See docs/formats.md for what is
// accepted, and for what is refused or kept with a warning.
#pragma once

#include <string_view>

#include "core/result.hpp"
#include "formats/document.hpp"
#include "formats/format.hpp"

namespace narralytica::formats {

// Parses a WebVTT file: signature line with optional text, BOM, CRLF/LF/CR line ends, cue ids,
// hh:mm:ss.ttt and mm:ss.ttt timestamps, cue settings (kept verbatim in Segment::cue_settings),
// multi-line text, NOTE/STYLE/REGION blocks (skipped). <v Name> gives the speaker; other tags are
// stripped and their text kept; character references are decoded.
// Errors: invalid_argument with field "source:line:column"; resource_exhausted over a limit.
Result<Document> read_webvtt(std::string_view content, const ReadOptions& options = {});

}  // namespace narralytica::formats
