// Proves the narrative timeline on both backends: matches counted per published-date bucket (day,
// week from Monday, month, year), undated videos counted apart, per person and per speaker
// series, the first mention, the peak, each bucket's best moments, and nothing of another tenant.
#include <xapian.h>

#include <chrono>
#include <filesystem>
#include <tuple>

#include "integration/search/search_fixture.hpp"
#include "search/detail/index_schema.hpp"
#include "search/detail/timeline_spy.hpp"
#include "store/media/people_repository.hpp"

namespace narralytica::testing {
namespace {

using search::TimelineBucketSize;
using search::TimelineSeries;

UnixMicros day_of(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return static_cast<UnixMicros>(sys_days{year{y} / month{m} / day{d}}.time_since_epoch().count()) * 86'400'000'000LL;
}

TEST(TimelineBuckets, StartOnTheirFirstDayInUtc) {
  const UnixMicros thursday_noon = day_of(2025, 3, 20) + 12LL * 3'600'000'000LL;
  EXPECT_EQ(search::detail::bucket_start(thursday_noon, TimelineBucketSize::day), day_of(2025, 3, 20));
  EXPECT_EQ(search::detail::bucket_start(thursday_noon, TimelineBucketSize::week), day_of(2025, 3, 17));  // Monday
  EXPECT_EQ(search::detail::bucket_start(day_of(2025, 3, 17), TimelineBucketSize::week), day_of(2025, 3, 17));
  EXPECT_EQ(search::detail::bucket_start(day_of(2025, 3, 16), TimelineBucketSize::week), day_of(2025, 3, 10));
  EXPECT_EQ(search::detail::bucket_start(thursday_noon, TimelineBucketSize::month), day_of(2025, 3, 1));
  EXPECT_EQ(search::detail::bucket_start(thursday_noon, TimelineBucketSize::year), day_of(2025, 1, 1));
  // Before 1970 too (archives reach back): 1969-12-31 was a Wednesday.
  EXPECT_EQ(search::detail::bucket_start(day_of(1969, 12, 31) + 1, TimelineBucketSize::week), day_of(1969, 12, 29));
  EXPECT_EQ(search::detail::bucket_start(day_of(1969, 12, 31) + 1, TimelineBucketSize::month), day_of(1969, 12, 1));
}

class TimelineTest : public SearchFixture {
 protected:
  void SetUp() override {
    SearchFixture::SetUp();
    if (!db_) return;
    auto january = create_video(tenant_a_, "January council", day_of(2025, 1, 15));
    add_transcript(tenant_a_, january, {{"the flood defences are failing", "Ada"},
                                        {"we need flood defences now", "Bob"},
                                        {"the budget is late", "Ada"}});
    auto early_march = create_video(tenant_a_, "Early March council", day_of(2025, 3, 3));
    add_transcript(tenant_a_, early_march, {{"flood defences again", "Ada"}, {"it rained", "Bob"}});
    auto late_march = create_video(tenant_a_, "Late March council", day_of(2025, 3, 20));
    add_transcript(tenant_a_, late_march, {{"what do flood defences cost", "Bob"}});
    auto undated = create_video(tenant_a_, "Undated interview");
    add_transcript(tenant_a_, undated, {{"flood defences, undated", "Ada"}});
    auto other = create_video(tenant_b_, "Globex", day_of(2025, 2, 1));
    add_transcript(tenant_b_, other, {{"flood defences flood defences", "Ada"}});
    // Ada of January and of early March are one person; the undated Ada is not linked.
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    ASSERT_TRUE(tx.ok());
    auto scope = operator_scope(*tx, tenant_a_);
    auto ada = store::PeopleRepository::create(*tx, scope, store::PersonDraft{"Ada Lovelace", "{}", std::nullopt});
    ASSERT_TRUE(ada.ok()) << ada.error().describe();
    for (const auto& video : {january, early_march}) {
      auto speakers = store::TranscriptRepository::speakers(*tx, scope, video);
      ASSERT_TRUE(speakers.ok());
      for (const auto& s : *speakers) {
        if (s.label == "Ada") {
          ASSERT_TRUE(store::PeopleRepository::link(*tx, scope, ada->public_id, s.public_id).ok());
        }
      }
    }
    ASSERT_TRUE(tx->commit().ok());
    sync();
  }

  search::TimelineResult timeline(const std::string& q, TimelineBucketSize bucket, TimelineSeries by, int top = 3) {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::read);
    EXPECT_TRUE(tx.ok());
    app::TimelineQuery query{q, bucket, by, top};
    auto result = service_->timeline_in(operator_scope(*tx, tenant_a_), query);
    EXPECT_TRUE(result.ok()) << result.error().describe();
    return result.ok() ? *result : search::TimelineResult{};
  }
};

TEST_P(TimelineTest, CountsAPhraseByMonthAndPerson) {
  if (!db_) return;
  const auto result = timeline("\"flood defences\"", TimelineBucketSize::month, TimelineSeries::person);
  EXPECT_EQ(result.total, 5);  // four dated, one undated; none of the other tenant's two
  EXPECT_EQ(result.undated, 1);
  ASSERT_EQ(result.buckets.size(), 2u);
  EXPECT_EQ(result.buckets[0].start, day_of(2025, 1, 1));
  EXPECT_EQ(result.buckets[0].count, 2);
  EXPECT_EQ(result.buckets[1].start, day_of(2025, 3, 1));
  EXPECT_EQ(result.buckets[1].count, 2);
  ASSERT_TRUE(result.peak.has_value());
  EXPECT_EQ(*result.peak, day_of(2025, 1, 1));  // a tie goes to the earlier bucket
  ASSERT_TRUE(result.first_mention.has_value());
  EXPECT_EQ(result.first_mention->document.text, "the flood defences are failing");
  // Ada Lovelace (linked) said it twice; the rest (Bob twice, the unlinked Ada once) have no person.
  ASSERT_EQ(result.series.size(), 2u);
  EXPECT_EQ(result.series[0].key, "");
  EXPECT_EQ(result.series[0].count, 3);
  EXPECT_EQ(result.series[1].label, "Ada Lovelace");
  EXPECT_EQ(result.series[1].count, 2);
  ASSERT_EQ(result.buckets[1].series.size(), 2u);  // March: Ada Lovelace 1, Bob (no person) 1
  for (const auto& bucket : result.buckets) {
    ASSERT_FALSE(bucket.top.empty());
    EXPECT_NE(bucket.top.front().snippet_html.find("<mark>"), std::string::npos);
    for (std::size_t i = 1; i < bucket.top.size(); ++i) EXPECT_GE(bucket.top[i - 1].score, bucket.top[i].score);
  }
}

TEST_P(TimelineTest, OtherBucketsSeriesAndFilters) {
  if (!db_) return;
  const auto by_year = timeline("\"flood defences\"", TimelineBucketSize::year, TimelineSeries::none, 1);
  ASSERT_EQ(by_year.buckets.size(), 1u);
  EXPECT_EQ(by_year.buckets[0].count, 4);
  EXPECT_EQ(by_year.buckets[0].top.size(), 1u);
  EXPECT_TRUE(by_year.series.empty());

  const auto by_week = timeline("\"flood defences\"", TimelineBucketSize::week, TimelineSeries::none);
  ASSERT_EQ(by_week.buckets.size(), 3u);
  EXPECT_EQ(by_week.buckets[1].start, day_of(2025, 3, 3));
  EXPECT_EQ(by_week.buckets[2].start, day_of(2025, 3, 17));

  const auto bob = timeline("flood speaker:Bob", TimelineBucketSize::month, TimelineSeries::speaker, 0);
  EXPECT_EQ(bob.total, 2);
  ASSERT_EQ(bob.series.size(), 2u);  // two videos' Bob speakers, one match each
  EXPECT_EQ(bob.series[0].label, "Bob");
  EXPECT_TRUE(bob.buckets[0].top.empty());

  const auto nothing = timeline("zeppelin", TimelineBucketSize::month, TimelineSeries::none);
  EXPECT_EQ(nothing.total, 0);
  EXPECT_TRUE(nothing.buckets.empty());
  EXPECT_FALSE(nothing.peak.has_value());

  auto tx = store::Transaction::begin(db_->app(), store::TxMode::read);
  ASSERT_TRUE(tx.ok());
  auto malformed = service_->timeline_in(operator_scope(*tx, tenant_a_),
                                         app::TimelineQuery{"\"unclosed", TimelineBucketSize::month,
                                                            TimelineSeries::none, 3});
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().field, "q");
  auto bad_top = service_->timeline_in(operator_scope(*tx, tenant_a_),
                                       app::TimelineQuery{"flood", TimelineBucketSize::month, TimelineSeries::none, 11});
  ASSERT_FALSE(bad_top.ok());
  EXPECT_EQ(bad_top.error().field, "top");
}

// An index written before the speaker and person value slots existed (the documents' data holds
// both) counts the same series: strip the slots from every document of every index and compare.
TEST_P(TimelineTest, AnIndexWithoutTheSeriesSlotsCountsTheSameFromTheData) {
  if (!db_) return;
  const auto by_person = timeline("\"flood defences\"", TimelineBucketSize::month, TimelineSeries::person);
  const auto by_speaker = timeline("flood", TimelineBucketSize::month, TimelineSeries::speaker);
  int stripped = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(data_dir_.path())) {
    if (entry.path().filename() != "iamglass") continue;
    Xapian::WritableDatabase index(entry.path().parent_path().string(), Xapian::DB_OPEN);
    for (auto it = index.postlist_begin(""); it != index.postlist_end(""); ++it) {
      Xapian::Document document = index.get_document(*it);
      ASSERT_FALSE(document.get_value(search::detail::kPersonSlot).empty());
      document.remove_value(search::detail::kSpeakerSlot);
      document.remove_value(search::detail::kPersonSlot);
      index.replace_document(*it, document);
      ++stripped;
    }
    index.commit();
  }
  ASSERT_GT(stripped, 0);
  const auto person_again = timeline("\"flood defences\"", TimelineBucketSize::month, TimelineSeries::person);
  const auto speaker_again = timeline("flood", TimelineBucketSize::month, TimelineSeries::speaker);
  auto series_of = [](const search::TimelineResult& r) {
    std::vector<std::tuple<std::string, std::string, std::int64_t>> out;
    for (const auto& s : r.series) out.emplace_back(s.key, s.label, s.count);
    for (const auto& b : r.buckets) {
      for (const auto& s : b.series) out.emplace_back(s.key, s.label, s.count);
    }
    return out;
  };
  EXPECT_EQ(series_of(person_again), series_of(by_person));
  EXPECT_EQ(series_of(speaker_again), series_of(by_speaker));
  EXPECT_EQ(person_again.series.size(), 2u);
  EXPECT_EQ(speaker_again.series.size(), by_speaker.series.size());
}

INSTANTIATE_TEST_SUITE_P(Backends, TimelineTest, ::testing::Values(store::Backend::sqlite, store::Backend::postgres),
                         backend_name);

}  // namespace
}  // namespace narralytica::testing
