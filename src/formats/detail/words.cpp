#include "formats/detail/words.hpp"

#include <algorithm>

#include "formats/detail/text.hpp"
#include "formats/limits.hpp"

namespace narralytica::formats {

const char* to_string(WordTiming timing) noexcept {
  switch (timing) {
    case WordTiming::asr: return "asr";
    case WordTiming::interpolated: return "interpolated";
    case WordTiming::aligned: return "aligned";
  }
  return "asr";
}

void interpolate_words(std::vector<Word>& words, const std::vector<bool>& timed, int64_t start_ms,
                       int64_t end_ms) {
  const std::size_t n = words.size();
  for (std::size_t i = 0; i < n;) {
    if (timed[i]) {
      ++i;
      continue;
    }
    std::size_t run_end = i;
    while (run_end < n && !timed[run_end]) ++run_end;
    int64_t left = i > 0 ? words[i - 1].end_ms : start_ms;
    int64_t right = run_end < n ? words[run_end].start_ms : end_ms;
    if (right < left) right = left;  // neighbours overlap: the untimed words get a zero-length slot
    const auto count = static_cast<int64_t>(run_end - i);
    for (std::size_t k = i; k < run_end; ++k) {
      const auto slot = static_cast<int64_t>(k - i);
      words[k].start_ms = left + (right - left) * slot / count;
      words[k].end_ms = left + (right - left) * (slot + 1) / count;
      words[k].timing = WordTiming::interpolated;
    }
    i = run_end;
  }
}

}  // namespace narralytica::formats

namespace narralytica::formats::detail {

namespace {

Segment segment_from_words(std::vector<Word> words) {
  Segment segment;
  segment.start_ms = words.front().start_ms;
  segment.end_ms = words.front().end_ms;
  segment.speaker_label = words.front().speaker_label;
  double confidence_sum = 0;
  bool all_confident = true;
  for (const Word& word : words) {
    segment.start_ms = std::min(segment.start_ms, word.start_ms);
    segment.end_ms = std::max(segment.end_ms, word.end_ms);
    if (!segment.text.empty()) segment.text += ' ';
    segment.text += word.text;
    if (word.confidence)
      confidence_sum += *word.confidence;
    else
      all_confident = false;
  }
  if (all_confident) segment.confidence = confidence_sum / static_cast<double>(words.size());
  segment.words = std::move(words);
  return segment;
}

}  // namespace

std::vector<Segment> group_words(std::vector<Word> words) {
  std::vector<Segment> segments;
  std::vector<Word> current;
  for (Word& word : words) {
    if (!current.empty()) {
      const Word& last = current.back();
      bool new_turn = word.speaker_label != last.speaker_label ||
                      word.start_ms - last.end_ms > limits::turn_gap_ms_max ||
                      word.end_ms - current.front().start_ms > limits::turn_length_ms_max ||
                      current.size() >= limits::words_per_segment_max;
      if (new_turn) {
        segments.push_back(segment_from_words(std::move(current)));
        current.clear();
      }
    }
    current.push_back(std::move(word));
  }
  if (!current.empty()) segments.push_back(segment_from_words(std::move(current)));
  return segments;
}

void distribute_words(std::vector<Segment>& segments, std::vector<Word> words) {
  if (segments.empty()) return;
  std::size_t k = 0;
  for (Word& word : words) {
    while (k + 1 < segments.size() && word.start_ms >= segments[k + 1].start_ms) ++k;
    segments[k].words.push_back(std::move(word));
  }
}

void finish_whisper_words(Document& document, std::vector<Word> flat, const std::vector<bool>& timed,
                          std::size_t untimed_words) {
  if (!flat.empty()) {
    untimed_words += static_cast<std::size_t>(std::count(timed.begin(), timed.end(), false));
    const int64_t end_ms = document.segments.empty() ? 0 : document.segments.back().end_ms;
    interpolate_words(flat, timed, 0, end_ms);
    distribute_words(document.segments, std::move(flat));
  }
  if (untimed_words > 0) {
    add_warning(document, std::to_string(untimed_words) +
                              " word(s) had no timing; their times were interpolated from their "
                              "neighbours (WordTiming::interpolated)");
  }
}

}  // namespace narralytica::formats::detail
