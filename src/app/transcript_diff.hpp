// What changed between two revisions of a transcript: segments added, removed and changed, and
// within a changed segment's text, the words added, removed and changed. Segments are matched by
// a sequence diff over their texts, words by one over their normalized forms
// (word_alignment.hpp). Between two matches, segments whose times overlap are paired as one
// changed segment (edited, merged, or the first part of a split) and the others are additions or
// removals; words there are paired in order. Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "formats/document.hpp"
#include "store/media/transcript_repository.hpp"

namespace narralytica::app {

enum class ChangeKind { added, removed, changed };
// "added", "removed", "changed".
const char* to_string(ChangeKind kind) noexcept;

// A word as a diff shows it: its times and their source when the segment has word timings.
struct DiffWord {
  std::string text;
  std::optional<std::int64_t> start_ms;
  std::optional<std::int64_t> end_ms;
  std::optional<formats::WordTiming> timing;
};

struct WordChange {
  ChangeKind kind = ChangeKind::changed;
  std::optional<DiffWord> from;  // removed, changed
  std::optional<DiffWord> to;    // added, changed
};

struct SegmentChange {
  ChangeKind kind = ChangeKind::changed;
  std::optional<store::Segment> from;  // removed, changed
  std::optional<store::Segment> to;    // added, changed
  // changed: which of "text", "start_ms", "end_ms", "speaker" differ.
  std::vector<std::string> fields;
  std::vector<WordChange> words;  // changed text: the words that differ
};

struct DiffCounts {
  std::int64_t segments_added = 0;
  std::int64_t segments_removed = 0;
  std::int64_t segments_changed = 0;
  std::int64_t words_added = 0;
  std::int64_t words_removed = 0;
  std::int64_t words_changed = 0;
};

struct TranscriptDiff {
  store::Transcript from;
  store::Transcript to;
  std::vector<SegmentChange> segments;  // in the order of the newer revision
  DiffCounts counts;
};

// The changes from `from` to `to` (each a whole transcript's segments, in order), with counts.
// Errors: internal for stored word timings that do not parse.
Result<std::vector<SegmentChange>> diff_segments(const std::vector<store::Segment>& from,
                                                 const std::vector<store::Segment>& to, DiffCounts& counts);

}  // namespace narralytica::app
