// Proves that an AssemblyAI transcript becomes speaker-labelled segments with word timings, that
// its sentiment, entities, chapters and topics become layers attached to the segments they
// overlap, and that unfinished or failed transcripts are refused.
#include "formats/assemblyai_reader.hpp"

#include <gtest/gtest.h>

#include "test_data.hpp"

namespace narralytica::formats {
namespace {

using testing::read_data;

const Layer* find_layer(const Document& document, const std::string& kind) {
  for (const Layer& layer : document.layers) {
    if (layer.kind == kind) return &layer;
  }
  return nullptr;
}

TEST(AssemblyaiReader, UtterancesBecomeSegments) {
  auto result = read_assemblyai(read_data("assemblyai.json"));
  ASSERT_TRUE(result.ok()) << result.error().describe();
  const Document& document = *result;
  EXPECT_EQ(document.format, "assemblyai");
  EXPECT_EQ(document.engine, "assemblyai");
  EXPECT_EQ(document.model, "best");
  EXPECT_EQ(document.language, "en_us");
  EXPECT_EQ(document.external_id, "6rlr37b4vr-a3fc-4a41-b6a0-0d6eb6e4c4f0");
  EXPECT_EQ(document.duration_ms, 12'000);
  ASSERT_EQ(document.segments.size(), 3u);
  EXPECT_EQ(document.segments[0].speaker_label, "A");
  EXPECT_EQ(document.segments[0].start_ms, 250);
  EXPECT_EQ(document.segments[0].end_ms, 1'410);
  EXPECT_EQ(document.segments[0].confidence, 0.97);
  ASSERT_EQ(document.segments[1].words.size(), 5u);
  EXPECT_EQ(document.segments[1].words[4].text, "doing?");
  EXPECT_EQ(document.segments[1].words[4].speaker_label, "B");
  EXPECT_EQ(speaker_labels(document), (std::vector<std::string>{"A", "B"}));
  EXPECT_TRUE(document.warnings.empty());
}

TEST(AssemblyaiReader, AnalysesBecomeLayersAttachedToOverlappingSegments) {
  auto result = read_assemblyai(read_data("assemblyai.json"));
  ASSERT_TRUE(result.ok()) << result.error().describe();
  const Document& document = *result;
  ASSERT_EQ(document.layers.size(), 4u);

  const Layer* sentiment = find_layer(document, "sentiment");
  ASSERT_NE(sentiment, nullptr);
  EXPECT_EQ(sentiment->producer_name, "assemblyai");
  EXPECT_EQ(sentiment->producer_version, "best");
  ASSERT_EQ(sentiment->items.size(), 2u);
  EXPECT_EQ(sentiment->items[1].segment_index, 2u);
  EXPECT_EQ(sentiment->items[1].segment_index_last, 2u);
  EXPECT_EQ(sentiment->items[1].payload_json,
            R"({"label":"positive","score":0.92})")
      << "AssemblyAI sentiment becomes Narralytica's built-in sentiment";

  const Layer* entities = find_layer(document, "x-assemblyai-entities");
  ASSERT_NE(entities, nullptr);
  EXPECT_EQ(entities->items[0].segment_index, 0u);
  EXPECT_EQ(entities->items[0].start_ms, 730);

  // A chapter spans several segments.
  const Layer* chapters = find_layer(document, "x-assemblyai-chapters");
  ASSERT_NE(chapters, nullptr);
  EXPECT_EQ(chapters->items[0].segment_index, 0u);
  EXPECT_EQ(chapters->items[0].segment_index_last, 2u);

  // Topics: timed results attach; the summary covers the file and attaches to no segment.
  const Layer* topics = find_layer(document, "topics");
  ASSERT_NE(topics, nullptr);
  ASSERT_EQ(topics->items.size(), 2u);
  EXPECT_EQ(topics->items[0].segment_index, 1u);
  EXPECT_EQ(topics->items[0].start_ms, 2'000);
  EXPECT_EQ(topics->items[1].segment_index, std::nullopt);
  EXPECT_EQ(topics->items[1].end_ms, 12'000);
  EXPECT_EQ(topics->items[1].payload_json, R"([{"label":"Family&Relationships","score":0.9}])");
}

TEST(AssemblyaiReader, WithoutUtterancesWordsAreGroupedAtPauses) {
  auto result = read_assemblyai(R"({"status":"completed","words":[
      {"text":"One","start":0,"end":300,"confidence":0.9},
      {"text":"two.","start":400,"end":700,"confidence":0.9},
      {"text":"Later","start":5000,"end":5300,"confidence":0.9}]})");
  ASSERT_TRUE(result.ok()) << result.error().describe();
  ASSERT_EQ(result->segments.size(), 2u);
  EXPECT_EQ(result->segments[0].text, "One two.");
  EXPECT_EQ(result->segments[0].end_ms, 700);
  EXPECT_EQ(result->segments[1].text, "Later");
  EXPECT_EQ(result->warnings.size(), 1u);
}

TEST(AssemblyaiReader, RefusesUnfinishedAndFailedTranscripts) {
  auto queued =
      read_assemblyai(R"({"status":"queued","id":"x"})", ReadOptions{.source_name = "a.json"});
  ASSERT_FALSE(queued.ok());
  EXPECT_EQ(queued.error().field, "a.json:1:11: $.status");
  EXPECT_EQ(queued.error().message,
            "expected a completed transcript (status \"completed\"), found string \"queued\"");
  auto failed = read_assemblyai(R"({"status":"error","error":"Download error"})");
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find("AssemblyAI reported: Download error"), std::string::npos);
}

// Analyses become built-in layer kinds, so a bad topic or summary relevance is an error naming it
// (found by fuzz_assemblyai: the path of a topic's label once outlived its parent).
TEST(AssemblyaiReader, RefusesBadTopicRelevanceNamingThePath) {
  const std::string head = R"({"status":"completed","language_code":"en","utterances":[)"
                           R"({"speaker":"A","start":0,"end":1000,"text":"Hi.","confidence":0.9}],)";
  auto topic = read_assemblyai(head + R"("iab_categories_result":{"results":[{"text":"Hi.","timestamp":)"
                                      R"({"start":0,"end":1000},"labels":[{"label":"News","relevance":2}]}]}})");
  ASSERT_FALSE(topic.ok());
  EXPECT_NE(topic.error().field.find("$.iab_categories_result.results[0].labels[0].relevance"), std::string::npos)
      << topic.error().describe();
  auto summary = read_assemblyai(head + R"("iab_categories_result":{"results":[],"summary":{"News":"high"}}})");
  ASSERT_FALSE(summary.ok());
  EXPECT_NE(summary.error().field.find("$.iab_categories_result.summary.News"), std::string::npos)
      << summary.error().describe();
}

TEST(AssemblyaiReader, RefusesConfidenceOutOfRange) {
  auto result =
      read_assemblyai(R"({"utterances":[{"start":0,"end":1,"text":"x","confidence":1.5}]})");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().field, "<input>:1:59: $.utterances[0].confidence");
}

}  // namespace
}  // namespace narralytica::formats
