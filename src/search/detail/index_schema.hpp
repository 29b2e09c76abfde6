// How a SegmentDocument is laid out in Xapian: term prefixes, value slots and metadata keys,
// shared by the writer and the searcher. Internal to src/search (includes Xapian).
#pragma once

#include <xapian.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/uuid.hpp"

namespace narralytica::search::detail {

// Terms. Text words are stored unprefixed and folded, with positions (phrases, NEAR, prefixes);
// their stems under "Z" without positions (plain words). Everything else is a boolean term.
inline constexpr std::string_view kUniquePrefix = "Q";      // Q<transcript>:<ordinal>
inline constexpr std::string_view kVideoPrefix = "V";       // V<video>
inline constexpr std::string_view kTranscriptPrefix = "T";  // T<transcript>
inline constexpr std::string_view kLanguagePrefix = "L";    // L<primary language subtag>
inline constexpr std::string_view kSpeakerPrefix = "S";     // S<folded label / name / person name>
inline constexpr std::string_view kPersonPrefix = "P";      // P<person>
inline constexpr std::string_view kStemPrefix = "Z";

// The boolean prefix of an indexed layer kind's labels ("XT" topics, "XS" sentiment, ...).
std::string label_prefix(std::string_view kind);

// Value slots.
inline constexpr Xapian::valueno kStartSlot = 0;      // sortable_serialise(start_ms)
inline constexpr Xapian::valueno kEndSlot = 1;        // sortable_serialise(end_ms)
inline constexpr Xapian::valueno kPublishedSlot = 2;  // sortable_serialise(published_at), when known
inline constexpr Xapian::valueno kVideoSlot = 3;      // the video's 16 bytes (grouping)
// The speaker's and the person's 16 bytes, or kNoIdValue: what the timeline counts by, read from
// the value streams instead of decoding each match's document data (8x less per match for a
// common word). Documents indexed before these slots existed have them empty.
inline constexpr Xapian::valueno kSpeakerSlot = 4;
inline constexpr Xapian::valueno kPersonSlot = 5;
inline constexpr std::string_view kNoIdValue = "-";

// Metadata.
inline constexpr const char* kPositionKey = "narralytica.position";    // decimal feed position
inline constexpr const char* kLanguagesKey = "narralytica.languages";  // space-separated stemmer codes

inline std::string id_term(std::string_view prefix, const Uuid& id) { return std::string(prefix) + id.to_string(); }

// The primary subtag of a language tag ("en-GB" -> "en"), lower-case.
std::string primary_language(std::string_view language);

// Snowball stemmers by primary language, made once; a language without one stems to itself.
class Stemmers {
 public:
  const Xapian::Stem& for_language(const std::string& primary);

 private:
  std::map<std::string, Xapian::Stem> stemmers_;
};

}  // namespace narralytica::search::detail
