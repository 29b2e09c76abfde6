// Proves what a user of search sees, on both backends: BM25 ranking with an exact phrase above
// the same words scattered and a rare word above a common one; stemming and accent folding;
// prefixes, exclusion, OR and NEAR; every filter; snippets with the matched words marked and the
// text HTML-escaped; grouping by video with per-video counts; cursors that page without repeating.
#include "integration/search/search_fixture.hpp"
#include "store/layers/layer_repository.hpp"

namespace narralytica {
namespace {

using namespace narralytica::testing;

class SearchQueryTest : public SearchFixture {};

TEST_P(SearchQueryTest, RankingPutsExactPhrasesAndRareWordsFirst) {
  auto video = create_video(tenant_a_, "Hearing");
  add_transcript(tenant_a_, video,
                 {{"defences were built and the flood came later"}, {"the flood defences held"}, {"nothing here"}});
  sync();
  auto hits = texts(tenant_a_, "flood defences");
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0], "the flood defences held") << "the exact phrase outranks the same words scattered";

  auto other = create_video(tenant_a_, "Other");
  std::vector<SegmentSpec> segments;
  for (int i = 0; i < 30; ++i) segments.push_back({"council meeting minutes number " + std::to_string(i)});
  segments.push_back({"council meeting about zebras"});
  add_transcript(tenant_a_, other, segments);
  sync();
  hits = texts(tenant_a_, "council OR zebras");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0], "council meeting about zebras") << "the rare word weighs more than the common one";
}

TEST_P(SearchQueryTest, StemsFoldsAndCombines) {
  auto video = create_video(tenant_a_, "Café talk");
  add_transcript(tenant_a_, video,
                 {{"The hearings continued at the Café"}, {"Her résumé was long"}, {"the river bank is far from the river"},
                  {"a bank of the river"}, {"defensive positions"}});
  sync();
  EXPECT_EQ(texts(tenant_a_, "hearing"), std::vector<std::string>{"The hearings continued at the Café"});
  EXPECT_EQ(texts(tenant_a_, "cafe"), std::vector<std::string>{"The hearings continued at the Café"});
  EXPECT_EQ(texts(tenant_a_, "RESUME"), std::vector<std::string>{"Her résumé was long"});
  EXPECT_EQ(texts(tenant_a_, "defens*"), std::vector<std::string>{"defensive positions"});
  EXPECT_EQ(texts(tenant_a_, "river -bank").size(), 0u);
  EXPECT_EQ(texts(tenant_a_, "river -far"), std::vector<std::string>{"a bank of the river"});
  EXPECT_EQ(texts(tenant_a_, "résumé OR defensive").size(), 2u);
  EXPECT_EQ(texts(tenant_a_, "\"bank of the river\""), std::vector<std::string>{"a bank of the river"});
  EXPECT_EQ(texts(tenant_a_, "bank NEAR/1 river"), std::vector<std::string>{"the river bank is far from the river"});
  EXPECT_EQ(texts(tenant_a_, "bank NEAR/3 river").size(), 2u);
}

TEST_P(SearchQueryTest, EveryFilter) {
  constexpr UnixMicros kDay = 86'400'000'000LL;
  auto old_video = create_video(tenant_a_, "Old", *search::parse_date("2024-06-01"));
  auto new_video = create_video(tenant_a_, "New", *search::parse_date("2025-06-01") + kDay);
  auto old_t = add_transcript(tenant_a_, old_video, {{"budget talk", "SPEAKER_00", 0}, {"budget later", "SPEAKER_01", 20 * 60'000}});
  add_transcript(tenant_a_, new_video, {{"budget en français", "SPEAKER_00", 0}}, "fr");
  {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    auto scope = operator_scope(*tx, tenant_a_);
    for (const auto& [kind, label] : std::vector<std::pair<std::string, std::string>>{
             {"sentiment", "negative"}, {"entities", "Paris"}, {"keywords", "money"}}) {
      store::LayerRunDraft run;
      run.kind = kind;
      run.producer_name = "test";
      run.producer_version = "1";
      store::LayerItemDraft item;
      item.segment_ordinal_first = 1;
      item.segment_ordinal_last = 1;
      item.label = label;
      run.items.push_back(item);
      ASSERT_TRUE(store::LayerRepository::create_run(*tx, scope, old_t, run).ok());
    }
    ASSERT_TRUE(tx->commit().ok());
  }
  sync();
  EXPECT_EQ(texts(tenant_a_, "budget speaker:SPEAKER_01"), std::vector<std::string>{"budget later"});
  EXPECT_EQ(texts(tenant_a_, "budget video:" + new_video.public_id.to_string()),
            std::vector<std::string>{"budget en français"});
  EXPECT_EQ(texts(tenant_a_, "budget lang:fr"), std::vector<std::string>{"budget en français"});
  EXPECT_EQ(texts(tenant_a_, "budget from:10m"), std::vector<std::string>{"budget later"});
  EXPECT_EQ(texts(tenant_a_, "budget to:10m").size(), 2u);
  EXPECT_EQ(texts(tenant_a_, "budget sentiment:negative"), std::vector<std::string>{"budget later"});
  EXPECT_EQ(texts(tenant_a_, "budget entity:paris"), std::vector<std::string>{"budget later"});
  EXPECT_EQ(texts(tenant_a_, "keyword:money"), std::vector<std::string>{"budget later"});
  EXPECT_EQ(texts(tenant_a_, "budget after:2025"), std::vector<std::string>{"budget en français"});
  EXPECT_EQ(texts(tenant_a_, "budget before:2025").size(), 2u);
  EXPECT_EQ(texts(tenant_a_, "budget speaker:SPEAKER_00 speaker:SPEAKER_01").size(), 3u);
  EXPECT_TRUE(texts(tenant_a_, "budget topic:anything").empty());
}

TEST_P(SearchQueryTest, SnippetsMarkMatchesAndEscapeHtml) {
  auto video = create_video(tenant_a_, "Markup");
  std::string long_text;
  for (int i = 0; i < 80; ++i) long_text += "filler ";
  long_text += "the needle is here";
  for (int i = 0; i < 80; ++i) long_text += " filler";
  add_transcript(tenant_a_, video, {{"<b>Budgets</b> & taxes"}, {long_text}});
  sync();
  auto result = search(tenant_a_, "budget");
  ASSERT_TRUE(result.ok() && result->hits.size() == 1);
  EXPECT_EQ(result->hits[0].snippet_html, "&lt;b&gt;<mark>Budgets</mark>&lt;/b&gt; &amp; taxes");
  result = search(tenant_a_, "needle");
  ASSERT_TRUE(result.ok() && result->hits.size() == 1);
  const auto& snippet = result->hits[0].snippet_html;
  EXPECT_NE(snippet.find("<mark>needle</mark>"), std::string::npos);
  EXPECT_LE(snippet.size(), search::kSnippetBytesMax + 40);
  EXPECT_TRUE(snippet.starts_with("… "));
}

TEST_P(SearchQueryTest, GroupsByVideoAndPagesWithCursors) {
  for (int v = 0; v < 3; ++v) {
    auto video = create_video(tenant_a_, "Video " + std::to_string(v));
    std::vector<SegmentSpec> segments;
    for (int s = 0; s <= v * 4; ++s) segments.push_back({"vote number " + std::to_string(s)});
    add_transcript(tenant_a_, video, segments);
  }
  sync();
  app::SearchQuery query;
  query.q = "vote";
  query.group_by_video = true;
  query.hits_per_video = 2;
  auto grouped = service_->search(test_operator(), "acme", query);
  ASSERT_TRUE(grouped.ok()) << grouped.error().describe();
  ASSERT_EQ(grouped->groups.size(), 3u);
  std::map<std::string, std::int64_t> counts;
  for (const auto& group : grouped->groups) {
    EXPECT_LE(group.items.size(), 2u);
    counts[group.video_title] = group.hits;
  }
  EXPECT_EQ(counts["Video 0"], 1);
  EXPECT_EQ(counts["Video 1"], 5);
  EXPECT_EQ(counts["Video 2"], 9);
  EXPECT_EQ(grouped->total, 15);

  app::SearchQuery page;
  page.q = "vote";
  page.limit = 4;
  std::set<std::string> seen;
  int pages = 0;
  while (true) {
    auto result = service_->search(test_operator(), "acme", page);
    ASSERT_TRUE(result.ok()) << result.error().describe();
    for (const auto& hit : result->hits) {
      EXPECT_TRUE(seen.insert(hit.document.transcript_id.to_string() + std::to_string(hit.document.ordinal)).second);
    }
    ++pages;
    if (!result->next_offset) break;
    page.cursor = app::next_cursor(*result).value();
  }
  EXPECT_EQ(seen.size(), 15u);
  EXPECT_EQ(pages, 4);
  page.cursor = "garbage";
  auto bad = service_->search(test_operator(), "acme", page);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "cursor");
}

TEST_P(SearchQueryTest, TheNextPageResumesAfterTheLastHitShownWhenHitsAreAddedAboveIt) {
  // Twenty segments whose BM25 order is fixed by their length: "needle" and i filler words.
  std::vector<SegmentSpec> segments;
  for (int i = 0; i < 20; ++i) {
    std::string text = "needle";
    for (int w = 0; w < i; ++w) text += " filler";
    segments.push_back({text});
  }
  add_transcript(tenant_a_, create_video(tenant_a_, "Haystack"), segments);
  sync();
  app::SearchQuery query;
  query.q = "needle";
  query.limit = 5;
  auto first = service_->search(test_operator(), "acme", query);
  ASSERT_TRUE(first.ok()) << first.error().describe();
  ASSERT_EQ(first->hits.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(first->hits[static_cast<std::size_t>(i)].document.ordinal, i);
  const auto cursor = app::next_cursor(*first);
  ASSERT_TRUE(cursor.has_value());

  // Three better hits arrive before the reader asks for page two.
  add_transcript(tenant_a_, create_video(tenant_a_, "Newer"), {{"needle needle"}, {"needle needle"}, {"needle needle"}});
  sync();
  query.cursor = *cursor;
  auto second = service_->search(test_operator(), "acme", query);
  ASSERT_TRUE(second.ok()) << second.error().describe();
  ASSERT_EQ(second->hits.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(second->hits[static_cast<std::size_t>(i)].document.video_title, "Haystack");
    EXPECT_EQ(second->hits[static_cast<std::size_t>(i)].document.ordinal, 5 + i)
        << "page two continues after page one's last hit (an offset would repeat three hits)";
  }
  // The same by offset alone, as a contrast: page two would have started three hits too early.
  query.cursor = "o5";
  auto by_offset = service_->search(test_operator(), "acme", query);
  ASSERT_TRUE(by_offset.ok());
  EXPECT_EQ(by_offset->hits[0].document.ordinal, 2);

  for (const char* bad : {"k5", "k5.1.2", "k5.1.2.zz", "k5.1.2.7ff8000000000000", "k-1.1.2.0", "o5.1", "o"}) {
    query.cursor = bad;
    auto refused = service_->search(test_operator(), "acme", query);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.error().field, "cursor") << bad;
  }
}

TEST_P(SearchQueryTest, MalformedQueriesAndUnknownTenantsAreRefused) {
  auto bad = search(tenant_a_, "(budget");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "q");
  EXPECT_NE(bad.error().message.find("at character 8"), std::string::npos);
  app::SearchQuery query;
  query.q = "x";
  auto missing = service_->search(test_operator(), "nope", query);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
  // A tenant with nothing indexed yet answers with no hits.
  auto empty = search(tenant_b_, "anything");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->total, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, SearchQueryTest,
                         ::testing::Values(store::Backend::sqlite, store::Backend::postgres), backend_name);

}  // namespace
}  // namespace narralytica
