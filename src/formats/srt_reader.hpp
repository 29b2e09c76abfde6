// SubRip (.srt) reader. See docs/formats.md for what is accepted and how bad input is handled.
#pragma once

#include <string_view>

#include "core/result.hpp"
#include "formats/document.hpp"
#include "formats/format.hpp"

namespace narralytica::formats {

// Parses SRT: numeric index (optional), hh:mm:ss,mmm or hh:mm:ss.mmm timings, multi-line text, BOM,
// CRLF/LF/CR, missing final blank line, missing blank line before the next index, stray
// whitespace. <i>/<b>/<u>/<font> tags and {\...} override codes are stripped. With
// options.speaker_prefix, a first line "Name: text" sets the speaker to Name.
// Errors: invalid_argument with field "source:line:column"; resource_exhausted over a limit.
Result<Document> read_srt(std::string_view content, const ReadOptions& options = {});

}  // namespace narralytica::formats
