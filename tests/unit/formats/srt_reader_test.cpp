// Proves that the SRT reader accepts what real subtitle files contain (both millisecond
// separators, BOM, CRLF, stray whitespace, missing blank lines, formatting tags), maps
// "Speaker: text" only when asked, and skips a broken block with a warning naming its line and
// column, or, in strict mode, refuses the file there.
#include "formats/srt_reader.hpp"

#include <gtest/gtest.h>

#include "test_data.hpp"

namespace narralytica::formats {
namespace {

using testing::read_data;

Document read_ok(std::string_view content, bool speaker_prefix = false) {
  auto result =
      read_srt(content, ReadOptions{.source_name = "test.srt", .speaker_prefix = speaker_prefix});
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().describe());
  return result.ok() ? std::move(result).value() : Document{};
}

Error read_error(std::string_view content) {
  auto result = read_srt(content, ReadOptions{.source_name = "test.srt", .strict = true});
  EXPECT_FALSE(result.ok());
  return result.ok() ? Error{} : result.error();
}

TEST(SrtReader, ReadsCuesStripsTagsAndToleratesSloppyLayout) {
  Document document = read_ok(read_data("basic.srt"));
  EXPECT_EQ(document.format, "srt");
  ASSERT_EQ(document.segments.size(), 4u);
  EXPECT_EQ(document.segments[0].cue_id, "1");
  EXPECT_EQ(document.segments[0].start_ms, 1'000);
  EXPECT_EQ(document.segments[0].end_ms, 4'000);
  EXPECT_EQ(document.segments[0].text, "Hello there,\ngeneral Kenobi.");
  EXPECT_EQ(document.segments[1].start_ms, 5'500);
  EXPECT_EQ(document.segments[1].end_ms, 7'250);
  // Without the option a "Name:" prefix is text.
  EXPECT_EQ(document.segments[1].text, "JOHN: You are a bold one.");
  EXPECT_EQ(document.segments[1].speaker_label, "");
  // '.' before the milliseconds, stray whitespace.
  EXPECT_EQ(document.segments[2].start_ms, 8'000);
  EXPECT_EQ(document.segments[2].text, "Stray whitespace");
  // Cue 4 follows cue 3 with no blank line; a '<' that opens no tag stays.
  EXPECT_EQ(document.segments[3].cue_id, "4");
  EXPECT_EQ(document.segments[3].text, "No blank line before this cue, and 1 < 2");
  EXPECT_TRUE(document.warnings.empty());
}

TEST(SrtReader, SpeakerPrefixOptionSetsTheSpeaker) {
  Document document = read_ok(read_data("basic.srt"), /*speaker_prefix=*/true);
  ASSERT_EQ(document.segments.size(), 4u);
  EXPECT_EQ(document.segments[1].speaker_label, "JOHN");
  EXPECT_EQ(document.segments[1].text, "You are a bold one.");
  // "Hello there," has no colon: no speaker.
  EXPECT_EQ(document.segments[0].speaker_label, "");
  // A time of day is not a speaker.
  Document times = read_ok("1\n00:00:01,000 --> 00:00:02,000\n10:30 tomorrow\n", true);
  EXPECT_EQ(times.segments[0].speaker_label, "");
  Document url = read_ok("1\n00:00:01,000 --> 00:00:02,000\nsee http://example.com\n", true);
  EXPECT_EQ(url.segments[0].speaker_label, "");
}

TEST(SrtReader, AcceptsBomCrLfAndNoFinalBlankLine) {
  Document document = read_ok(read_data("crlf_bom.srt"), true);
  ASSERT_EQ(document.segments.size(), 2u);
  EXPECT_EQ(document.segments[0].speaker_label, "MARY");
  EXPECT_EQ(document.segments[0].text, "Windows line ends");
  EXPECT_EQ(document.segments[1].text, "no final blank line");
}

TEST(SrtReader, AcceptsShortFractionsAndMissingIndexes) {
  Document document = read_ok("00:00:01,5 --> 00:00:02,25\nno index\n");
  ASSERT_EQ(document.segments.size(), 1u);
  EXPECT_EQ(document.segments[0].start_ms, 1'500);
  EXPECT_EQ(document.segments[0].end_ms, 2'250);
  EXPECT_EQ(document.segments[0].cue_id, "");
}

TEST(SrtReader, SkipsBrokenBlocksWithAWarningNamingLineAndReason) {
  Document document = read_ok(
      "1\n00:00:01,000 --> 00:00:02,000\nok\n\nhello\nthere\n\n2\n00:00:03,000 --> "
      "00:00:0x,000\nbad\n3\n00:00:05,000 --> 00:00:06,000\nnext\n\n4\n\n5\n00:00:09,000 --> "
      "00:00:08,000\nbackwards\n\n6\n00:00:10,000 --> 00:00:11,000\nlast\n");
  ASSERT_EQ(document.segments.size(), 3u);
  EXPECT_EQ(document.segments[0].text, "ok");
  EXPECT_EQ(document.segments[1].text, "next");  // no blank line after the broken cue
  EXPECT_EQ(document.segments[2].text, "last");
  ASSERT_EQ(document.warnings.size(), 4u);
  EXPECT_EQ(document.warnings[0].describe(),
            "test.srt:5:1: block skipped: expected a cue number or a timing line, found \"hello\"");
  EXPECT_EQ(document.warnings[1].line, 9u);
  EXPECT_EQ(document.warnings[1].column, 18u);
  EXPECT_EQ(document.warnings[1].message,
            "cue skipped: expected a timestamp like 00:00:01,000, found \"00:00:0x,000\"");
  EXPECT_EQ(document.warnings[2].line, 16u);  // the blank line where cue 4's timing should be
  EXPECT_EQ(document.warnings[3].line, 18u);
}

TEST(SrtReader, RefusesGarbageWhereAnIndexIsExpected) {
  Error error = read_error("1\n00:00:01,000 --> 00:00:02,000\nok\n\nhello\n");
  EXPECT_EQ(error.code, ErrorCode::invalid_argument);
  EXPECT_EQ(error.field, "test.srt:5:1");
  EXPECT_EQ(error.message, "expected a cue number or a timing line, found \"hello\"");
}

TEST(SrtReader, RefusesMalformedTimingAtItsColumn) {
  Error error = read_error("1\n00:00:01,000 --> 00:00:0x,000\nbad\n");
  EXPECT_EQ(error.field, "test.srt:2:18");
  EXPECT_EQ(error.message, "expected a timestamp like 00:00:01,000, found \"00:00:0x,000\"");
  Error missing = read_error("7\n\n");
  EXPECT_EQ(missing.field, "test.srt:2:1");
  EXPECT_EQ(read_error("7").field, "test.srt:1:1");
  Error backwards = read_error("1\n00:00:03,000 --> 00:00:02,000\nbad\n");
  EXPECT_EQ(backwards.field, "test.srt:2:18");
}

TEST(SrtReader, EmptyCueIsDroppedWithAWarning) {
  Document document =
      read_ok("1\n00:00:01,000 --> 00:00:02,000\n\n2\n00:00:03,000 --> 00:00:04,000\nkept\n");
  ASSERT_EQ(document.segments.size(), 1u);
  EXPECT_EQ(document.segments[0].cue_id, "2");
  EXPECT_EQ(document.warnings.size(), 1u);
}

TEST(SrtReader, RefusesLatin1) {
  Error error = read_error("1\n00:00:01,000 --> 00:00:02,000\ncaf\xe9\n");
  EXPECT_EQ(error.field, "test.srt:3:4");
}

}  // namespace
}  // namespace narralytica::formats
