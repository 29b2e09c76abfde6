#include "analytics/conversation.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace narralytica::analytics {
namespace {

struct Interval {
  std::int64_t start_ms;
  std::int64_t end_ms;
};

struct Turn {
  int slot;
  std::int64_t start_ms;
  std::int64_t end_ms;
};

// Where an utterance's speech is: its words, or the whole segment when it has none.
Interval extent(const Utterance& u) {
  if (u.words.empty()) return {u.start_ms, u.end_ms};
  Interval e{u.words.front().start_ms, u.words.front().end_ms};
  for (const WordTime& w : u.words) {
    e.start_ms = std::min(e.start_ms, w.start_ms);
    e.end_ms = std::max(e.end_ms, w.end_ms);
  }
  return e;
}

// Sorts and merges a speaker's intervals into disjoint ones (touching ones join).
void merge(std::vector<Interval>& intervals) {
  const auto by_start = [](const Interval& a, const Interval& b) { return a.start_ms < b.start_ms; };
  // Word timings arrive in order nearly always: checking is linear, sorting is not.
  if (!std::is_sorted(intervals.begin(), intervals.end(), by_start)) {
    std::sort(intervals.begin(), intervals.end(), by_start);
  }
  std::size_t out = 0;
  for (const Interval& i : intervals) {
    if (i.end_ms <= i.start_ms) continue;  // an untimed (zero-length) word holds no time
    if (out > 0 && i.start_ms <= intervals[out - 1].end_ms) {
      intervals[out - 1].end_ms = std::max(intervals[out - 1].end_ms, i.end_ms);
    } else {
      intervals[out++] = i;
    }
  }
  intervals.resize(out);
}

// Talk time per slot, everyone's speech, and the time two or more slots speak at once (in all and
// per slot), by one sweep over the slots' merged intervals.
void measure_time(std::vector<std::vector<Interval>>& by_slot, TranscriptMeasures& m) {
  struct Edge {
    std::int64_t at_ms;
    int slot;
    int delta;  // +1 starts, -1 ends
  };
  // Ends before starts at the same instant: one speaker stopping as another starts is no overlap.
  const auto earlier = [](const Edge& a, const Edge& b) {
    return a.at_ms != b.at_ms ? a.at_ms < b.at_ms : a.delta < b.delta;
  };
  std::vector<Edge> edges;
  std::size_t sorted_through = 0;  // edges[0, sorted_through) are in order
  for (std::size_t slot = 0; slot < by_slot.size(); ++slot) {
    merge(by_slot[slot]);
    for (const Interval& i : by_slot[slot]) {
      m.speakers[slot].talk_ms += i.end_ms - i.start_ms;
      edges.push_back({i.start_ms, static_cast<int>(slot), +1});
      edges.push_back({i.end_ms, static_cast<int>(slot), -1});
    }
    // A slot's merged intervals are ordered and disjoint, so its edges are already in order:
    // merging each slot's run in costs less than sorting them all (a 3-hour transcript has
    // 60,000 edges and a handful of slots).
    const auto middle = edges.begin() + static_cast<std::ptrdiff_t>(sorted_through);
    std::inplace_merge(edges.begin(), middle, edges.end(), earlier);
    sorted_through = edges.size();
  }
  std::vector<int> active_slots;
  std::int64_t previous_ms = 0;
  for (const Edge& e : edges) {
    const std::int64_t elapsed = e.at_ms - previous_ms;
    if (elapsed > 0 && !active_slots.empty()) {
      m.speech_ms += elapsed;
      if (active_slots.size() >= 2) {
        m.overlap_ms += elapsed;
        for (int slot : active_slots) m.speakers[static_cast<std::size_t>(slot)].overlap_ms += elapsed;
      }
    }
    previous_ms = e.at_ms;
    if (e.delta > 0) {
      active_slots.push_back(e.slot);
    } else {
      active_slots.erase(std::find(active_slots.begin(), active_slots.end(), e.slot));
    }
  }
}

// Turns: maximal runs of one slot in time order.
std::vector<Turn> build_turns(std::span<const Utterance> utterances, int unattributed_slot) {
  std::vector<std::pair<Interval, std::size_t>> order;
  order.reserve(utterances.size());
  for (std::size_t i = 0; i < utterances.size(); ++i) order.emplace_back(extent(utterances[i]), i);
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.first.start_ms < b.first.start_ms; });
  std::vector<Turn> turns;
  for (const auto& [span, index] : order) {
    const int slot = utterances[index].speaker < 0 ? unattributed_slot : utterances[index].speaker;
    if (!turns.empty() && turns.back().slot == slot) {
      turns.back().end_ms = std::max(turns.back().end_ms, span.end_ms);
    } else {
      turns.push_back({slot, span.start_ms, span.end_ms});
    }
  }
  return turns;
}

PairMeasures& pair_of(std::vector<PairMeasures>& pairs, int from, int to) {
  auto at = std::lower_bound(pairs.begin(), pairs.end(), std::make_pair(from, to),
                             [](const PairMeasures& p, const std::pair<int, int>& key) {
                               return std::make_pair(p.from, p.to) < key;
                             });
  if (at == pairs.end() || at->from != from || at->to != to) at = pairs.insert(at, PairMeasures{from, to, {}});
  return *at;
}

std::int32_t clamp32(std::int64_t value) {
  return static_cast<std::int32_t>(std::clamp<std::int64_t>(value, INT32_MIN, INT32_MAX));
}

// Turn-taking: turns and monologues, floor-transfer offsets, overlaps and interruptions.
void measure_turns(const std::vector<Turn>& turns, const Options& options, TranscriptMeasures& m) {
  std::vector<std::size_t> in_progress;  // earlier turns that had not ended when the last one began
  for (std::size_t i = 0; i < turns.size(); ++i) {
    const Turn& t = turns[i];
    SpeakerMeasures& speaker = m.speakers[static_cast<std::size_t>(t.slot)];
    const std::int64_t length = t.end_ms - t.start_ms;
    ++speaker.turns;
    speaker.turn_ms += length;
    speaker.longest_turn_ms = std::max(speaker.longest_turn_ms, length);
    if (i > 0) {
      const std::int32_t offset = clamp32(t.start_ms - turns[i - 1].end_ms);
      ++m.speaker_changes;
      m.offsets_ms.push_back(offset);
      speaker.offsets_ms.push_back(offset);
      pair_of(m.pairs, turns[i - 1].slot, t.slot).offsets_ms.push_back(offset);
    }
    // Turns start in time order, so one that ended before this start is over for every later one.
    std::erase_if(in_progress, [&](std::size_t j) { return turns[j].end_ms <= t.start_ms; });
    for (auto j = in_progress.rbegin(); j != in_progress.rend(); ++j) {
      const Turn& earlier = turns[*j];
      if (earlier.slot == t.slot) continue;
      if (std::min(earlier.end_ms, t.end_ms) - t.start_ms <= options.overlap_threshold_ms) continue;
      const bool yielded = earlier.end_ms <= t.start_ms + options.yield_window_ms && t.end_ms > earlier.end_ms;
      if (yielded) {
        ++speaker.interruptions;
        ++m.speakers[static_cast<std::size_t>(earlier.slot)].interrupted;
      } else {
        ++speaker.overlaps;
      }
      break;  // measured against the latest-starting turn it overlaps
    }
    in_progress.push_back(i);
  }
  m.turns = static_cast<std::int64_t>(turns.size());
}

// The code point at `text[at]` (UTF-8); advances `at`. Invalid bytes read as U+FFFD, one byte.
char32_t next_point(std::string_view text, std::size_t& at) {
  const auto byte = static_cast<unsigned char>(text[at]);
  int length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xE ? 3 : (byte >> 3) == 0x1E ? 4 : 0;
  if (length == 0 || at + static_cast<std::size_t>(length) > text.size()) {
    ++at;
    return 0xFFFD;
  }
  char32_t point = length == 1 ? byte : byte & (0x7F >> length);
  for (int k = 1; k < length; ++k) point = (point << 6) | (static_cast<unsigned char>(text[at + k]) & 0x3F);
  at += static_cast<std::size_t>(length);
  return point;
}

bool is_question_mark(char32_t c, bool greek) {
  return c == U'?' || c == U'\uFF1F' || c == U'\u061F' || (greek && (c == U';' || c == U'\u037E'));
}

bool is_terminator(char32_t c, bool greek) {
  return is_question_mark(c, greek) || c == U'.' || c == U'!' || c == U'\u2026' || c == U'\u3002' || c == U'\uFF01';
}

}  // namespace

void SpeakerMeasures::add(const SpeakerMeasures& other) {
  talk_ms += other.talk_ms;
  words += other.words;
  turns += other.turns;
  turn_ms += other.turn_ms;
  longest_turn_ms = std::max(longest_turn_ms, other.longest_turn_ms);
  interruptions += other.interruptions;
  interrupted += other.interrupted;
  overlaps += other.overlaps;
  overlap_ms += other.overlap_ms;
  questions += other.questions;
  offsets_ms.insert(offsets_ms.end(), other.offsets_ms.begin(), other.offsets_ms.end());
}

std::string_view timing_name(Timing timing) {
  switch (timing) {
    case Timing::words: return "words";
    case Timing::segments: return "segments";
    case Timing::mixed: return "mixed";
    case Timing::none: break;
  }
  return "none";
}

std::int64_t count_words(std::string_view text) {
  std::int64_t words = 0;
  bool in_word = false;
  for (char c : text) {
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

std::int64_t count_questions(std::string_view text, std::string_view language) {
  const bool greek = language == "el" || language.starts_with("el-");
  std::int64_t questions = 0;
  bool run_has_question = false;
  bool in_run = false;
  for (std::size_t at = 0; at < text.size();) {
    const char32_t c = next_point(text, at);
    if (is_terminator(c, greek)) {
      in_run = true;
      run_has_question = run_has_question || is_question_mark(c, greek);
      continue;
    }
    if (in_run && run_has_question) ++questions;
    in_run = run_has_question = false;
  }
  if (in_run && run_has_question) ++questions;
  return questions;
}

TranscriptMeasures measure_transcript(std::span<const Utterance> utterances, int speaker_slots,
                                      const Options& options) {
  TranscriptMeasures m;
  const bool unattributed = std::any_of(utterances.begin(), utterances.end(),
                                        [](const Utterance& u) { return u.speaker < 0; });
  const auto slots = static_cast<std::size_t>(speaker_slots) + (unattributed ? 1 : 0);
  m.speakers.resize(slots);
  if (utterances.empty()) return m;

  std::vector<std::vector<Interval>> by_slot(slots);
  std::size_t timed = 0;
  Interval span = extent(utterances.front());
  for (const Utterance& u : utterances) {
    const auto slot = static_cast<std::size_t>(u.speaker < 0 ? speaker_slots : u.speaker);
    SpeakerMeasures& speaker = m.speakers[slot];
    if (u.words.empty()) {
      by_slot[slot].push_back({u.start_ms, u.end_ms});
      speaker.words += count_words(u.text);
    } else {
      ++timed;
      for (const WordTime& w : u.words) by_slot[slot].push_back({w.start_ms, w.end_ms});
      speaker.words += static_cast<std::int64_t>(u.words.size());
    }
    speaker.questions += count_questions(u.text, options.language);
    const Interval e = extent(u);
    span.start_ms = std::min(span.start_ms, e.start_ms);
    span.end_ms = std::max(span.end_ms, e.end_ms);
  }
  m.timing = timed == utterances.size() ? Timing::words : timed == 0 ? Timing::segments : Timing::mixed;
  m.span_ms = span.end_ms - span.start_ms;
  measure_time(by_slot, m);
  measure_turns(build_turns(utterances, speaker_slots), options, m);
  return m;
}

void ConversationTotals::add(const TranscriptMeasures& transcript) {
  ++transcripts;
  span_ms += transcript.span_ms;
  speech_ms += transcript.speech_ms;
  overlap_ms += transcript.overlap_ms;
  turns += transcript.turns;
  speaker_changes += transcript.speaker_changes;
  offsets_ms.insert(offsets_ms.end(), transcript.offsets_ms.begin(), transcript.offsets_ms.end());
  for (const SpeakerMeasures& speaker : transcript.speakers) {
    SpeakerMeasures without_offsets = speaker;
    without_offsets.offsets_ms.clear();  // `offsets_ms` above already holds them
    everyone.add(without_offsets);
  }
}

double share(std::int64_t part, std::int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

double words_per_minute(const SpeakerMeasures& m) {
  return m.talk_ms > 0 ? static_cast<double>(m.words) * 60'000.0 / static_cast<double>(m.talk_ms) : 0.0;
}

double average_turn_ms(const SpeakerMeasures& m) {
  return m.turns > 0 ? static_cast<double>(m.turn_ms) / static_cast<double>(m.turns) : 0.0;
}

std::optional<double> median(std::vector<std::int32_t> values) {
  if (values.empty()) return std::nullopt;
  const std::size_t middle = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle), values.end());
  const double upper = values[middle];
  if (values.size() % 2 == 1) return upper;
  const double lower = *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle));
  return (lower + upper) / 2.0;
}

std::string encode_offsets(std::span<const std::int32_t> offsets) {
  std::string bytes(offsets.size() * 4, '\0');
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    const auto v = static_cast<std::uint32_t>(offsets[i]);
    for (int k = 0; k < 4; ++k) bytes[i * 4 + static_cast<std::size_t>(k)] = static_cast<char>((v >> (8 * k)) & 0xFF);
  }
  return bytes;
}

void decode_offsets(std::string_view bytes, std::vector<std::int32_t>& out) {
  const std::size_t count = bytes.size() / 4;
  out.reserve(out.size() + count);
  for (std::size_t i = 0; i < count; ++i) {
    std::uint32_t v = 0;
    for (int k = 3; k >= 0; --k) v = (v << 8) | static_cast<unsigned char>(bytes[i * 4 + static_cast<std::size_t>(k)]);
    out.push_back(static_cast<std::int32_t>(v));
  }
}

}  // namespace narralytica::analytics
