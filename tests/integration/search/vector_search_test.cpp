// Proves semantic and hybrid search on both backends: the vector index's recall@10 against exact
// (brute-force cosine) search on a generated, clustered set; each leg on its own (text finds only
// words, vector only neighbours) and hybrid fusing both, so a silent fallback to one leg fails;
// the query's filters apply to vector hits; a dimension mismatch is refused naming both sizes;
// the pipeline keeps vectors current (a new embedding version replaces the old), and reindex's
// snapshot answers the same as the log it was built from.
#include <fstream>
#include <random>

#include "integration/search/search_fixture.hpp"
#include "search/index_directory.hpp"
#include "search/vector_index.hpp"
#include "store/layers/layer_repository.hpp"

namespace narralytica {
namespace {

using namespace narralytica::testing;

constexpr int kDims = 32;

std::string vector_json(const std::vector<float>& v) {
  std::string out = R"({"dims":)" + std::to_string(v.size()) + R"(,"vector":[)";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    char number[32];
    std::snprintf(number, sizeof number, "%.7g", v[i]);
    out += number;
  }
  return out + "]}";
}

class VectorSearchTest : public SearchFixture {
 protected:
  // Stores an embedding layer over the transcript: one vector per segment, in ordinal order.
  void add_embeddings(const store::Transcript& transcript, const std::vector<std::vector<float>>& vectors,
                      const std::string& version = "1") {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    auto scope = operator_scope(*tx, tenant_a_);
    store::LayerRunDraft run;
    run.kind = "embedding";
    run.producer_name = "minilm";
    run.producer_version = version;
    for (std::size_t i = 0; i < vectors.size(); ++i) {
      store::LayerItemDraft item;
      item.segment_ordinal_first = static_cast<std::int64_t>(i);
      item.segment_ordinal_last = static_cast<std::int64_t>(i);
      item.payload_json = vector_json(vectors[i]);
      run.items.push_back(std::move(item));
    }
    auto created = store::LayerRepository::create_run(*tx, scope, transcript, run);
    ASSERT_TRUE(created.ok()) << created.error().describe();
    ASSERT_TRUE(tx->commit().ok());
  }

  Result<search::SearchResult> search_vector(const std::vector<float>& v, search::SearchMode mode,
                                             const std::string& q = "", int limit = 10) {
    app::SearchQuery query;
    query.q = q;
    query.mode = mode;
    query.limit = limit;
    query.vector = search::VectorQuery{v, ""};
    return service_->search(test_operator(), "acme", query);
  }
};

TEST_P(VectorSearchTest, RecallAtTenAgainstExactSearch) {
  // 2,000 vectors around 40 centroids, as real sentence embeddings cluster by topic.
  std::mt19937 random(7);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  std::vector<std::vector<float>> centroids(40, std::vector<float>(kDims));
  for (auto& c : centroids) for (auto& x : c) x = noise(random);
  std::vector<std::vector<float>> vectors;
  std::vector<SegmentSpec> segments;
  for (int i = 0; i < 2000; ++i) {
    std::vector<float> v = centroids[static_cast<std::size_t>(i) % centroids.size()];
    for (auto& x : v) x += 0.6f * noise(random);
    vectors.push_back(v);
    segments.push_back({"segment " + std::to_string(i)});
  }
  auto video = create_video(tenant_a_, "Embedded");
  auto transcript = add_transcript(tenant_a_, video, segments);
  add_embeddings(transcript, vectors);
  sync();
  auto unit = vectors;
  for (auto& v : unit) ASSERT_TRUE(search::normalise(v));
  double found = 0;
  constexpr int kQueries = 50;
  for (int q = 0; q < kQueries; ++q) {
    std::vector<float> query = centroids[static_cast<std::size_t>(q) % centroids.size()];
    for (auto& x : query) x += 0.6f * noise(random);
    std::vector<float> unit_query = query;
    ASSERT_TRUE(search::normalise(unit_query));
    std::vector<std::pair<float, int>> exact;
    for (int i = 0; i < 2000; ++i) {
      float dot = 0;
      for (int d = 0; d < kDims; ++d) dot += unit[static_cast<std::size_t>(i)][static_cast<std::size_t>(d)] * unit_query[static_cast<std::size_t>(d)];
      exact.emplace_back(dot, i);
    }
    std::partial_sort(exact.begin(), exact.begin() + 10, exact.end(), std::greater<>());
    std::set<std::int64_t> truth;
    for (int k = 0; k < 10; ++k) truth.insert(exact[static_cast<std::size_t>(k)].second);
    auto result = search_vector(query, search::SearchMode::vector);
    ASSERT_TRUE(result.ok()) << result.error().describe();
    ASSERT_EQ(result->hits.size(), 10u);
    for (const auto& hit : result->hits) found += truth.count(hit.document.ordinal);
    EXPECT_GE(result->hits[0].score, result->hits[9].score) << "most similar first";
  }
  const double recall = found / (kQueries * 10.0);
  EXPECT_GE(recall, 0.95) << "recall@10 " << recall;
}

TEST_P(VectorSearchTest, EachLegAloneAndHybridFusingBoth) {
  auto video = create_video(tenant_a_, "Mixed");
  // Segment 0 has the word; segment 1 has the vector nearest the query; segment 2 has neither.
  auto transcript = add_transcript(tenant_a_, video, {{"the reservoir overflowed", "SPEAKER_00"},
                                                      {"water everywhere downtown", "SPEAKER_01"},
                                                      {"unrelated chatter", "SPEAKER_00"}});
  std::vector<float> near(kDims, 0.0f), far(kDims, 0.0f), other(kDims, 0.0f);
  near[0] = 1.0f;
  far[1] = 1.0f;
  other[2] = 1.0f;
  add_embeddings(transcript, {far, near, other});
  sync();
  auto text = search(tenant_a_, "reservoir");
  ASSERT_TRUE(text.ok());
  ASSERT_EQ(text->hits.size(), 1u);
  EXPECT_EQ(text->hits[0].document.ordinal, 0);

  auto vector = search_vector(near, search::SearchMode::vector);
  ASSERT_TRUE(vector.ok()) << vector.error().describe();
  ASSERT_FALSE(vector->hits.empty());
  EXPECT_EQ(vector->hits[0].document.ordinal, 1);
  EXPECT_NEAR(vector->hits[0].score, 1.0, 1e-5);

  auto hybrid = search_vector(near, search::SearchMode::hybrid, "reservoir");
  ASSERT_TRUE(hybrid.ok()) << hybrid.error().describe();
  std::map<std::int64_t, const search::SearchHit*> by_ordinal;
  for (const auto& hit : hybrid->hits) by_ordinal[hit.document.ordinal] = &hit;
  ASSERT_TRUE(by_ordinal.count(0)) << "the text leg's hit is in the fused list";
  ASSERT_TRUE(by_ordinal.count(1)) << "the vector leg's hit is in the fused list";
  EXPECT_EQ(by_ordinal[0]->text_rank, 1);
  EXPECT_EQ(by_ordinal[1]->vector_rank, 1);
  EXPECT_FALSE(by_ordinal[1]->text_rank.has_value());
  // Reciprocal rank fusion with k = 60: the vector leg's first alone scores 1/61; the text leg's
  // first, also somewhere in the vector list, scores more.
  EXPECT_NEAR(by_ordinal[1]->score, 1.0 / 61, 1e-9);
  ASSERT_TRUE(by_ordinal[0]->vector_rank.has_value());
  EXPECT_NEAR(by_ordinal[0]->score, 1.0 / 61 + 1.0 / (60 + *by_ordinal[0]->vector_rank), 1e-9);
  EXPECT_EQ(hybrid->hits[0].document.ordinal, 0);

  // Filters apply to vector hits.
  app::SearchQuery filtered;
  filtered.q = "speaker:SPEAKER_00";
  filtered.mode = search::SearchMode::vector;
  filtered.vector = search::VectorQuery{near, ""};
  auto only_00 = service_->search(test_operator(), "acme", filtered);
  ASSERT_TRUE(only_00.ok()) << only_00.error().describe();
  for (const auto& hit : only_00->hits) EXPECT_EQ(hit.document.speaker_label, "SPEAKER_00");
  EXPECT_EQ(only_00->hits.size(), 2u);

  // The wrong size is refused, naming both.
  auto wrong = search_vector(std::vector<float>(3, 1.0f), search::SearchMode::vector);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().field, "vector");
  EXPECT_NE(wrong.error().message.find("no indexed embeddings have 3 dimensions; indexed: minilm@1 (32 dimensions)"),
            std::string::npos) << wrong.error().message;
  // Hybrid needs words.
  EXPECT_FALSE(search_vector(near, search::SearchMode::hybrid, "speaker:SPEAKER_00").ok());
}

TEST_P(VectorSearchTest, PagesThroughTheCandidatesAndCountsThemAll) {
  // 150 segments, each a step further from the query: the nearest order is the ordinal order. A
  // vector search looks up the documents of its page only; the total and the next page still
  // count every candidate (100 by default), and later pages continue the same order.
  std::vector<std::vector<float>> vectors;
  std::vector<SegmentSpec> segments;
  for (int i = 0; i < 150; ++i) {
    std::vector<float> v(kDims, 0.0f);
    v[0] = 1.0f;
    v[1] = 0.01f * static_cast<float>(i);
    vectors.push_back(v);
    segments.push_back({"segment " + std::to_string(i), i % 2 == 0 ? "SPEAKER_00" : "SPEAKER_01"});
  }
  auto video = create_video(tenant_a_, "Pages");
  add_embeddings(add_transcript(tenant_a_, video, segments), vectors);
  sync();
  std::vector<float> query(kDims, 0.0f);
  query[0] = 1.0f;
  auto page = [&](int offset, int limit) {
    app::SearchQuery q;
    q.mode = search::SearchMode::vector;
    q.vector = search::VectorQuery{query, ""};
    q.limit = limit;
    if (offset > 0) q.cursor = "o" + std::to_string(offset);  // the cursor of a next_offset
    return service_->search(test_operator(), "acme", q);
  };
  auto first = page(0, 10);
  ASSERT_TRUE(first.ok()) << first.error().describe();
  ASSERT_EQ(first->hits.size(), 10u);
  EXPECT_EQ(first->total, 100);
  EXPECT_FALSE(first->total_exact);
  EXPECT_EQ(first->next_offset, 10);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(first->hits[static_cast<std::size_t>(i)].document.ordinal, i);

  auto middle = page(10, 20);
  ASSERT_TRUE(middle.ok()) << middle.error().describe();
  ASSERT_EQ(middle->hits.size(), 20u);
  EXPECT_EQ(middle->total, 100);
  EXPECT_EQ(middle->next_offset, 30);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(middle->hits[static_cast<std::size_t>(i)].document.ordinal, 10 + i);

  auto last = page(90, 10);
  ASSERT_TRUE(last.ok()) << last.error().describe();
  ASSERT_EQ(last->hits.size(), 10u);
  EXPECT_EQ(last->hits.back().document.ordinal, 99);
  EXPECT_FALSE(last->next_offset.has_value()) << "the candidates end at 100";

  // Filters still see every candidate: the even ordinals pass, ranked as before.
  app::SearchQuery filtered;
  filtered.q = "speaker:SPEAKER_00";
  filtered.mode = search::SearchMode::vector;
  filtered.vector = search::VectorQuery{query, ""};
  filtered.limit = 5;
  auto speakers = service_->search(test_operator(), "acme", filtered);
  ASSERT_TRUE(speakers.ok()) << speakers.error().describe();
  ASSERT_EQ(speakers->hits.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(speakers->hits[static_cast<std::size_t>(i)].document.ordinal, 2 * i);
  EXPECT_EQ(speakers->total, 75) << "the 75 even ordinals among the 150 the widened search fetched";
}

TEST_P(VectorSearchTest, ThePipelineKeepsVectorsCurrentAndReindexSnapshotsThem) {
  auto video = create_video(tenant_a_, "Versions");
  auto transcript = add_transcript(tenant_a_, video, {{"first"}, {"second"}});
  std::vector<float> x(kDims, 0.0f), y(kDims, 0.0f);
  x[0] = 1.0f;
  y[1] = 1.0f;
  add_embeddings(transcript, {x, y}, "1");
  sync();
  auto before = search_vector(x, search::SearchMode::vector);
  ASSERT_TRUE(before.ok()) << before.error().describe();
  EXPECT_EQ(before->hits[0].document.ordinal, 0);
  // Version 2 swaps them: it becomes current, and search follows without a reindex.
  add_embeddings(transcript, {y, x}, "2");
  sync();
  app::SearchQuery query;
  query.mode = search::SearchMode::vector;
  query.vector = search::VectorQuery{x, "minilm@2"};
  auto after = service_->search(test_operator(), "acme", query);
  ASSERT_TRUE(after.ok()) << after.error().describe();
  EXPECT_EQ(after->hits[0].document.ordinal, 1);
  query.vector->producer = "minilm@1";
  auto old = service_->search(test_operator(), "acme", query);
  ASSERT_FALSE(old.ok()) << "the superseded version's vectors are gone";
  EXPECT_EQ(old.error().code, ErrorCode::not_found);
  // A rebuild answers the same from its snapshot.
  ASSERT_TRUE(service_->reindex(test_operator(), "acme", 1).ok());
  query.vector->producer = "minilm@2";
  auto rebuilt = service_->search(test_operator(), "acme", query);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.error().describe();
  EXPECT_EQ(rebuilt->hits[0].document.ordinal, 1);
  EXPECT_EQ(rebuilt->hits.size(), 2u);
}

TEST_P(VectorSearchTest, ATailWrittenByABatchThatNeverCommittedIsDropped) {
  auto video = create_video(tenant_a_, "Crash");
  auto transcript = add_transcript(tenant_a_, video, {{"first"}, {"second"}});
  std::vector<float> x(kDims, 0.0f), y(kDims, 0.0f);
  x[0] = 1.0f;
  y[1] = 1.0f;
  add_embeddings(transcript, {x, y}, "1");
  sync();
  // A batch that died mid-append: a record cut short, no commit record after it.
  search::IndexDirectory directory(data_dir_.path());
  auto current = directory.current(tenant_a_.public_id);
  ASSERT_TRUE(current.ok() && current->has_value());
  const auto log = **current / "vectors" / "log";
  const auto committed = std::filesystem::file_size(log);
  {
    std::ofstream out(log, std::ios::binary | std::ios::app);
    out.write("\x01\x40\x00\x00\x00partial", 12);
  }
  // The next batch drops the tail before appending, and every reader sees whole batches only.
  add_embeddings(transcript, {y, x}, "2");
  sync();
  EXPECT_GT(std::filesystem::file_size(log), committed);
  app::SearchQuery query;
  query.mode = search::SearchMode::vector;
  query.vector = search::VectorQuery{x, "minilm@2"};
  auto after = service_->search(test_operator(), "acme", query);
  ASSERT_TRUE(after.ok()) << after.error().describe();
  EXPECT_EQ(after->hits[0].document.ordinal, 1);
  // A fresh load of the whole log agrees.
  auto reloaded = search::VectorIndexSet::load(**current);
  ASSERT_TRUE(reloaded.ok()) << reloaded.error().describe();
  EXPECT_EQ((*reloaded)->size("minilm@2"), 2u);
  EXPECT_EQ((*reloaded)->size("minilm@1"), 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, VectorSearchTest,
                         ::testing::Values(store::Backend::sqlite, store::Backend::postgres), backend_name);

}  // namespace
}  // namespace narralytica
