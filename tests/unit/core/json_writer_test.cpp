// The JSON writer's strings are valid JSON whatever bytes they are given: control characters are
// escaped, well-formed UTF-8 is kept byte for byte (stored hashes depend on it), and bytes that
// are not UTF-8 become U+FFFD. Problem bodies quote a client's bytes (an echo of a bad layer
// document, a path that is no id), and a body that was not UTF-8 was no JSON at all. (Found by
// tests/fuzz, api_body.)
#include <gtest/gtest.h>

#include <string>

#include "core/json_writer.hpp"

namespace narralytica {
namespace {

std::string as_json_string(std::string_view value) {
  std::string out;
  append_json_string(out, value);
  return out;
}

TEST(JsonWriter, EscapesWhatJsonRequires) {
  EXPECT_EQ(as_json_string("a\"b\\c\n\t\x01"), R"("a\"b\\c\n\t\u0001")");
  // Escapes at either end of a run of plain bytes, and nothing at all.
  EXPECT_EQ(as_json_string("\"plain text\b"), R"("\"plain text\b")");
  EXPECT_EQ(as_json_string("\xC3\xA9\f\xC3\xA9"), "\"\xC3\xA9\\f\xC3\xA9\"");
  EXPECT_EQ(as_json_string(""), R"("")");
  EXPECT_EQ(JsonObject().add("k", "v").add("n", 3).str(), R"({"k":"v","n":3})");
}

TEST(JsonWriter, KeepsWellFormedUtf8ByteForByte) {
  const std::string text = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x8E\xAC \xEF\xBF\xBF \xF4\x8F\xBF\xBF";
  EXPECT_EQ(as_json_string(text), "\"" + text + "\"");
}

TEST(JsonWriter, ReplacesBytesThatAreNotUtf8) {
  const std::string replacement = "\xEF\xBF\xBD";
  EXPECT_EQ(as_json_string("a\x81z"), "\"a" + replacement + "z\"");                  // a lone continuation byte
  EXPECT_EQ(as_json_string("\xC3"), "\"" + replacement + "\"");                      // cut short at the end
  EXPECT_EQ(as_json_string("\xC3(x"), "\"" + replacement + "(x\"");                  // cut short by ASCII
  EXPECT_EQ(as_json_string("\xC0\xAF"), "\"" + replacement + replacement + "\"");    // overlong '/'
  EXPECT_EQ(as_json_string("\xED\xA0\x80"), "\"" + replacement + replacement + replacement + "\"");  // a surrogate
  EXPECT_EQ(as_json_string("\xF4\x90\x80\x80"), "\"" + replacement + replacement + replacement + replacement + "\"");
  EXPECT_EQ(as_json_string("\xFF"), "\"" + replacement + "\"");
}

}  // namespace
}  // namespace narralytica
