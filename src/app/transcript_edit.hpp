// The operations of a transcript edit (docs/editing.md) and how they change a transcript held in
// memory: parsed from JSON, checked and applied one after the other, each naming its index and
// field when it is refused. No database: the edit service (edit_service.hpp) reads the revision,
// applies the operations here and stores the result as the next revision.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/uuid.hpp"
#include "formats/document.hpp"

namespace narralytica::app {

// The most operations one edit may carry, and the largest edit file or body.
inline constexpr std::size_t kEditOperationsMax = 10'000;
inline constexpr std::size_t kEditBytesMax = 16u << 20;

enum class EditOpKind { set_text, set_times, set_speaker, split, merge, insert, remove };
// "set_text", "set_times", "set_speaker", "split", "merge", "insert", "delete".
const char* to_string(EditOpKind kind) noexcept;

// One operation. `segment` is an index into the transcript as the operations before this one
// left it (insert: the index the new segment takes; merge: the first of the two neighbours).
struct EditOperation {
  EditOpKind kind = EditOpKind::set_text;
  std::size_t segment = 0;
  std::optional<std::string> text;             // set_text, insert
  std::optional<std::int64_t> start_ms;        // set_times, insert
  std::optional<std::int64_t> end_ms;          // set_times, insert
  // set_speaker, insert: a speaker of the video by id, or a label (a new label makes a new
  // speaker of the video); clear_speaker leaves the segment without one.
  std::optional<Uuid> speaker_id;
  std::optional<std::string> speaker_label;
  bool clear_speaker = false;
  std::optional<std::size_t> at_word;          // split: the first word of the second part
  std::optional<std::size_t> at_char;          // split: a character offset between two words
  std::optional<std::int64_t> at_ms;           // split: where the first part ends and the second starts
};

// {"operations": [...]}. Errors: invalid_argument naming the operation and field
// ("operations[3].start_ms") for a malformed, unknown or missing member, or "body" for JSON that
// does not parse; resource_exhausted past kEditOperationsMax or kEditBytesMax.
Result<std::vector<EditOperation>> parse_edit(std::string_view json);

// A segment while an edit is applied. Words stay in their stored form (`words_json`) until an
// operation needs them, so the untouched segments of a long transcript cost no parsing.
struct EditableSegment {
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::string text;
  std::string speaker_label;  // empty: no speaker
  std::optional<double> confidence;
  std::string words_json;              // stored words while `words_decoded` is false; empty: none
  std::vector<formats::Word> words;    // valid when `words_decoded`
  bool words_decoded = false;
  bool changed = false;                // some operation touched it
  // The ordinal it was read from in the edited revision: while `changed` is false the new
  // revision copies that stored row inside the database instead of writing it from here.
  std::optional<std::int64_t> stored_ordinal;
};

// What an edit left in the segments it touched, for the answer.
struct EditStats {
  std::int64_t segments_changed = 0;    // segments some operation touched, in the result
  std::int64_t words_timed = 0;         // their words with an engine's (or aligner's) times
  std::int64_t words_interpolated = 0;  // their words with interpolated times
};

// Applies `operations` in order. `video_speakers` maps the video's speaker ids to their labels
// (set_speaker and insert by id). Errors: invalid_argument naming "operations[i].field" for an
// index out of range, a time outside [0, 1000 h], an end before a start, a segment moved out of
// time order, empty text, a split with no word on one side, an unknown speaker, or an edit that
// leaves no segment; `segments` is then partly changed and must be dropped.
Result<EditStats> apply_edit(std::vector<EditableSegment>& segments, const std::vector<EditOperation>& operations,
                             const std::map<Uuid, std::string>& video_speakers);

}  // namespace narralytica::app
