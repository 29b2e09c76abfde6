// Passages for retrieval (docs/retrieval.md): the ranked segment hits of a search, each widened to
// the passage(s) of its speaker turn that hold it, deduplicated, ranked and cut to a budget.
//
// A turn is a maximal run of consecutive segments (ordinal order, one transcript revision) of one
// speaker: the same speaker id, or, for segments without one, the same label. A turn's words
// (whitespace-separated) are cut into windows of up to `passage_words` words, the next starting
// `passage_words - overlap_words` words after the previous, from the turn's first word; so a
// passage never crosses a speaker change, and its bounds depend only on the turn, not on which hit
// found it. A passage's id hashes the transcript, the revision, its first and last segment
// ordinals and its word bounds in the turn: the same passage of the same revision has the same id.
//
// Pure: the caller supplies the hits and reads neighbouring segments (IndexSearcher reads them
// from the same index state as the hits).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "search/segment_document.hpp"

namespace narralytica::search {

inline constexpr int kPassageWordsDefault = 120;
inline constexpr int kPassageWordsMin = 10;
inline constexpr int kPassageWordsMax = 1000;
inline constexpr int kOverlapWordsDefault = 20;  // at most half of passage_words
inline constexpr int kRetrieveKDefault = 10;
inline constexpr int kRetrieveKMax = 50;
inline constexpr std::int64_t kBudgetMax = 1'000'000;  // words or tokens

enum class BudgetUnit { none, words, tokens };

struct Budget {
  BudgetUnit unit = BudgetUnit::none;  // none: only k bounds the answer
  std::int64_t limit = 0;              // 1..kBudgetMax
};

struct PassageOptions {
  int passage_words = kPassageWordsDefault;  // kPassageWordsMin..kPassageWordsMax
  int overlap_words = kOverlapWordsDefault;  // 0..passage_words / 2
  int k = kRetrieveKDefault;                 // 1..kRetrieveKMax
  Budget budget;
};

// Errors: invalid_argument naming the field (passage_words, overlap_words, k, budget).
Status check_passage_options(const PassageOptions& options);

// A window of a turn: words [word_begin, word_end) of the turn, held by its segments
// [first_segment, last_segment] (indexes into the turn).
struct TurnWindow {
  int word_begin = 0;
  int word_end = 0;
  std::size_t first_segment = 0;
  std::size_t last_segment = 0;
};

// The windows of a turn whose segments have `segment_words` words each, in order. A turn without
// words is one window over all its segments.
std::vector<TurnWindow> turn_windows(const std::vector<int>& segment_words, int passage_words, int overlap_words);

// The windows that hold segment `segment` of the turn: those that contain all of its words, or,
// when none does (a segment longer than the windows' stride), those that hold some of them.
std::vector<std::size_t> windows_holding(const std::vector<TurnWindow>& windows, const std::vector<int>& segment_words,
                                         std::size_t segment);

// 32 hex digits: the first 128 bits of SHA-256 over the passage's identity.
std::string passage_id(const Uuid& transcript, int revision, std::int64_t first_ordinal, std::int64_t last_ordinal,
                       int word_begin, int word_end);

// The token estimate of a text: the larger of 4/3 tokens per word and one token per 4 characters
// (Unicode code points), rounded up. Subword tokenizers give about that for English prose; the
// character bound covers text with few spaces (Chinese, Japanese) and long words.
std::int64_t estimate_tokens(std::string_view text, std::int64_t words);

struct Passage {
  std::string id;
  std::string text;               // the window's words, joined by single spaces
  std::int64_t words = 0;
  std::int64_t tokens = 0;        // estimate_tokens(text, words)
  SegmentDocument first;          // the first segment: video, transcript, revision, speaker, person
  std::int64_t first_ordinal = 0;
  std::int64_t last_ordinal = 0;
  int word_begin = 0;             // bounds in the turn
  int word_end = 0;
  std::int64_t start_ms = 0;      // of the first segment
  std::int64_t end_ms = 0;        // of the last segment
  double score = 0;               // the score of its best hit
  int rank_of_best_hit = 0;       // 1-based, in the ordered hits
  int hits = 0;                   // hit segments it holds among those examined
};

struct PassageResult {
  std::vector<Passage> passages;  // best first
  std::int64_t words = 0;         // of every passage returned
  std::int64_t tokens = 0;
  bool truncated = false;         // passages were left out for the budget
};

// A ranked hit, as IndexSearcher found it.
struct RankedSegment {
  SegmentDocument document;
  double score = 0;
};

// The first `n` ranked hits (fewer when there are no more).
using RankedHitsFn = std::function<Result<std::vector<RankedSegment>>(int n)>;
// The segment `ordinal` of the transcript as indexed; nullopt when there is none.
using SegmentAtFn = std::function<Result<std::optional<SegmentDocument>>(const Uuid& transcript, std::int64_t ordinal)>;

// Ranks passages: hits are ordered by score (highest first), ties by transcript id and ordinal;
// a passage ranks by its best hit's place in that order, two passages holding the same best hit
// (the overlap) by their place in the turn. Expands hits in that order until `options.k` passages
// are found (asking for more hits when those given run out), then keeps passages, best first,
// while their total stays within the budget (a passage that would exceed it ends the answer).
Result<PassageResult> rank_passages(const PassageOptions& options, const RankedHitsFn& ranked_hits,
                                    const SegmentAtFn& segment_at);

// The whitespace-separated words of a text.
std::vector<std::string_view> split_words(std::string_view text);

}  // namespace narralytica::search
