// Proves that Whisper verbose_json and WhisperX output become segments with exact millisecond
// times, word timings and speakers; that WhisperX words without times are kept and interpolated;
// that whisper-timestamped's words ("text", "confidence") read as the Whisper variant they are;
// and that a wrong field is reported with its JSON path and line:column.
#include "formats/whisper_reader.hpp"

#include "formats/format.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "test_data.hpp"

namespace narralytica::formats {
namespace {

using testing::read_data;

TEST(WhisperReader, ReadsVerboseJsonSegmentsAndWords) {
  auto result =
      read_whisper(read_data("whisper_verbose.json"), ReadOptions{.source_name = "w.json"});
  ASSERT_TRUE(result.ok()) << result.error().describe();
  const Document& document = *result;
  EXPECT_EQ(document.format, "whisper");
  EXPECT_EQ(document.engine, "openai-whisper");
  EXPECT_EQ(document.language, "english");
  EXPECT_EQ(document.duration_ms, 8'470);
  ASSERT_EQ(document.segments.size(), 2u);
  const Segment& first = document.segments[0];
  EXPECT_EQ(first.start_ms, 0);
  EXPECT_EQ(first.end_ms, 3'320);  // 3.319999933242798 s rounds, never truncates
  EXPECT_EQ(first.text, "The beach was a popular spot on a hot summer day.");
  ASSERT_TRUE(first.confidence.has_value());
  EXPECT_NEAR(*first.confidence, std::exp(-0.2860786020755768), 1e-12);
  ASSERT_EQ(first.words.size(), 11u);
  EXPECT_EQ(first.words[1].text, "beach");
  EXPECT_EQ(first.words[1].start_ms, 240);
  EXPECT_EQ(first.words[1].end_ms, 600);
  EXPECT_EQ(first.words[1].confidence, 0.99);
  EXPECT_EQ(first.words[1].timing, WordTiming::asr);
  EXPECT_EQ(document.segments[1].start_ms, 3'320);
  EXPECT_TRUE(document.segments[1].words.empty());
  EXPECT_TRUE(document.warnings.empty());
}

// whisper-timestamped was refused whole ("expected a string" at $.segments[0].words[0].word).
TEST(WhisperReader, ReadsWhisperTimestampedWordsWithTextAndConfidence) {
  const std::string content = read_data("whisper_timestamped.json");
  EXPECT_EQ(detect_format(content).value(), Format::whisper_json);
  // Both paths: read_document (the fast path for this usual shape) and the reader on its own.
  for (const auto& result : {read_document(content, ReadOptions{.source_name = "t.json"}),
                             read_whisper(content, ReadOptions{.source_name = "t.json"})}) {
    ASSERT_TRUE(result.ok()) << result.error().describe();
    const Document& document = *result;
    EXPECT_EQ(document.format, "whisper");
    EXPECT_EQ(document.engine, "whisper-timestamped");
    EXPECT_EQ(document.language, "fr");
    ASSERT_EQ(document.segments.size(), 2u);
    EXPECT_EQ(document.segments[0].text, "Bonjour!");
    EXPECT_EQ(document.segments[0].confidence, 0.51);  // its own figure, not exp(avg_logprob)
    ASSERT_EQ(document.segments[1].words.size(), 5u);
    EXPECT_EQ(document.segments[1].words[0].text, "Est-ce");
    EXPECT_EQ(document.segments[1].words[0].start_ms, 2'020);
    EXPECT_EQ(document.segments[1].words[0].end_ms, 3'780);
    EXPECT_EQ(document.segments[1].words[0].confidence, 0.476);
  }
  // A word with neither "word" nor "text" is still refused at its path.
  auto missing = read_whisper(R"({"segments":[{"start":0,"end":1,"text":"a","words":[{"start":0,"end":1}]}]})",
                              ReadOptions{.source_name = "t.json"});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().field.find("$.segments[0].words[0].word"), std::string::npos) << missing.error().describe();
}

TEST(WhisperReader, SecondsBecomeMillisecondsWithoutDrift) {
  // 0.1 + 0.2 style values: every one must land on the nearest millisecond.
  std::string json = R"({"segments":[)";
  for (int i = 0; i < 1000; ++i) {
    double start = i * 0.001 * 7;
    if (i > 0) json += ",";
    json += R"({"start":)" + std::to_string(start) + R"(,"end":)" + std::to_string(start + 0.003) +
            R"(,"text":"x"})";
  }
  json += "]}";
  auto result = read_whisper(json);
  ASSERT_TRUE(result.ok()) << result.error().describe();
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(result->segments[i].start_ms, i * 7);
    EXPECT_EQ(result->segments[i].end_ms, i * 7 + 3);
  }
}

TEST(WhisperReader, TopLevelWordsAreDistributedIntoSegments) {
  auto result = read_whisper(R"({"text":"a b c","segments":[
      {"start":0,"end":1,"text":"a b"},{"start":1,"end":2,"text":"c"}],
      "words":[{"word":"a","start":0,"end":0.4},{"word":"b","start":0.5,"end":0.9},
               {"word":"c","start":1.1,"end":1.8}]})");
  ASSERT_TRUE(result.ok()) << result.error().describe();
  ASSERT_EQ(result->segments[0].words.size(), 2u);
  ASSERT_EQ(result->segments[1].words.size(), 1u);
  EXPECT_EQ(result->segments[1].words[0].start_ms, 1'100);
}

TEST(WhisperReader, WrongTypeIsReportedWithPathAndPosition) {
  auto result = read_whisper(
      "{\n  \"segments\": [\n    {\"start\": 0, \"end\": \"1\", \"text\": \"x\"}\n  ]\n}",
      ReadOptions{.source_name = "w.json"});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(result.error().field, "w.json:3:25: $.segments[0].end");
  EXPECT_EQ(result.error().message, "expected a number of seconds, found string \"1\"");
}

TEST(WhisperReader, MissingMemberPointsAtItsObject) {
  auto result = read_whisper("{\"segments\": [{\"start\": 0, \"text\": \"x\"}]}",
                             ReadOptions{.source_name = "w.json"});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().field, "w.json:1:15: $.segments[0].end");
  EXPECT_EQ(result.error().message,
            "expected a number of seconds, found nothing (the member is missing)");
}

TEST(WhisperReader, RefusesNegativeTimesAndEndBeforeStart) {
  auto negative = read_whisper(R"({"segments":[{"start":-1,"end":1,"text":"x"}]})");
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.error().message, "expected a non-negative number of seconds, found number -1");
  auto backwards = read_whisper(R"({"segments":[{"start":2,"end":1,"text":"x"}]})");
  ASSERT_FALSE(backwards.ok());
  EXPECT_EQ(backwards.error().field, "<input>:1:31: $.segments[0].end");
}

TEST(WhisperReader, MalformedJsonIsReportedAtItsLineAndColumn) {
  auto result = read_whisper("{\"segments\": [\n  {\"start\": 0,, }\n]}",
                             ReadOptions{.source_name = "w.json"});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().field, "w.json:2:15");
  EXPECT_EQ(result.error().message.rfind("expected valid JSON, found ", 0), 0u)
      << result.error().message;
}

TEST(WhisperReader, NumberTooLargeForADoubleIsAnErrorNotACrash) {
  // Found by fuzz_whisper: nlohmann reports this with a different exception type.
  auto result = read_whisper("{\"segments\":[{\"start\":0,\n \"end\":1e999}]}",
                             ReadOptions{.source_name = "w.json"});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(result.error().field, "w.json:2:8");
  EXPECT_EQ(result.error().message, "expected a number that fits a double, found \"1e999\"");
}

TEST(WhisperReader, RefusesJsonNestedTooDeep) {
  std::string deep(100, '[');
  auto result = read_whisper(deep);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::resource_exhausted);
}

TEST(WhisperReader, SegmentsPastDurationAreKeptWithAWarning) {
  auto result = read_whisper(R"({"duration":1.0,"segments":[{"start":0,"end":1.2,"text":"x"}]})");
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->segments.size(), 1u);
  ASSERT_EQ(result->warnings.size(), 1u);
  EXPECT_NE(result->warnings[0].message.find("after the declared duration"), std::string::npos);
}

TEST(WhisperxReader, ReadsSpeakersScoresAndInterpolatesUntimedWords) {
  auto result = read_whisperx(read_data("whisperx.json"), ReadOptions{.source_name = "x.json"});
  ASSERT_TRUE(result.ok()) << result.error().describe();
  const Document& document = *result;
  EXPECT_EQ(document.format, "whisperx");
  EXPECT_EQ(document.language, "en");
  ASSERT_EQ(document.segments.size(), 2u);
  const Segment& first = document.segments[0];
  EXPECT_EQ(first.speaker_label, "SPEAKER_00");
  EXPECT_EQ(first.text, "I paid 100 dollars for it.");
  ASSERT_EQ(first.words.size(), 6u);
  EXPECT_EQ(first.words[0].confidence, 0.912);
  EXPECT_EQ(first.words[0].speaker_label, "SPEAKER_00");
  // "100" had no times: it fills the gap between "paid" (ends 512) and "dollars" (starts 1493).
  const Word& hundred = first.words[2];
  EXPECT_EQ(hundred.text, "100");
  EXPECT_EQ(hundred.timing, WordTiming::interpolated);
  EXPECT_EQ(hundred.start_ms, 512);
  EXPECT_EQ(hundred.end_ms, 1'493);
  EXPECT_FALSE(hundred.confidence.has_value());
  // Untimed words at the edges use the segment bounds.
  const Segment& second = document.segments[1];
  ASSERT_EQ(second.words.size(), 3u);
  EXPECT_EQ(second.words[0].start_ms, 4'800);
  EXPECT_EQ(second.words[0].end_ms, 5'200);
  EXPECT_EQ(second.words[2].start_ms, 5'400);
  EXPECT_EQ(second.words[2].end_ms, 6'000);
  EXPECT_EQ(second.words[2].timing, WordTiming::interpolated);
  ASSERT_EQ(document.warnings.size(), 1u);
  EXPECT_EQ(document.warnings[0].message.rfind("3 word(s) had no timing", 0), 0u);
}

TEST(WhisperxReader, RunOfUntimedWordsSharesTheGapEvenly) {
  auto result = read_whisperx(R"({"segments":[{"start":0,"end":3,"text":"a 1 2 b","words":[
      {"word":"a","start":0,"end":1},{"word":"1"},{"word":"2"},{"word":"b","start":2,"end":3}]}]})");
  ASSERT_TRUE(result.ok()) << result.error().describe();
  const auto& words = result->segments[0].words;
  EXPECT_EQ(words[1].start_ms, 1'000);
  EXPECT_EQ(words[1].end_ms, 1'500);
  EXPECT_EQ(words[2].start_ms, 1'500);
  EXPECT_EQ(words[2].end_ms, 2'000);
}

}  // namespace
}  // namespace narralytica::formats
