// Proves that read_document() detects every supported format from content (the extension only
// breaks ties), that --format overrides detection, and that unknown input is refused with a
// message naming the formats.
#include <gtest/gtest.h>

#include "formats/format.hpp"
#include "test_data.hpp"

namespace narralytica::formats {
namespace {

using testing::read_data;

TEST(DetectFormat, RecognisesEverySampleFromItsContent) {
  const std::pair<const char*, Format> samples[] = {
      {"spec_dialogue.vtt", Format::webvtt},
      {"bom_no_final_newline.vtt", Format::webvtt},
      {"basic.srt", Format::srt},
      {"crlf_bom.srt", Format::srt},
      {"whisper_verbose.json", Format::whisper_json},
      {"whisperx.json", Format::whisperx_json},
      {"assemblyai.json", Format::assemblyai_json},
      {"deepgram.json", Format::deepgram_json},
  };
  for (const auto& [name, expected] : samples) {
    auto detected = detect_format(read_data(name));  // no file name: content alone decides
    ASSERT_TRUE(detected.ok()) << name << ": " << detected.error().describe();
    EXPECT_EQ(*detected, expected) << name;
    auto document = read_document(read_data(name), ReadOptions{.source_name = name});
    ASSERT_TRUE(document.ok()) << name << ": " << document.error().describe();
    EXPECT_EQ(document->format, to_string(expected));
    EXPECT_FALSE(document->segments.empty()) << name;
  }
}

TEST(DetectFormat, ExtensionBreaksTiesOnly) {
  // A lone SRT cue with a '.' separator and no index looks like nothing in particular.
  std::string content = "00:00:01.000 --> 00:00:02.000\nhi\n";
  EXPECT_FALSE(detect_format(content).ok());
  EXPECT_EQ(*detect_format(content, "clip.SRT"), Format::srt);
  // A .vtt name without the WEBVTT signature goes to the WebVTT reader, which says what is missing.
  auto document = read_document(content, ReadOptions{.source_name = "clip.vtt"});
  ASSERT_FALSE(document.ok());
  EXPECT_EQ(document.error().field, "clip.vtt:1:1");
  EXPECT_NE(document.error().message.find("WEBVTT"), std::string::npos);
}

TEST(DetectFormat, FormatOptionOverridesDetection) {
  auto document =
      read_document(read_data("whisperx.json"),
                    ReadOptions{.format = Format::whisper_json, .source_name = "x.json"});
  // Read as plain Whisper, the untimed WhisperX words are an error, named precisely.
  ASSERT_FALSE(document.ok());
  EXPECT_NE(document.error().field.find("$.segments[0].words[2].start"), std::string::npos);
}

TEST(DetectFormat, UnknownContentIsRefusedNamingTheFormats) {
  auto json = read_document(R"({"hello":"world"})", ReadOptions{.source_name = "x.json"});
  ASSERT_FALSE(json.ok());
  EXPECT_EQ(json.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(json.error().field, "x.json");
  // Worded for the CLI's --format and the API's ?format= alike: no command-line flag in it.
  EXPECT_NE(json.error().message.find("name the format, one of: vtt"), std::string::npos) << json.error().message;
  EXPECT_EQ(json.error().message.find("--"), std::string::npos) << json.error().message;
  EXPECT_FALSE(read_document("just some words").ok());
  EXPECT_FALSE(read_document("").ok());
  auto broken = read_document("{\"segments\": [", ReadOptions{.source_name = "b.json"});
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().field.rfind("b.json:1:", 0), 0u);
}

TEST(WarnPastDuration, CountsSegmentsEndingAfterTheVideo) {
  auto document = read_document(read_data("spec_dialogue.vtt"));
  ASSERT_TRUE(document.ok());
  warn_past_duration(*document, 32'000);
  ASSERT_EQ(document->segments.size(), 10u);  // kept
  ASSERT_EQ(document->warnings.size(), 1u);
  EXPECT_EQ(document->warnings[0].describe(),
            "1 segment(s) end after the video's duration 00:00:32.000, first segment 10 at "
            "00:00:32.000; kept");
  warn_past_duration(*document, 40'000);
  EXPECT_EQ(document->warnings.size(), 1u);
}

TEST(ParseFormat, AcceptsShortNamesAndAliases) {
  EXPECT_EQ(*parse_format("vtt"), Format::webvtt);
  EXPECT_EQ(*parse_format("WebVTT"), Format::webvtt);
  EXPECT_EQ(*parse_format("json"), Format::narralytica_json);
  EXPECT_EQ(*parse_format("deepgram"), Format::deepgram_json);
  auto bad = parse_format("docx");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message,
            "expected a format name (vtt, srt, whisper, whisperx, assemblyai, deepgram, json), "
            "found \"docx\"");
}

}  // namespace
}  // namespace narralytica::formats
