// The search query language, parsed into a tree that search_index.cpp turns into a Xapian query.
// One grammar for the API, the CLI and the UI; docs/search.md is its user documentation.
//
//   budget vote               both words (stemmed: "votes" matches too)
//   "flood defences"          the exact phrase, word for word
//   defen*                    words starting with "defen"
//   budget OR tax             either word
//   budget -tax               "budget" but not "tax"
//   (budget OR tax) -flood    parentheses group
//   river NEAR/5 bank         both words at most 5 words apart, either order
//   speaker:"Ada Lovelace"    filters (apply to the whole query, wherever written; several
//   video:ID lang:en          values of one filter match any of them, different filters all):
//   from:12m to:1h30m         segment time within the video (also 90s, 1:02:03)
//   topic:… sentiment:… entity:… keyword:…   the current label of an indexed layer
//   after:2025-01-01 before:2026              the video's published date (after inclusive)
//
// A malformed query is refused with the 1-based character position and what was expected there.
// Pure and thread-safe.
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

inline constexpr std::size_t kQueryBytesMax = 2048;
inline constexpr int kQueryClausesMax = 64;     // words, phrases, prefixes and filters in one query
inline constexpr int kNearWindowMax = 100;

struct QueryNode {
  enum class Kind {
    word,     // words[0], matched by its stems and its exact form
    phrase,   // words, in order, adjacent
    prefix,   // words[0] is the prefix
    near,     // children (words or phrases) within `window` words of each other
    all_of,   // children all match; `exclude` children must not
    any_of,   // any child matches
    exclude,  // children[0] must not match (only inside all_of)
  };
  Kind kind = Kind::word;
  std::vector<std::string> words;  // folded (text_analysis.hpp)
  std::vector<QueryNode> children;
  int window = 0;
};

struct SearchFilters {
  std::vector<std::string> speakers;  // folded label or name
  std::vector<Uuid> videos;
  std::vector<std::string> languages;  // lower-case tags, e.g. "en"
  std::optional<std::int64_t> from_ms;  // segments ending at or after
  std::optional<std::int64_t> to_ms;    // segments starting before
  std::vector<std::string> topics, sentiments, entities, keywords;  // folded labels
  std::optional<UnixMicros> published_after;   // inclusive
  std::optional<UnixMicros> published_before;  // exclusive
  bool empty() const;
};

struct ParsedQuery {
  std::optional<QueryNode> text;  // nullopt: filters only
  SearchFilters filters;
};

// Errors: invalid_argument with field "q" and a message "at character N: …".
Result<ParsedQuery> parse_query(std::string_view query);

// "12m", "90s", "1h30m", "1:02:03", "75" (seconds) as milliseconds; nullopt when malformed.
std::optional<std::int64_t> parse_duration_ms(std::string_view text);
// "2025", "2025-03", "2025-03-14" as the first microsecond of that period (UTC).
std::optional<UnixMicros> parse_date(std::string_view text);

}  // namespace narralytica::search
