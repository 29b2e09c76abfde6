// The JSON cursor the fast readers share (formats' Whisper reader, app's layer documents): what
// it accepts it reads as a JSON parser would, and it gives up on what a fast reader must leave
// to the DOM reader.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

#include "core/json_cursor.hpp"

namespace narralytica {
namespace {

std::optional<std::string> decoded(std::string_view text) {
  JsonCursor c(text);
  std::string out = "left over";
  if (!c.string(out) || !c.at_end()) return std::nullopt;
  return out;
}

TEST(JsonCursor, DecodesEscapesAndSurrogatePairs) {
  EXPECT_EQ(decoded(R"("plain")"), "plain");
  EXPECT_EQ(decoded(R"("a\"b\\c\/d\b\f\n\r\t")"), "a\"b\\c/d\b\f\n\r\t");
  EXPECT_EQ(decoded(R"("\u00e9\u20AC")"), "\xc3\xa9\xe2\x82\xac");
  EXPECT_EQ(decoded(R"("\ud83d\ude00")"), "\xf0\x9f\x98\x80");
  EXPECT_EQ(decoded(R"("")"), "");
}

TEST(JsonCursor, GivesUpOnStringsItMustNotDecide) {
  EXPECT_EQ(decoded(R"("\u0000")"), std::nullopt);       // a NUL the readers would not keep
  EXPECT_EQ(decoded(R"("\ud83d")"), std::nullopt);       // a high surrogate alone
  EXPECT_EQ(decoded(R"("\ude00")"), std::nullopt);       // a low surrogate first
  EXPECT_EQ(decoded(R"("\ud83d\u0041")"), std::nullopt); // not a pair
  EXPECT_EQ(decoded(R"("\u12G4")"), std::nullopt);
  EXPECT_EQ(decoded(R"("\x")"), std::nullopt);
  EXPECT_EQ(decoded("\"tab\there\""), std::nullopt);     // a control character unescaped
  EXPECT_EQ(decoded(R"("unterminated)"), std::nullopt);
  EXPECT_EQ(decoded(R"("\u12)"), std::nullopt);
}

TEST(JsonCursor, RawStringsAreTheTextAsItStands) {
  std::string_view out;
  JsonCursor utf8(" \"caf\xc3\xa9\" ");
  ASSERT_TRUE(utf8.raw_string(out));
  EXPECT_EQ(out, "caf\xc3\xa9");
  EXPECT_TRUE(utf8.at_end());
  JsonCursor ascii_only("\"caf\xc3\xa9\"");
  EXPECT_FALSE(ascii_only.raw_string(out, true));
  JsonCursor escaped(R"("a\"b")");
  EXPECT_FALSE(escaped.raw_string(out));
}

TEST(JsonCursor, NumbersFollowJsonsGrammar) {
  const auto read = [](std::string_view text) -> std::optional<JsonNumber> {
    JsonCursor c(text);
    JsonNumber n;
    if (!c.number(n) || !c.at_end()) return std::nullopt;
    return n;
  };
  auto integer = read("-120");
  ASSERT_TRUE(integer);
  EXPECT_EQ(integer->text, "-120");
  EXPECT_TRUE(integer->negative);
  EXPECT_TRUE(integer->integer);
  auto fraction = read("0.25");
  ASSERT_TRUE(fraction);
  EXPECT_FALSE(fraction->integer);
  EXPECT_FALSE(fraction->exponent);
  auto exponent = read("1E+3");
  ASSERT_TRUE(exponent);
  EXPECT_TRUE(exponent->exponent);
  EXPECT_FALSE(exponent->integer);
  for (std::string_view bad : {"01", "+1", ".5", "1.", "-", "1e", "--1", "0x10"}) {
    EXPECT_FALSE(read(bad)) << bad;
  }
  double value = 0;
  JsonCursor finite("2.5e-1");
  ASSERT_TRUE(finite.number(value));
  EXPECT_EQ(value, 0.25);
  JsonCursor too_large("1e999");
  EXPECT_FALSE(too_large.number(value));
}

TEST(JsonCursor, SkipsValidValuesWithinTheDepthOnly) {
  const auto skips = [](std::string_view text, std::size_t depth) {
    JsonCursor c(text);
    return c.skip_value(depth) && c.at_end();
  };
  EXPECT_TRUE(skips(R"({"a": [1, -2.5e3, "x\n", true, false, null, {}], "b": {"c": []}})", 3));
  EXPECT_FALSE(skips(R"({"a": [1, -2.5e3, "x\n", true, false, null, {}], "b": {"c": []}})", 2));
  EXPECT_TRUE(skips("[[[]]]", 3));
  EXPECT_FALSE(skips("[[[]]]", 2));
  for (std::string_view bad : {"[1,]", "{\"a\" 1}", "{1: 2}", "tru", "[\"\\u0000\"]", "[", "]", "nul", "01"}) {
    EXPECT_FALSE(skips(bad, 8)) << bad;
  }
  // Stops after the value: what follows is the caller's.
  JsonCursor c(R"([1, 2] , "next")");
  ASSERT_TRUE(c.skip_value(1));
  EXPECT_TRUE(c.eat(','));
  EXPECT_TRUE(c.peek('"'));
}

}  // namespace
}  // namespace narralytica
