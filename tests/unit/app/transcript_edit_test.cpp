// Proves each edit operation does what docs/editing.md says on a transcript in memory, and that
// every refused operation names its index and field: malformed JSON, unknown operations and
// members, missing members, indexes out of range, times out of order, empty text, splits with no
// word on one side or inside a word, unknown speakers, and an edit that leaves nothing.
#include <gtest/gtest.h>

#include "app/transcript_edit.hpp"
#include "app/transcript_service.hpp"

namespace narralytica::app {
namespace {

using formats::Word;
using formats::WordTiming;

EditableSegment segment(std::int64_t start, std::int64_t end, std::string text, std::vector<Word> words = {},
                        std::string speaker = "S0") {
  EditableSegment s;
  s.start_ms = start;
  s.end_ms = end;
  s.text = std::move(text);
  s.speaker_label = std::move(speaker);
  if (!words.empty()) s.words_json = encode_words(words);
  return s;
}

std::vector<EditableSegment> sample() {
  return {
      segment(0, 1000, "Hello there", {{"Hello", 0, 400, 0.9, WordTiming::asr, "S0"}, {"there", 500, 900, 0.8, WordTiming::asr, "S0"}}),
      segment(1000, 2000, "um so Bob said", {{"um", 1000, 1100, 0.3, WordTiming::asr, "S0"},
                                             {"so", 1200, 1300, 0.9, WordTiming::asr, "S0"},
                                             {"Bob", 1400, 1600, 0.5, WordTiming::asr, "S0"},
                                             {"said", 1700, 1900, 0.9, WordTiming::asr, "S0"}}),
      segment(2000, 3000, "yes", {{"yes", 2100, 2400, 0.9, WordTiming::asr, "S1"}}, "S1"),
  };
}

Result<EditStats> run(std::vector<EditableSegment>& segments, std::string_view json,
                      const std::map<Uuid, std::string>& speakers = {}) {
  ASSIGN_OR_RETURN(auto operations, parse_edit(json));
  return apply_edit(segments, operations, speakers);
}

std::vector<Word> words(EditableSegment& s) {
  if (s.words_decoded) return s.words;
  auto decoded = decode_words(s.words_json);
  EXPECT_TRUE(decoded.ok());
  return decoded.ok() ? *decoded : std::vector<Word>{};
}

// The error's field, or "ok".
std::string field_of(const Result<EditStats>& result) { return result.ok() ? "ok" : result.error().field; }

TEST(TranscriptEdit, SetTextKeepsTheTimesOfTheWordsLeftAlone) {
  auto segments = sample();
  auto done = run(segments, R"({"operations":[{"op":"set_text","segment":1,"text":"so Rob said"}]})");
  ASSERT_TRUE(done.ok()) << done.error().describe();
  auto w = words(segments[1]);
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0].start_ms, 1200);
  EXPECT_EQ(w[1].text, "Rob");
  EXPECT_EQ(w[1].timing, WordTiming::interpolated);
  EXPECT_EQ(w[1].start_ms, 1300);
  EXPECT_EQ(w[1].end_ms, 1700);
  EXPECT_EQ(w[2].start_ms, 1700);
  EXPECT_EQ(done->segments_changed, 1);
  EXPECT_EQ(done->words_interpolated, 1);
  EXPECT_EQ(done->words_timed, 2);
  EXPECT_FALSE(segments[0].changed);
  EXPECT_FALSE(segments[0].words_decoded) << "untouched segments are never parsed";
}

TEST(TranscriptEdit, SplitAtAWordOrACharacterKeepsWordsAndTimes) {
  auto segments = sample();
  ASSERT_TRUE(run(segments, R"({"operations":[{"op":"split","segment":1,"at_word":2}]})").ok());
  ASSERT_EQ(segments.size(), 4u);
  EXPECT_EQ(segments[1].text, "um so");
  EXPECT_EQ(segments[2].text, "Bob said");
  EXPECT_EQ(segments[1].end_ms, 1400);
  EXPECT_EQ(segments[2].start_ms, 1400);
  EXPECT_EQ(words(segments[2]).front().start_ms, 1400);

  auto by_char = sample();
  ASSERT_TRUE(run(by_char, R"({"operations":[{"op":"split","segment":0,"at_char":6,"at_ms":450}]})").ok());
  EXPECT_EQ(by_char[0].text, "Hello");
  EXPECT_EQ(by_char[1].text, "there");
  EXPECT_EQ(by_char[0].end_ms, 450);
  EXPECT_EQ(by_char[1].start_ms, 450);
}

TEST(TranscriptEdit, MergeJoinsNeighboursAndKeepsBothWordLists) {
  auto segments = sample();
  ASSERT_TRUE(run(segments, R"({"operations":[{"op":"merge","segment":0}]})").ok());
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_EQ(segments[0].text, "Hello there um so Bob said");
  EXPECT_EQ(segments[0].start_ms, 0);
  EXPECT_EQ(segments[0].end_ms, 2000);
  auto w = words(segments[0]);
  ASSERT_EQ(w.size(), 6u);
  EXPECT_EQ(w[2].start_ms, 1000);
  for (const Word& word : w) EXPECT_EQ(word.timing, WordTiming::asr);
}

TEST(TranscriptEdit, SpeakersInsertAndDelete) {
  auto segments = sample();
  const Uuid s1 = *Uuid::parse("01900000-0000-7000-8000-000000000001");
  ASSERT_TRUE(run(segments,
                  R"({"operations":[
                        {"op":"set_speaker","segment":0,"speaker_id":"01900000-0000-7000-8000-000000000001"},
                        {"op":"set_speaker","segment":1,"speaker_label":"Narrator"},
                        {"op":"set_speaker","segment":2,"speaker_label":null},
                        {"op":"insert","segment":3,"start_ms":3000,"end_ms":3600,"text":"the end"},
                        {"op":"delete","segment":0}]})",
                  {{s1, "S1"}})
                  .ok());
  ASSERT_EQ(segments.size(), 3u);
  EXPECT_EQ(segments[0].speaker_label, "Narrator");
  EXPECT_EQ(words(segments[0])[0].speaker_label, "Narrator") << "words follow their segment's speaker";
  EXPECT_EQ(segments[1].speaker_label, "");
  EXPECT_EQ(segments[2].text, "the end");
  auto inserted = words(segments[2]);
  ASSERT_EQ(inserted.size(), 2u) << "a transcript with word timings gets them for inserted text too";
  EXPECT_EQ(inserted[0].start_ms, 3000);
  EXPECT_EQ(inserted[1].end_ms, 3600);
  EXPECT_EQ(inserted[1].timing, WordTiming::interpolated);
}

TEST(TranscriptEdit, EveryRefusalNamesItsOperationAndField) {
  const std::pair<const char*, const char*> cases[] = {
      {"not json", "body"},
      {R"({"operations":[]})", "operations"},
      {R"({"ops":[]})", "ops"},
      {R"({"operations":[{"op":"rename","segment":0}]})", "operations[0].op"},
      {R"({"operations":[{"segment":0}]})", "operations[0].op"},
      {R"({"operations":[{"op":"delete"}]})", "operations[0].segment"},
      {R"({"operations":[{"op":"delete","segment":-1}]})", "operations[0].segment"},
      {R"({"operations":[{"op":"delete","segment":0,"text":"x"}]})", "operations[0].text"},
      {R"({"operations":[{"op":"set_text","segment":0}]})", "operations[0].text"},
      {R"({"operations":[{"op":"set_text","segment":0,"text":"ok"},{"op":"set_text","segment":9,"text":"x"}]})",
       "operations[1].segment"},
      {R"({"operations":[{"op":"set_text","segment":0,"text":"  "}]})", "operations[0].text"},
      {R"({"operations":[{"op":"set_times","segment":0}]})", "operations[0].start_ms"},
      {R"({"operations":[{"op":"set_times","segment":0,"start_ms":"1"}]})", "operations[0].start_ms"},
      {R"({"operations":[{"op":"set_times","segment":0,"end_ms":-5}]})", "operations[0].end_ms"},
      {R"({"operations":[{"op":"set_times","segment":1,"start_ms":1500,"end_ms":1200}]})", "operations[0].end_ms"},
      {R"({"operations":[{"op":"delete","segment":0},{"op":"set_times","segment":0,"start_ms":2500,"end_ms":2600}]})",
       "operations[1].start_ms"},
      {R"({"operations":[{"op":"set_speaker","segment":0}]})", "operations[0].speaker_id"},
      {R"({"operations":[{"op":"set_speaker","segment":0,"speaker_id":"nope"}]})", "operations[0].speaker_id"},
      {R"({"operations":[{"op":"set_speaker","segment":0,"speaker_id":"01900000-0000-7000-8000-000000000009"}]})",
       "operations[0].speaker_id"},
      {R"({"operations":[{"op":"split","segment":0}]})", "operations[0].at_word"},
      {R"({"operations":[{"op":"split","segment":0,"at_word":0}]})", "operations[0].at_word"},
      {R"({"operations":[{"op":"split","segment":2,"at_word":1}]})", "operations[0].at_word"},
      {R"({"operations":[{"op":"split","segment":0,"at_char":3}]})", "operations[0].at_char"},
      {R"({"operations":[{"op":"split","segment":0,"at_char":99}]})", "operations[0].at_char"},
      {R"({"operations":[{"op":"split","segment":0,"at_word":1,"at_ms":5000}]})", "operations[0].at_ms"},
      {R"({"operations":[{"op":"merge","segment":2}]})", "operations[0].segment"},
      {R"({"operations":[{"op":"insert","segment":5,"start_ms":0,"end_ms":1,"text":"x"}]})", "operations[0].segment"},
      {R"({"operations":[{"op":"insert","segment":0,"start_ms":500,"end_ms":600,"text":"x"}]})",
       "operations[0].start_ms"},
      {R"({"operations":[{"op":"insert","segment":0,"end_ms":600,"text":"x"}]})", "operations[0].start_ms"},
      {R"({"operations":[{"op":"delete","segment":0},{"op":"delete","segment":0},{"op":"delete","segment":0}]})",
       "operations"},
  };
  for (const auto& [json, field] : cases) {
    auto segments = sample();
    const auto result = run(segments, json);
    EXPECT_EQ(field_of(result), field) << json;
    if (!result.ok()) {
      EXPECT_TRUE(result.error().code == ErrorCode::invalid_argument) << json;
      EXPECT_FALSE(result.error().message.empty());
    }
  }
}

}  // namespace
}  // namespace narralytica::app
