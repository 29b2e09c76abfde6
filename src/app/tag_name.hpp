// The tag rule: how a tag a user typed becomes the tag stored and compared. One rule for the
// API, the CLI and the ?tag= filter, so "  Flood Defences " and "flood defences" are one tag.
//   1. Unicode white space at both ends is trimmed, and each inner run of it becomes one space;
//   2. the text is lower-cased (Unicode full lower-casing, locale-independent: "ÉTÉ" -> "été")
//      and put in Unicode Normalization Form C, so composed and decomposed input are one tag;
//   3. the result is 1 to kTagCharactersMax characters (code points), has no control characters,
//      and no '/' or ',' (a tag travels in a URL path and in comma-separated CLI lists).
// Accents and punctuation otherwise stay: "c++" and "covid-19" are tags as typed.
// Pure function, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace narralytica::app {

inline constexpr std::size_t kTagCharactersMax = 64;

// The normalised tag. Errors: invalid_argument naming `field` (empty, too long, a forbidden
// character, or text that is not UTF-8).
Result<std::string> normalize_tag(std::string_view text, const std::string& field = "tag");

}  // namespace narralytica::app
