// Proves the query language of docs/search.md: every construct parses into the tree the searcher
// runs, filters land where they belong, and every malformed query is refused with the 1-based
// character position and what was expected there (never an engine's error text).
#include <gtest/gtest.h>

#include "search/query_parser.hpp"

namespace narralytica::search {
namespace {

using Kind = QueryNode::Kind;

QueryNode text_of(std::string_view q) {
  auto parsed = parse_query(q);
  EXPECT_TRUE(parsed.ok()) << q << ": " << parsed.error().describe();
  EXPECT_TRUE(parsed->text.has_value()) << q;
  return parsed.ok() && parsed->text ? *parsed->text : QueryNode{};
}

std::string error_of(std::string_view q) {
  auto parsed = parse_query(q);
  EXPECT_FALSE(parsed.ok()) << q << " should be refused";
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.error().field, "q");
  EXPECT_EQ(parsed.error().code, ErrorCode::invalid_argument);
  return parsed.error().message;
}

TEST(QueryParser, WordsAreFoldedAndJoinedByAnd) {
  const auto node = text_of("Budget VOTE");
  ASSERT_EQ(node.kind, Kind::all_of);
  ASSERT_EQ(node.children.size(), 2u);
  EXPECT_EQ(node.children[0].kind, Kind::word);
  EXPECT_EQ(node.children[0].words[0], "budget");
  EXPECT_EQ(node.children[1].words[0], "vote");
  EXPECT_EQ(text_of("budget AND vote").children.size(), 2u);
  EXPECT_EQ(text_of("Café").words[0], "cafe");
}

TEST(QueryParser, PhrasesPrefixesOrExclusionNearAndGroups) {
  const auto phrase = text_of("\"Flood defences\"");
  EXPECT_EQ(phrase.kind, Kind::phrase);
  EXPECT_EQ(phrase.words, (std::vector<std::string>{"flood", "defences"}));
  const auto prefix = text_of("defen*");
  EXPECT_EQ(prefix.kind, Kind::prefix);
  EXPECT_EQ(prefix.words[0], "defen");
  const auto either = text_of("budget OR tax");
  EXPECT_EQ(either.kind, Kind::any_of);
  EXPECT_EQ(either.children.size(), 2u);
  const auto excluded = text_of("budget -tax");
  ASSERT_EQ(excluded.kind, Kind::all_of);
  EXPECT_EQ(excluded.children[1].kind, Kind::exclude);
  EXPECT_EQ(excluded.children[1].children[0].words[0], "tax");
  const auto near = text_of("river NEAR/5 bank");
  EXPECT_EQ(near.kind, Kind::near);
  EXPECT_EQ(near.window, 5);
  EXPECT_EQ(near.children.size(), 2u);
  const auto grouped = text_of("(budget OR tax) -flood");
  ASSERT_EQ(grouped.kind, Kind::all_of);
  EXPECT_EQ(grouped.children[0].kind, Kind::any_of);
  EXPECT_EQ(grouped.children[1].kind, Kind::exclude);
  EXPECT_EQ(text_of("U.S.").kind, Kind::phrase);  // one typed word, several terms
}

TEST(QueryParser, FiltersApplyToTheWholeQuery) {
  auto parsed = parse_query(
      "budget speaker:\"Ada Lovelace\" video:01a20c78-2d98-768a-b9d1-0792dfad7a07 lang:en-GB from:12m to:1h30m "
      "topic:Housing sentiment:negative entity:Paris keyword:tax after:2025-01-01 before:2026");
  ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
  const auto& f = parsed->filters;
  EXPECT_EQ(f.speakers, std::vector<std::string>{"ada lovelace"});
  ASSERT_EQ(f.videos.size(), 1u);
  EXPECT_EQ(f.languages, std::vector<std::string>{"en"});
  EXPECT_EQ(f.from_ms, 12 * 60'000);
  EXPECT_EQ(f.to_ms, 90 * 60'000);
  EXPECT_EQ(f.topics, std::vector<std::string>{"housing"});
  EXPECT_EQ(f.sentiments, std::vector<std::string>{"negative"});
  EXPECT_EQ(f.entities, std::vector<std::string>{"paris"});
  EXPECT_EQ(f.keywords, std::vector<std::string>{"tax"});
  EXPECT_EQ(f.published_after, parse_date("2025-01-01"));
  EXPECT_EQ(f.published_before, parse_date("2026-01-01"));
  EXPECT_EQ(parsed->text->words[0], "budget");
  // A query of filters alone lists what they select.
  auto only = parse_query("speaker:ada");
  ASSERT_TRUE(only.ok());
  EXPECT_FALSE(only->text.has_value());
  // A filter may be given twice: either value matches.
  auto twice = parse_query("speaker:ada speaker:bob");
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(twice->filters.speakers.size(), 2u);
}

TEST(QueryParser, DurationsAndDates) {
  EXPECT_EQ(parse_duration_ms("90s"), 90'000);
  EXPECT_EQ(parse_duration_ms("1h30m"), 5'400'000);
  EXPECT_EQ(parse_duration_ms("1:02:03"), 3'723'000);
  EXPECT_EQ(parse_duration_ms("02:03"), 123'000);
  EXPECT_EQ(parse_duration_ms("75"), 75'000);
  EXPECT_FALSE(parse_duration_ms("12x"));
  EXPECT_FALSE(parse_duration_ms("1:75"));
  EXPECT_FALSE(parse_duration_ms("m"));
  EXPECT_EQ(parse_date("1970-01-02"), 86'400'000'000LL);
  EXPECT_EQ(parse_date("2025"), parse_date("2025-01-01"));
  EXPECT_FALSE(parse_date("2025-02-30"));
  EXPECT_FALSE(parse_date("25-01-01"));
}

TEST(QueryParser, ErrorsNameTheCharacterAndWhatWasExpected) {
  EXPECT_EQ(error_of("budget \"flood defences"), "at character 8: the phrase opened here has no closing quote");
  EXPECT_EQ(error_of("(budget OR tax"), "at character 15: expected \")\" to close the \"(\" at character 1");
  EXPECT_EQ(error_of("budget)"), "at character 7: this \")\" closes no \"(\"");
  EXPECT_EQ(error_of("budget OR"), "at character 8: expected a word or a phrase after OR");
  EXPECT_EQ(error_of("OR budget"), "at character 1: expected a word or a phrase before OR");
  EXPECT_EQ(error_of("-budget"), "at character 1: the query only excludes; add a word, a phrase or a filter to search for");
  EXPECT_EQ(error_of("river NEAR/0 bank"), "at character 7: expected NEAR/N with N from 1 to 100, e.g. NEAR/5");
  EXPECT_EQ(error_of("river NEAR/3 ban*"), "at character 14: NEAR joins words or phrases only");
  EXPECT_NE(error_of("colour:red").find("at character 1: unknown filter \"colour:\""), std::string::npos);
  EXPECT_EQ(error_of("tax from:soon"),
            "at character 10: expected a time within the video after \"from:\", e.g. 12m, 90s, 1h30m or 1:02:03");
  EXPECT_EQ(error_of("tax after:yesterday"),
            "at character 11: expected a date after \"after:\", e.g. 2025-01-01, 2025-03 or 2025");
  EXPECT_EQ(error_of("tax video:42"), "at character 11: expected a video id (a UUID) after \"video:\"");
  EXPECT_EQ(error_of("tax -speaker:ada"), "at character 5: a filter cannot be excluded");
  EXPECT_EQ(error_of("tax from:30m to:10m"), "at character 14: \"from:\" must be earlier than \"to:\"");
  EXPECT_EQ(error_of("\"\""), "at character 1: the phrase has no words");
  EXPECT_EQ(error_of("*"), "at character 1: \"*\" needs the start of a word before it, e.g. defen*");
  EXPECT_EQ(error_of("tax speaker:"), "at character 13: expected a value after \"speaker:\"");
  EXPECT_EQ(error_of("()"), "at character 1: empty parentheses");
  // Positions count characters, not bytes.
  EXPECT_EQ(error_of("café \"noël"), "at character 6: the phrase opened here has no closing quote");
}

TEST(QueryParser, LimitsAreEnforced) {
  EXPECT_NE(error_of(std::string(kQueryBytesMax + 1, 'a')).find("at most"), std::string::npos);
  std::string many;
  for (int i = 0; i <= kQueryClausesMax; ++i) many += "w" + std::to_string(i) + " ";
  EXPECT_NE(error_of(many).find("too many words"), std::string::npos);
}

}  // namespace
}  // namespace narralytica::search
