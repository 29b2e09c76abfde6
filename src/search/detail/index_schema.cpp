#include "search/detail/index_schema.hpp"

namespace narralytica::search::detail {

std::string label_prefix(std::string_view kind) {
  if (kind == "topics") return "XT";
  if (kind == "sentiment") return "XS";
  if (kind == "entities") return "XE";
  return "XK";  // keywords
}

std::string primary_language(std::string_view language) {
  std::string primary;
  for (char c : language) {
    if (c == '-' || c == '_') break;
    primary += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return primary;
}

const Xapian::Stem& Stemmers::for_language(const std::string& primary) {
  auto it = stemmers_.find(primary);
  if (it == stemmers_.end()) {
    // fallback = true: an unknown language (or "und") stems to the word itself.
    it = stemmers_.emplace(primary, Xapian::Stem(primary.empty() ? "none" : primary, true)).first;
  }
  return it->second;
}

}  // namespace narralytica::search::detail
