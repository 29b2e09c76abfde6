// Proves that the WebVTT reader accepts what the W3C specification's own examples contain (voice
// spans, cue settings, regions, styles, comments, both timestamp forms, every line ending, a BOM),
// keeps text while stripping markup, skips what the W3C parsing algorithm discards with a warning
// naming its line, column and reason, and in strict mode refuses the file at that place instead.
#include "formats/webvtt_reader.hpp"

#include <gtest/gtest.h>

#include "test_data.hpp"

namespace narralytica::formats {
namespace {

using testing::read_data;

Document read_ok(std::string_view content) {
  auto result = read_webvtt(content, ReadOptions{.source_name = "test.vtt"});
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().describe());
  return result.ok() ? std::move(result).value() : Document{};
}

Error read_error(std::string_view content) {
  auto result = read_webvtt(content, ReadOptions{.source_name = "test.vtt", .strict = true});
  EXPECT_FALSE(result.ok());
  return result.ok() ? Error{} : result.error();
}

TEST(WebvttReader, SpecDialogueExampleGivesSpeakersTimesAndSettings) {
  Document document = read_ok(read_data("spec_dialogue.vtt"));
  EXPECT_EQ(document.format, "vtt");
  ASSERT_EQ(document.segments.size(), 10u);
  const Segment& first = document.segments[0];
  EXPECT_EQ(first.start_ms, 11'000);
  EXPECT_EQ(first.end_ms, 13'000);
  EXPECT_EQ(first.text, "We are in New York City");
  EXPECT_EQ(first.speaker_label, "Roger Bingham");
  const Segment& ninth = document.segments[8];
  EXPECT_EQ(ninth.start_ms, 30'000);
  EXPECT_EQ(ninth.end_ms, 31'500);
  EXPECT_EQ(ninth.speaker_label, "Neil deGrasse Tyson");
  EXPECT_EQ(ninth.cue_settings, "align:right size:50%");
  EXPECT_EQ(ninth.text, "I would love to.");
  EXPECT_EQ(speaker_labels(document),
            (std::vector<std::string>{"Roger Bingham", "Neil deGrasse Tyson"}));
  EXPECT_TRUE(document.warnings.empty());
}

TEST(WebvttReader, SkipsHeaderRegionStyleAndNoteBlocksAndStripsMarkup) {
  Document document = read_ok(read_data("spec_regions_styles.vtt"));
  ASSERT_EQ(document.segments.size(), 4u);
  EXPECT_EQ(document.segments[0].cue_id, "1");
  EXPECT_EQ(document.segments[0].speaker_label, "Fred");
  EXPECT_EQ(document.segments[0].cue_settings, "region:fred align:left");
  EXPECT_EQ(document.segments[1].text, "Hi, I’m Bill");
  EXPECT_EQ(document.segments[1].start_ms, 2'500);
  // Classes on the voice tag are not part of the name; tags go, text stays, entities decode.
  const Segment& esme = document.segments[2];
  EXPECT_EQ(esme.start_ms, 3'600'000);
  EXPECT_EQ(esme.speaker_label, "Esme");
  EXPECT_EQ(esme.text, "It’s a blue apple & a\nred one <3 \u2665");
  // Karaoke timestamps are dropped; ruby pronunciation text is dropped, the base text kept.
  const Segment& karaoke = document.segments[3];
  EXPECT_EQ(karaoke.cue_id, "karaoke");
  EXPECT_EQ(karaoke.text, "Never drink liquid nitrogen.\n漢字 ok");
  // Cues 1 and 2 overlap: kept, reported once.
  ASSERT_EQ(document.warnings.size(), 1u);
  EXPECT_NE(document.warnings[0].message.find("overlap"), std::string::npos);
}

TEST(WebvttReader, AcceptsCrLfCrAndLfLineEndsInOneFile) {
  Document document = read_ok(read_data("line_endings.vtt"));
  ASSERT_EQ(document.segments.size(), 3u);
  EXPECT_EQ(document.segments[0].text, "CRLF cue");
  EXPECT_EQ(document.segments[1].text, "CR cue");
  EXPECT_EQ(document.segments[1].cue_id, "2");
  EXPECT_EQ(document.segments[2].text, "LF cue");
  EXPECT_EQ(document.segments[2].start_ms, 5'000);
}

TEST(WebvttReader, AcceptsBomHeaderTextAndMissingFinalNewline) {
  Document document = read_ok(read_data("bom_no_final_newline.vtt"));
  ASSERT_EQ(document.segments.size(), 1u);
  EXPECT_EQ(document.segments[0].text, "first");
  EXPECT_EQ(document.segments[0].end_ms, 1'000);
}

TEST(WebvttReader, ParsesBothTimestampFormsAndLargeHours) {
  Document document = read_ok("WEBVTT\n\n59:59.999 --> 100:00:00.000\nlong\n");
  ASSERT_EQ(document.segments.size(), 1u);
  EXPECT_EQ(document.segments[0].start_ms, 3'599'999);
  EXPECT_EQ(document.segments[0].end_ms, 360'000'000);
}

TEST(WebvttReader, CueWithoutBlankLineBeforeNextTimingEndsThere) {
  Document document =
      read_ok("WEBVTT\n\n00:01.000 --> 00:02.000\none\n00:03.000 --> 00:04.000\ntwo\n");
  ASSERT_EQ(document.segments.size(), 2u);
  EXPECT_EQ(document.segments[0].text, "one");
  EXPECT_EQ(document.segments[1].text, "two");
}

TEST(WebvttReader, NoteLineFollowedByTimingIsACueIdAsTheSpecSays) {
  Document document = read_ok("WEBVTT\n\nNOTE\n00:01.000 --> 00:02.000\ntext\n");
  ASSERT_EQ(document.segments.size(), 1u);
  EXPECT_EQ(document.segments[0].cue_id, "NOTE");
}

TEST(WebvttReader, RefusesMissingSignature) {
  Error error = read_error("WEBVTX\n\n00:01.000 --> 00:02.000\nx\n");
  EXPECT_EQ(error.code, ErrorCode::invalid_argument);
  EXPECT_EQ(error.field, "test.vtt:1:1");
  EXPECT_EQ(error.message, "expected \"WEBVTT\" on the first line, found \"WEBVTX\"");
  EXPECT_EQ(read_error("WEBVTTX\n").field, "test.vtt:1:1");
  EXPECT_EQ(read_error("").code, ErrorCode::invalid_argument);
}

TEST(WebvttReader, RefusesMalformedTimestampAtItsPosition) {
  Error error = read_error("WEBVTT\n\n1\n00:01.000 --> 00:02.00\ntext\n");
  EXPECT_EQ(error.code, ErrorCode::invalid_argument);
  EXPECT_EQ(error.field, "test.vtt:4:15");
  EXPECT_EQ(error.message,
            "expected a timestamp like 00:01.000 or 01:00:01.000, found \"00:02.00\"");
  EXPECT_EQ(read_error("WEBVTT\n\n00:61.000 --> 00:62.000\nx\n").field, "test.vtt:3:1");
  // A mistyped arrow is refused where the specification would silently drop the cue.
  Error typo = read_error("WEBVTT\n\n1\n00:01.000 -> 00:02.000\nx\n");
  EXPECT_EQ(typo.field, "test.vtt:4:11");
  EXPECT_EQ(typo.message, "expected \"-->\", found \"->\"");
  Error arrow = read_error("WEBVTT\n\n00:01.000 --x 00:02.000 -->\nx\n");
  EXPECT_EQ(arrow.field, "test.vtt:3:11");
  EXPECT_EQ(arrow.message, "expected \"-->\", found \"--x\"");
}

TEST(WebvttReader, ColumnsCountCharactersNotBytes) {
  Error error = read_error("WEBVTT\n\n00:01.000 --> 00:02.000\n\u00e9\u00e9\xff\n");
  EXPECT_EQ(error.field, "test.vtt:4:3");
}

TEST(WebvttReader, RefusesEndBeforeStart) {
  Error error = read_error("WEBVTT\n\n00:05.000 --> 00:04.000\nbackwards\n");
  EXPECT_EQ(error.field, "test.vtt:3:15");
  EXPECT_EQ(error.message,
            "expected an end time at or after the start 00:00:05.000, found \"00:04.000\"");
}

TEST(WebvttReader, DropsEmptyCuesWithAWarning) {
  Document document = read_ok(
      "WEBVTT\n\nempty\n00:01.000 --> 00:02.000\n\n00:03.000 --> 00:04.000\n<b></b>\n\n00:05.000 "
      "--> 00:06.000\nkept\n");
  ASSERT_EQ(document.segments.size(), 1u);
  EXPECT_EQ(document.segments[0].text, "kept");
  ASSERT_EQ(document.warnings.size(), 2u);
  EXPECT_EQ(document.warnings[0].describe(), "cue \"empty\" at 00:00:01.000 has no text; skipped");
}

TEST(WebvttReader, SortsOutOfOrderCuesWithAWarning) {
  Document document =
      read_ok("WEBVTT\n\n00:05.000 --> 00:06.000\nsecond\n\n00:01.000 --> 00:02.000\nfirst\n");
  ASSERT_EQ(document.segments.size(), 2u);
  EXPECT_EQ(document.segments[0].text, "first");
  EXPECT_EQ(document.segments[1].text, "second");
  ASSERT_EQ(document.warnings.size(), 1u);
  EXPECT_NE(document.warnings[0].message.find("sorted"), std::string::npos);
}

TEST(WebvttReader, WarnsAboutIgnoredBlocksAndSeveralVoices) {
  Document document =
      read_ok("WEBVTT\n\nstray text\n\n00:01.000 --> 00:02.000\n<v A>hi</v> <v B>ho\n");
  ASSERT_EQ(document.segments.size(), 1u);
  EXPECT_EQ(document.segments[0].speaker_label, "A");
  ASSERT_EQ(document.warnings.size(), 2u);
  EXPECT_EQ(document.warnings[0].describe(),
            "test.vtt:3:1: block skipped: expected a cue timing line (\"00:01.000 --> 00:02.000\"), "
            "found \"stray text\"");
  EXPECT_EQ(document.warnings[1].line, 5u);
  EXPECT_NE(document.warnings[1].message.find("several voices"), std::string::npos);
}

TEST(WebvttReader, SkipsWhatTheParsingAlgorithmDiscardsWithLineAndReason) {
  // The case: a comment whose text holds "-->" no longer stops the import.
  Document document = read_ok(
      "WEBVTT\n\nNOTE the arrow --> is not a cue\n\n00:01.000 --> 00:02.000\none\n\n"
      "NOTE\nsee a --> b\nstill the comment\n\n1\n00:03.000 --> 00:04.00\nbad millis\n\n"
      "00:05.000 -> 00:06.000\nbad arrow\n\n00:07.000 --> 00:06.000\nbackwards\n\n"
      "00:08.000 --> 00:09.000\ntwo\n");
  ASSERT_EQ(document.segments.size(), 2u);
  EXPECT_EQ(document.segments[0].text, "one");
  EXPECT_EQ(document.segments[1].text, "two");
  ASSERT_EQ(document.warnings.size(), 5u);
  EXPECT_EQ(document.warnings[0].describe(),
            "test.vtt:3:1: NOTE block with \"-->\" skipped: expected a timestamp like 00:01.000 or "
            "01:00:01.000, found \"NOTE\"");
  EXPECT_EQ(document.warnings[1].line, 9u);
  EXPECT_EQ(document.warnings[1].column, 1u);
  EXPECT_EQ(document.warnings[1].message.rfind("NOTE block with \"-->\" skipped: ", 0), 0u);
  EXPECT_EQ(document.warnings[2].describe(),
            "test.vtt:13:15: cue skipped: expected a timestamp like 00:01.000 or 01:00:01.000, found "
            "\"00:04.00\"");
  EXPECT_EQ(document.warnings[3].describe(),
            "test.vtt:16:11: cue skipped: expected \"-->\", found \"->\"");
  EXPECT_EQ(document.warnings[4].line, 19u);
  EXPECT_EQ(document.warnings[4].column, 15u);
  // Strict mode refuses at the first of them.
  Error error = read_error(
      "WEBVTT\n\n00:01.000 --> 00:02.000\none\n\nNOTE\nsee a --> b\n\n00:03.000 --> 00:04.000\nx\n");
  EXPECT_EQ(error.field, "test.vtt:7:1");
  EXPECT_EQ(error.message, "expected a timestamp like 00:01.000 or 01:00:01.000, found \"see\"");
}

TEST(WebvttReader, BlocksEndOnlyAtEmptyLinesAndTimingLinesAsInTheAlgorithm) {
  // A line of spaces does not end a cue; a "-->" line on a block's third line starts a new block,
  // so two lines of stray text before a timing line are skipped and the cue after them kept.
  Document document = read_ok(
      "WEBVTT\n\n00:01.000 --> 00:02.000\nhello\n   \nworld\n\nstray\ntext\n00:03.000-->00:04.000 "
      "align:start\nkept\n");
  ASSERT_EQ(document.segments.size(), 2u);
  EXPECT_EQ(document.segments[0].text, "hello\nworld");
  EXPECT_EQ(document.segments[1].text, "kept");
  EXPECT_EQ(document.segments[1].cue_id, "");
  EXPECT_EQ(document.segments[1].cue_settings, "align:start");
  ASSERT_EQ(document.warnings.size(), 1u);
  EXPECT_EQ(document.warnings[0].line, 8u);
}

TEST(WebvttReader, RubyTextIsDroppedOnlyInsideRuby) {
  Document document = read_ok(
      "WEBVTT\n\n00:01.000 --> 00:02.000\n<ruby>漢<rt>kan</ruby> after <rt>kept</rt>\n");
  ASSERT_EQ(document.segments.size(), 1u);
  EXPECT_EQ(document.segments[0].text, "漢 after kept");
}

TEST(WebvttReader, DecodesEntitiesInVoiceNamesAndKeepsUnknownOnes) {
  Document document =
      read_ok("WEBVTT\n\n00:01.000 --> 00:02.000\n<v Tom &amp; Jerry>a &bogus; &amp b\n");
  ASSERT_EQ(document.segments.size(), 1u);
  EXPECT_EQ(document.segments[0].speaker_label, "Tom & Jerry");
  EXPECT_EQ(document.segments[0].text, "a &bogus; &amp b");
}

TEST(WebvttReader, RefusesInvalidUtf8WithItsPosition) {
  Error error = read_error("WEBVTT\n\n00:01.000 --> 00:02.000\nab\xff\n");
  EXPECT_EQ(error.code, ErrorCode::invalid_argument);
  EXPECT_EQ(error.field, "test.vtt:4:3");
  EXPECT_NE(error.message.find("expected UTF-8 text, found the byte 0xFF"), std::string::npos);
  // Overlong encodings and surrogates are not UTF-8 either.
  EXPECT_FALSE(read_webvtt("WEBVTT\n\xc0\xaf").ok());
  EXPECT_FALSE(read_webvtt("WEBVTT\n\xed\xa0\x80").ok());
}

TEST(WebvttReader, ReplacesNulWithReplacementCharacter) {
  Document document = read_ok(std::string("WEBVTT\n\n00:01.000 --> 00:02.000\na\0b\n", 36));
  ASSERT_EQ(document.segments.size(), 1u);
  EXPECT_EQ(document.segments[0].text, "a\uFFFDb");
  EXPECT_EQ(document.warnings.size(), 1u);
}

TEST(WebvttReader, RefusesOverLongLines) {
  std::string content = "WEBVTT\n\n00:01.000 --> 00:02.000\n" + std::string(70'000, 'x') + "\n";
  Error error = read_error(content);
  EXPECT_EQ(error.code, ErrorCode::resource_exhausted);
  EXPECT_EQ(error.field, "test.vtt:4:1");
}

}  // namespace
}  // namespace narralytica::formats
