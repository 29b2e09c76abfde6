#include "search/detail/snippet.hpp"

#include <algorithm>

#include "search/text_analysis.hpp"

namespace narralytica::search::detail {
namespace {

// Moves `at` back to the start of a UTF-8 character.
std::size_t character_start(std::string_view text, std::size_t at) {
  while (at > 0 && at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
  return at;
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string make_snippet(std::string_view text, const Highlight& highlight, const Xapian::Stem& stem,
                         std::size_t bytes_max) {
  std::set<std::string> stems;
  for (const auto& word : highlight.words) stems.insert(stem(word));
  std::vector<Token> tokens;
  tokenize(text, tokens);
  std::vector<const Token*> marked;
  for (const auto& token : tokens) {
    bool match = highlight.words.count(token.term) > 0 || stems.count(stem(token.term)) > 0;
    for (const auto& prefix : highlight.prefixes) match = match || token.term.starts_with(prefix);
    if (match) marked.push_back(&token);
  }
  // The window: the whole text when short, else about bytes_max around the first match, cut
  // at spaces so no word is split.
  std::size_t begin = 0;
  std::size_t end = text.size();
  if (text.size() > bytes_max) {
    const std::size_t anchor = marked.empty() ? 0 : marked.front()->begin;
    begin = anchor > bytes_max / 4 ? character_start(text, anchor - bytes_max / 4) : 0;
    end = std::min(text.size(), begin + bytes_max);
    while (begin > 0 && begin < anchor && text[begin - 1] != ' ') ++begin;
    while (end < text.size() && end > begin && text[end] != ' ') --end;
    end = character_start(text, end);
  }
  std::string out;
  if (begin > 0) out += "… ";
  std::size_t at = begin;
  for (const Token* token : marked) {
    if (token->begin < begin || token->end > end) continue;
    out += html_escape(text.substr(at, token->begin - at));
    out += "<mark>";
    out += html_escape(text.substr(token->begin, token->end - token->begin));
    out += "</mark>";
    at = token->end;
  }
  out += html_escape(text.substr(at, end - at));
  if (end < text.size()) out += " …";
  return out;
}

}  // namespace narralytica::search::detail
