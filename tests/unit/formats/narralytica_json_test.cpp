// Proves that Narralytica JSON loses nothing: every field of a Document written and read back is
// identical, including interpolated words, confidences, cue ids and settings, and layers; and that
// a file breaking the schema is refused at its JSON path.
#include "formats/narralytica_json.hpp"

#include <gtest/gtest.h>

namespace narralytica::formats {
namespace {

Document sample_document() {
  Document document;
  document.format = "json";
  document.language = "fr";
  document.duration_ms = 90'001;
  document.engine = "whisperx";
  document.model = "large-v3";
  document.model_version = "2024.1";
  document.external_id = "ext-1";
  Segment first;
  first.start_ms = 0;
  first.end_ms = 1'234;
  first.text = "Bonjour  à tous\n<pas une balise> & \"guillemets\"";
  first.speaker_label = "SPEAKER_00";
  first.confidence = 0.1 + 0.2;  // not representable exactly: must still round-trip bit for bit
  first.cue_id = "intro";
  first.cue_settings = "align:start line:0";
  first.words = {Word{"Bonjour", 0, 500, 0.97, WordTiming::asr, "SPEAKER_00"},
                 Word{"100", 500, 600, std::nullopt, WordTiming::interpolated, ""}};
  Segment second;
  second.start_ms = 1'000;
  second.end_ms = 3'000;
  second.text = "Deuxième";
  document.segments = {first, second};
  Layer layer;
  layer.kind = "sentiment";
  layer.producer_name = "assemblyai";
  layer.producer_version = "best";
  layer.params_json = R"({"threshold":0.5})";
  layer.items = {LayerItem{0, 1, 0, 3'000, R"({"label":"POSITIVE","score":0.9})"},
                 LayerItem{std::nullopt, std::nullopt, 0, 90'001, R"({"summary":"ok"})"}};
  document.layers = {layer};
  return document;
}

void expect_same(const Document& a, const Document& b) {
  EXPECT_EQ(a.language, b.language);
  EXPECT_EQ(a.duration_ms, b.duration_ms);
  EXPECT_EQ(a.engine, b.engine);
  EXPECT_EQ(a.model, b.model);
  EXPECT_EQ(a.model_version, b.model_version);
  EXPECT_EQ(a.external_id, b.external_id);
  ASSERT_EQ(a.segments.size(), b.segments.size());
  for (std::size_t i = 0; i < a.segments.size(); ++i) {
    const Segment& x = a.segments[i];
    const Segment& y = b.segments[i];
    EXPECT_EQ(x.start_ms, y.start_ms);
    EXPECT_EQ(x.end_ms, y.end_ms);
    EXPECT_EQ(x.text, y.text);
    EXPECT_EQ(x.speaker_label, y.speaker_label);
    EXPECT_EQ(x.confidence, y.confidence);
    EXPECT_EQ(x.cue_id, y.cue_id);
    EXPECT_EQ(x.cue_settings, y.cue_settings);
    ASSERT_EQ(x.words.size(), y.words.size());
    for (std::size_t j = 0; j < x.words.size(); ++j) {
      EXPECT_EQ(x.words[j].text, y.words[j].text);
      EXPECT_EQ(x.words[j].start_ms, y.words[j].start_ms);
      EXPECT_EQ(x.words[j].end_ms, y.words[j].end_ms);
      EXPECT_EQ(x.words[j].confidence, y.words[j].confidence);
      EXPECT_EQ(x.words[j].timing, y.words[j].timing);
      EXPECT_EQ(x.words[j].speaker_label, y.words[j].speaker_label);
    }
  }
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (std::size_t l = 0; l < a.layers.size(); ++l) {
    EXPECT_EQ(a.layers[l].kind, b.layers[l].kind);
    EXPECT_EQ(a.layers[l].producer_name, b.layers[l].producer_name);
    EXPECT_EQ(a.layers[l].producer_version, b.layers[l].producer_version);
    EXPECT_EQ(a.layers[l].params_json, b.layers[l].params_json);
    ASSERT_EQ(a.layers[l].items.size(), b.layers[l].items.size());
    for (std::size_t k = 0; k < a.layers[l].items.size(); ++k) {
      const LayerItem& x = a.layers[l].items[k];
      const LayerItem& y = b.layers[l].items[k];
      EXPECT_EQ(x.segment_index, y.segment_index);
      EXPECT_EQ(x.segment_index_last, y.segment_index_last);
      EXPECT_EQ(x.start_ms, y.start_ms);
      EXPECT_EQ(x.end_ms, y.end_ms);
      EXPECT_EQ(x.payload_json, y.payload_json);
    }
  }
}

TEST(NarralyticaJson, RoundTripsEveryField) {
  Document original = sample_document();
  auto written = write_narralytica_json(original);
  ASSERT_TRUE(written.ok()) << written.error().describe();
  auto read = read_narralytica_json(*written);
  ASSERT_TRUE(read.ok()) << read.error().describe() << "\n" << *written;
  EXPECT_EQ(read->format, "json");
  expect_same(original, *read);
  // Writing what was read gives the same bytes: nothing drifts across generations.
  auto rewritten = write_narralytica_json(*read);
  ASSERT_TRUE(rewritten.ok());
  EXPECT_EQ(*written, *rewritten);
  // Overlap of the two segments is reported but not a reason to change anything.
  EXPECT_EQ(read->warnings.size(), 1u);
}

TEST(NarralyticaJson, WritesTheDocumentedShape) {
  Document document;
  Segment segment;
  segment.start_ms = 5;
  segment.end_ms = 10;
  segment.text = "hi";
  segment.speaker_label = "A";
  document.segments = {segment};
  auto written = write_narralytica_json(document, JsonWriteOptions{.pretty = false});
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(*written, R"({"format":"narralytica.transcript","version":1,"speakers":["A"],)"
                      R"("segments":[{"start_ms":5,"end_ms":10,"text":"hi","speaker":"A"}]})"
                      "\n");
}

TEST(NarralyticaJson, OptionsLeaveOutWordsAndLayers) {
  auto written = write_narralytica_json(
      sample_document(), JsonWriteOptions{.include_words = false, .include_layers = false});
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(written->find("\"words\""), std::string::npos);
  EXPECT_EQ(written->find("\"layers\""), std::string::npos);
}

TEST(NarralyticaJson, WriterRefusesBrokenDocuments) {
  Document document = sample_document();
  document.segments[1].end_ms = 10;
  auto backwards = write_narralytica_json(document);
  ASSERT_FALSE(backwards.ok());
  EXPECT_EQ(backwards.error().field, "segments[1]");
  document = sample_document();
  document.layers[0].items[0].payload_json = "\"text\"";  // neither an object nor an array
  auto payload = write_narralytica_json(document);
  ASSERT_FALSE(payload.ok());
  EXPECT_EQ(payload.error().field, "layers[0].items[0].payload");
}

TEST(NarralyticaJson, ReaderRefusesSchemaViolationsAtTheirPath) {
  auto other = read_narralytica_json(R"({"format":"other","version":1,"segments":[]})");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().field, "<input>:1:11: $.format");
  auto future =
      read_narralytica_json(R"({"format":"narralytica.transcript","version":2,"segments":[]})");
  ASSERT_FALSE(future.ok());
  EXPECT_EQ(future.error().message, "expected a version from 1 to 1, found number 2");
  auto index = read_narralytica_json(
      R"({"format":"narralytica.transcript","version":1,"segments":[{"start_ms":0,"end_ms":1,"text":"a"}],)"
      R"("layers":[{"kind":"k","items":[{"segment_index":3,"segment_index_last":3,"start_ms":0,"end_ms":1,"payload":{}}]}]})");
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.error().message,
            "expected a segment index below the number of segments (1), found number 3");
  EXPECT_EQ(index.error().field.substr(index.error().field.find('$')),
            "$.layers[0].items[0].segment_index");
  auto flag = read_narralytica_json(
      R"({"format":"narralytica.transcript","version":1,"segments":[{"start_ms":0,"end_ms":1,"text":"a",)"
      R"("words":[{"text":"a","start_ms":0,"end_ms":1,"interpolated":"yes"}]}]})");
  ASSERT_FALSE(flag.ok());
  EXPECT_EQ(flag.error().message, "expected true or false, found string \"yes\"");
}

TEST(NarralyticaJson, SortingOutOfOrderSegmentsKeepsLayerItemsOnTheirSegments) {
  auto read = read_narralytica_json(
      R"({"format":"narralytica.transcript","version":1,"segments":[
          {"start_ms":5000,"end_ms":6000,"text":"late"},{"start_ms":0,"end_ms":1000,"text":"early"}],
         "layers":[{"kind":"k","items":[{"segment_index":0,"segment_index_last":0,"start_ms":5000,"end_ms":6000,"payload":{"on":"late"}}]}]})");
  ASSERT_TRUE(read.ok()) << read.error().describe();
  EXPECT_EQ(read->segments[0].text, "early");
  EXPECT_EQ(read->layers[0].items[0].segment_index, 1u);
  EXPECT_EQ(read->warnings.size(), 1u);
}

}  // namespace
}  // namespace narralytica::formats
