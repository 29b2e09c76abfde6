// A fast path for the most common JSON input, Whisper verbose_json and WhisperX: reads the file in
// one pass straight into a Document, without building nlohmann's DOM (about 12 times the file
// in memory, and most of an import's malloc time). It handles only well-formed input of the usual
// shape and gives up (nullopt) on anything else: another engine's JSON, a null, a number where a
// string is expected, a value out of range, malformed JSON. The caller then reads the file with
// the DOM reader, which gives the same Document for what the fast path accepts and reports every
// error with its file, line, column and JSON path. So the fast path never decides an error.
#pragma once

#include <optional>
#include <string_view>

#include "formats/document.hpp"
#include "formats/format.hpp"

namespace narralytica::formats::detail {

// `content` has passed check_input (size, UTF-8). `format`: the format asked for (--format), or
// nullopt to detect Whisper/WhisperX as detect_format() does. Returns nullopt to mean "use the
// DOM reader".
std::optional<Document> read_whisper_fast(std::string_view content, std::string_view source,
                                          std::optional<Format> format);

}  // namespace narralytica::formats::detail
