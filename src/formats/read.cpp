// Format names, detection and the read_document() entry point. JSON input is parsed once here
// and handed to the matching reader, so detection costs no second parse.
#include <string>

#include "formats/assemblyai_reader.hpp"
#include "formats/deepgram_reader.hpp"
#include "formats/detail/json_readers.hpp"
#include "formats/detail/text.hpp"
#include "formats/detail/whisper_fast.hpp"
#include "formats/format.hpp"
#include "formats/narralytica_json.hpp"
#include "formats/srt_reader.hpp"
#include "formats/webvtt_reader.hpp"
#include "formats/whisper_reader.hpp"

namespace narralytica::formats {

namespace {

using detail::Json;

constexpr const char* kKnownNames = "vtt, srt, whisper, whisperx, assemblyai, deepgram, json";

std::string_view extension_of(std::string_view filename) {
  std::size_t slash = filename.find_last_of("/\\");
  if (slash != std::string_view::npos) filename.remove_prefix(slash + 1);
  std::size_t dot = filename.rfind('.');
  if (dot == std::string_view::npos) return {};
  return filename.substr(dot + 1);
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Which engine wrote this JSON, from the keys each one always emits.
std::optional<Format> detect_json(const Json& root) {
  if (!root.is_object()) return std::nullopt;
  if (const Json* format = detail::find(root, "format");
      format != nullptr && format->is_string() &&
      format->get_ref<const std::string&>() == narralytica_json_format_name) {
    return Format::narralytica_json;
  }
  if (const Json* results = detail::find(root, "results");
      results != nullptr && results->is_object() && results->contains("channels")) {
    return Format::deepgram_json;
  }
  if (root.contains("utterances") || root.contains("audio_duration") ||
      root.contains("language_code") || root.contains("audio_url")) {
    return Format::assemblyai_json;
  }
  if (const Json* segments = detail::find(root, "segments");
      segments != nullptr && segments->is_array()) {
    if (root.contains("word_segments")) return Format::whisperx_json;
    // Look at the first segments only: detection must stay cheap on a huge file.
    constexpr std::size_t kSegmentsInspected = 8;
    for (std::size_t i = 0; i < segments->size() && i < kSegmentsInspected; ++i) {
      const Json& segment = (*segments)[i];
      if (!segment.is_object()) continue;
      if (segment.contains("speaker")) return Format::whisperx_json;
      if (const Json* words = detail::find(segment, "words");
          words != nullptr && words->is_array() && !words->empty() && (*words)[0].is_object() &&
          (*words)[0].contains("score")) {
        return Format::whisperx_json;
      }
    }
    return Format::whisper_json;
  }
  return std::nullopt;
}

std::string_view first_content(std::string_view content) {
  content.remove_prefix(detail::bom_length(content));
  std::size_t i = 0;
  while (i < content.size() &&
         (content[i] == ' ' || content[i] == '\t' || content[i] == '\n' || content[i] == '\r'))
    ++i;
  return content.substr(i);
}

std::optional<Format> detect_text(std::string_view content, std::string_view filename_hint) {
  std::string_view start = first_content(content);
  if (start.substr(0, 6) == "WEBVTT") return Format::webvtt;
  // SRT: a cue number line then a timing line, or a timing line with a comma before the millis.
  std::size_t line_end = start.find_first_of("\r\n");
  std::string_view first_line = start.substr(0, line_end);
  std::string_view trimmed = detail::trim(first_line);
  bool numeric = !trimmed.empty() && trimmed.size() <= 10 &&
                 trimmed.find_first_not_of("0123456789") == std::string_view::npos;
  if (numeric && line_end != std::string_view::npos) {
    std::string_view rest = start.substr(line_end);
    rest.remove_prefix(rest.substr(0, 2) == "\r\n" ? 2 : 1);
    std::string_view second_line = rest.substr(0, rest.find_first_of("\r\n"));
    if (detail::contains(second_line, "-->")) return Format::srt;
  }
  if (detail::contains(first_line, "-->")) {
    std::size_t arrow = first_line.find("-->");
    if (detail::contains(first_line.substr(0, arrow), ",")) return Format::srt;
  }
  std::string_view extension = extension_of(filename_hint);
  if (iequals(extension, "vtt") || iequals(extension, "webvtt")) return Format::webvtt;
  if (iequals(extension, "srt")) return Format::srt;
  return std::nullopt;
}

Error unknown_format(std::string_view source) {
  return make_error(ErrorCode::invalid_argument,
                    "expected WebVTT, SRT or a JSON transcript from Whisper, WhisperX, AssemblyAI, "
                    "Deepgram or Narralytica, found none of them (name the format, one of: " +
                        std::string(kKnownNames) + ")",
                    detail::source_or_default(source));
}

bool looks_like_json(std::string_view content) {
  std::string_view start = first_content(content);
  return !start.empty() && (start[0] == '{' || start[0] == '[');
}

}  // namespace

const char* to_string(Format format) noexcept {
  switch (format) {
    case Format::webvtt:
      return "vtt";
    case Format::srt:
      return "srt";
    case Format::whisper_json:
      return "whisper";
    case Format::whisperx_json:
      return "whisperx";
    case Format::assemblyai_json:
      return "assemblyai";
    case Format::deepgram_json:
      return "deepgram";
    case Format::narralytica_json:
      return "json";
  }
  return "json";
}

Result<Format> parse_format(std::string_view name) {
  constexpr Format kAll[] = {Format::webvtt,          Format::srt,
                             Format::whisper_json,    Format::whisperx_json,
                             Format::assemblyai_json, Format::deepgram_json,
                             Format::narralytica_json};
  for (Format format : kAll) {
    if (iequals(name, to_string(format))) return format;
  }
  if (iequals(name, "webvtt")) return Format::webvtt;
  if (iequals(name, "narralytica")) return Format::narralytica_json;
  return make_error(ErrorCode::invalid_argument,
                    "expected a format name (" + std::string(kKnownNames) + "), found " +
                        detail::quote_found(name),
                    "format");
}

Result<Format> detect_format(std::string_view content, std::string_view filename_hint) {
  if (looks_like_json(content)) {
    detail::JsonSource src{content, filename_hint};
    ASSIGN_OR_RETURN(Json root, detail::check_and_parse(src));
    if (auto format = detect_json(root)) return *format;
    return unknown_format(filename_hint);
  }
  if (auto format = detect_text(content, filename_hint)) return *format;
  return unknown_format(filename_hint);
}

Result<Document> read_document(std::string_view content, const ReadOptions& options) {
  const std::string_view hint =
      options.filename_hint.empty() ? std::string_view(options.source_name) : options.filename_hint;
  std::optional<Format> format = options.format;
  if (!format && looks_like_json(content)) {
    detail::JsonSource src{content, options.source_name};
    RETURN_IF_ERROR(detail::check_input(content, options.source_name, /*check_lines=*/false));
    // Whisper and WhisperX without a DOM when the file is of the usual shape; anything else
    // (and every error) goes through the DOM below.
    if (auto fast = detail::read_whisper_fast(content, options.source_name, std::nullopt)) return std::move(*fast);
    ASSIGN_OR_RETURN(Json root, detail::parse_json(src));
    std::optional<Format> detected = detect_json(root);
    if (!detected) return unknown_format(options.source_name);
    switch (*detected) {
      case Format::whisper_json:
        return detail::read_whisper_value(src, root, false);
      case Format::whisperx_json:
        return detail::read_whisper_value(src, root, true);
      case Format::assemblyai_json:
        return detail::read_assemblyai_value(src, root);
      case Format::deepgram_json:
        return detail::read_deepgram_value(src, root);
      case Format::narralytica_json:
        return detail::read_narralytica_value(src, root);
      case Format::webvtt:
      case Format::srt:
        break;  // not produced by detect_json
    }
    return unknown_format(options.source_name);
  }
  if (!format) {
    RETURN_IF_ERROR(detail::check_input(content, options.source_name, /*check_lines=*/false));
    format = detect_text(content, hint);
    if (!format) return unknown_format(options.source_name);
  }
  switch (*format) {
    case Format::webvtt:
      return read_webvtt(content, options);
    case Format::srt:
      return read_srt(content, options);
    case Format::whisper_json:
      return read_whisper(content, options);
    case Format::whisperx_json:
      return read_whisperx(content, options);
    case Format::assemblyai_json:
      return read_assemblyai(content, options);
    case Format::deepgram_json:
      return read_deepgram(content, options);
    case Format::narralytica_json:
      return read_narralytica_json(content, options);
  }
  return unknown_format(options.source_name);
}

}  // namespace narralytica::formats
