#include "search/query_parser.hpp"

#include <array>
#include <charconv>

#include "core/ascii.hpp"
#include "search/text_analysis.hpp"

namespace narralytica::search {
namespace {

enum class TokenKind { word, phrase, filter, open, close, minus, or_op, and_op, near_op, end };

struct QueryToken {
  TokenKind kind = TokenKind::end;
  std::size_t at = 0;       // byte offset in the query
  std::string_view text;    // word / phrase body / filter value
  std::string_view name;    // filter name
  bool value_quoted = false;
  int window = 0;           // NEAR/n
};

constexpr std::array<std::string_view, 12> kFilterNames = {
    "speaker", "video", "lang", "from", "to", "topic", "sentiment", "entity", "keyword", "after", "before",
    "language"};

// 1-based character (code point) position of a byte offset.
std::size_t character_at(std::string_view query, std::size_t byte) {
  std::size_t characters = 1;
  for (std::size_t i = 0; i < byte && i < query.size(); ++i) {
    if ((static_cast<unsigned char>(query[i]) & 0xC0) != 0x80) ++characters;
  }
  return characters;
}

Error error_at(std::string_view query, std::size_t byte, std::string_view what) {
  return make_error(ErrorCode::invalid_argument,
                    "at character " + std::to_string(character_at(query, byte)) + ": " + std::string(what), "q");
}

bool ends_bare(char c) { return is_ascii_space(c) || c == '(' || c == ')' || c == '"'; }

class Lexer {
 public:
  explicit Lexer(std::string_view query) : query_(query) {}

  Result<std::vector<QueryToken>> run() {
    std::vector<QueryToken> tokens;
    while (true) {
      while (pos_ < query_.size() && is_ascii_space(query_[pos_])) ++pos_;
      if (pos_ >= query_.size()) break;
      const std::size_t at = pos_;
      const char c = query_[pos_];
      if (c == '(' || c == ')') {
        tokens.push_back({c == '(' ? TokenKind::open : TokenKind::close, at, query_.substr(at, 1), {}, false, 0});
        ++pos_;
        continue;
      }
      if (c == '"') {
        ASSIGN_OR_RETURN(std::string_view body, quoted());
        tokens.push_back({TokenKind::phrase, at, body, {}, true, 0});
        continue;
      }
      if (c == '-' && pos_ + 1 < query_.size() && !ends_bare(query_[pos_ + 1]) ) {
        tokens.push_back({TokenKind::minus, at, query_.substr(at, 1), {}, false, 0});
        ++pos_;
        continue;
      }
      if (c == '-' && pos_ + 1 < query_.size() && query_[pos_ + 1] == '"') {
        tokens.push_back({TokenKind::minus, at, query_.substr(at, 1), {}, false, 0});
        ++pos_;
        continue;
      }
      std::size_t end = pos_;
      while (end < query_.size() && !ends_bare(query_[end])) ++end;
      std::string_view bare = query_.substr(pos_, end - pos_);
      pos_ = end;
      ASSIGN_OR_RETURN(QueryToken token, classify(bare, at));
      tokens.push_back(token);
    }
    tokens.push_back({TokenKind::end, query_.size(), {}, {}, false, 0});
    return tokens;
  }

 private:
  Result<std::string_view> quoted() {
    const std::size_t open = pos_;
    const std::size_t close = query_.find('"', open + 1);
    if (close == std::string_view::npos) return error_at(query_, open, "the phrase opened here has no closing quote");
    pos_ = close + 1;
    return query_.substr(open + 1, close - open - 1);
  }

  Result<QueryToken> classify(std::string_view bare, std::size_t at) {
    if (bare == "OR") return QueryToken{TokenKind::or_op, at, bare, {}, false, 0};
    if (bare == "AND") return QueryToken{TokenKind::and_op, at, bare, {}, false, 0};
    if (bare.starts_with("NEAR/") || bare == "NEAR") {
      int window = 0;
      const std::string_view digits = bare.size() > 5 ? bare.substr(5) : std::string_view{};
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), window);
      if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || window < 1 ||
          window > kNearWindowMax) {
        return error_at(query_, at, "expected NEAR/N with N from 1 to " + std::to_string(kNearWindowMax) + ", e.g. NEAR/5");
      }
      return QueryToken{TokenKind::near_op, at, bare, {}, false, window};
    }
    const std::size_t colon = bare.find(':');
    if (colon != std::string_view::npos && colon > 0) {
      const std::string_view name = bare.substr(0, colon);
      bool alphabetic = true;
      for (char ch : name) alphabetic = alphabetic && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'));
      if (alphabetic) {
        bool known = false;
        for (auto filter : kFilterNames) known = known || filter == name;
        if (!known) {
          return error_at(query_, at,
                          "unknown filter \"" + std::string(name) +
                              ":\"; expected one of speaker:, video:, lang:, from:, to:, topic:, sentiment:, "
                              "entity:, keyword:, after:, before: (put the words in quotes to search for them)");
        }
        std::string_view value = bare.substr(colon + 1);
        bool quoted_value = false;
        if (value.empty()) {
          if (pos_ < query_.size() && query_[pos_] == '"') {
            ASSIGN_OR_RETURN(value, quoted());
            quoted_value = true;
          } else {
            return error_at(query_, at + colon + 1, "expected a value after \"" + std::string(name) + ":\"");
          }
        }
        return QueryToken{TokenKind::filter, at, value, name, quoted_value, 0};
      }
    }
    return QueryToken{TokenKind::word, at, bare, {}, false, 0};
  }

  std::string_view query_;
  std::size_t pos_ = 0;
};

class Parser {
 public:
  Parser(std::string_view query, std::vector<QueryToken> tokens) : query_(query), tokens_(std::move(tokens)) {}

  Result<ParsedQuery> run() {
    ParsedQuery parsed;
    ASSIGN_OR_RETURN(auto node, any_of(parsed.filters));
    if (peek().kind == TokenKind::close) return error_at(query_, peek().at, "this \")\" closes no \"(\"");
    if (peek().kind != TokenKind::end) return error_at(query_, peek().at, "expected a word, a phrase or a filter");
    if (node) {
      if (!has_positive(*node)) {
        if (parsed.filters.empty()) {
          return error_at(query_, 0, "the query only excludes; add a word, a phrase or a filter to search for");
        }
      }
      parsed.text = std::move(node);
    } else if (parsed.filters.empty()) {
      return error_at(query_, 0, "expected a word, a phrase or a filter");
    }
    return parsed;
  }

 private:
  using MaybeNode = std::optional<QueryNode>;

  const QueryToken& peek() const { return tokens_[index_]; }
  const QueryToken& take() { return tokens_[index_++]; }

  static bool has_positive(const QueryNode& node) {
    if (node.kind == QueryNode::Kind::exclude) return false;
    if (node.kind == QueryNode::Kind::all_of) {
      for (const auto& child : node.children) {
        if (has_positive(child)) return true;
      }
      return false;
    }
    return true;
  }

  Status count_clause(std::size_t at) {
    if (++clauses_ > kQueryClausesMax) {
      return error_at(query_, at, "too many words and filters (at most " + std::to_string(kQueryClausesMax) + ")");
    }
    return ok_status();
  }

  // or_expr := and_expr ("OR" and_expr)*
  Result<MaybeNode> any_of(SearchFilters& filters) {
    ASSIGN_OR_RETURN(MaybeNode first, all_of(filters));
    if (peek().kind != TokenKind::or_op) return first;
    QueryNode node;
    node.kind = QueryNode::Kind::any_of;
    if (!first) return error_at(query_, peek().at, "expected a word or a phrase before OR");
    if (!has_positive(*first)) return error_at(query_, peek().at, "an excluded word cannot be one side of OR");
    node.children.push_back(std::move(*first));
    while (peek().kind == TokenKind::or_op) {
      const std::size_t or_at = take().at;
      ASSIGN_OR_RETURN(MaybeNode next, all_of(filters));
      if (!next) return error_at(query_, or_at, "expected a word or a phrase after OR");
      if (!has_positive(*next)) return error_at(query_, or_at, "an excluded word cannot be one side of OR");
      node.children.push_back(std::move(*next));
    }
    return MaybeNode(std::move(node));
  }

  // and_expr := near_expr (["AND"] near_expr)*
  Result<MaybeNode> all_of(SearchFilters& filters) {
    QueryNode node;
    node.kind = QueryNode::Kind::all_of;
    while (true) {
      const TokenKind kind = peek().kind;
      if (kind == TokenKind::end || kind == TokenKind::or_op || kind == TokenKind::close) break;
      if (kind == TokenKind::and_op) {
        const std::size_t and_at = take().at;
        const TokenKind after = peek().kind;
        if (node.children.empty() || after == TokenKind::end || after == TokenKind::or_op ||
            after == TokenKind::close || after == TokenKind::and_op) {
          return error_at(query_, and_at, "AND needs a word or a phrase on both sides");
        }
        continue;
      }
      if (kind == TokenKind::near_op) return error_at(query_, peek().at, "NEAR needs a word or a phrase on both sides");
      ASSIGN_OR_RETURN(MaybeNode child, near(filters));
      if (child) node.children.push_back(std::move(*child));
    }
    if (node.children.empty()) return MaybeNode();
    if (node.children.size() == 1 && node.children[0].kind != QueryNode::Kind::exclude) {
      return MaybeNode(std::move(node.children[0]));
    }
    return MaybeNode(std::move(node));
  }

  // near_expr := unary ("NEAR/n" unary)*
  Result<MaybeNode> near(SearchFilters& filters) {
    const std::size_t first_at = peek().at;
    ASSIGN_OR_RETURN(MaybeNode first, unary(filters));
    if (peek().kind != TokenKind::near_op) return first;
    if (!first || !nearable(*first)) return error_at(query_, first_at, "NEAR joins words or phrases only");
    QueryNode node;
    node.kind = QueryNode::Kind::near;
    node.window = peek().window;
    node.children.push_back(std::move(*first));
    while (peek().kind == TokenKind::near_op) {
      const QueryToken& op = take();
      node.window = std::max(node.window, op.window);
      const std::size_t operand_at = peek().at;
      ASSIGN_OR_RETURN(MaybeNode next, unary(filters));
      if (!next || !nearable(*next)) return error_at(query_, operand_at, "NEAR joins words or phrases only");
      node.children.push_back(std::move(*next));
    }
    return MaybeNode(std::move(node));
  }

  static bool nearable(const QueryNode& node) {
    return node.kind == QueryNode::Kind::word || node.kind == QueryNode::Kind::phrase;
  }

  // unary := "-" primary | primary
  Result<MaybeNode> unary(SearchFilters& filters) {
    if (peek().kind != TokenKind::minus) return primary(filters);
    const std::size_t minus_at = take().at;
    if (peek().kind == TokenKind::filter) return error_at(query_, minus_at, "a filter cannot be excluded");
    ASSIGN_OR_RETURN(MaybeNode inner, primary(filters));
    if (!inner) return error_at(query_, minus_at, "expected a word or a phrase after \"-\"");
    QueryNode node;
    node.kind = QueryNode::Kind::exclude;
    node.children.push_back(std::move(*inner));
    return MaybeNode(std::move(node));
  }

  Result<MaybeNode> primary(SearchFilters& filters) {
    const QueryToken token = take();
    switch (token.kind) {
      case TokenKind::open: {
        ASSIGN_OR_RETURN(MaybeNode inner, any_of(filters));
        if (peek().kind != TokenKind::close) {
          return error_at(query_, peek().at, "expected \")\" to close the \"(\" at character " +
                                                 std::to_string(character_at(query_, token.at)));
        }
        take();
        if (!inner) return error_at(query_, token.at, "empty parentheses");
        return inner;
      }
      case TokenKind::phrase:
        RETURN_IF_ERROR(count_clause(token.at));
        return words_node(token.text, token.at, true);
      case TokenKind::word:
        RETURN_IF_ERROR(count_clause(token.at));
        return words_node(token.text, token.at, false);
      case TokenKind::filter:
        RETURN_IF_ERROR(count_clause(token.at));
        RETURN_IF_ERROR(add_filter(token, filters));
        return MaybeNode();
      case TokenKind::close:
        return error_at(query_, token.at, "this \")\" closes no \"(\"");
      case TokenKind::or_op:
      case TokenKind::and_op:
      case TokenKind::near_op:
        return error_at(query_, token.at, "expected a word or a phrase before " + std::string(token.text));
      case TokenKind::minus:
      case TokenKind::end:
        break;
    }
    return error_at(query_, token.at, "expected a word, a phrase or a filter");
  }

  // A word may fold to several terms ("U.S." -> "u s"): they are then a phrase. A trailing "*"
  // outside quotes makes the last word a prefix.
  Result<MaybeNode> words_node(std::string_view text, std::size_t at, bool quoted) {
    bool prefix = false;
    if (!quoted && text.size() > 1 && text.back() == '*') {
      prefix = true;
      text.remove_suffix(1);
    } else if (!quoted && text == "*") {
      return error_at(query_, at, "\"*\" needs the start of a word before it, e.g. defen*");
    }
    std::vector<Token> tokens;
    tokenize(text, tokens);
    if (tokens.empty()) {
      if (quoted) return error_at(query_, at, "the phrase has no words");
      return MaybeNode();  // punctuation alone: nothing to search for
    }
    QueryNode node;
    if (prefix && tokens.size() == 1) {
      node.kind = QueryNode::Kind::prefix;
    } else if (prefix) {
      return error_at(query_, at, "a prefix (\"*\") applies to one word; quote a phrase without it");
    } else {
      node.kind = tokens.size() == 1 && !quoted ? QueryNode::Kind::word : QueryNode::Kind::phrase;
    }
    for (auto& t : tokens) node.words.push_back(std::move(t.term));
    if (node.kind == QueryNode::Kind::phrase && node.words.size() == 1) node.kind = QueryNode::Kind::word;
    return MaybeNode(std::move(node));
  }

  Status add_filter(const QueryToken& token, SearchFilters& filters) {
    const std::string_view name = token.name;
    const std::size_t value_at = token.at + name.size() + 1;
    const std::string_view value = token.text;
    auto folded_value = [&]() -> Result<std::string> {
      std::string folded = fold_text(value);
      if (folded.empty()) return error_at(query_, value_at, "expected a value after \"" + std::string(name) + ":\"");
      return folded;
    };
    // Filters whose value is a name or a label, compared folded.
    static constexpr std::pair<std::string_view, std::vector<std::string> SearchFilters::*> kFoldedFilters[] = {
        {"speaker", &SearchFilters::speakers},     {"topic", &SearchFilters::topics},
        {"sentiment", &SearchFilters::sentiments}, {"entity", &SearchFilters::entities},
        {"keyword", &SearchFilters::keywords}};
    for (const auto& [filter, member] : kFoldedFilters) {
      if (name != filter) continue;
      ASSIGN_OR_RETURN(auto folded, folded_value());
      (filters.*member).push_back(std::move(folded));
      return ok_status();
    }
    if (name == "video") {
      auto id = Uuid::parse(value);
      if (!id) return error_at(query_, value_at, "expected a video id (a UUID) after \"video:\"");
      filters.videos.push_back(*id);
    } else if (name == "lang" || name == "language") {
      std::string tag;
      for (char c : value) tag += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      bool valid = !tag.empty() && tag.size() <= 35;
      for (char c : tag) valid = valid && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_');
      if (!valid) return error_at(query_, value_at, "expected a language tag after \"lang:\", e.g. lang:en");
      filters.languages.push_back(tag.substr(0, tag.find_first_of("-_")));
    } else if (name == "from" || name == "to") {
      auto ms = parse_duration_ms(value);
      if (!ms) {
        return error_at(query_, value_at,
                        "expected a time within the video after \"" + std::string(name) + ":\", e.g. 12m, 90s, 1h30m or 1:02:03");
      }
      (name == "from" ? filters.from_ms : filters.to_ms) = *ms;
      if (filters.from_ms && filters.to_ms && *filters.from_ms >= *filters.to_ms) {
        return error_at(query_, token.at, "\"from:\" must be earlier than \"to:\"");
      }
    } else if (name == "after" || name == "before") {
      auto date = parse_date(value);
      if (!date) {
        return error_at(query_, value_at,
                        "expected a date after \"" + std::string(name) + ":\", e.g. 2025-01-01, 2025-03 or 2025");
      }
      (name == "after" ? filters.published_after : filters.published_before) = *date;
    }
    return ok_status();
  }

  std::string_view query_;
  std::vector<QueryToken> tokens_;
  std::size_t index_ = 0;
  int clauses_ = 0;
};

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::optional<std::int64_t> parse_number(std::string_view text) {
  std::int64_t value = 0;
  if (text.empty() || text.size() > 9) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

}  // namespace

bool SearchFilters::empty() const {
  return speakers.empty() && videos.empty() && languages.empty() && !from_ms && !to_ms && topics.empty() &&
         sentiments.empty() && entities.empty() && keywords.empty() && !published_after && !published_before;
}

std::optional<std::int64_t> parse_duration_ms(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text.find(':') != std::string_view::npos) {
    // [h:]mm:ss
    std::int64_t total = 0;
    int parts = 0;
    while (true) {
      const std::size_t colon = text.find(':');
      auto part = parse_number(text.substr(0, colon));
      if (!part || ++parts > 3 || (parts > 1 && *part >= 60)) return std::nullopt;
      total = total * 60 + *part;
      if (colon == std::string_view::npos) break;
      text.remove_prefix(colon + 1);
    }
    return parts >= 2 ? std::optional<std::int64_t>(total * 1000) : std::nullopt;
  }
  if (auto seconds = parse_number(text)) return *seconds * 1000;
  std::int64_t total_ms = 0;
  char last_unit = 0;
  while (!text.empty()) {
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    if (digits == 0 || digits == text.size()) return std::nullopt;
    auto value = parse_number(text.substr(0, digits));
    if (!value) return std::nullopt;
    const char unit = text[digits];
    std::int64_t unit_ms = 0;
    if (unit == 'h' && last_unit == 0) unit_ms = 3'600'000;
    else if (unit == 'm' && (last_unit == 0 || last_unit == 'h')) unit_ms = 60'000;
    else if (unit == 's' && last_unit != 's') unit_ms = 1000;
    else return std::nullopt;
    total_ms += *value * unit_ms;
    last_unit = unit;
    text.remove_prefix(digits + 1);
  }
  return total_ms;
}

std::optional<UnixMicros> parse_date(std::string_view text) {
  if (text.size() != 4 && text.size() != 7 && text.size() != 10) return std::nullopt;
  auto year = parse_number(text.substr(0, 4));
  if (!year || *year < 1900) return std::nullopt;
  std::int64_t month = 1;
  std::int64_t day = 1;
  if (text.size() >= 7) {
    if (text[4] != '-') return std::nullopt;
    auto m = parse_number(text.substr(5, 2));
    if (!m || *m < 1 || *m > 12) return std::nullopt;
    month = *m;
  }
  if (text.size() == 10) {
    if (text[7] != '-') return std::nullopt;
    auto d = parse_number(text.substr(8, 2));
    static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!d || *d < 1 || *d > kDays[month - 1]) return std::nullopt;
    day = *d;
  }
  return days_from_civil(*year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86'400'000'000LL;
}

Result<ParsedQuery> parse_query(std::string_view query) {
  if (query.size() > kQueryBytesMax) {
    return make_error(ErrorCode::invalid_argument,
                      "the query is " + std::to_string(query.size()) + " bytes; at most " +
                          std::to_string(kQueryBytesMax) + " are accepted",
                      "q");
  }
  Lexer lexer(query);
  ASSIGN_OR_RETURN(auto tokens, lexer.run());
  Parser parser(query, std::move(tokens));
  return parser.run();
}

}  // namespace narralytica::search
