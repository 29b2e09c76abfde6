// Proves the aligner keeps what an edit did not touch: the diff finds a longest common
// subsequence (checked against a brute-force LCS length on seeded random inputs), holds up on
// pathological inputs (empty sides, nothing in common, long runs of one repeated word, more
// differences than its bound), folds case and punctuation, and realign_words keeps every matched
// word's times exactly while interpolated words fall between their neighbours.
#include <gtest/gtest.h>

#include <random>

#include "app/word_alignment.hpp"

namespace narralytica::app {
namespace {

using formats::Word;
using formats::WordTiming;

std::vector<std::string> words_of(std::string_view text) { return split_words(text); }

// The length of a longest common subsequence, by the textbook table.
std::size_t lcs_length(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::vector<std::size_t>> t(a.size() + 1, std::vector<std::size_t>(b.size() + 1, 0));
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      t[i][j] = a[i - 1] == b[j - 1] ? t[i - 1][j - 1] + 1 : std::max(t[i - 1][j], t[i][j - 1]);
    }
  }
  return t[a.size()][b.size()];
}

// Matches pair equal elements, increasing in both sequences.
void expect_valid(const std::vector<std::string>& a, const std::vector<std::string>& b,
                  const std::vector<SequenceMatch>& matches) {
  for (std::size_t i = 0; i < matches.size(); ++i) {
    ASSERT_LT(matches[i].from, a.size());
    ASSERT_LT(matches[i].to, b.size());
    EXPECT_EQ(a[matches[i].from], b[matches[i].to]);
    if (i > 0) {
      EXPECT_LT(matches[i - 1].from, matches[i].from);
      EXPECT_LT(matches[i - 1].to, matches[i].to);
    }
  }
}

TEST(MatchSequences, FindsALongestCommonSubsequenceOnRandomInputs) {
  std::mt19937 random(20240516);
  const std::vector<std::string> alphabet = {"a", "b", "c", "d"};
  for (int round = 0; round < 500; ++round) {
    std::vector<std::string> a(random() % 20);
    std::vector<std::string> b(random() % 20);
    for (auto& x : a) x = alphabet[random() % alphabet.size()];
    for (auto& x : b) x = alphabet[random() % alphabet.size()];
    const auto matches = match_sequences(a, b);
    expect_valid(a, b, matches);
    EXPECT_EQ(matches.size(), lcs_length(a, b)) << "round " << round;
  }
}

TEST(MatchSequences, EmptySidesAndNothingInCommonMatchNothing) {
  EXPECT_TRUE(match_sequences({}, {}).empty());
  EXPECT_TRUE(match_sequences(words_of("a b c"), {}).empty());
  EXPECT_TRUE(match_sequences({}, words_of("a b c")).empty());
  EXPECT_TRUE(match_sequences(words_of("a b c"), words_of("x y z")).empty());
}

TEST(MatchSequences, RepeatedWordsMatchAsManyAsBothHave) {
  const std::vector<std::string> many(300, "um");
  const std::vector<std::string> fewer(200, "um");
  const auto matches = match_sequences(many, fewer);
  EXPECT_EQ(matches.size(), 200u);
  expect_valid(many, fewer, matches);
  // One word inserted in a run of the same word: all the old ones still match.
  std::vector<std::string> with_insert = many;
  with_insert.insert(with_insert.begin() + 150, "uh");
  EXPECT_EQ(match_sequences(many, with_insert).size(), 300u);
}

TEST(MatchSequences, PastTheBoundTheMiddleIsLeftUnmatchedButTheEndsStillMatch) {
  std::vector<std::string> a = {"start"};
  std::vector<std::string> b = {"start"};
  for (int i = 0; i < 50; ++i) {
    a.push_back("a" + std::to_string(i));
    b.push_back("b" + std::to_string(i));
  }
  a.push_back("end");
  b.push_back("end");
  const auto bounded = match_sequences(a, b, /*edits_max=*/10);
  ASSERT_EQ(bounded.size(), 2u);
  EXPECT_EQ(bounded.front().from, 0u);
  EXPECT_EQ(bounded.back().from, a.size() - 1);
  // Within the bound the same inputs are searched in full (and here share nothing more).
  EXPECT_EQ(match_sequences(a, b).size(), 2u);
}

TEST(NormalizedWord, FoldsCaseAndPunctuationButKeepsPunctuationAlone) {
  EXPECT_EQ(normalized_word("It."), normalized_word("it"));
  EXPECT_EQ(normalized_word("\"Hello,\""), normalized_word("hello"));
  EXPECT_EQ(normalized_word("Café"), normalized_word("cafe"));
  EXPECT_NE(normalized_word("it"), normalized_word("its"));
  EXPECT_EQ(normalized_word("--"), "--");
}

std::vector<Word> timed_words() {
  return {
      Word{"I", 0, 100, 0.9, WordTiming::asr, "S0"},
      Word{"paid", 200, 500, 0.8, WordTiming::asr, "S0"},
      Word{"hundred", 600, 900, std::nullopt, WordTiming::interpolated, "S0"},
      Word{"dollars", 1000, 1400, 0.7, WordTiming::asr, "S0"},
      Word{"for", 1500, 1600, 0.99, WordTiming::asr, "S0"},
      Word{"it.", 1700, 1900, 0.88, WordTiming::asr, "S0"},
  };
}

TEST(RealignWords, UnchangedWordsKeepTheirTimesAndChangedOnesFallBetweenNeighbours) {
  const auto previous = timed_words();
  const auto words = realign_words("I paid two hundred euros for it!", previous, 0, 2000, "S0");
  ASSERT_EQ(words.size(), 7u);
  // Kept exactly, with their source: "I", "paid", "hundred" (interpolated by the reader before),
  // "for", "it!" (the same word as "it.").
  EXPECT_EQ(words[0].start_ms, 0);
  EXPECT_EQ(words[0].end_ms, 100);
  EXPECT_EQ(words[0].confidence, 0.9);
  EXPECT_EQ(words[1].start_ms, 200);
  EXPECT_EQ(words[3].start_ms, 600);
  EXPECT_EQ(words[3].timing, WordTiming::interpolated);
  EXPECT_EQ(words[5].start_ms, 1500);
  EXPECT_EQ(words[6].text, "it!");
  EXPECT_EQ(words[6].start_ms, 1700);
  EXPECT_EQ(words[6].timing, WordTiming::asr);
  // "two" between "paid" (ends 500) and "hundred" (starts 600); "euros" between "hundred" (ends
  // 900) and "for" (starts 1500).
  EXPECT_EQ(words[2].timing, WordTiming::interpolated);
  EXPECT_GE(words[2].start_ms, 500);
  EXPECT_LE(words[2].end_ms, 600);
  EXPECT_EQ(words[4].timing, WordTiming::interpolated);
  EXPECT_EQ(words[4].start_ms, 900);
  EXPECT_EQ(words[4].end_ms, 1500);
  EXPECT_FALSE(words[4].confidence.has_value());
}

TEST(RealignWords, AllWordsChangedAreSpreadOverTheSegment) {
  const auto words = realign_words("completely different text", timed_words(), 1000, 4000, "S1");
  ASSERT_EQ(words.size(), 3u);
  EXPECT_EQ(words[0].start_ms, 1000);
  EXPECT_EQ(words[0].end_ms, 2000);
  EXPECT_EQ(words[2].end_ms, 4000);
  for (const Word& w : words) {
    EXPECT_EQ(w.timing, WordTiming::interpolated);
    EXPECT_EQ(w.speaker_label, "S1");
  }
}

TEST(RealignWords, EmptyTextOrNoPreviousWords) {
  EXPECT_TRUE(realign_words("", timed_words(), 0, 2000, "").empty());
  EXPECT_TRUE(realign_words("   \n ", timed_words(), 0, 2000, "").empty());
  const auto fresh = realign_words("one two", {}, 0, 1000, "");
  ASSERT_EQ(fresh.size(), 2u);
  EXPECT_EQ(fresh[0].start_ms, 0);
  EXPECT_EQ(fresh[0].end_ms, 500);
  EXPECT_EQ(fresh[1].end_ms, 1000);
}

TEST(RealignWords, DeletingAFillerKeepsEveryOtherTime) {
  std::vector<Word> previous = timed_words();
  previous.insert(previous.begin() + 1, Word{"um,", 120, 180, 0.5, WordTiming::asr, "S0"});
  const auto words = realign_words("I paid hundred dollars for it.", previous, 0, 2000, "S0");
  ASSERT_EQ(words.size(), 6u);
  const auto expected = timed_words();
  for (std::size_t i = 0; i < words.size(); ++i) {
    EXPECT_EQ(words[i].start_ms, expected[i].start_ms) << i;
    EXPECT_EQ(words[i].end_ms, expected[i].end_ms) << i;
    EXPECT_EQ(words[i].timing, expected[i].timing) << i;
  }
}

}  // namespace
}  // namespace narralytica::app
