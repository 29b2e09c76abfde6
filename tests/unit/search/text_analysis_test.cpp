// Proves the tokenizer's documented rules (text_analysis.hpp, docs/search.md): case and accent
// folding so that "café" finds "cafe" and "Résumé" finds "resume", full case folding, apostrophes
// inside words, byte offsets that point at the original text (snippets mark the right words), and
// one term per character for scripts written without spaces.
#include <gtest/gtest.h>

#include "search/text_analysis.hpp"

namespace narralytica::search {
namespace {

std::vector<std::string> terms(std::string_view text) {
  std::vector<Token> tokens;
  tokenize(text, tokens);
  std::vector<std::string> out;
  for (const auto& t : tokens) out.push_back(t.term);
  return out;
}

TEST(TextAnalysis, FoldsCaseAndAccents) {
  EXPECT_EQ(terms("Café"), std::vector<std::string>{"cafe"});
  EXPECT_EQ(terms("Résumé RÉSUMÉ resume"), (std::vector<std::string>{"resume", "resume", "resume"}));
  EXPECT_EQ(terms("Straße"), std::vector<std::string>{"strasse"});
  EXPECT_EQ(terms("Ångström naïve"), (std::vector<std::string>{"angstrom", "naive"}));
  EXPECT_EQ(terms("ﬁle"), std::vector<std::string>{"file"});  // a ligature decomposes
  EXPECT_EQ(fold_text("  Ms. MÜLLER "), "ms muller");
}

TEST(TextAnalysis, SplitsOnPunctuationAndKeepsApostrophesInsideWords) {
  EXPECT_EQ(terms("Don't stop—the council's vote, 2025!"),
            (std::vector<std::string>{"don't", "stop", "the", "council's", "vote", "2025"}));
  EXPECT_EQ(terms("don’t"), std::vector<std::string>{"don't"});  // typographic apostrophe
  EXPECT_EQ(terms("'quoted' rock'n'roll"), (std::vector<std::string>{"quoted", "rock'n'roll"}));
  EXPECT_TRUE(terms(" -- ... !!").empty());
}

TEST(TextAnalysis, OffsetsPointIntoTheOriginalText) {
  const std::string text = "Le café, c'est Noël.";
  std::vector<Token> tokens;
  tokenize(text, tokens);
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(text.substr(tokens[1].begin, tokens[1].end - tokens[1].begin), "café");
  EXPECT_EQ(tokens[1].term, "cafe");
  EXPECT_EQ(text.substr(tokens[3].begin, tokens[3].end - tokens[3].begin), "Noël");
}

TEST(TextAnalysis, UnsegmentedScriptsGiveOneTermPerCharacter) {
  EXPECT_EQ(terms("東京 tower"), (std::vector<std::string>{"東", "京", "tower"}));
}

TEST(TextAnalysis, InvalidUtf8SeparatesWordsInsteadOfFailing) {
  EXPECT_EQ(terms(std::string("ab\xff" "cd")), (std::vector<std::string>{"ab", "cd"}));
}

}  // namespace
}  // namespace narralytica::search
