// Proves every conversation measure on transcripts whose answers were computed by hand (the
// worked examples of docs/analytics.md): one timed by segments with an interruption, a
// non-interrupting overlap and a turn of two segments; one timed by words, with an interruption
// decided by word times and a segment without a speaker; the threshold's boundary; questions per
// language; and that sums over transcripts are the measures over them.
#include <gtest/gtest.h>

#include "analytics/conversation.hpp"

namespace narralytica::analytics {
namespace {

constexpr int A = 0;
constexpr int B = 1;

// docs/analytics.md, example 1: segment times only.
std::vector<Utterance> council_meeting() {
  return {
      {A, 0, 10'000, "Hello everyone. Shall we start?", {}},
      {B, 9'000, 15'000, "Yes, let's begin.", {}},
      {B, 15'500, 20'000, "The budget is late. Why? Nobody knows!", {}},
      {A, 21'000, 30'000, "I see.", {}},
      {B, 25'000, 26'000, "Right.", {}},
      {A, 30'100, 40'000, "Let us continue with the plan?", {}},
  };
}

TEST(ConversationMeasures, SegmentTimedTranscriptMatchesTheWorkedExample) {
  const auto utterances = council_meeting();
  const TranscriptMeasures m = measure_transcript(utterances, 2, Options{});
  EXPECT_EQ(m.timing, Timing::segments);
  EXPECT_EQ(m.span_ms, 40'000);
  EXPECT_EQ(m.speech_ms, 38'400);
  EXPECT_EQ(m.overlap_ms, 2'000);
  EXPECT_EQ(m.turns, 5);  // B's two segments are one turn
  EXPECT_EQ(m.speaker_changes, 4);
  EXPECT_EQ(m.offsets_ms, (std::vector<std::int32_t>{-1'000, 1'000, -5'000, 4'100}));
  EXPECT_EQ(median(m.offsets_ms), 0.0);
  ASSERT_EQ(m.speakers.size(), 2u);

  const SpeakerMeasures& a = m.speakers[A];
  EXPECT_EQ(a.talk_ms, 28'900);
  EXPECT_EQ(a.words, 13);
  EXPECT_EQ(a.turns, 3);
  EXPECT_EQ(a.turn_ms, 28'900);
  EXPECT_EQ(a.longest_turn_ms, 10'000);
  EXPECT_EQ(a.interruptions, 0);
  EXPECT_EQ(a.interrupted, 1);
  EXPECT_EQ(a.overlaps, 0);
  EXPECT_EQ(a.overlap_ms, 2'000);
  EXPECT_EQ(a.questions, 2);
  EXPECT_EQ(a.offsets_ms, (std::vector<std::int32_t>{1'000, 4'100}));

  const SpeakerMeasures& b = m.speakers[B];
  EXPECT_EQ(b.talk_ms, 11'500);
  EXPECT_EQ(b.words, 11);
  EXPECT_EQ(b.turns, 2);
  EXPECT_EQ(b.turn_ms, 12'000);
  EXPECT_EQ(b.longest_turn_ms, 11'000);
  EXPECT_EQ(b.interruptions, 1);  // at 9 s: A stops 1 s later and B goes on
  EXPECT_EQ(b.interrupted, 0);
  EXPECT_EQ(b.overlaps, 1);  // "Right." inside A's turn, which goes on 5 s
  EXPECT_EQ(b.overlap_ms, 2'000);
  EXPECT_EQ(b.questions, 1);

  EXPECT_DOUBLE_EQ(share(a.talk_ms, a.talk_ms + b.talk_ms), 28'900.0 / 40'400.0);
  EXPECT_DOUBLE_EQ(words_per_minute(a), 13.0 * 60'000.0 / 28'900.0);
  EXPECT_DOUBLE_EQ(words_per_minute(b), 11.0 * 60'000.0 / 11'500.0);
  EXPECT_DOUBLE_EQ(average_turn_ms(a), 28'900.0 / 3.0);
  EXPECT_DOUBLE_EQ(share(m.span_ms - m.speech_ms, m.span_ms), 0.04);

  ASSERT_EQ(m.pairs.size(), 2u);
  EXPECT_EQ(m.pairs[0].from, A);
  EXPECT_EQ(m.pairs[0].to, B);
  EXPECT_EQ(median(m.pairs[0].offsets_ms), -3'000.0);
  EXPECT_EQ(m.pairs[1].from, B);
  EXPECT_EQ(median(m.pairs[1].offsets_ms), 2'550.0);
}

TEST(ConversationMeasures, OrderOfTheSegmentsDoesNotMatter) {
  auto utterances = council_meeting();
  std::reverse(utterances.begin(), utterances.end());
  const TranscriptMeasures m = measure_transcript(utterances, 2, Options{});
  EXPECT_EQ(m.offsets_ms, (std::vector<std::int32_t>{-1'000, 1'000, -5'000, 4'100}));
  EXPECT_EQ(m.speakers[B].interruptions, 1);
  EXPECT_EQ(m.speakers[A].talk_ms, 28'900);
}

// docs/analytics.md, example 2: word timings, and a segment nobody was assigned.
TEST(ConversationMeasures, WordTimedTranscriptMatchesTheWorkedExample) {
  const std::vector<WordTime> w0{{0, 400}, {500, 900}, {3'000, 3'500}};
  const std::vector<WordTime> w1{{3'200, 3'600}, {4'000, 6'000}};
  const std::vector<WordTime> w2{{7'000, 7'500}};
  const std::vector<WordTime> w3{{8'100, 8'600}};
  const std::vector<Utterance> utterances{
      {A, 0, 5'000, "one two three", w0},
      {B, 3'200, 6'000, "four five?", w1},
      {-1, 7'000, 8'000, "six", w2},
      {A, 8'000, 9'000, "seven", w3},
  };
  const TranscriptMeasures m = measure_transcript(utterances, 2, Options{});
  EXPECT_EQ(m.timing, Timing::words);
  EXPECT_EQ(m.span_ms, 8'600);
  EXPECT_EQ(m.speech_ms, 4'400);
  EXPECT_EQ(m.overlap_ms, 300);
  EXPECT_EQ(m.turns, 4);
  EXPECT_EQ(m.offsets_ms, (std::vector<std::int32_t>{-300, 1'000, 600}));
  ASSERT_EQ(m.speakers.size(), 3u);  // A, B and the unattributed slot
  const SpeakerMeasures& a = m.speakers[A];
  EXPECT_EQ(a.talk_ms, 1'800);  // the pauses between words are not talk
  EXPECT_EQ(a.words, 4);
  EXPECT_EQ(a.turns, 2);
  EXPECT_EQ(a.turn_ms, 4'000);
  EXPECT_EQ(a.longest_turn_ms, 3'500);
  EXPECT_EQ(a.interrupted, 1);
  EXPECT_EQ(a.overlap_ms, 300);
  const SpeakerMeasures& b = m.speakers[B];
  EXPECT_EQ(b.talk_ms, 2'400);
  EXPECT_EQ(b.words, 2);
  EXPECT_EQ(b.turns, 1);
  EXPECT_EQ(b.turn_ms, 2'800);
  EXPECT_EQ(b.interruptions, 1);  // 300 ms into A's last word; A stops at once, B goes on
  EXPECT_EQ(b.questions, 1);
  EXPECT_EQ(b.overlap_ms, 300);
  const SpeakerMeasures& nobody = m.speakers[2];
  EXPECT_EQ(nobody.talk_ms, 500);
  EXPECT_EQ(nobody.words, 1);
  EXPECT_EQ(nobody.offsets_ms, (std::vector<std::int32_t>{1'000}));
  ASSERT_EQ(m.pairs.size(), 3u);
  EXPECT_EQ(m.pairs[2].from, 2);
  EXPECT_EQ(m.pairs[2].to, A);
}

TEST(ConversationMeasures, MixedTimingUsesEachSegmentsOwn) {
  const std::vector<WordTime> words{{0, 1'000}, {3'000, 4'000}};
  const std::vector<Utterance> utterances{{A, 0, 4'000, "timed words", words}, {B, 5'000, 7'000, "untimed segment", {}}};
  const TranscriptMeasures m = measure_transcript(utterances, 2, Options{});
  EXPECT_EQ(m.timing, Timing::mixed);
  EXPECT_EQ(m.speakers[A].talk_ms, 2'000);
  EXPECT_EQ(m.speakers[B].talk_ms, 2'000);
  EXPECT_EQ(m.speech_ms, 4'000);
  EXPECT_EQ(m.span_ms, 7'000);
}

TEST(ConversationMeasures, AnOverlapOfExactlyTheThresholdIsNotCounted) {
  const std::vector<Utterance> utterances{{A, 0, 1'000, "a", {}}, {B, 800, 2'000, "b", {}}};
  TranscriptMeasures m = measure_transcript(utterances, 2, Options{});
  EXPECT_EQ(m.speakers[B].interruptions + m.speakers[B].overlaps, 0);
  EXPECT_EQ(m.overlap_ms, 200);  // the time still counts as overlap time
  Options lower;
  lower.overlap_threshold_ms = 199;
  m = measure_transcript(utterances, 2, lower);
  EXPECT_EQ(m.speakers[B].interruptions, 1);
  Options short_window;
  short_window.overlap_threshold_ms = 199;
  short_window.yield_window_ms = 199;  // A stops 200 ms after B starts: too late to be yielding
  m = measure_transcript(utterances, 2, short_window);
  EXPECT_EQ(m.speakers[B].interruptions, 0);
  EXPECT_EQ(m.speakers[B].overlaps, 1);
}

TEST(ConversationMeasures, AnEmptyTranscriptHasNoMeasures) {
  const TranscriptMeasures m = measure_transcript({}, 2, Options{});
  EXPECT_EQ(m.timing, Timing::none);
  EXPECT_EQ(m.span_ms, 0);
  EXPECT_EQ(m.speakers.size(), 2u);
  EXPECT_FALSE(median(m.offsets_ms));
  EXPECT_EQ(words_per_minute(m.speakers[0]), 0.0);
}

TEST(ConversationMeasures, QuestionsArePerSentenceAndPerLanguage) {
  EXPECT_EQ(count_questions("Really?! Yes. Why? Because", "en"), 2);
  EXPECT_EQ(count_questions("What?? Why", "en"), 1);
  EXPECT_EQ(count_questions("\xC2\xBFQu\xC3\xA9? \xC2\xBF" "C\xC3\xB3mo?", "es"), 2);
  EXPECT_EQ(count_questions("\xCE\xA4\xCE\xB9 \xCE\xBA\xCE\xAC\xCE\xBD\xCE\xB5\xCE\xB9\xCF\x82;", "el"), 1);
  EXPECT_EQ(count_questions("a; b;", "en"), 0);
  EXPECT_EQ(count_questions("\xE4\xBD\xA0\xE5\xA5\xBD\xE5\x90\x97\xEF\xBC\x9F", "zh"), 1);  // fullwidth ？
  EXPECT_EQ(count_questions("\xD9\x83\xD9\x8A\xD9\x81\xD8\x9F", "ar"), 1);                  // ؟
  EXPECT_EQ(count_questions("no question here.", "en"), 0);
  EXPECT_EQ(count_words("  two\twords\n"), 2);
}

TEST(ConversationMeasures, SumsOverTranscriptsAreTheMeasuresOverThem) {
  const auto first = measure_transcript(council_meeting(), 2, Options{});
  const auto second = measure_transcript(council_meeting(), 2, Options{});
  ConversationTotals totals;
  totals.add(first);
  totals.add(second);
  EXPECT_EQ(totals.transcripts, 2);
  EXPECT_EQ(totals.span_ms, 80'000);
  EXPECT_EQ(totals.silence_ms(), 3'200);
  EXPECT_EQ(totals.everyone.talk_ms, 2 * 40'400);
  EXPECT_EQ(totals.everyone.words, 48);
  EXPECT_EQ(totals.everyone.longest_turn_ms, 11'000);
  EXPECT_EQ(totals.offsets_ms.size(), 8u);
  EXPECT_TRUE(totals.everyone.offsets_ms.empty());
  SpeakerMeasures a = first.speakers[A];
  a.add(second.speakers[A]);
  EXPECT_EQ(a.talk_ms, 57'800);
  EXPECT_EQ(a.interrupted, 2);
  EXPECT_EQ(median(a.offsets_ms), 2'550.0);
}

TEST(ConversationMeasures, OffsetsRoundTripThroughTheirEncoding) {
  const std::vector<std::int32_t> offsets{-1, 0, 1, -5'000, 2'147'483'647, -2'147'483'647 - 1};
  std::vector<std::int32_t> decoded;
  decode_offsets(encode_offsets(offsets), decoded);
  EXPECT_EQ(decoded, offsets);
  EXPECT_EQ(encode_offsets(std::vector<std::int32_t>{1}), std::string("\x01\x00\x00\x00", 4));
}

}  // namespace
}  // namespace narralytica::analytics
