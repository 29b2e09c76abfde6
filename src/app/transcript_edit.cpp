#include "app/transcript_edit.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>

#include "app/transcript_service.hpp"
#include "app/word_alignment.hpp"
#include "formats/limits.hpp"
#include "store/media/transcript_repository.hpp"

namespace narralytica::app {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kSpeakerLabelLengthMax = 200;  // as the repository checks a stored label

struct OpSpec {
  EditOpKind kind;
  const char* name;
  std::array<const char*, 5> members;  // besides "op" and "segment"; unused places are null
};

constexpr const char* kOpNames = "set_text, set_times, set_speaker, split, merge, insert or delete";

const OpSpec kOps[] = {
    {EditOpKind::set_text, "set_text", {"text"}},
    {EditOpKind::set_times, "set_times", {"start_ms", "end_ms"}},
    {EditOpKind::set_speaker, "set_speaker", {"speaker_id", "speaker_label"}},
    {EditOpKind::split, "split", {"at_word", "at_char", "at_ms"}},
    {EditOpKind::merge, "merge", {}},
    {EditOpKind::insert, "insert", {"start_ms", "end_ms", "text", "speaker_id", "speaker_label"}},
    {EditOpKind::remove, "delete", {}},
};

Error invalid_edit(std::string message, std::string field) {
  return make_error(ErrorCode::invalid_argument, std::move(message), std::move(field));
}

std::string describe(const Json& value) {
  std::string text = value.dump();
  if (text.size() > 40) text = text.substr(0, 40) + "...";
  return text;
}

Result<std::size_t> index_member(const Json& value, const std::string& field) {
  if (!value.is_number_unsigned()) return invalid_edit("expected an index (an integer, 0 or more), found " + describe(value), field);
  return static_cast<std::size_t>(value.get<std::uint64_t>());
}

Result<std::int64_t> ms_member(const Json& value, const std::string& field) {
  if (!value.is_number_integer() || value.get<std::int64_t>() < 0 ||
      value.get<std::int64_t>() > formats::limits::timestamp_ms_max) {
    return invalid_edit("expected milliseconds (an integer from 0 to 3600000000), found " + describe(value), field);
  }
  return value.get<std::int64_t>();
}

Result<std::string> text_member(const Json& value, const std::string& field) {
  if (!value.is_string()) return invalid_edit("expected a string, found " + describe(value), field);
  return value.get<std::string>();
}

Result<EditOperation> parse_operation(const Json& item, const std::string& at) {
  if (!item.is_object()) return invalid_edit("expected an operation object {\"op\": ...}, found " + describe(item), at);
  auto op = item.find("op");
  if (op == item.end() || !op->is_string()) return invalid_edit("expected \"op\": one of " + std::string(kOpNames), at + ".op");
  const std::string name = op->get<std::string>();
  const OpSpec* spec = nullptr;
  for (const OpSpec& candidate : kOps) {
    if (name == candidate.name) spec = &candidate;
  }
  if (spec == nullptr) return invalid_edit("unknown operation \"" + name + "\": expected " + kOpNames, at + ".op");
  for (const auto& [key, value] : item.items()) {
    if (key == "op" || key == "segment") continue;
    // A named copy: clang before 16 cannot capture a structured binding.
    const std::string& member = key;
    if (std::find_if(spec->members.begin(), spec->members.end(), [&](const char* m) { return m && member == m; }) ==
        spec->members.end()) {
      std::string allowed = "op, segment";
      for (const char* m : spec->members) {
        if (m) allowed += std::string(", ") + m;
      }
      return invalid_edit("unknown member for " + name + " (it takes " + allowed + ")", at + "." + key);
    }
  }
  EditOperation operation;
  operation.kind = spec->kind;
  auto segment = item.find("segment");
  if (segment == item.end()) return invalid_edit("missing: the index of the segment", at + ".segment");
  ASSIGN_OR_RETURN(operation.segment, index_member(*segment, at + ".segment"));
  auto member = [&](const char* key) -> const Json* {
    auto it = item.find(key);
    return it == item.end() ? nullptr : &*it;
  };
  if (const Json* text = member("text")) {
    ASSIGN_OR_RETURN(operation.text, text_member(*text, at + ".text"));
  }
  if (const Json* start = member("start_ms")) {
    ASSIGN_OR_RETURN(operation.start_ms, ms_member(*start, at + ".start_ms"));
  }
  if (const Json* end = member("end_ms")) {
    ASSIGN_OR_RETURN(operation.end_ms, ms_member(*end, at + ".end_ms"));
  }
  if (const Json* at_ms = member("at_ms")) {
    ASSIGN_OR_RETURN(operation.at_ms, ms_member(*at_ms, at + ".at_ms"));
  }
  if (const Json* word = member("at_word")) {
    ASSIGN_OR_RETURN(operation.at_word, index_member(*word, at + ".at_word"));
  }
  if (const Json* chr = member("at_char")) {
    ASSIGN_OR_RETURN(operation.at_char, index_member(*chr, at + ".at_char"));
  }
  const Json* speaker_id = member("speaker_id");
  const Json* speaker_label = member("speaker_label");
  if (speaker_id && speaker_label) {
    return invalid_edit("name the speaker by speaker_id or by speaker_label, not both", at + ".speaker_label");
  }
  if (speaker_id) {
    auto id = speaker_id->is_string() ? Uuid::parse(speaker_id->get<std::string>()) : std::nullopt;
    if (!id) return invalid_edit("expected a speaker id (a UUID), found " + describe(*speaker_id), at + ".speaker_id");
    operation.speaker_id = *id;
  }
  if (speaker_label) {
    if (speaker_label->is_null() && operation.kind == EditOpKind::set_speaker) {
      operation.clear_speaker = true;
    } else {
      ASSIGN_OR_RETURN(std::string label, text_member(*speaker_label, at + ".speaker_label"));
      if (label.empty() || label.size() > kSpeakerLabelLengthMax) {
        return invalid_edit("a speaker label has 1 to 200 bytes", at + ".speaker_label");
      }
      operation.speaker_label = std::move(label);
    }
  }
  switch (operation.kind) {
    case EditOpKind::set_text:
      if (!operation.text) return invalid_edit("missing: the segment's new text", at + ".text");
      break;
    case EditOpKind::set_times:
      if (!operation.start_ms && !operation.end_ms) return invalid_edit("missing: start_ms, end_ms or both", at + ".start_ms");
      break;
    case EditOpKind::set_speaker:
      if (!speaker_id && !speaker_label) {
        return invalid_edit("missing: speaker_id (a speaker of the video), speaker_label (a label; null for none)",
                       at + ".speaker_id");
      }
      break;
    case EditOpKind::split:
      if (operation.at_word.has_value() == operation.at_char.has_value()) {
        return invalid_edit("name the split point by at_word or by at_char (one of them)", at + ".at_word");
      }
      break;
    case EditOpKind::insert:
      if (!operation.start_ms) return invalid_edit("missing: the new segment's start", at + ".start_ms");
      if (!operation.end_ms) return invalid_edit("missing: the new segment's end", at + ".end_ms");
      if (!operation.text) return invalid_edit("missing: the new segment's text", at + ".text");
      break;
    case EditOpKind::merge:
    case EditOpKind::remove: break;
  }
  return operation;
}

// Applying one operation: the segments, what the video's speakers are, and how to name a field
// of this operation in an error.
class Applier {
 public:
  Applier(std::vector<EditableSegment>& segments, const std::map<Uuid, std::string>& video_speakers)
      : segments_(segments), video_speakers_(video_speakers) {
    has_words_ = std::any_of(segments.begin(), segments.end(),
                             [](const EditableSegment& s) { return !s.words_json.empty(); });
  }

  Status apply(const EditOperation& op, std::size_t index) {
    at_ = "operations[" + std::to_string(index) + "]";
    switch (op.kind) {
      case EditOpKind::set_text: return set_text(op);
      case EditOpKind::set_times: return set_times(op);
      case EditOpKind::set_speaker: return set_speaker(op);
      case EditOpKind::split: return split(op);
      case EditOpKind::merge: return merge(op);
      case EditOpKind::insert: return insert(op);
      case EditOpKind::remove: return remove(op);
    }
    return ok_status();
  }


 private:
  Status decode(EditableSegment& segment) {
    if (segment.words_decoded) return ok_status();
    if (!segment.words_json.empty()) {
      ASSIGN_OR_RETURN(segment.words, decode_words(segment.words_json));
    }
    segment.words_json.clear();
    segment.words_decoded = true;
    return ok_status();
  }

  std::string field(const char* name) const { return at_ + "." + name; }

  Result<EditableSegment*> existing(const EditOperation& op) {
    if (op.segment >= segments_.size()) {
      return invalid_edit("no segment " + std::to_string(op.segment) + ": the transcript has " +
                         std::to_string(segments_.size()) + " at this point of the edit (indexes from 0)",
                     field("segment"));
    }
    return &segments_[op.segment];
  }

  Result<std::string> checked_text(const std::string& text) const {
    if (word_spans(text).empty()) return invalid_edit("a segment's text cannot be empty; delete the segment instead", field("text"));
    if (text.size() > store::kSegmentTextLengthMax) {
      return invalid_edit("a segment's text is at most " + std::to_string(store::kSegmentTextLengthMax) + " bytes", field("text"));
    }
    return text;
  }

  Status checked_times(std::int64_t start_ms, std::int64_t end_ms) const {
    if (end_ms < start_ms) {
      return invalid_edit("end_ms " + std::to_string(end_ms) + " is before start_ms " + std::to_string(start_ms),
                     field("end_ms"));
    }
    return ok_status();
  }

  // Segments stay ordered by start, as imports store them: segment `i` starts neither before the
  // one above it nor after the one below it.
  Status checked_order(std::size_t i) const {
    const std::int64_t start = segments_[i].start_ms;
    if (i > 0 && segments_[i - 1].start_ms > start) {
      return invalid_edit("segment " + std::to_string(i) + " would start at " + std::to_string(start) +
                         " ms, before segment " + std::to_string(i - 1) + " (" +
                         std::to_string(segments_[i - 1].start_ms) + " ms): segments stay in time order",
                     field("start_ms"));
    }
    if (i + 1 < segments_.size() && segments_[i + 1].start_ms < start) {
      return invalid_edit("segment " + std::to_string(i) + " would start at " + std::to_string(start) +
                         " ms, after segment " + std::to_string(i + 1) + " (" +
                         std::to_string(segments_[i + 1].start_ms) + " ms): segments stay in time order",
                     field("start_ms"));
    }
    return ok_status();
  }

  // The label an operation names: a speaker of the video by id, a label, or none.
  Result<std::string> speaker_label(const EditOperation& op) const {
    if (op.speaker_id) {
      auto known = video_speakers_.find(*op.speaker_id);
      if (known == video_speakers_.end()) {
        return make_error(ErrorCode::invalid_argument,
                          "no speaker " + op.speaker_id->to_string() + " in this transcript's video",
                          field("speaker_id"));
      }
      return known->second;
    }
    return op.speaker_label.value_or("");
  }

  // Words re-aligned with the segment's text: afterwards word i is the text's word i.
  Status fit_words(EditableSegment& segment) {
    RETURN_IF_ERROR(decode(segment));
    if (!segment.words.empty()) {
      segment.words = realign_words(segment.text, segment.words, segment.start_ms, segment.end_ms, segment.speaker_label);
    }
    return ok_status();
  }

  Status set_text(const EditOperation& op) {
    ASSIGN_OR_RETURN(EditableSegment * segment, existing(op));
    ASSIGN_OR_RETURN(segment->text, checked_text(*op.text));
    segment->changed = true;
    return fit_words(*segment);
  }

  Status set_times(const EditOperation& op) {
    ASSIGN_OR_RETURN(EditableSegment * segment, existing(op));
    const std::int64_t start = op.start_ms.value_or(segment->start_ms);
    const std::int64_t end = op.end_ms.value_or(segment->end_ms);
    RETURN_IF_ERROR(checked_times(start, end));
    // The words keep their times: they are where the engine heard them, whatever the bounds.
    segment->start_ms = start;
    segment->end_ms = end;
    segment->changed = true;
    return checked_order(op.segment);
  }

  Status set_speaker(const EditOperation& op) {
    ASSIGN_OR_RETURN(EditableSegment * segment, existing(op));
    ASSIGN_OR_RETURN(std::string label, speaker_label(op));
    RETURN_IF_ERROR(decode(*segment));
    // Words that carry the diarization label follow the segment, so the two never disagree.
    for (formats::Word& word : segment->words) {
      if (!word.speaker_label.empty()) word.speaker_label = label;
    }
    segment->speaker_label = std::move(label);
    segment->changed = true;
    return ok_status();
  }

  Status split(const EditOperation& op) {
    ASSIGN_OR_RETURN(EditableSegment * segment, existing(op));
    RETURN_IF_ERROR(fit_words(*segment));
    const std::vector<WordSpan> spans = word_spans(segment->text);
    std::size_t k = 0;
    if (op.at_word) {
      k = *op.at_word;
      if (k < 1 || k >= spans.size()) {
        return invalid_edit("a split leaves a word on each side: at_word is from 1 to " +
                           std::to_string(spans.size() - 1) + " for this segment's " + std::to_string(spans.size()) +
                           " words",
                       field("at_word"));
      }
    } else {
      ASSIGN_OR_RETURN(k, word_at_char(segment->text, spans, *op.at_char));
    }
    const std::size_t cut = spans[k].begin;
    std::int64_t boundary = 0;
    if (op.at_ms) {
      if (*op.at_ms < segment->start_ms || *op.at_ms > segment->end_ms) {
        return invalid_edit("at_ms " + std::to_string(*op.at_ms) + " is outside the segment [" +
                           std::to_string(segment->start_ms) + ", " + std::to_string(segment->end_ms) + "]",
                       field("at_ms"));
      }
      boundary = *op.at_ms;
    } else if (!segment->words.empty()) {
      boundary = std::clamp(segment->words[k].start_ms, segment->start_ms, segment->end_ms);
    } else {
      // No word timings: the boundary falls where the cut falls in the text.
      const auto span = segment->end_ms - segment->start_ms;
      boundary = segment->start_ms +
                 static_cast<std::int64_t>(static_cast<double>(span) * static_cast<double>(cut) /
                                           static_cast<double>(segment->text.size()));
    }
    EditableSegment second = *segment;
    second.text = segment->text.substr(cut);
    second.start_ms = boundary;
    std::string first_text = segment->text.substr(0, cut);
    while (!first_text.empty() && (first_text.back() == ' ' || first_text.back() == '\t' || first_text.back() == '\n' ||
                                   first_text.back() == '\r')) {
      first_text.pop_back();
    }
    segment->text = std::move(first_text);
    segment->end_ms = boundary;
    if (!segment->words.empty()) {
      second.words.assign(segment->words.begin() + static_cast<std::ptrdiff_t>(k), segment->words.end());
      segment->words.resize(k);
    }
    segment->changed = true;
    second.changed = true;
    segments_.insert(segments_.begin() + static_cast<std::ptrdiff_t>(op.segment) + 1, std::move(second));
    return ok_status();
  }

  // The index of the first word after character `at_char` (counted in Unicode characters), which
  // must fall between two words.
  Result<std::size_t> word_at_char(const std::string& text, const std::vector<WordSpan>& spans,
                                   std::size_t at_char) const {
    std::size_t byte = 0;
    for (std::size_t chars = 0; chars < at_char; ++chars) {
      if (byte >= text.size()) {
        return invalid_edit("at_char " + std::to_string(at_char) + " is past the end of the segment's text", field("at_char"));
      }
      ++byte;
      while (byte < text.size() && (static_cast<unsigned char>(text[byte]) & 0xC0) == 0x80) ++byte;
    }
    for (std::size_t k = 0; k < spans.size(); ++k) {
      if (byte > spans[k].begin && byte < spans[k].end) {
        return invalid_edit("at_char " + std::to_string(at_char) + " falls inside the word \"" +
                           text.substr(spans[k].begin, spans[k].end - spans[k].begin) +
                           "\": a split falls between words",
                       field("at_char"));
      }
      if (byte <= spans[k].begin) {
        if (k == 0) break;
        return k;
      }
    }
    return invalid_edit("a split leaves a word on each side: at_char " + std::to_string(at_char) +
                       " has no word before or after it",
                   field("at_char"));
  }

  Status merge(const EditOperation& op) {
    ASSIGN_OR_RETURN(EditableSegment * first, existing(op));
    if (op.segment + 1 >= segments_.size()) {
      return invalid_edit("merge joins a segment with the next one, and segment " + std::to_string(op.segment) +
                         " is the last",
                     field("segment"));
    }
    EditableSegment& second = segments_[op.segment + 1];
    RETURN_IF_ERROR(decode(*first));
    RETURN_IF_ERROR(decode(second));
    first->text += ' ';
    first->text += second.text;
    if (first->text.size() > store::kSegmentTextLengthMax) {
      return invalid_edit("the merged text would pass " + std::to_string(store::kSegmentTextLengthMax) + " bytes",
                     field("segment"));
    }
    first->start_ms = std::min(first->start_ms, second.start_ms);
    first->end_ms = std::max(first->end_ms, second.end_ms);
    first->confidence = first->confidence && second.confidence
                            ? std::optional<double>(std::min(*first->confidence, *second.confidence))
                            : std::nullopt;
    const bool had_words = !first->words.empty() || !second.words.empty();
    first->words.insert(first->words.end(), second.words.begin(), second.words.end());
    first->changed = true;
    segments_.erase(segments_.begin() + static_cast<std::ptrdiff_t>(op.segment) + 1);
    // A part without timings gets words interpolated; the timed ones keep their times.
    if (had_words) return fit_words(*first);
    return ok_status();
  }

  Status insert(const EditOperation& op) {
    if (op.segment > segments_.size()) {
      return invalid_edit("insert at " + std::to_string(op.segment) + ": the transcript has " +
                         std::to_string(segments_.size()) + " segments at this point (insert at 0 to " +
                         std::to_string(segments_.size()) + ")",
                     field("segment"));
    }
    EditableSegment segment;
    ASSIGN_OR_RETURN(segment.text, checked_text(*op.text));
    RETURN_IF_ERROR(checked_times(*op.start_ms, *op.end_ms));
    segment.start_ms = *op.start_ms;
    segment.end_ms = *op.end_ms;
    ASSIGN_OR_RETURN(segment.speaker_label, speaker_label(op));
    segment.words_decoded = true;
    segment.changed = true;
    // In a transcript with word timings, the new words are spread over the new segment.
    if (has_words_) segment.words = realign_words(segment.text, {}, segment.start_ms, segment.end_ms, segment.speaker_label);
    segments_.insert(segments_.begin() + static_cast<std::ptrdiff_t>(op.segment), std::move(segment));
    return checked_order(op.segment);
  }

  Status remove(const EditOperation& op) {
    RETURN_IF_ERROR(existing(op));
    segments_.erase(segments_.begin() + static_cast<std::ptrdiff_t>(op.segment));
    return ok_status();
  }

  std::vector<EditableSegment>& segments_;
  const std::map<Uuid, std::string>& video_speakers_;
  bool has_words_ = false;
  std::string at_;
};

}  // namespace

const char* to_string(EditOpKind kind) noexcept {
  for (const OpSpec& spec : kOps) {
    if (spec.kind == kind) return spec.name;
  }
  return "set_text";
}

Result<std::vector<EditOperation>> parse_edit(std::string_view text) {
  if (text.size() > kEditBytesMax) {
    return make_error(ErrorCode::resource_exhausted, "an edit is at most 16 MiB of JSON", "body");
  }
  const Json root = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) {
    return invalid_edit("expected a JSON object {\"operations\": [...]}", "body");
  }
  for (const auto& [key, value] : root.items()) {
    if (key != "operations") return invalid_edit("unknown member: an edit is {\"operations\": [...]}", key);
  }
  auto operations = root.find("operations");
  if (operations == root.end() || !operations->is_array() || operations->empty()) {
    return invalid_edit("expected a list of one or more operations", "operations");
  }
  if (operations->size() > kEditOperationsMax) {
    return make_error(ErrorCode::resource_exhausted,
                      "an edit has at most " + std::to_string(kEditOperationsMax) + " operations", "operations");
  }
  std::vector<EditOperation> parsed;
  parsed.reserve(operations->size());
  for (std::size_t i = 0; i < operations->size(); ++i) {
    ASSIGN_OR_RETURN(EditOperation op, parse_operation((*operations)[i], "operations[" + std::to_string(i) + "]"));
    parsed.push_back(std::move(op));
  }
  return parsed;
}

Result<EditStats> apply_edit(std::vector<EditableSegment>& segments, const std::vector<EditOperation>& operations,
                             const std::map<Uuid, std::string>& video_speakers) {
  Applier applier(segments, video_speakers);
  for (std::size_t i = 0; i < operations.size(); ++i) RETURN_IF_ERROR(applier.apply(operations[i], i));
  if (segments.empty()) {
    return invalid_edit("an edit leaves at least one segment; to remove them all, delete the transcript", "operations");
  }
  EditStats stats;
  for (const EditableSegment& segment : segments) {
    if (!segment.changed) continue;
    ++stats.segments_changed;
    // Counted from a parsed copy: a segment whose words no operation parsed keeps its stored
    // bytes, so an edit that changes nothing stores nothing (the content hash is over them).
    std::vector<formats::Word> parsed;
    if (!segment.words_decoded && !segment.words_json.empty()) {
      ASSIGN_OR_RETURN(parsed, decode_words(segment.words_json));
    }
    for (const formats::Word& word : segment.words_decoded ? segment.words : parsed) {
      if (word.timing == formats::WordTiming::interpolated) ++stats.words_interpolated;
      else ++stats.words_timed;
    }
  }
  return stats;
}

}  // namespace narralytica::app
