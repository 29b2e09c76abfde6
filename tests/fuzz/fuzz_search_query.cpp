// libFuzzer target for the search query language (search/query_parser.hpp) and the tokenizer it
// uses: any bytes either parse into a well-formed tree or are refused with an error that names
// the character position in field "q" (never a crash, a leak or an engine message); tokens always
// point inside the text they came from.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "search/query_parser.hpp"
#include "search/text_analysis.hpp"

namespace {

using narralytica::search::QueryNode;

void check_node(const QueryNode& node, bool inside_all_of) {
  using Kind = QueryNode::Kind;
  switch (node.kind) {
    case Kind::word:
    case Kind::prefix:
      if (node.words.size() != 1 || node.words[0].empty()) std::abort();
      break;
    case Kind::phrase:
      if (node.words.size() < 2) std::abort();
      break;
    case Kind::near:
      if (node.children.size() < 2 || node.window < 1) std::abort();
      break;
    case Kind::all_of:
    case Kind::any_of:
      if (node.children.empty()) std::abort();
      break;
    case Kind::exclude:
      if (!inside_all_of || node.children.size() != 1) std::abort();
      break;
  }
  for (const auto& child : node.children) check_node(child, node.kind == Kind::all_of);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = narralytica::search::parse_query(text);
  if (parsed.ok()) {
    if (!parsed->text && parsed->filters.empty()) std::abort();
    if (parsed->text) check_node(*parsed->text, false);
  } else {
    const auto& error = parsed.error();
    if (error.field != "q") std::abort();
    if (!error.message.starts_with("at character ") && !error.message.starts_with("the query is ")) std::abort();
  }
  std::vector<narralytica::search::Token> tokens;
  narralytica::search::tokenize(text, tokens);
  for (const auto& token : tokens) {
    if (token.begin >= token.end || token.end > size || token.term.empty()) std::abort();
  }
  return 0;
}
