// Internal entry points of the JSON readers that take an already parsed value, so read_document()
// parses a file once for both detection and reading. Includes nlohmann/json.hpp: .cpp files only.
#pragma once

#include "core/result.hpp"
#include "formats/detail/json.hpp"
#include "formats/document.hpp"

namespace narralytica::formats::detail {

Result<Document> read_whisper_value(const JsonSource& src, const Json& root, bool whisperx);
Result<Document> read_assemblyai_value(const JsonSource& src, const Json& root);
Result<Document> read_deepgram_value(const JsonSource& src, const Json& root);
Result<Document> read_narralytica_value(const JsonSource& src, const Json& root);

// Checks the raw input (size, UTF-8) and parses it; shared by the public JSON readers.
Result<Json> check_and_parse(const JsonSource& src);

}  // namespace narralytica::formats::detail
