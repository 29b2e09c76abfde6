// Proves the layer document's nesting limit at its edge, for both readers: a document nesting
// exactly kLayerDocumentDepthMax levels is read, one level more is refused before parsing with
// an error naming the place ("source:line:column") and the limit, in JSON and in NDJSON; a
// bracket inside a string does not count; and format detection does not parse a too-deep line.
#include <gtest/gtest.h>

#include <string>

#include "app/layer_document.hpp"

namespace narralytica {
namespace {

// An "x-mine" (custom kind) run whose one item's value nests so that the whole document reaches
// `depth` levels: the document, "items", the item, the value (an object), then arrays in it.
std::string run_of_depth(std::size_t depth, bool ndjson) {
  const std::size_t arrays = depth - (ndjson ? 2 : 4);
  const std::string value = R"({"a":)" + std::string(arrays, '[') + "1" + std::string(arrays, ']') + "}";
  const std::string head = R"("kind":"x-mine","producer":{"name":"a","version":"1"})";
  if (ndjson) return "{" + head + "}\n" + R"({"segment":0,"value":)" + value + "}\n";
  return "{" + head + R"(,"items":[{"segment":0,"value":)" + value + "}]}";
}

TEST(LayerDocumentLimits, NestingAtTheLimitIsReadOneMoreIsRefusedNamingThePlace) {
  for (bool ndjson : {false, true}) {
    const auto format = ndjson ? app::LayerDocumentFormat::ndjson : app::LayerDocumentFormat::json;
    const std::string at_limit = run_of_depth(app::kLayerDocumentDepthMax, ndjson);
    auto read = app::read_layer_run(at_limit, "run", format);
    ASSERT_TRUE(read.ok()) << ndjson << " " << read.error().describe();
    EXPECT_EQ(read->items.size(), 1u);
    EXPECT_EQ(app::detect_layer_document(at_limit), format);

    const std::string over = run_of_depth(app::kLayerDocumentDepthMax + 1, ndjson);
    auto refused = app::read_layer_run(over, "run", format);
    ASSERT_FALSE(refused.ok()) << ndjson;
    EXPECT_EQ(refused.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(refused.error().message, "JSON nested deeper than 64 levels");
    // The bracket opening level 65: in JSON the value's 61st '[' (the document, "items", the item
    // and the value's object are levels 1 to 4), on line 1; in NDJSON the 63rd, on line 2.
    const std::string line = ndjson ? over.substr(over.find('\n') + 1) : over;
    const std::size_t first = line.find(R"("value":{"a":)") + 13;  // the first '[' of the value
    const std::size_t column = first + (ndjson ? 63 : 61);  // 1-based: the bracket's index + 1
    const std::string expected_place = (ndjson ? "run:2:" : "run:1:") + std::to_string(column);
    EXPECT_EQ(refused.error().field, expected_place) << over.substr(0, 120);
  }
  // Brackets inside strings are text, not nesting.
  const std::string brackets(500, '[');
  auto text = app::read_layer_run(R"({"kind":"x-mine","producer":{"name":"a","version":"1"},"items":[{"segment":0,"value":{"a":")" +
                                      brackets + R"("}}]})",
                                  "run", app::LayerDocumentFormat::json);
  EXPECT_TRUE(text.ok()) << text.error().describe();
  // A first line too deep to parse is not taken for an NDJSON head.
  EXPECT_EQ(app::detect_layer_document(std::string(100'000, '[') + "\n{}\n"), app::LayerDocumentFormat::json);
}

// A number too large for a double is refused like any other bad JSON, with its place, by both
// readers, in JSON and in NDJSON. nlohmann reports it as an out_of_range exception rather than a
// parse error; uncaught, the upload route answered 500. (Found by tests/fuzz, layer_document.)
TEST(LayerDocumentLimits, NumberTooLargeForADoubleIsRefusedNamingThePlace) {
  const std::string head = R"("kind":"sentiment","producer":{"name":"a","version":"1"})";
  const std::string item = R"({"segment":0,"value":{"label":"negative","score":1e999}})";
  for (bool ndjson : {false, true}) {
    const auto format = ndjson ? app::LayerDocumentFormat::ndjson : app::LayerDocumentFormat::json;
    const std::string content = ndjson ? "{" + head + "}\n" + item + "\n" : "{" + head + R"(,"items":[)" + item + "]}";
    const std::string line = ndjson ? item : content;
    const std::string expected_place =
        (ndjson ? "run:2:" : "run:1:") + std::to_string(line.find("1e999") + 1);
    for (auto reader : {app::LayerReader::fast, app::LayerReader::dom}) {
      auto refused = app::read_layer_run(content, "run", format, reader);
      ASSERT_FALSE(refused.ok()) << ndjson;
      EXPECT_EQ(refused.error().code, ErrorCode::invalid_argument);
      EXPECT_EQ(refused.error().field, expected_place);
      EXPECT_NE(refused.error().message.find("1e999"), std::string::npos) << refused.error().message;
    }
  }
}

}  // namespace
}  // namespace narralytica
