#include "formats/detail/finish.hpp"

#include <algorithm>
#include <numeric>
#include <unordered_set>
#include <vector>

#include "formats/detail/text.hpp"
#include "formats/format.hpp"
#include "formats/limits.hpp"

namespace narralytica::formats::detail {

namespace {

bool replace_nul(std::string& text) {
  if (text.find('\0') == std::string::npos) return false;
  std::string out;
  out.reserve(text.size() + 8);
  for (char c : text) {
    if (c == '\0')
      out += "\xEF\xBF\xBD";
    else
      out += c;
  }
  text = std::move(out);
  return true;
}

// `describe` names the spanned thing; called only on failure, so the happy path allocates nothing.
template <class Describe>
Status check_span(int64_t start_ms, int64_t end_ms, std::string_view source, Describe describe) {
  if (start_ms < 0 || end_ms < 0 || start_ms > limits::timestamp_ms_max ||
      end_ms > limits::timestamp_ms_max) {
    return make_error(ErrorCode::invalid_argument,
                      "expected times between 0 and " +
                          format_timestamp(limits::timestamp_ms_max, '.') + ", found " +
                          std::to_string(start_ms) + " ms to " + std::to_string(end_ms) +
                          " ms in " + describe(),
                      source_or_default(source));
  }
  if (end_ms < start_ms) {
    return make_error(ErrorCode::invalid_argument,
                      "expected an end time at or after the start " +
                          format_timestamp(start_ms, '.') + ", found " +
                          format_timestamp(end_ms, '.') + " in " + describe(),
                      source_or_default(source));
  }
  return ok_status();
}

// Applies a new order (new_index -> old_index) to the segments and remaps layer item indexes;
// items whose segments were all dropped become unattached.
void reorder_segments(Document& document, const std::vector<std::size_t>& kept_old_indexes) {
  constexpr std::size_t kDropped = static_cast<std::size_t>(-1);
  std::vector<std::size_t> new_index(document.segments.size(), kDropped);
  std::vector<Segment> segments;
  segments.reserve(kept_old_indexes.size());
  for (std::size_t i = 0; i < kept_old_indexes.size(); ++i) {
    new_index[kept_old_indexes[i]] = i;
    segments.push_back(std::move(document.segments[kept_old_indexes[i]]));
  }
  const std::size_t old_count = document.segments.size();
  document.segments = std::move(segments);
  for (Layer& layer : document.layers) {
    for (LayerItem& item : layer.items) {
      if (!item.segment_index) continue;
      std::size_t first = *item.segment_index;
      std::size_t last = item.segment_index_last.value_or(first);
      std::optional<std::size_t> lo, hi;
      for (std::size_t old = first; old <= last && old < old_count; ++old) {
        if (new_index[old] == kDropped) continue;
        if (!lo || new_index[old] < *lo) lo = new_index[old];
        if (!hi || new_index[old] > *hi) hi = new_index[old];
      }
      item.segment_index = lo;
      item.segment_index_last = hi;
    }
  }
}

bool overlaps(int64_t a0, int64_t a1, int64_t b0, int64_t b1) {
  if (std::max(a0, b0) < std::min(a1, b1)) return true;
  // A zero-length span overlaps what contains it (a point in time, e.g. an entity at a word).
  if (a0 == a1 && b0 <= a0 && a0 <= b1) return true;
  if (b0 == b1 && a0 <= b0 && b0 <= a1) return true;
  return false;
}

}  // namespace

void warn_past_duration(Document& document, int64_t duration_ms, std::string_view what) {
  std::size_t past = 0;
  std::optional<std::size_t> first_past;
  for (std::size_t i = 0; i < document.segments.size(); ++i) {
    if (document.segments[i].end_ms > duration_ms) {
      ++past;
      if (!first_past) first_past = i;
    }
  }
  if (past > 0) {
    add_warning(document, std::to_string(past) + " segment(s) end after " + std::string(what) +
                              " " + format_timestamp(duration_ms, '.') + ", first " +
                              describe_segment(document.segments[*first_past], *first_past) +
                              "; kept");
  }
}

std::string describe_segment(const Segment& segment, std::size_t index) {
  std::string name = segment.cue_id.empty() ? "segment " + std::to_string(index + 1)
                                            : "cue \"" + segment.cue_id + "\"";
  return name + " at " + format_timestamp(segment.start_ms, '.');
}

Status check_count(std::size_t count, std::size_t maximum, std::string_view what,
                   std::string_view field) {
  if (count <= maximum) return ok_status();
  return make_error(
      ErrorCode::resource_exhausted,
      "expected at most " + std::to_string(maximum) + " " + std::string(what) + ", found more",
      std::string(field));
}

Status finish_document(Document& document, std::string_view source) {
  const std::string field = source_or_default(source);
  RETURN_IF_ERROR(check_count(document.segments.size(), limits::segments_max, "segments", field));
  RETURN_IF_ERROR(check_count(document.layers.size(), limits::layers_max, "layers", field));

  std::size_t words_total = 0;
  bool had_nul = false;
  for (std::size_t i = 0; i < document.segments.size(); ++i) {
    Segment& segment = document.segments[i];
    RETURN_IF_ERROR(check_span(segment.start_ms, segment.end_ms, source,
                               [&] { return describe_segment(segment, i); }));
    RETURN_IF_ERROR(check_count(segment.words.size(), limits::words_per_segment_max,
                                "words in one segment", field));
    words_total += segment.words.size();
    for (Word& word : segment.words) {
      RETURN_IF_ERROR(check_span(word.start_ms, word.end_ms, source, [&] {
        return "word \"" + word.text + "\" of " + describe_segment(segment, i);
      }));
      had_nul |= replace_nul(word.text);
      had_nul |= replace_nul(word.speaker_label);
    }
    had_nul |= replace_nul(segment.text);
    had_nul |= replace_nul(segment.speaker_label);
    had_nul |= replace_nul(segment.cue_id);
    had_nul |= replace_nul(segment.cue_settings);
  }
  RETURN_IF_ERROR(check_count(words_total, limits::words_max, "words", field));
  for (const Layer& layer : document.layers) {
    RETURN_IF_ERROR(check_count(layer.items.size(), limits::layer_items_max,
                                "items in layer \"" + layer.kind + "\"", field));
    for (const LayerItem& item : layer.items) {
      RETURN_IF_ERROR(check_span(item.start_ms, item.end_ms, source,
                                 [&] { return "an item of layer \"" + layer.kind + "\""; }));
    }
  }
  if (had_nul) {
    add_warning(document,
                "NUL characters were replaced by U+FFFD (a database text column cannot hold them)");
  }

  // Empty cues carry nothing to search or analyse; WebVTT allows them, so they are dropped, not
  // refused.
  std::vector<std::size_t> order;
  order.reserve(document.segments.size());
  for (std::size_t i = 0; i < document.segments.size(); ++i) {
    const Segment& segment = document.segments[i];
    if (trim(segment.text).empty() && segment.words.empty()) {
      add_warning(document, describe_segment(segment, i) + " has no text; skipped");
    } else {
      order.push_back(i);
    }
  }
  // Out-of-order cues are kept and sorted, because the store numbers segments by time.
  auto by_start = [&](std::size_t a, std::size_t b) {
    return document.segments[a].start_ms < document.segments[b].start_ms;
  };
  auto unsorted = std::is_sorted_until(order.begin(), order.end(), by_start);
  if (unsorted != order.end()) {
    add_warning(document,
                describe_segment(document.segments[*unsorted], *unsorted) +
                    " starts before the one above it; segments were sorted by start time");
    std::stable_sort(order.begin(), order.end(), by_start);
  }
  if (order.size() != document.segments.size() || unsorted != order.end()) {
    reorder_segments(document, order);
  }

  // Overlaps are legitimate (two people talking at once), so only reported, once.
  std::size_t overlap_count = 0;
  std::optional<std::size_t> first_overlap;
  int64_t end_so_far = -1;
  for (std::size_t i = 0; i < document.segments.size(); ++i) {
    const Segment& segment = document.segments[i];
    if (i > 0 && segment.start_ms < end_so_far) {
      ++overlap_count;
      if (!first_overlap) first_overlap = i;
    }
    end_so_far = std::max(end_so_far, segment.end_ms);
  }
  if (overlap_count > 0) {
    add_warning(document,
                std::to_string(overlap_count) + " segment(s) overlap an earlier one, first " +
                    describe_segment(document.segments[*first_overlap], *first_overlap) + "; kept");
  }

  if (document.duration_ms)
    warn_past_duration(document, *document.duration_ms, "the declared duration");
  return ok_status();
}

void attach_by_time(const Document& document, Layer& layer) {
  const auto& segments = document.segments;
  // Running maximum of end times makes "first segment that can still overlap" a binary search.
  std::vector<int64_t> end_max(segments.size());
  int64_t running = -1;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    running = std::max(running, segments[i].end_ms);
    end_max[i] = running;
  }
  for (LayerItem& item : layer.items) {
    item.segment_index.reset();
    item.segment_index_last.reset();
    std::size_t from = static_cast<std::size_t>(
        std::lower_bound(end_max.begin(), end_max.end(), item.start_ms) - end_max.begin());
    for (std::size_t i = from; i < segments.size() && segments[i].start_ms <= item.end_ms; ++i) {
      if (overlaps(segments[i].start_ms, segments[i].end_ms, item.start_ms, item.end_ms)) {
        if (!item.segment_index) item.segment_index = i;
        item.segment_index_last = i;
      }
    }
  }
}

}  // namespace narralytica::formats::detail

namespace narralytica::formats {

void warn_past_duration(Document& document, int64_t duration_ms) {
  detail::warn_past_duration(document, duration_ms, "the video's duration");
}

std::vector<std::string> speaker_labels(const Document& document) {
  std::vector<std::string> labels;
  std::unordered_set<std::string> seen;
  auto add = [&](const std::string& label) {
    if (!label.empty() && seen.insert(label).second) labels.push_back(label);
  };
  for (const Segment& segment : document.segments) add(segment.speaker_label);
  for (const Segment& segment : document.segments) {
    for (const Word& word : segment.words) add(word.speaker_label);
  }
  return labels;
}

}  // namespace narralytica::formats
