// Proves that each writer's output reads back to the same segments, speakers and timings, for a
// document from every reader: read -> write -> read loses nothing the target format can carry.
#include <gtest/gtest.h>

#include "formats/format.hpp"
#include "formats/narralytica_json.hpp"
#include "formats/srt_reader.hpp"
#include "formats/subtitle_writer.hpp"
#include "formats/webvtt_reader.hpp"
#include "test_data.hpp"

namespace narralytica::formats {
namespace {

using testing::read_data;

const char* const kSamples[] = {
    "spec_dialogue.vtt",
    "spec_regions_styles.vtt",
    "line_endings.vtt",
    "bom_no_final_newline.vtt",
    "basic.srt",
    "crlf_bom.srt",
    "whisper_verbose.json",
    "whisperx.json",
    "assemblyai.json",
    "deepgram.json",
};

Document read_sample(const char* name) {
  auto document =
      read_document(read_data(name), ReadOptions{.source_name = name, .speaker_prefix = true});
  EXPECT_TRUE(document.ok()) << name << ": " << document.error().describe();
  return document.ok() ? std::move(document).value() : Document{};
}

void expect_same_segments(const Document& a, const Document& b, const char* name, bool cue_ids) {
  ASSERT_EQ(a.segments.size(), b.segments.size()) << name;
  for (std::size_t i = 0; i < a.segments.size(); ++i) {
    const Segment& x = a.segments[i];
    const Segment& y = b.segments[i];
    EXPECT_EQ(x.start_ms, y.start_ms) << name << " segment " << i;
    EXPECT_EQ(x.end_ms, y.end_ms) << name << " segment " << i;
    EXPECT_EQ(x.text, y.text) << name << " segment " << i;
    EXPECT_EQ(x.speaker_label, y.speaker_label) << name << " segment " << i;
    if (cue_ids) {
      EXPECT_EQ(x.cue_id, y.cue_id) << name << " segment " << i;
      EXPECT_EQ(x.cue_settings, y.cue_settings) << name << " segment " << i;
    }
  }
  EXPECT_EQ(speaker_labels(a).size() >= speaker_labels(b).size(), true);
}

TEST(RoundTrip, WebvttWriterKeepsSegmentsSpeakersTimesIdsAndSettings) {
  for (const char* name : kSamples) {
    Document original = read_sample(name);
    auto written = write_webvtt(original);
    ASSERT_TRUE(written.ok()) << name;
    auto again = read_webvtt(*written, ReadOptions{.source_name = "written.vtt"});
    ASSERT_TRUE(again.ok()) << name << ": " << again.error().describe() << "\n" << *written;
    expect_same_segments(original, *again, name, /*cue_ids=*/true);
  }
}

TEST(RoundTrip, SrtWriterKeepsSegmentsSpeakersAndTimes) {
  for (const char* name : kSamples) {
    Document original = read_sample(name);
    auto written = write_srt(original);
    ASSERT_TRUE(written.ok()) << name;
    auto again =
        read_srt(*written, ReadOptions{.source_name = "written.srt", .speaker_prefix = true});
    ASSERT_TRUE(again.ok()) << name << ": " << again.error().describe() << "\n" << *written;
    expect_same_segments(original, *again, name, /*cue_ids=*/false);
  }
}

TEST(RoundTrip, NarralyticaJsonIsByteStableForEverySample) {
  for (const char* name : kSamples) {
    Document original = read_sample(name);
    auto written = write_narralytica_json(original);
    ASSERT_TRUE(written.ok()) << name;
    auto again = read_document(*written, ReadOptions{.source_name = "written.json"});
    ASSERT_TRUE(again.ok()) << name << ": " << again.error().describe();
    EXPECT_EQ(again->format, "json");
    expect_same_segments(original, *again, name, /*cue_ids=*/true);
    for (std::size_t i = 0; i < original.segments.size(); ++i) {
      const auto& x = original.segments[i].words;
      const auto& y = again->segments[i].words;
      ASSERT_EQ(x.size(), y.size()) << name;
      for (std::size_t j = 0; j < x.size(); ++j) {
        EXPECT_EQ(x[j].start_ms, y[j].start_ms);
        EXPECT_EQ(x[j].end_ms, y[j].end_ms);
        EXPECT_EQ(x[j].timing, y[j].timing);
        EXPECT_EQ(x[j].confidence, y[j].confidence);
      }
    }
    EXPECT_EQ(original.layers.size(), again->layers.size()) << name;
    auto rewritten = write_narralytica_json(*again);
    ASSERT_TRUE(rewritten.ok());
    EXPECT_EQ(*written, *rewritten) << name;
  }
}

TEST(RoundTrip, WebvttWriterEscapesWhatWouldBreakACue) {
  Document document;
  Segment segment;
  segment.start_ms = 0;
  segment.end_ms = 1'000;
  segment.text = "a --> b\n\n<c> & d";
  segment.speaker_label = "Tom <the> Cat";
  segment.cue_id = "bad --> id";
  document.segments = {segment};
  auto written = write_webvtt(document);
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(*written,
            "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n<v Tom &lt;the&gt; Cat>a --&gt; b\n&lt;c&gt; "
            "&amp; d\n");
  auto again = read_webvtt(*written);
  ASSERT_TRUE(again.ok()) << again.error().describe();
  EXPECT_EQ(again->segments[0].text, "a --> b\n<c> & d");
  EXPECT_EQ(again->segments[0].speaker_label, "Tom <the> Cat");
}

TEST(RoundTrip, WebvttWriterKeepsASpeakerEndingInDashesOffTheArrow) {
  // Found by fuzzing: "<v A-->" was read back as a timing line.
  Document document;
  Segment segment;
  segment.end_ms = 1'000;
  segment.text = "hi";
  segment.speaker_label = "A--";
  document.segments = {segment};
  auto written = write_webvtt(document);
  ASSERT_TRUE(written.ok());
  auto again = read_webvtt(*written);
  ASSERT_TRUE(again.ok()) << again.error().describe() << "\n" << *written;
  EXPECT_EQ(again->segments[0].speaker_label, "A--");
}

TEST(RoundTrip, SrtWriterFormatsTimesAndSpeakers) {
  Document document;
  Segment segment;
  segment.start_ms = 3'723'004;
  segment.end_ms = 3'724'000;
  segment.text = "hello";
  segment.speaker_label = "Ann";
  document.segments = {segment, segment};
  auto written = write_srt(document);
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(*written,
            "1\n01:02:03,004 --> 01:02:04,000\nAnn: hello\n\n2\n01:02:03,004 --> "
            "01:02:04,000\nAnn: hello\n");
  EXPECT_FALSE(write_document(document, Format::whisper_json).ok());
  // SRT cannot escape "-->", so the writer breaks every arrow, even one hidden in "--->".
  document.segments[0].text = "a ---> b";
  document.segments.resize(1);
  auto arrows = write_srt(document);
  ASSERT_TRUE(arrows.ok());
  EXPECT_EQ(*arrows, "1\n01:02:03,004 --> 01:02:04,000\nAnn: a -> b\n");
}

}  // namespace
}  // namespace narralytica::formats
