#include "app/word_alignment.hpp"

#include <algorithm>

#include "core/ascii.hpp"
#include "search/text_analysis.hpp"

namespace narralytica::app {
namespace {


// Myers' greedy diff of from[0, n) and to[0, m), recording each step's frontier so the path can be
// walked back. Appends the matches (offset by `base_from`/`base_to`) in increasing order; appends
// nothing when the two differ by more than `edits_max`.
void myers(const std::vector<std::string>& from, std::size_t from_begin, std::size_t n,
           const std::vector<std::string>& to, std::size_t to_begin, std::size_t m, std::size_t edits_max,
           std::vector<SequenceMatch>& out) {
  const auto N = static_cast<std::ptrdiff_t>(n);
  const auto M = static_cast<std::ptrdiff_t>(m);
  const auto D_max = static_cast<std::ptrdiff_t>(std::min(n + m, edits_max));
  const std::ptrdiff_t offset = D_max + 1;
  std::vector<std::ptrdiff_t> v(static_cast<std::size_t>(2 * offset + 1), 0);
  auto at = [&](std::ptrdiff_t k) -> std::ptrdiff_t& { return v[static_cast<std::size_t>(k + offset)]; };
  auto equal = [&](std::ptrdiff_t x, std::ptrdiff_t y) {
    return from[from_begin + static_cast<std::size_t>(x)] == to[to_begin + static_cast<std::size_t>(y)];
  };
  // trace[d] holds the frontier before step d, for k in [-d, d] (index k + d): all that walking
  // back from step d reads.
  std::vector<std::vector<std::ptrdiff_t>> trace;
  std::ptrdiff_t found = -1;
  for (std::ptrdiff_t d = 0; d <= D_max && found < 0; ++d) {
    trace.emplace_back(v.begin() + (offset - d), v.begin() + (offset + d + 1));
    for (std::ptrdiff_t k = -d; k <= d; k += 2) {
      std::ptrdiff_t x = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? at(k + 1) : at(k - 1) + 1;
      std::ptrdiff_t y = x - k;
      while (x < N && y < M && equal(x, y)) ++x, ++y;
      at(k) = x;
      if (x >= N && y >= M) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) return;  // too many differences: the middle stays unmatched

  std::vector<SequenceMatch> reversed;
  std::ptrdiff_t x = N;
  std::ptrdiff_t y = M;
  for (std::ptrdiff_t d = found; d >= 0; --d) {
    std::ptrdiff_t prev_x = 0;
    std::ptrdiff_t prev_y = 0;
    if (d > 0) {
      const std::vector<std::ptrdiff_t>& frontier = trace[static_cast<std::size_t>(d)];
      auto before = [&](std::ptrdiff_t k) { return frontier[static_cast<std::size_t>(k + d)]; };
      const std::ptrdiff_t k = x - y;
      const bool down = k == -d || (k != d && before(k - 1) < before(k + 1));
      const std::ptrdiff_t prev_k = down ? k + 1 : k - 1;
      prev_x = before(prev_k);
      prev_y = prev_x - prev_k;
      // The diagonal run after the one step from (prev_x, prev_y): those are the matches.
      while (x > prev_x && y > prev_y) {
        --x, --y;
        reversed.push_back({from_begin + static_cast<std::size_t>(x), to_begin + static_cast<std::size_t>(y)});
      }
    } else {
      while (x > 0 && y > 0) {
        --x, --y;
        reversed.push_back({from_begin + static_cast<std::size_t>(x), to_begin + static_cast<std::size_t>(y)});
      }
    }
    x = prev_x;
    y = prev_y;
  }
  out.insert(out.end(), reversed.rbegin(), reversed.rend());
}

}  // namespace

std::vector<WordSpan> word_spans(std::string_view text) {
  std::vector<WordSpan> spans;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_ascii_space(text[i])) ++i;
    const std::size_t begin = i;
    while (i < text.size() && !is_ascii_space(text[i])) ++i;
    if (i > begin) spans.push_back({begin, i});
  }
  return spans;
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  for (const WordSpan& span : word_spans(text)) words.emplace_back(text.substr(span.begin, span.end - span.begin));
  return words;
}

std::string normalized_word(std::string_view word) {
  std::string folded = search::fold_text(word);
  if (folded.empty()) return std::string(word);
  return folded;
}

std::vector<SequenceMatch> match_sequences(const std::vector<std::string>& from, const std::vector<std::string>& to,
                                           std::size_t edits_max) {
  std::vector<SequenceMatch> matches;
  std::size_t prefix = 0;
  while (prefix < from.size() && prefix < to.size() && from[prefix] == to[prefix]) {
    matches.push_back({prefix, prefix});
    ++prefix;
  }
  std::size_t suffix = 0;
  while (suffix < from.size() - prefix && suffix < to.size() - prefix &&
         from[from.size() - 1 - suffix] == to[to.size() - 1 - suffix]) {
    ++suffix;
  }
  const std::size_t n = from.size() - prefix - suffix;
  const std::size_t m = to.size() - prefix - suffix;
  if (n > 0 && m > 0) myers(from, prefix, n, to, prefix, m, edits_max, matches);
  for (std::size_t s = suffix; s > 0; --s) matches.push_back({from.size() - s, to.size() - s});
  return matches;
}

std::vector<formats::Word> realign_words(std::string_view text, const std::vector<formats::Word>& previous,
                                         std::int64_t start_ms, std::int64_t end_ms,
                                         const std::string& speaker_label) {
  const std::vector<std::string> spelled = split_words(text);
  std::vector<std::string> old_keys;
  old_keys.reserve(previous.size());
  for (const formats::Word& word : previous) old_keys.push_back(normalized_word(word.text));
  std::vector<std::string> new_keys;
  new_keys.reserve(spelled.size());
  for (const std::string& word : spelled) new_keys.push_back(normalized_word(word));

  std::vector<formats::Word> words(spelled.size());
  std::vector<bool> timed(spelled.size(), false);
  for (const SequenceMatch& match : match_sequences(old_keys, new_keys)) {
    words[match.to] = previous[match.from];
    timed[match.to] = true;
  }
  for (std::size_t i = 0; i < words.size(); ++i) {
    words[i].text = spelled[i];
    if (!timed[i]) words[i].speaker_label = speaker_label;
  }
  formats::interpolate_words(words, timed, start_ms, end_ms);
  return words;
}

}  // namespace narralytica::app
