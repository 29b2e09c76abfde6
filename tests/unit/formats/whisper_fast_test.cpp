// The Whisper/WhisperX fast path (formats/detail/whisper_fast.hpp) against the DOM reader it
// stands in for: on every sample, every seed of the fuzz corpora and thousands of mutations of
// them, whenever the fast path returns a Document it is the one the DOM reader makes (format
// detected the same way), and whenever the DOM reader refuses a file the fast path gives up, so
// errors keep their file, line, column and JSON path.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <random>

#include "formats/detail/json_readers.hpp"
#include "formats/detail/text.hpp"
#include "formats/detail/whisper_fast.hpp"
#include "formats/format.hpp"
#include "test_data.hpp"

namespace narralytica::formats {
namespace {

void expect_same_words(const std::vector<Word>& a, const std::vector<Word>& b, const std::string& where) {
  ASSERT_EQ(a.size(), b.size()) << where;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].text, b[i].text) << where << " word " << i;
    EXPECT_EQ(a[i].start_ms, b[i].start_ms) << where << " word " << i;
    EXPECT_EQ(a[i].end_ms, b[i].end_ms) << where << " word " << i;
    EXPECT_EQ(a[i].confidence, b[i].confidence) << where << " word " << i;
    EXPECT_EQ(a[i].timing, b[i].timing) << where << " word " << i;
    EXPECT_EQ(a[i].speaker_label, b[i].speaker_label) << where << " word " << i;
  }
}

void expect_same(const Document& fast, const Document& dom, const std::string& where) {
  EXPECT_EQ(fast.format, dom.format) << where;
  EXPECT_EQ(fast.language, dom.language) << where;
  EXPECT_EQ(fast.duration_ms, dom.duration_ms) << where;
  EXPECT_EQ(fast.engine, dom.engine) << where;
  EXPECT_EQ(fast.model, dom.model) << where;
  EXPECT_EQ(fast.model_version, dom.model_version) << where;
  EXPECT_EQ(fast.external_id, dom.external_id) << where;
  EXPECT_EQ(fast.warnings, dom.warnings) << where;
  EXPECT_TRUE(fast.layers.empty() && dom.layers.empty()) << where;
  ASSERT_EQ(fast.segments.size(), dom.segments.size()) << where;
  for (std::size_t i = 0; i < fast.segments.size(); ++i) {
    const Segment& a = fast.segments[i];
    const Segment& b = dom.segments[i];
    const std::string at = where + " segment " + std::to_string(i);
    EXPECT_EQ(a.start_ms, b.start_ms) << at;
    EXPECT_EQ(a.end_ms, b.end_ms) << at;
    EXPECT_EQ(a.text, b.text) << at;
    EXPECT_EQ(a.speaker_label, b.speaker_label) << at;
    EXPECT_EQ(a.confidence, b.confidence) << at;
    EXPECT_EQ(a.cue_id, b.cue_id) << at;
    EXPECT_EQ(a.cue_settings, b.cue_settings) << at;
    expect_same_words(a.words, b.words, at);
  }
}

// Checks one input both ways; returns whether the fast path took it.
bool check(const std::string& content, const std::string& where) {
  if (!detail::check_input(content, "x.json", false).ok()) return false;
  const auto fast = detail::read_whisper_fast(content, "x.json", std::nullopt);
  const auto detected = detect_format(content, "x.json");
  const bool whisper = detected.ok() && (*detected == Format::whisper_json || *detected == Format::whisperx_json);
  const detail::JsonSource src{content, "x.json"};
  auto root = detail::parse_json(src);
  if (!root.ok() || !whisper) {
    EXPECT_FALSE(fast.has_value()) << where << ": the fast path read what the DOM path does not take as Whisper";
    return false;
  }
  auto dom = detail::read_whisper_value(src, *root, *detected == Format::whisperx_json);
  if (!dom.ok()) {
    EXPECT_FALSE(fast.has_value()) << where << ": the fast path read a file the DOM reader refuses: "
                                   << dom.error().describe();
    return false;
  }
  if (fast) expect_same(*fast, *dom, where);
  return fast.has_value();
}

std::vector<std::pair<std::string, std::string>> seeds() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const char* name : {"whisper_verbose.json", "whisperx.json", "assemblyai.json", "deepgram.json"}) {
    out.emplace_back(name, testing::read_data(name));
  }
  const std::filesystem::path corpus = std::filesystem::path(NARRALYTICA_FUZZ_CORPUS_DIR);
  for (const char* dir : {"whisper", "whisperx", "read_document"}) {
    for (const auto& entry : std::filesystem::directory_iterator(corpus / dir)) {
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream bytes;
      bytes << in.rdbuf();
      out.emplace_back(entry.path().filename().string(), bytes.str());
    }
  }
  return out;
}

TEST(WhisperFast, SamplesAndCorporaReadAsTheDomReaderReadsThem) {
  std::size_t taken = 0;
  for (const auto& [name, content] : seeds()) {
    const bool fast = check(content, name);
    taken += fast ? 1 : 0;
    // The usual shapes are what the fast path exists for: declining them would pass every
    // comparison above while making every import slow.
    if (name == "whisper_verbose.json" || name == "whisperx.json") {
      EXPECT_TRUE(fast) << name << " was left to the DOM reader";
    }
  }
  EXPECT_GE(taken, 2u);
}

// Each case says whether the fast path must take it (usual shape, valid) or leave it to the DOM
// reader (invalid, another engine, or a shape it does not read): a fast path that declined
// everything, or took what the DOM reader refuses, fails here.
TEST(WhisperFast, HandWrittenEdgeCases) {
  struct Case {
    const char* json;
    bool taken;
  };
  const Case cases[] = {
      {R"({"segments":[]})", true},
      {"\xEF\xBB\xBF" R"({"language":"en","segments":[{"start":0,"end":1.5,"text":"a"}]})", true},
      {R"({"segments":[{"start":1e0,"end":2E+0,"text":" caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \t x"}]})", true},
      {R"({"segments":[{"start":1,"end":2,"text":"a","speaker":"S1","words":[{"word":"a","score":0.5}]}],"word_segments":[]})", true},
      {R"({"segments":[{"start":1,"end":2,"text":"a","words":[{"word":"a","start":1,"end":2,"probability":0.25}]}]})", true},
      {R"({"segments":[{"start":1,"end":2,"text":"a","words":[{"word":"a","start":1,"end":2,"score":0.25}]}]})", true},
      {R"({"segments":[{"start":1,"end":2,"text":"a b"}],"word_segments":[{"word":"a","start":1,"end":1.5},{"word":"b"}]})", true},
      {R"({"segments":[{"start":1,"end":2,"text":"a b"}],"words":[{"word":"a","start":1,"end":1.5,"probability":1}]})", true},
      {R"({"segments":[{"start":1,"end":2,"text":"a","extra":{"x":[1,2,{"y":null}],"z":true,"w":false}}]})", true},
      {R"({"segments":[{"start":1,"end":2,"text":"a","avg_logprob":-0.25}],"duration":3.5,"model":"large-v3"})", true},
      // whisper-timestamped: a word's text in "text", its probability in "confidence", and a
      // segment confidence of its own; "word" and "probability" win where both are present.
      {R"({"text":" a b","segments":[{"id":0,"start":0.5,"end":1.2,"text":" a b","confidence":0.78,"avg_logprob":-0.4,)"
       R"("words":[{"text":"a","start":0.5,"end":0.8,"confidence":0.9},{"text":"b","start":0.8,"end":1.2,"confidence":0.6}]}],"language":"fr"})",
       true},
      {R"({"segments":[{"start":1,"end":2,"text":"a","words":[{"text":"x","word":"a","start":1,"end":2,"confidence":0.5,"probability":0.25}]}]})",
       true},
      {R"({"segments":[{"start":1,"end":2,"text":"a","words":[{"text":"a","start":1,"end":2,"confidence":1.5}]}]})", false},
      {R"({"segments":[{"start":1,"end":2,"text":"a","confidence":-0.5}]})", false},
      {R"({"segments":[{"start":2,"end":1,"text":"backwards"}]})", false},
      {R"({"segments":[{"start":1,"end":2,"text":"a","speaker":0}]})", false},
      {R"({"segments":[{"start":1,"end":2,"text":"a","speaker":null}]})", false},
      {R"({"segments":[{"start":1,"end":2,"text":"a","start":3}]})", false},
      {R"({"segments":[{"start":-1,"end":2,"text":"a"}]})", false},
      {R"({"segments":[{"start":01,"end":2,"text":"a"}]})", false},
      {R"({"segments":[{"start":1,"end":2,"text":"a"},]})", false},
      {R"({"segments":[{"start":1,"end":2,"text":"a"}]} x)", false},
      {R"({"segments":[{"start":1,"end":1e999,"text":"a"}]})", false},
      {R"({"segments":[{"start":1,"end":2,"text":"a\u0000b"}]})", false},
      {R"({"segments":[{"start":1,"end":2,"text":"\udc00"}]})", false},
      {R"({"utterances":[],"segments":[]})", false},
      {R"({"format":"other","segments":[{"start":1,"end":2,"text":"a"}]})", false},
      {R"({"segments":[{"start":1,"end":2,"text":"a","words":[{"word":"a","start":1,"end":2,"score":1.5}]}]})", false},
      {R"({"segments":[{"start":1,"end":2,"text":"a","words":[{"start":1,"end":2}]}]})", false},
      {R"({"segments":[{"start":1,"end":2,"text":"a","words":[{"word":"a"}]}]})", false},
      {R"({"segments":[{"start":1,"end":2,"text":"a","avg_logprob":5}],"duration":-3})", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(check(c.json, c.json), c.taken) << c.json << (c.taken ? ": declined" : ": taken");
  }
}

// Random byte edits of the seeds: whatever the fast path takes, the DOM reader reads the same.
TEST(WhisperFast, MutatedSeedsNeverDisagreeWithTheDomReader) {
  std::mt19937 random(20240603);
  const auto inputs = seeds();
  const std::string alphabet = "{}[]\",:0123456789.-+eE \\u\nabc";
  for (int round = 0; round < 3000; ++round) {
    const auto& [name, seed] = inputs[random() % inputs.size()];
    std::string content = seed;
    if (content.empty()) continue;
    const int edits = 1 + static_cast<int>(random() % 3);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = random() % content.size();
      switch (random() % 3) {
        case 0: content[at] = alphabet[random() % alphabet.size()]; break;
        case 1: content.erase(at, 1 + random() % 4); break;
        default: content.insert(at, 1, alphabet[random() % alphabet.size()]); break;
      }
      if (content.empty()) break;
    }
    check(content, name + " mutation " + std::to_string(round));
  }
}

// Every *.json under $NARRALYTICA_WHISPER_FAST_DIR (for example the import benchmark's corpus,
// bench/import/gen_corpus.py): skipped when unset.
TEST(WhisperFast, DirectoryFromTheEnvironmentReadsAsTheDomReaderReadsIt) {
  const char* dir = std::getenv("NARRALYTICA_WHISPER_FAST_DIR");
  if (dir == nullptr) GTEST_SKIP() << "set NARRALYTICA_WHISPER_FAST_DIR to check a directory of files";
  std::size_t files = 0, taken = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    ++files;
    taken += check(bytes.str(), entry.path().string()) ? 1 : 0;
  }
  // The benchmark's corpus is all of the usual shape: every file is the fast path's to read.
  ASSERT_GT(files, 0u) << dir << " holds no .json file";
  EXPECT_EQ(taken, files) << "of " << files << " JSON files in " << dir << ", the fast path read " << taken;
}

}  // namespace
}  // namespace narralytica::formats
