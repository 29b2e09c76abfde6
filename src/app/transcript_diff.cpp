#include "app/transcript_diff.hpp"

#include <functional>

#include "app/transcript_service.hpp"
#include "app/word_alignment.hpp"

namespace narralytica::app {
namespace {

using Visit = std::function<void(std::optional<std::size_t>, std::optional<std::size_t>, bool matched)>;
// Between two matches, whether old item i and new item j are one changed item (0), or old item i
// comes first and was removed (< 0), or new item j comes first and was added (> 0).
using Order = std::function<int(std::size_t, std::size_t)>;

// Walks two sequences along their matches: calls `visit(from, to, true)` for each matched pair;
// between two matches, pairs the unmatched items as `order` says (both set), reporting the others
// alone (one side nullopt), in order.
void walk(std::size_t from_size, std::size_t to_size, const std::vector<SequenceMatch>& matches, const Order& order,
          const Visit& visit) {
  std::size_t i = 0;
  std::size_t j = 0;
  auto gap = [&](std::size_t from_end, std::size_t to_end) {
    while (i < from_end && j < to_end) {
      const int o = order(i, j);
      if (o == 0) visit(i++, j++, false);
      else if (o < 0) visit(i++, std::nullopt, false);
      else visit(std::nullopt, j++, false);
    }
    while (i < from_end) visit(i++, std::nullopt, false);
    while (j < to_end) visit(std::nullopt, j++, false);
  };
  for (const SequenceMatch& match : matches) {
    gap(match.from, match.to);
    visit(i++, j++, true);
  }
  gap(from_size, to_size);
}

Result<std::vector<DiffWord>> words_of(const store::Segment& segment) {
  std::vector<DiffWord> words;
  if (segment.words_json) {
    ASSIGN_OR_RETURN(std::vector<formats::Word> timed, decode_words(*segment.words_json));
    for (formats::Word& word : timed) {
      words.push_back(DiffWord{std::move(word.text), word.start_ms, word.end_ms, word.timing});
    }
    if (!words.empty()) return words;
  }
  for (std::string& text : split_words(segment.text)) words.push_back(DiffWord{std::move(text), {}, {}, {}});
  return words;
}

Result<std::vector<WordChange>> diff_words(const store::Segment& from, const store::Segment& to, DiffCounts& counts) {
  ASSIGN_OR_RETURN(std::vector<DiffWord> old_words, words_of(from));
  ASSIGN_OR_RETURN(std::vector<DiffWord> new_words, words_of(to));
  std::vector<std::string> old_keys;
  for (const DiffWord& word : old_words) old_keys.push_back(normalized_word(word.text));
  std::vector<std::string> new_keys;
  for (const DiffWord& word : new_words) new_keys.push_back(normalized_word(word.text));
  std::vector<WordChange> changes;
  // Words left between two matches are paired in order: a replaced word is a changed one.
  walk(old_words.size(), new_words.size(), match_sequences(old_keys, new_keys),
       [](std::size_t, std::size_t) { return 0; },
       [&](std::optional<std::size_t> a, std::optional<std::size_t> b, bool matched) {
         if (matched) return;
         WordChange change;
         if (a) change.from = old_words[*a];
         if (b) change.to = new_words[*b];
         change.kind = a && b ? ChangeKind::changed : a ? ChangeKind::removed : ChangeKind::added;
         ++(change.kind == ChangeKind::changed   ? counts.words_changed
            : change.kind == ChangeKind::removed ? counts.words_removed
                                                 : counts.words_added);
         changes.push_back(std::move(change));
       });
  return changes;
}

std::vector<std::string> changed_fields(const store::Segment& from, const store::Segment& to) {
  std::vector<std::string> fields;
  if (from.text != to.text) fields.emplace_back("text");
  if (from.start_ms != to.start_ms) fields.emplace_back("start_ms");
  if (from.end_ms != to.end_ms) fields.emplace_back("end_ms");
  if (from.speaker_public_id != to.speaker_public_id) fields.emplace_back("speaker");
  return fields;
}

}  // namespace

const char* to_string(ChangeKind kind) noexcept {
  switch (kind) {
    case ChangeKind::added: return "added";
    case ChangeKind::removed: return "removed";
    case ChangeKind::changed: return "changed";
  }
  return "changed";
}

Result<std::vector<SegmentChange>> diff_segments(const std::vector<store::Segment>& from,
                                                 const std::vector<store::Segment>& to, DiffCounts& counts) {
  std::vector<std::string> old_texts;
  old_texts.reserve(from.size());
  for (const store::Segment& segment : from) old_texts.push_back(segment.text);
  std::vector<std::string> new_texts;
  new_texts.reserve(to.size());
  for (const store::Segment& segment : to) new_texts.push_back(segment.text);

  std::vector<SegmentChange> changes;
  Status status = ok_status();
  // Segments left between two matches are paired when their times overlap (a segment edited,
  // merged into another or split keeps its place in time); one that ends before the other
  // starts was removed, or the other added.
  auto order = [&](std::size_t a, std::size_t b) {
    const store::Segment& x = from[a];
    const store::Segment& y = to[b];
    if (x.end_ms <= y.start_ms && x.start_ms < y.start_ms) return -1;
    if (y.end_ms <= x.start_ms && y.start_ms < x.start_ms) return 1;
    return 0;
  };
  walk(from.size(), to.size(), match_sequences(old_texts, new_texts), order,
       [&](std::optional<std::size_t> a, std::optional<std::size_t> b, bool) {
         if (!status.ok()) return;
         SegmentChange change;
         if (a && b) {
           change.fields = changed_fields(from[*a], to[*b]);
           if (change.fields.empty()) return;  // the same segment, renumbered at most
           change.kind = ChangeKind::changed;
           if (from[*a].text != to[*b].text) {
             auto words = diff_words(from[*a], to[*b], counts);
             if (!words.ok()) {
               status = std::move(words).error();
               return;
             }
             change.words = std::move(words).value();
           }
           ++counts.segments_changed;
         } else if (a) {
           change.kind = ChangeKind::removed;
           ++counts.segments_removed;
         } else {
           change.kind = ChangeKind::added;
           ++counts.segments_added;
         }
         if (a) change.from = from[*a];
         if (b) change.to = to[*b];
         changes.push_back(std::move(change));
       });
  RETURN_IF_ERROR(status);
  return changes;
}

}  // namespace narralytica::app
