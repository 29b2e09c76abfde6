// Keeping word timings through a text edit: the edited text's words are aligned with the words
// the segment had before (a sequence diff over normalized words, as BBC's stt-align does), so a
// word the edit left alone keeps its time exactly, and a word it changed or inserted gets a time
// interpolated between its timed neighbours in the segment. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "formats/document.hpp"

namespace narralytica::app {

// How many differences the diff looks for before it gives up on the rest: beyond it, the part
// between the common start and end is treated as all changed (its words interpolated) instead of
// searched further, so time (O((N+M)·D)) and memory (O(D²)) stay bounded on pathological input.
inline constexpr std::size_t kAlignEditsMax = 1000;

// Where each word of `text` is: the byte ranges of the runs between whitespace (space, tab, line
// breaks), in order.
struct WordSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
};
std::vector<WordSpan> word_spans(std::string_view text);
// The words of `text`, as written (the text of each of word_spans()).
std::vector<std::string> split_words(std::string_view text);

// The comparison key of a word: case and punctuation folded as search folds them ("It." and "it"
// compare equal, "Café" and "cafe" too); a word of punctuation alone is its own key ("--").
std::string normalized_word(std::string_view word);

// One pair of equal elements in a longest common subsequence.
struct SequenceMatch {
  std::size_t from = 0;  // index in the old sequence
  std::size_t to = 0;    // index in the new sequence
};

// A longest common subsequence of `from` and `to` (Myers' O((N+M)·D) diff after trimming the
// common start and end), as pairs increasing in both indexes. When more than `edits_max`
// insertions and deletions separate the middle parts, the middle is left unmatched.
std::vector<SequenceMatch> match_sequences(const std::vector<std::string>& from, const std::vector<std::string>& to,
                                           std::size_t edits_max = kAlignEditsMax);

// The words of `text` for a segment spanning [start_ms, end_ms] whose words were `previous`:
// a word whose normalized form the diff matches keeps the previous word's times, confidence,
// speaker and timing source exactly (its text is the new spelling); every other word gets
// WordTiming::interpolated times between its matched neighbours (the segment bounds at the
// edges) and `speaker_label`. Empty `text` gives no words.
std::vector<formats::Word> realign_words(std::string_view text, const std::vector<formats::Word>& previous,
                                         std::int64_t start_ms, std::int64_t end_ms,
                                         const std::string& speaker_label);

}  // namespace narralytica::app
