// The snippet of a hit: the segment's text, HTML-escaped, with the words that matched the query
// wrapped in <mark>…</mark>, cut around the first match when the text is long. Matching follows
// the index (text_analysis.hpp): a word is marked when its folded form equals a query word, its
// stem equals a query word's stem, or it starts with a query prefix. Internal to src/search.
#pragma once

#include <xapian.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace narralytica::search::detail {

struct Highlight {
  std::set<std::string> words;  // folded words of the query's positive words, phrases and NEARs
  std::vector<std::string> prefixes;
};

// `stem` is the document language's stemmer.
std::string make_snippet(std::string_view text, const Highlight& highlight, const Xapian::Stem& stem,
                         std::size_t bytes_max);

std::string html_escape(std::string_view text);

}  // namespace narralytica::search::detail
