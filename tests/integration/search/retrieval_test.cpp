// Proves retrieval's passages (docs/retrieval.md): windows over a speaker turn with their overlap
// (pure), and on both backends through the index: a passage never crosses a speaker change, a hit
// widens to the window(s) holding it, the budget leaves out whole passages, ids are stable across
// calls and a reindex and change with a new revision, ties rank by a stable key, and nothing of
// another tenant is returned.
#include "app/edit_service.hpp"
#include "app/retrieval_service.hpp"
#include "app/tenant_work.hpp"
#include "integration/search/search_fixture.hpp"

namespace narralytica::testing {
namespace {

using search::TurnWindow;

std::vector<std::pair<int, int>> bounds(const std::vector<TurnWindow>& windows) {
  std::vector<std::pair<int, int>> out;
  for (const auto& w : windows) out.emplace_back(w.word_begin, w.word_end);
  return out;
}

TEST(PassageWindows, CutATurnWithOverlapFromItsFirstWord) {
  // Five segments of ten words; windows of 20 with 5 shared: a stride of 15.
  const std::vector<int> words(5, 10);
  const auto windows = search::turn_windows(words, 20, 5);
  EXPECT_EQ(bounds(windows), (std::vector<std::pair<int, int>>{{0, 20}, {15, 35}, {30, 50}}));
  EXPECT_EQ(windows[1].first_segment, 1u);
  EXPECT_EQ(windows[1].last_segment, 3u);
  // A segment wholly inside a window belongs to it alone; one no window holds whole, to each it touches.
  EXPECT_EQ(search::windows_holding(windows, words, 0), (std::vector<std::size_t>{0}));
  EXPECT_EQ(search::windows_holding(windows, words, 2), (std::vector<std::size_t>{1}));
  EXPECT_EQ(search::windows_holding(windows, words, 4), (std::vector<std::size_t>{2}));
  const std::vector<int> long_segment{3, 40, 3};
  const auto long_windows = search::turn_windows(long_segment, 20, 0);
  EXPECT_EQ(bounds(long_windows), (std::vector<std::pair<int, int>>{{0, 20}, {20, 40}, {40, 46}}));
  EXPECT_EQ(search::windows_holding(long_windows, long_segment, 1), (std::vector<std::size_t>{0, 1, 2}));
  // A short turn is one window; a turn without words too.
  EXPECT_EQ(bounds(search::turn_windows({4, 3}, 120, 20)), (std::vector<std::pair<int, int>>{{0, 7}}));
  EXPECT_EQ(search::turn_windows({0, 0}, 120, 20).size(), 1u);
}

TEST(PassageWindows, TokensAreEstimatedFromWordsAndCharacters) {
  EXPECT_EQ(search::estimate_tokens("one two three", 3), 4);         // 3 * 4/3
  EXPECT_EQ(search::estimate_tokens("internationalisation", 1), 5);  // 20 characters / 4
  EXPECT_EQ(search::estimate_tokens("東京都庁舎前", 1), 2);           // 6 code points / 4, rounded up
  EXPECT_EQ(search::estimate_tokens("", 0), 0);
}

TEST(PassageWindows, IdsHashEveryPartOfThePassagesIdentity) {
  const Uuid t = *Uuid::parse("01890a5d-ac96-774b-bcce-b302099a8057");
  const std::string id = search::passage_id(t, 1, 3, 5, 0, 20);
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(id, search::passage_id(t, 1, 3, 5, 0, 20));
  EXPECT_NE(id, search::passage_id(t, 2, 3, 5, 0, 20));
  EXPECT_NE(id, search::passage_id(t, 1, 3, 6, 0, 20));
  EXPECT_NE(id, search::passage_id(t, 1, 3, 5, 15, 20));
}

// Words w0, w1, ... numbered across the calls, so a passage's text says which words it holds.
std::string numbered_words(int first, int count) {
  std::string text;
  for (int i = first; i < first + count; ++i) text += (text.empty() ? "w" : " w") + std::to_string(i);
  return text;
}

class RetrievalTest : public SearchFixture {
 protected:
  void SetUp() override {
    SearchFixture::SetUp();
    if (!db_) return;
    retrieval_ = std::make_unique<app::RetrievalService>(*service_);
  }

  Result<search::RetrievalResult> retrieve(const store::Tenant& tenant, const std::string& query,
                                           search::PassageOptions options = {}) {
    app::RetrievalQuery q;
    q.query = query;
    q.passages = options;
    return app::in_tenant(db_->app(), test_operator(), tenant.slug, app::kReadTranscripts, store::TxMode::read,
                          [&](store::Transaction&, const store::TenantScope& scope) {
                            return retrieval_->retrieve_in(scope, q);
                          });
  }

  std::vector<search::Passage> passages(const store::Tenant& tenant, const std::string& query,
                                        search::PassageOptions options = {}) {
    auto result = retrieve(tenant, query, options);
    EXPECT_TRUE(result.ok()) << query << ": " << result.error().describe();
    return result.ok() ? result->passages.passages : std::vector<search::Passage>{};
  }

  std::unique_ptr<app::RetrievalService> retrieval_;
};

TEST_P(RetrievalTest, APassageNeverCrossesASpeakerChange) {
  auto video = create_video(tenant_a_, "Hearing");
  add_transcript(tenant_a_, video, {{"alpha opens the hearing", "Ada"},
                                    {"alpha continues about the budget", "Ada"},
                                    {"bravo interrupts about flood defences", "Bob"},
                                    {"alpha answers bravo", "Ada"}});
  sync();
  auto flood = passages(tenant_a_, "flood");
  ASSERT_EQ(flood.size(), 1u);
  EXPECT_EQ(flood[0].text, "bravo interrupts about flood defences");
  EXPECT_EQ(flood[0].first_ordinal, 2);
  EXPECT_EQ(flood[0].last_ordinal, 2);
  EXPECT_EQ(flood[0].first.speaker_label, "Bob");
  EXPECT_EQ(flood[0].start_ms, 20'000);
  EXPECT_EQ(flood[0].end_ms, 29'000);

  // A hit in Ada's first turn widens to that turn (both her segments), not past Bob's.
  auto budget = passages(tenant_a_, "budget");
  ASSERT_EQ(budget.size(), 1u);
  EXPECT_EQ(budget[0].text, "alpha opens the hearing alpha continues about the budget");
  EXPECT_EQ(budget[0].first_ordinal, 0);
  EXPECT_EQ(budget[0].last_ordinal, 1);
  EXPECT_EQ(budget[0].start_ms, 0);
  EXPECT_EQ(budget[0].end_ms, 19'000);
  EXPECT_EQ(budget[0].first.video_title, "Hearing");
  // "alpha" is in both of Ada's turns: two passages, one per turn, and Bob's is not among them.
  auto alpha = passages(tenant_a_, "alpha");
  ASSERT_EQ(alpha.size(), 2u);
  for (const auto& p : alpha) EXPECT_EQ(p.first.speaker_label, "Ada");
  EXPECT_EQ(alpha[0].hits + alpha[1].hits, 3);
}

TEST_P(RetrievalTest, WindowsOverlapAndAHitWidensToTheWindowHoldingIt) {
  auto video = create_video(tenant_a_, "Lecture");
  std::vector<SegmentSpec> segments;
  for (int s = 0; s < 5; ++s) segments.push_back({numbered_words(10 * s, 10), "Ada"});
  add_transcript(tenant_a_, video, segments);
  sync();
  search::PassageOptions options;
  options.passage_words = 20;
  options.overlap_words = 5;
  auto one = passages(tenant_a_, "w23", options);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].text, numbered_words(15, 20));
  EXPECT_EQ(one[0].first_ordinal, 1);
  EXPECT_EQ(one[0].last_ordinal, 3);
  EXPECT_EQ(one[0].start_ms, 10'000);
  EXPECT_EQ(one[0].end_ms, 39'000);

  auto all = passages(tenant_a_, "w1 OR w11 OR w21 OR w31 OR w41", options);
  ASSERT_EQ(all.size(), 3u);
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.word_begin < b.word_begin; });
  EXPECT_EQ(all[0].text, numbered_words(0, 20));
  EXPECT_EQ(all[1].text, numbered_words(15, 20));
  EXPECT_EQ(all[2].text, numbered_words(30, 20));
  EXPECT_EQ(all[0].hits + all[1].hits + all[2].hits, 5);

  // The budget keeps whole passages, best first, and says when it left some out.
  options.budget = {search::BudgetUnit::words, 45};
  auto budgeted = retrieve(tenant_a_, "w1 OR w11 OR w21 OR w31 OR w41", options);
  ASSERT_TRUE(budgeted.ok());
  EXPECT_EQ(budgeted->passages.passages.size(), 2u);
  EXPECT_EQ(budgeted->passages.words, 40);
  EXPECT_TRUE(budgeted->passages.truncated);
  options.budget = {search::BudgetUnit::words, 60};
  budgeted = retrieve(tenant_a_, "w1 OR w11 OR w21 OR w31 OR w41", options);
  ASSERT_TRUE(budgeted.ok());
  EXPECT_EQ(budgeted->passages.passages.size(), 3u);
  EXPECT_FALSE(budgeted->passages.truncated);
  options.budget = {search::BudgetUnit::tokens, budgeted->passages.passages[0].tokens};
  budgeted = retrieve(tenant_a_, "w1 OR w11 OR w21 OR w31 OR w41", options);
  ASSERT_TRUE(budgeted.ok());
  EXPECT_EQ(budgeted->passages.passages.size(), 1u);
  options.budget = {search::BudgetUnit::tokens, budgeted->passages.passages[0].tokens - 1};
  budgeted = retrieve(tenant_a_, "w1 OR w11 OR w21 OR w31 OR w41", options);
  ASSERT_TRUE(budgeted.ok());
  EXPECT_TRUE(budgeted->passages.passages.empty());
  EXPECT_TRUE(budgeted->passages.truncated);
}

TEST_P(RetrievalTest, IdsAreStableUntilANewRevision) {
  auto video = create_video(tenant_a_, "Hearing");
  auto transcript = add_transcript(tenant_a_, video, {{"the flood defences failed", "Ada"},
                                                      {"flood barriers were late", "Ada"},
                                                      {"we need a new budget", "Bob"}});
  sync();
  auto ids = [&] {
    std::vector<std::string> out;
    for (const auto& p : passages(tenant_a_, "flood OR budget")) out.push_back(p.id);
    return out;
  };
  const auto first = ids();
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(ids(), first);
  ASSERT_TRUE(service_->reindex(test_operator(), tenant_a_.slug, 1).ok());
  EXPECT_EQ(ids(), first) << "a rebuilt index gives the same passages the same ids";

  app::EditRequest request;
  auto operations = app::parse_edit(R"({"operations":[{"op":"set_text","segment":2,"text":"we need a flood budget"}]})");
  ASSERT_TRUE(operations.ok()) << operations.error().describe();
  request.operations = *operations;
  request.expected_revision = transcript.revision;
  auto edited = app::EditService::edit(db_->app(), test_operator(), tenant_a_.slug, transcript.public_id, request);
  ASSERT_TRUE(edited.ok()) << edited.error().describe();
  sync();
  auto after = passages(tenant_a_, "flood OR budget");
  ASSERT_EQ(after.size(), 2u);
  for (const auto& p : after) {
    EXPECT_EQ(p.first.revision, 2);
    EXPECT_EQ(p.first.transcript_id, edited->transcript.public_id);
    EXPECT_EQ(std::find(first.begin(), first.end(), p.id), first.end()) << "a new revision's passage has a new id";
  }
}

TEST_P(RetrievalTest, TiesRankByTranscriptAndOrdinalAndAnotherTenantSeesNothing) {
  // Four transcripts with the same text: every hit scores the same.
  for (int i = 0; i < 4; ++i) {
    auto video = create_video(tenant_a_, "Same " + std::to_string(i));
    add_transcript(tenant_a_, video, {{"identical words here", "Ada"}, {"something else", "Bob"}});
  }
  auto other = create_video(tenant_b_, "Globex");
  add_transcript(tenant_b_, other, {{"identical words here", "Eve"}});
  sync();
  auto ranked = passages(tenant_a_, "identical");
  ASSERT_EQ(ranked.size(), 4u);
  for (std::size_t i = 1; i < ranked.size(); ++i) {
    EXPECT_EQ(ranked[i].score, ranked[0].score);
    EXPECT_LT(ranked[i - 1].first.transcript_id, ranked[i].first.transcript_id);
  }
  for (int round = 0; round < 3; ++round) {
    auto again = passages(tenant_a_, "identical");
    ASSERT_EQ(again.size(), ranked.size());
    for (std::size_t i = 0; i < again.size(); ++i) EXPECT_EQ(again[i].id, ranked[i].id);
  }
  search::PassageOptions two;
  two.k = 2;
  auto top = passages(tenant_a_, "identical", two);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].id, ranked[0].id);
  EXPECT_EQ(top[1].id, ranked[1].id);

  auto theirs = passages(tenant_b_, "identical");
  ASSERT_EQ(theirs.size(), 1u);
  EXPECT_EQ(theirs[0].first.video_title, "Globex");
}

TEST_P(RetrievalTest, AMalformedQueryNamesTheQueryMember) {
  auto result = retrieve(tenant_a_, "flood (defences");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(result.error().field, "query");
  EXPECT_NE(result.error().message.find("at character 16"), std::string::npos) << result.error().message;
}

INSTANTIATE_TEST_SUITE_P(Backends, RetrievalTest, ::testing::Values(store::Backend::sqlite, store::Backend::postgres),
                         backend_name);

}  // namespace
}  // namespace narralytica::testing
