// Writers for the subtitle formats: WebVTT and SRT. (Narralytica JSON is in narralytica_json.hpp.)
#pragma once

#include <string>

#include "core/result.hpp"
#include "formats/document.hpp"
#include "formats/format.hpp"

namespace narralytica::formats {

// WebVTT with a "WEBVTT" signature, one cue per segment in order, cue ids and settings kept, the
// speaker as a <v Speaker> voice span, and &, <, > escaped. Blank lines inside a segment's text are
// collapsed (a blank line would end the cue). Word timings and layers are not written.
// Fails with invalid_argument when a segment has end_ms < start_ms.
Result<std::string> write_webvtt(const Document& document);

// SRT numbered from 1, "hh:mm:ss,mmm" timings, the speaker as a "Speaker: " prefix (read it back
// with ReadOptions::speaker_prefix). Tags are not written.
Result<std::string> write_srt(const Document& document);

// Writes in any writable format: webvtt, srt or narralytica_json; the other formats are
// invalid_argument (Narralytica does not produce engine output).
Result<std::string> write_document(const Document& document, Format format);

}  // namespace narralytica::formats
