// Proves that a Deepgram response becomes segments: from utterances when present, otherwise from
// words grouped at speaker changes, with punctuated words and the model recorded.
#include "formats/deepgram_reader.hpp"

#include <gtest/gtest.h>

#include "test_data.hpp"

namespace narralytica::formats {
namespace {

using testing::read_data;

TEST(DeepgramReader, WordsAreGroupedBySpeakerTurn) {
  auto result = read_deepgram(read_data("deepgram.json"));
  ASSERT_TRUE(result.ok()) << result.error().describe();
  const Document& document = *result;
  EXPECT_EQ(document.format, "deepgram");
  EXPECT_EQ(document.engine, "deepgram");
  EXPECT_EQ(document.model, "2-general-nova");
  EXPECT_EQ(document.model_version, "2024-01-06.5664");
  EXPECT_EQ(document.language, "en");
  EXPECT_EQ(document.duration_ms, 7'500);
  EXPECT_EQ(document.external_id, "a8f2e1c0-1111-2222-3333-444455556666");
  ASSERT_EQ(document.segments.size(), 2u);
  EXPECT_EQ(document.segments[0].speaker_label, "0");
  EXPECT_EQ(document.segments[0].text, "Hello there. How are you?");
  EXPECT_EQ(document.segments[0].start_ms, 80);
  EXPECT_EQ(document.segments[0].end_ms, 1'700);
  EXPECT_EQ(document.segments[1].speaker_label, "1");
  EXPECT_EQ(document.segments[1].text, "Fine, thanks.");
  ASSERT_EQ(document.segments[1].words.size(), 2u);
  EXPECT_EQ(document.segments[1].words[0].confidence, 0.95);
}

TEST(DeepgramReader, UtterancesWinOverWords) {
  auto result =
      read_deepgram(R"({"results":{"channels":[{"alternatives":[{"transcript":"a b","words":[
      {"word":"a","start":0,"end":0.5},{"word":"b","start":0.5,"end":1}]}]}],
      "utterances":[{"start":0,"end":1,"confidence":0.9,"channel":0,"transcript":"A b.","speaker":2,
                     "id":"u1","words":[{"word":"a","start":0,"end":0.5,"speaker":2,"punctuated_word":"A"}]}]}})");
  ASSERT_TRUE(result.ok()) << result.error().describe();
  ASSERT_EQ(result->segments.size(), 1u);
  EXPECT_EQ(result->segments[0].text, "A b.");
  EXPECT_EQ(result->segments[0].speaker_label, "2");
  EXPECT_EQ(result->segments[0].cue_id, "u1");
  EXPECT_EQ(result->segments[0].words[0].text, "A");
}

TEST(DeepgramReader, ChannelsNeverMergeSpeakers) {
  auto result = read_deepgram(R"({"results":{"channels":[
      {"alternatives":[{"words":[{"word":"left","start":0,"end":0.5}]}]},
      {"alternatives":[{"words":[{"word":"right","start":0.2,"end":0.6}]}]}]}})");
  ASSERT_TRUE(result.ok()) << result.error().describe();
  ASSERT_EQ(result->segments.size(), 2u);
  EXPECT_EQ(result->segments[0].speaker_label, "channel 0");
  EXPECT_EQ(result->segments[1].speaker_label, "channel 1");
}

TEST(DeepgramReader, MissingResultsIsReported) {
  auto result = read_deepgram(R"({"metadata":{}})");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().field, "<input>:1:1: $.results");
}

}  // namespace
}  // namespace narralytica::formats
