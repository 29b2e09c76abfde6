// The transcript formats Narralytica reads and writes, the options every reader takes, and the one
// entry point that detects a format and reads a file: read_document().
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "formats/document.hpp"

namespace narralytica::formats {

enum class Format {
  webvtt,            // W3C WebVTT (.vtt)
  srt,               // SubRip (.srt)
  whisper_json,      // OpenAI Whisper verbose_json
  whisperx_json,     // WhisperX JSON (segments with speakers, words with score)
  assemblyai_json,   // AssemblyAI transcript JSON
  deepgram_json,     // Deepgram pre-recorded response JSON
  narralytica_json,  // Narralytica's own lossless JSON
};

// Stable short names, also used by --format and in Document::format:
// "vtt", "srt", "whisper", "whisperx", "assemblyai", "deepgram", "json".
const char* to_string(Format format) noexcept;
// Parses a short name (and a few aliases: "webvtt", "narralytica"); not_found-free: returns
// invalid_argument naming the accepted names when unknown.
Result<Format> parse_format(std::string_view name);

struct ReadOptions {
  // Members have explicit initializers so designated initialisation stays warning-free on GCC 12.
  std::optional<Format> format{};  // overrides detection when set (--format)
  // File name used in error positions and warnings; "<input>" when empty.
  std::string source_name{};
  // File name whose extension helps detection; defaults to source_name.
  std::string filename_hint{};
  // SRT: map a leading "Name: " on a cue to its speaker (--speaker-prefix).
  bool speaker_prefix = false;
  // WebVTT and SRT: refuse a block a player would discard (a cue whose timing cannot be read,
  // text without a timing) instead of skipping it with a warning (--strict, ?strict=true).
  bool strict = false;
};

// Detects the format of `content` from its first bytes and, for JSON, its top-level keys; the
// extension of `filename_hint` (".vtt", ".srt", ".json") only breaks ties. Returns
// invalid_argument when nothing matches, naming the formats it knows. Pure; thread-safe.
Result<Format> detect_format(std::string_view content, std::string_view filename_hint = {});

// Reads a whole transcript. Uses options.format when set, otherwise detect_format(). Returns the
// Document (with warnings for what was repaired, see docs/formats.md), or:
//   invalid_argument   "expected X, found Y" with field "source:line:column" (JSON:
//   "source:line:column: $.path") resource_exhausted the input is over one of the limits in
//   limits.hpp
// Pure; thread-safe; `content` is not retained.
Result<Document> read_document(std::string_view content, const ReadOptions& options = {});

// Adds a warning to `document` when segments end after `duration_ms` (for the import use case,
// which knows the video's duration; readers already check the duration the file declares).
// Segments are kept: ASR end times commonly overshoot by a few milliseconds.
void warn_past_duration(Document& document, int64_t duration_ms);

}  // namespace narralytica::formats
