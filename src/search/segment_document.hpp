// One search document: a segment of a transcript's current revision with everything a hit shows
// and every filter needs, denormalised from the canonical tables (projection.hpp builds it). The
// index stores it serialised as the document's data, so a hit is rendered without a database
// read; the same bytes feed `reindex --verify`'s checksum.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/uuid.hpp"

namespace narralytica::search {

// The layer kinds whose current labels are indexed, and the filter that reads each.
struct IndexedLayerKind {
  std::string_view kind;    // layers.kind
  std::string_view filter;  // query filter name
};
inline constexpr IndexedLayerKind kIndexedLayerKinds[] = {
    {"topics", "topic"}, {"sentiment", "sentiment"}, {"entities", "entity"}, {"keywords", "keyword"}};

struct LayerLabel {
  std::string kind;   // one of kIndexedLayerKinds
  std::string label;  // as stored
  bool operator==(const LayerLabel&) const = default;
};

struct SegmentDocument {
  Uuid video_id;
  std::string video_title;
  std::optional<UnixMicros> published_at;
  Uuid transcript_id;
  int revision = 1;
  std::string language;
  std::int64_t ordinal = 0;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::optional<Uuid> speaker_id;
  std::string speaker_label;
  std::string speaker_name;  // the speaker's display name, empty when none
  std::optional<Uuid> person_id;
  std::string person_name;   // the linked person's name, empty when none
  std::string text;
  std::vector<LayerLabel> labels;
  bool operator==(const SegmentDocument&) const = default;
};

// Compact, versioned binary form (length-prefixed fields).
std::string serialize(const SegmentDocument& document);
// Errors: internal when the bytes are not a serialised document of this version.
Result<SegmentDocument> deserialize(std::string_view bytes);

}  // namespace narralytica::search
