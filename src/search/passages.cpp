#include "search/passages.hpp"

#include <algorithm>
#include <map>

#include "core/ascii.hpp"
#include "core/hashing.hpp"

namespace narralytica::search {
namespace {

constexpr int kHitsFirstMin = 40;     // hits asked for first; passages usually need far fewer
constexpr int kHitsMax = 1000;        // the most hits examined (the fusion's candidate bound)


bool same_speaker(const SegmentDocument& a, const SegmentDocument& b) {
  if (a.speaker_id || b.speaker_id) return a.speaker_id == b.speaker_id;
  return a.speaker_label == b.speaker_label;
}

std::int64_t code_points(std::string_view text) {
  std::int64_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

// A turn as far as it was read: its first segment is the turn's first; `complete` once a later
// segment of another speaker (or the transcript's end) was seen.
struct Turn {
  std::vector<SegmentDocument> segments;
  std::vector<int> words;  // per segment
  std::int64_t total_words = 0;
  bool complete = false;

  std::int64_t first_ordinal() const { return segments.front().ordinal; }
  std::int64_t last_ordinal() const { return segments.back().ordinal; }
  void add(SegmentDocument segment) {
    words.push_back(static_cast<int>(split_words(segment.text).size()));
    total_words += words.back();
    segments.push_back(std::move(segment));
  }
};

class TurnReader {
 public:
  TurnReader(const SegmentAtFn& segment_at, int passage_words) : segment_at_(segment_at), passage_words_(passage_words) {}

  // The turn holding `hit`, read at least far enough past it for every window holding it.
  Result<Turn*> turn_of(const SegmentDocument& hit) {
    auto& turns = by_transcript_[std::string(hit.transcript_id.byte_view())];
    for (auto& turn : turns) {
      if (hit.ordinal < turn.first_ordinal()) continue;
      while (!turn.complete && turn.last_ordinal() < hit.ordinal) RETURN_IF_ERROR(extend(turn));
      if (hit.ordinal <= turn.last_ordinal()) {
        RETURN_IF_ERROR(cover(turn, hit.ordinal));
        return &turn;
      }
    }
    Turn turn;
    std::vector<SegmentDocument> before;
    for (std::int64_t ordinal = hit.ordinal - 1; ordinal >= 0; --ordinal) {
      ASSIGN_OR_RETURN(auto segment, segment_at_(hit.transcript_id, ordinal));
      if (!segment || !same_speaker(*segment, hit)) break;
      before.push_back(std::move(*segment));
    }
    for (auto it = before.rbegin(); it != before.rend(); ++it) turn.add(std::move(*it));
    turn.add(hit);
    turns.push_back(std::move(turn));
    RETURN_IF_ERROR(cover(turns.back(), hit.ordinal));
    return &turns.back();
  }

 private:
  Status extend(Turn& turn) {
    ASSIGN_OR_RETURN(auto next, segment_at_(turn.segments.front().transcript_id, turn.last_ordinal() + 1));
    if (!next || !same_speaker(*next, turn.segments.front())) {
      turn.complete = true;
    } else {
      turn.add(std::move(*next));
    }
    return ok_status();
  }

  // Reads on until the turn ends or holds passage_words words past the end of segment `ordinal`:
  // every window holding that segment starts before its end, so it is then read whole.
  Status cover(Turn& turn, std::int64_t ordinal) {
    std::int64_t through = 0;
    for (std::size_t i = 0; i < turn.segments.size() && turn.segments[i].ordinal <= ordinal; ++i) through += turn.words[i];
    while (!turn.complete && turn.total_words < through + passage_words_) RETURN_IF_ERROR(extend(turn));
    return ok_status();
  }

  const SegmentAtFn& segment_at_;
  const int passage_words_;
  std::map<std::string, std::vector<Turn>> by_transcript_;
};

Passage make_passage(const Turn& turn, const TurnWindow& window) {
  Passage p;
  const auto& first = turn.segments[window.first_segment];
  const auto& last = turn.segments[window.last_segment];
  int at = 0;  // the turn's word index of the current segment's first word
  for (std::size_t s = 0; s <= window.last_segment; ++s) {
    if (s >= window.first_segment) {
      const auto words = split_words(turn.segments[s].text);
      for (std::size_t w = 0; w < words.size(); ++w) {
        const int index = at + static_cast<int>(w);
        if (index < window.word_begin || index >= window.word_end) continue;
        if (!p.text.empty()) p.text += ' ';
        p.text += words[w];
        ++p.words;
      }
    }
    at += turn.words[s];
  }
  p.tokens = estimate_tokens(p.text, p.words);
  p.first = first;
  p.first.text.clear();
  p.first.labels.clear();
  p.first_ordinal = first.ordinal;
  p.last_ordinal = last.ordinal;
  p.word_begin = window.word_begin;
  p.word_end = window.word_end;
  p.start_ms = first.start_ms;
  p.end_ms = last.end_ms;
  p.id = passage_id(first.transcript_id, first.revision, p.first_ordinal, p.last_ordinal, p.word_begin, p.word_end);
  return p;
}

}  // namespace

std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_ascii_space(text[i])) ++i;
    const std::size_t start = i;
    while (i < text.size() && !is_ascii_space(text[i])) ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

Status check_passage_options(const PassageOptions& o) {
  if (o.passage_words < kPassageWordsMin || o.passage_words > kPassageWordsMax) {
    return make_error(ErrorCode::invalid_argument,
                      "passage_words must be between " + std::to_string(kPassageWordsMin) + " and " +
                          std::to_string(kPassageWordsMax),
                      "passage_words");
  }
  if (o.overlap_words < 0 || o.overlap_words > o.passage_words / 2) {
    return make_error(ErrorCode::invalid_argument,
                      "overlap_words must be between 0 and half of passage_words (" +
                          std::to_string(o.passage_words / 2) + ")",
                      "overlap_words");
  }
  if (o.k < 1 || o.k > kRetrieveKMax) {
    return make_error(ErrorCode::invalid_argument, "k must be between 1 and " + std::to_string(kRetrieveKMax), "k");
  }
  if (o.budget.unit != BudgetUnit::none && (o.budget.limit < 1 || o.budget.limit > kBudgetMax)) {
    const std::string member = o.budget.unit == BudgetUnit::words ? "budget.words" : "budget.tokens";
    return make_error(ErrorCode::invalid_argument, member + " must be between 1 and " + std::to_string(kBudgetMax),
                      member);
  }
  return ok_status();
}

std::vector<TurnWindow> turn_windows(const std::vector<int>& segment_words, int passage_words, int overlap_words) {
  std::vector<int> first_word(segment_words.size() + 1, 0);  // first_word[s]: the turn index of s's first word
  for (std::size_t s = 0; s < segment_words.size(); ++s) first_word[s + 1] = first_word[s] + segment_words[s];
  const int total = first_word.back();
  std::vector<TurnWindow> windows;
  if (segment_words.empty()) return windows;
  if (total == 0) {
    windows.push_back({0, 0, 0, segment_words.size() - 1});
    return windows;
  }
  // The segment holding turn word `w`.
  auto segment_of = [&](int w) {
    auto it = std::upper_bound(first_word.begin(), first_word.end(), w);
    return static_cast<std::size_t>(it - first_word.begin()) - 1;
  };
  const int stride = passage_words - overlap_words;
  for (int begin = 0;; begin += stride) {
    const int end = std::min(begin + passage_words, total);
    windows.push_back({begin, end, segment_of(begin), segment_of(end - 1)});
    if (end >= total) break;
  }
  return windows;
}

std::vector<std::size_t> windows_holding(const std::vector<TurnWindow>& windows, const std::vector<int>& segment_words,
                                         std::size_t segment) {
  int begin = 0;
  for (std::size_t s = 0; s < segment; ++s) begin += segment_words[s];
  const int end = begin + segment_words[segment];
  std::vector<std::size_t> whole, part;
  for (std::size_t i = 0; i < windows.size(); ++i) {
    const auto& w = windows[i];
    if (w.first_segment <= segment && segment <= w.last_segment && w.word_begin <= begin && end <= w.word_end) {
      whole.push_back(i);
    } else if (begin < w.word_end && w.word_begin < end) {
      part.push_back(i);
    }
  }
  if (!whole.empty()) return whole;
  return part;
}

std::string passage_id(const Uuid& transcript, int revision, std::int64_t first_ordinal, std::int64_t last_ordinal,
                       int word_begin, int word_end) {
  const std::string identity = "passage/1|" + transcript.to_string() + "|" + std::to_string(revision) + "|" +
                               std::to_string(first_ordinal) + "|" + std::to_string(last_ordinal) + "|" +
                               std::to_string(word_begin) + "|" + std::to_string(word_end);
  return to_hex(sha256(identity).substr(0, 16));
}

std::int64_t estimate_tokens(std::string_view text, std::int64_t words) {
  const std::int64_t by_words = (words * 4 + 2) / 3;
  const std::int64_t by_chars = (code_points(text) + 3) / 4;
  return std::max(by_words, by_chars);
}

Result<PassageResult> rank_passages(const PassageOptions& options, const RankedHitsFn& ranked_hits,
                                    const SegmentAtFn& segment_at) {
  RETURN_IF_ERROR(check_passage_options(options));
  TurnReader reader(segment_at, options.passage_words);
  std::vector<Passage> passages;
  for (int wanted = std::min(kHitsMax, std::max(kHitsFirstMin, 4 * options.k));; wanted = std::min(kHitsMax, wanted * 4)) {
    ASSIGN_OR_RETURN(auto hits, ranked_hits(wanted));
    std::stable_sort(hits.begin(), hits.end(), [](const RankedSegment& a, const RankedSegment& b) {
      if (a.score != b.score) return a.score > b.score;
      if (a.document.transcript_id != b.document.transcript_id) return a.document.transcript_id < b.document.transcript_id;
      return a.document.ordinal < b.document.ordinal;
    });
    passages.clear();
    std::map<std::string, std::size_t> by_id;
    for (std::size_t h = 0; h < hits.size() && static_cast<int>(passages.size()) < options.k; ++h) {
      ASSIGN_OR_RETURN(Turn * turn, reader.turn_of(hits[h].document));
      const auto windows = turn_windows(turn->words, options.passage_words, options.overlap_words);
      const auto segment = static_cast<std::size_t>(hits[h].document.ordinal - turn->first_ordinal());
      for (std::size_t w : windows_holding(windows, turn->words, segment)) {
        Passage passage = make_passage(*turn, windows[w]);
        auto [slot, added] = by_id.emplace(passage.id, passages.size());
        if (!added) {
          ++passages[slot->second].hits;
          continue;
        }
        passage.score = hits[h].score;
        passage.rank_of_best_hit = static_cast<int>(h) + 1;
        passage.hits = 1;
        passages.push_back(std::move(passage));
      }
    }
    const bool more_hits = static_cast<int>(hits.size()) == wanted && wanted < kHitsMax;
    if (static_cast<int>(passages.size()) >= options.k || !more_hits) break;
  }
  if (static_cast<int>(passages.size()) > options.k) passages.resize(static_cast<std::size_t>(options.k));

  PassageResult result;
  for (auto& passage : passages) {
    const std::int64_t cost = options.budget.unit == BudgetUnit::tokens ? passage.tokens : passage.words;
    const std::int64_t used = options.budget.unit == BudgetUnit::tokens ? result.tokens : result.words;
    if (options.budget.unit != BudgetUnit::none && used + cost > options.budget.limit) {
      result.truncated = true;
      break;
    }
    result.words += passage.words;
    result.tokens += passage.tokens;
    result.passages.push_back(std::move(passage));
  }
  return result;
}

}  // namespace narralytica::search
