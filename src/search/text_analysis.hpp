// How text becomes search terms, the same way for segments when they are indexed and for queries
// when they are parsed, so that what a user types finds what was said:
//   - words are runs of letters and digits (Unicode-aware, via ICU); an apostrophe between two
//     letters stays inside the word ("don't", "council's"), every other character separates words;
//   - each word is folded: lower-cased with Unicode full case folding ("Straße" -> "strasse"),
//     compatibility-decomposed and stripped of combining marks ("Café" -> "cafe",
//     "Résumé" -> "resume", "ﬁle" -> "file"), then recomposed;
//   - a word of Han, Hiragana, Katakana or Hangul script yields one term per character, since
//     those scripts do not separate words with spaces (phrase search still matches runs);
//   - a stemmed form is added for the transcript's language where Xapian has a Snowball stemmer
//     (search_index.cpp), so "hearings" finds "hearing".
// ASCII words, the common case, are folded without calling ICU. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace narralytica::search {

// Words longer than this (in bytes, once folded) are not indexed: they are never words a person
// types, and Xapian refuses terms over 245 bytes.
inline constexpr std::size_t kWordBytesMax = 64;

struct Token {
  std::string term;         // the folded word
  std::uint32_t begin = 0;  // byte offsets of the word in the original text
  std::uint32_t end = 0;
};

// Appends the words of `text` (UTF-8; invalid bytes separate words) to `out`, in order.
void tokenize(std::string_view text, std::vector<Token>& out);

// The folded form of a whole string, words joined by single spaces: how speaker names, labels and
// languages are compared ("  Ms. MÜLLER " -> "ms muller").
std::string fold_text(std::string_view text);

}  // namespace narralytica::search
