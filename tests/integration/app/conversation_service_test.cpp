// Proves conversation analytics over stored transcripts on both backends: the measures read from
// the database are the hand-computed ones of docs/analytics.md (one transcript timed by segments,
// one by words, every measure checked); a speaker scope is that speaker's row; the projection
// (rebuilt, or fed by the event feed) gives a person exactly the sum of their rows in each video;
// a collection, a tag and a range of published dates narrow the tenant scope to the right
// videos; a new revision replaces the measured transcript through the feed; and bad parameters
// are refused naming the parameter.
#include <gtest/gtest.h>

#include "app/conversation_service.hpp"
#include "app/collection_service.hpp"
#include "app/transcript_service.hpp"
#include "integration/store/fixtures.hpp"
#include "app/people_service.hpp"
#include "store/ops/event_feed.hpp"

namespace narralytica {
namespace {

using analytics::SpeakerMeasures;
using app::ConversationQuery;
using app::ConversationReport;
using app::ConversationService;
using store::Backend;
using namespace narralytica::testing;

constexpr UnixMicros kDay = 86'400'000'000LL;
constexpr UnixMicros k2025 = 1'735'689'600'000'000LL;  // 2025-01-01T00:00:00Z

store::SegmentDraft segment(const char* speaker, std::int64_t start, std::int64_t end, const char* text,
                            const std::vector<formats::Word>& words = {}) {
  store::SegmentDraft s;
  s.speaker_label = speaker;
  s.start_ms = start;
  s.end_ms = end;
  s.text = text;
  if (!words.empty()) s.words_json = app::encode_words(words);
  return s;
}

formats::Word word(const char* text, std::int64_t start, std::int64_t end) {
  formats::Word w;
  w.text = text;
  w.start_ms = start;
  w.end_ms = end;
  return w;
}

// docs/analytics.md, example 1 (segment times).
store::TranscriptDraft council_meeting() {
  store::TranscriptDraft d;
  d.language = "en";
  d.segments = {segment("A", 0, 10'000, "Hello everyone. Shall we start?"),
                segment("B", 9'000, 15'000, "Yes, let's begin."),
                segment("B", 15'500, 20'000, "The budget is late. Why? Nobody knows!"),
                segment("A", 21'000, 30'000, "I see."),
                segment("B", 25'000, 26'000, "Right."),
                segment("A", 30'100, 40'000, "Let us continue with the plan?")};
  return d;
}

// docs/analytics.md, example 2 (word times, one segment without a speaker).
store::TranscriptDraft newsroom() {
  store::TranscriptDraft d;
  d.language = "en";
  d.segments = {segment("A", 0, 5'000, "one two three", {word("one", 0, 400), word("two", 500, 900), word("three", 3'000, 3'500)}),
                segment("B", 3'200, 6'000, "four five?", {word("four", 3'200, 3'600), word("five?", 4'000, 6'000)}),
                segment("", 7'000, 8'000, "six", {word("six", 7'000, 7'500)}),
                segment("A", 8'000, 9'000, "seven", {word("seven", 8'100, 8'600)})};
  return d;
}

struct Expected {
  std::int64_t talk_ms, words, turns, turn_ms, longest_turn_ms, interruptions, interrupted, overlaps, overlap_ms,
      questions;
  std::vector<std::int32_t> offsets;
};

void expect_measures(const SpeakerMeasures& m, const Expected& e) {
  EXPECT_EQ(m.talk_ms, e.talk_ms);
  EXPECT_EQ(m.words, e.words);
  EXPECT_EQ(m.turns, e.turns);
  EXPECT_EQ(m.turn_ms, e.turn_ms);
  EXPECT_EQ(m.longest_turn_ms, e.longest_turn_ms);
  EXPECT_EQ(m.interruptions, e.interruptions);
  EXPECT_EQ(m.interrupted, e.interrupted);
  EXPECT_EQ(m.overlaps, e.overlaps);
  EXPECT_EQ(m.overlap_ms, e.overlap_ms);
  EXPECT_EQ(m.questions, e.questions);
  EXPECT_EQ(m.offsets_ms, e.offsets);
}

void expect_same(const SpeakerMeasures& a, const SpeakerMeasures& b) {
  expect_measures(a, Expected{b.talk_ms, b.words, b.turns, b.turn_ms, b.longest_turn_ms, b.interruptions,
                              b.interrupted, b.overlaps, b.overlap_ms, b.questions, b.offsets_ms});
}

const app::ConversationRow* row_named(const ConversationReport& r, const std::string& name) {
  for (const auto& row : r.speakers) {
    if (row.who.name == name) return &row;
  }
  return nullptr;
}

class ConversationServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = make_test_database(GetParam());
    if (!db_) return;
    tenant_ = create_tenant(db_->app(), "acme");
    v1_ = add_video("council", k2025 + 59 * kDay, council_meeting());   // 2025-03-01
    v2_ = add_video("newsroom", k2025 + 151 * kDay, newsroom());        // 2025-06-01
    v3_ = add_video("last year", k2025 - 214 * kDay, council_meeting()); // 2024-06-01
  }

  Uuid add_video(const std::string& title, UnixMicros published, const store::TranscriptDraft& draft) {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    auto scope = operator_scope(*tx, tenant_);
    store::VideoDraft v;
    v.title = title;
    v.language = "en";
    v.published_at = published;
    auto video = store::VideoRepository::create(*tx, scope, v);
    EXPECT_TRUE(video.ok());
    auto written = store::TranscriptRepository::create(*tx, scope, *video, draft);
    EXPECT_TRUE(written.ok()) << written.error().describe();
    EXPECT_TRUE(tx->commit().ok());
    return video->public_id;
  }

  template <class Work>
  auto in_tenant(store::TxMode mode, Work work) {
    auto tx = store::Transaction::begin(db_->app(), mode);
    EXPECT_TRUE(tx.ok());
    auto scope = operator_scope(*tx, tenant_);
    auto result = work(*tx, scope);
    if (mode == store::TxMode::write && result.ok()) {
      EXPECT_TRUE(tx->commit().ok());
    }
    return result;
  }

  Result<ConversationReport> report(const ConversationQuery& q) {
    return in_tenant(store::TxMode::read, [&](store::Transaction& tx, const store::TenantScope& scope) {
      return ConversationService::conversation_in(tx, scope, q);
    });
  }

  ConversationReport video_report(const Uuid& video) {
    ConversationQuery q;
    q.video = video;
    auto r = report(q);
    EXPECT_TRUE(r.ok()) << r.error().describe();
    return r.ok() ? *r : ConversationReport{};
  }

  // Links speaker `label` of `video` to the person labelled `person`; returns the person's id.
  Uuid link(const Uuid& video, const std::string& label, const std::string& person) {
    auto linked = in_tenant(store::TxMode::write, [&](store::Transaction& tx, const store::TenantScope& scope)
                                                      -> Result<store::Speaker> {
      ASSIGN_OR_RETURN(auto v, store::VideoRepository::get(tx, scope, video));
      ASSIGN_OR_RETURN(auto speakers, store::TranscriptRepository::speakers(tx, scope, v));
      for (const auto& s : speakers) {
        if (s.label == label) return app::PeopleService::link(tx, scope, s.public_id, person);
      }
      return make_error(ErrorCode::not_found, "no speaker " + label);
    });
    EXPECT_TRUE(linked.ok()) << linked.error().describe();
    return *linked->person_public_id;
  }

  void rebuild() {
    auto rebuilt = in_tenant(store::TxMode::write, [](store::Transaction& tx, const store::TenantScope& scope) {
      return ConversationService::rebuild_in(tx, scope);
    });
    ASSERT_TRUE(rebuilt.ok()) << rebuilt.error().describe();
    EXPECT_EQ(rebuilt->videos, 3);
    EXPECT_EQ(rebuilt->transcripts, 3);
  }

  std::unique_ptr<TestDatabase> db_;
  store::Tenant tenant_;
  Uuid v1_, v2_, v3_;
};

TEST_P(ConversationServiceTest, SegmentTimedVideoMatchesTheWorkedExample) {
  if (!db_) GTEST_SKIP();
  const auto r = video_report(v1_);
  EXPECT_EQ(r.scope, "video");
  EXPECT_EQ(r.timing, "segments");
  ASSERT_TRUE(r.transcript);
  EXPECT_EQ(r.totals.span_ms, 40'000);
  EXPECT_EQ(r.totals.speech_ms, 38'400);
  EXPECT_EQ(r.totals.silence_ms(), 1'600);
  EXPECT_EQ(r.totals.overlap_ms, 2'000);
  EXPECT_EQ(r.totals.turns, 5);
  EXPECT_EQ(r.totals.speaker_changes, 4);
  EXPECT_EQ(analytics::median(r.totals.offsets_ms), 0.0);
  ASSERT_EQ(r.speakers.size(), 2u);
  EXPECT_EQ(r.speakers[0].who.label, "A");  // the longest talker first
  EXPECT_EQ(r.speakers[0].talk_total_ms, 40'400);
  expect_measures(r.speakers[0].measures, {28'900, 13, 3, 28'900, 10'000, 0, 1, 0, 2'000, 2, {1'000, 4'100}});
  expect_measures(r.speakers[1].measures, {11'500, 11, 2, 12'000, 11'000, 1, 0, 1, 2'000, 1, {-1'000, -5'000}});
  ASSERT_EQ(r.pairs.size(), 2u);
  EXPECT_EQ(r.pairs[0].from.label, "A");
  EXPECT_EQ(r.pairs[0].offsets_ms, (std::vector<std::int32_t>{-1'000, -5'000}));
  EXPECT_EQ(r.pairs[1].offsets_ms, (std::vector<std::int32_t>{1'000, 4'100}));
}

TEST_P(ConversationServiceTest, WordTimedVideoMatchesTheWorkedExample) {
  if (!db_) GTEST_SKIP();
  const auto r = video_report(v2_);
  EXPECT_EQ(r.timing, "words");
  EXPECT_EQ(r.totals.span_ms, 8'600);
  EXPECT_EQ(r.totals.speech_ms, 4'400);
  EXPECT_EQ(r.totals.overlap_ms, 300);
  EXPECT_EQ(r.totals.turns, 4);
  EXPECT_EQ(r.totals.offsets_ms, (std::vector<std::int32_t>{-300, 1'000, 600}));
  ASSERT_EQ(r.speakers.size(), 3u);
  const auto* a = row_named(r, "A");
  const auto* b = row_named(r, "B");
  const auto* nobody = row_named(r, "(no speaker)");
  ASSERT_TRUE(a && b && nobody);
  expect_measures(a->measures, {1'800, 4, 2, 4'000, 3'500, 0, 1, 0, 300, 0, {600}});
  expect_measures(b->measures, {2'400, 2, 1, 2'800, 2'800, 1, 0, 0, 300, 1, {-300}});
  expect_measures(nobody->measures, {500, 1, 1, 500, 500, 0, 0, 0, 0, 0, {1'000}});
  EXPECT_EQ(nobody->who.kind, app::ConversationParty::Kind::unattributed);
}

TEST_P(ConversationServiceTest, TranscriptAndSpeakerScopesAndThresholds) {
  if (!db_) GTEST_SKIP();
  const auto video = video_report(v1_);
  ConversationQuery q;
  q.transcript = video.transcript->public_id;
  auto by_transcript = report(q);
  ASSERT_TRUE(by_transcript.ok());
  EXPECT_EQ(by_transcript->scope, "transcript");
  expect_same(by_transcript->speakers[0].measures, video.speakers[0].measures);

  ConversationQuery s;
  s.speaker = *video.speakers[1].who.id;  // B
  auto by_speaker = report(s);
  ASSERT_TRUE(by_speaker.ok()) << by_speaker.error().describe();
  ASSERT_EQ(by_speaker->speakers.size(), 1u);
  expect_same(by_speaker->speakers[0].measures, video.speakers[1].measures);
  EXPECT_EQ(by_speaker->pairs.size(), 2u);  // both pairs involve B

  // A wider window does not make B's "Right." an interruption: B stops before A does.
  s.yield_window_ms = 10'000;
  auto wide = report(s);
  ASSERT_TRUE(wide.ok());
  EXPECT_EQ(wide->speakers[0].measures.interruptions, 1);
  EXPECT_EQ(wide->speakers[0].measures.overlaps, 1);
  EXPECT_EQ(wide->options.yield_window_ms, 10'000);
  s.overlap_threshold_ms = 1'000;  // both of B's overlaps are exactly 1 s: no longer counted
  auto strict = report(s);
  ASSERT_TRUE(strict.ok());
  EXPECT_EQ(strict->speakers[0].measures.interruptions + strict->speakers[0].measures.overlaps, 0);
}

TEST_P(ConversationServiceTest, PersonAcrossVideosIsTheSumOfTheirVideos) {
  if (!db_) GTEST_SKIP();
  const Uuid ada = link(v1_, "A", "Ada");
  link(v2_, "A", "Ada");
  link(v3_, "B", "Ada");
  link(v1_, "B", "Bob");
  rebuild();
  ConversationQuery q;
  q.person = ada;
  auto r = report(q);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->scope, "person");
  EXPECT_EQ(r->totals.transcripts, 3);
  ASSERT_EQ(r->speakers.size(), 1u);
  EXPECT_EQ(r->speakers[0].who.name, "Ada");
  ASSERT_EQ(r->videos.size(), 3u);

  // The sum over the person's videos, each read live from its own video's report.
  SpeakerMeasures sum;
  std::int64_t talk_total = 0;
  for (const auto& [video, label] : {std::pair{v1_, "A"}, std::pair{v2_, "A"}, std::pair{v3_, "B"}}) {
    const auto live = video_report(video);
    const app::ConversationRow* row = nullptr;
    for (const auto& candidate : live.speakers) {
      if (candidate.who.label == label) row = &candidate;
    }
    ASSERT_TRUE(row);
    sum.add(row->measures);
    talk_total += live.totals.everyone.talk_ms;
    bool matched = false;
    for (const auto& per_video : r->videos) {
      if (per_video.video_id == video) {
        expect_same(per_video.measures, row->measures);
        EXPECT_EQ(per_video.talk_total_ms, live.totals.everyone.talk_ms);
        matched = true;
      }
    }
    EXPECT_TRUE(matched);
  }
  auto person_offsets = r->speakers[0].measures.offsets_ms;
  std::sort(person_offsets.begin(), person_offsets.end());
  std::sort(sum.offsets_ms.begin(), sum.offsets_ms.end());
  r->speakers[0].measures.offsets_ms = person_offsets;
  expect_same(r->speakers[0].measures, sum);
  EXPECT_EQ(r->speakers[0].talk_total_ms, talk_total);
}

TEST_P(ConversationServiceTest, CollectionTagAndDatesNarrowTheTenant) {
  if (!db_) GTEST_SKIP();
  rebuild();
  auto made = in_tenant(store::TxMode::write, [&](store::Transaction& tx, const store::TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(auto c, app::CollectionService::create_in(tx, scope, "council", ""));
    ASSIGN_OR_RETURN(auto added, app::CollectionService::add_videos_in(tx, scope, "council", {v1_, v3_}));
    EXPECT_EQ(added, 2);
    ASSIGN_OR_RETURN(auto tagged, app::CollectionService::tag_in(tx, scope, v2_, "News"));
    EXPECT_TRUE(tagged.changed);
    return ok_status();
  });
  ASSERT_TRUE(made.ok()) << made.error().describe();

  auto whole = report({});
  ASSERT_TRUE(whole.ok()) << whole.error().describe();
  EXPECT_EQ(whole->scope, "tenant");
  EXPECT_EQ(whole->totals.transcripts, 3);
  EXPECT_EQ(whole->timing, "mixed");
  EXPECT_EQ(whole->totals.span_ms, 40'000 + 8'600 + 40'000);
  EXPECT_EQ(whole->speakers.size(), 2u);  // speakers not linked to a person; segments without a speaker

  ConversationQuery in_2025_council;
  in_2025_council.collection = "council";
  in_2025_council.published_after = k2025;
  in_2025_council.published_before = k2025 + 365 * kDay;
  auto narrowed = report(in_2025_council);
  ASSERT_TRUE(narrowed.ok()) << narrowed.error().describe();
  const auto v1 = video_report(v1_);
  EXPECT_EQ(narrowed->totals.transcripts, 1);  // v3 is from 2024, v2 not in the collection
  EXPECT_EQ(narrowed->totals.span_ms, v1.totals.span_ms);
  EXPECT_EQ(narrowed->totals.speech_ms, v1.totals.speech_ms);
  EXPECT_EQ(narrowed->totals.offsets_ms, v1.totals.offsets_ms);
  expect_same(narrowed->totals.everyone, v1.totals.everyone);

  ConversationQuery tagged;
  tagged.tag = "  NEWS ";
  auto by_tag = report(tagged);
  ASSERT_TRUE(by_tag.ok());
  EXPECT_EQ(by_tag->totals.transcripts, 1);
  EXPECT_EQ(by_tag->totals.span_ms, 8'600);

  ConversationQuery empty_range;
  empty_range.published_before = k2025 - 365 * kDay;
  auto none = report(empty_range);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->totals.transcripts, 0);
  EXPECT_EQ(none->timing, "none");
}

TEST_P(ConversationServiceTest, TheFeedKeepsTheStoredMeasuresCurrent) {
  if (!db_) GTEST_SKIP();
  auto apply_feed = [&] {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    ASSERT_TRUE(tx.ok());
    auto page = store::EventFeed::read(*tx, store::SystemScope::because(test_operator().actor), 0,
                                       store::kFeedLimitMax);
    ASSERT_TRUE(page.ok());
    ASSERT_TRUE(ConversationService::apply_events(*tx, page->events).ok());
    ASSERT_TRUE(tx->commit().ok());
  };
  apply_feed();
  auto before = report({});
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->totals.transcripts, 3);
  // A second revision of v2 (word-timed) replaces the first in the stored measures.
  auto revised = in_tenant(store::TxMode::write, [&](store::Transaction& tx, const store::TenantScope& scope) {
    auto video = store::VideoRepository::get(tx, scope, v2_);
    return store::TranscriptRepository::create(tx, scope, *video, council_meeting());
  });
  ASSERT_TRUE(revised.ok());
  apply_feed();
  auto after = report({});
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->totals.transcripts, 3);
  EXPECT_EQ(after->totals.span_ms, 3 * 40'000);
  EXPECT_EQ(after->timing, "segments");
  // Deleting a video drops its measures with it.
  ASSERT_TRUE(in_tenant(store::TxMode::write, [&](store::Transaction& tx, const store::TenantScope& scope) {
                return store::VideoRepository::remove(tx, scope, v3_);
              }).ok());
  EXPECT_EQ(report({})->totals.transcripts, 2);
}

TEST_P(ConversationServiceTest, BadParametersAreRefusedNamingThem) {
  if (!db_) GTEST_SKIP();
  auto field_of = [&](const ConversationQuery& q) {
    auto r = report(q);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : r.error().field;
  };
  ConversationQuery two;
  two.video = v1_;
  two.person = v2_;
  EXPECT_EQ(field_of(two), "person");
  ConversationQuery dated_video;
  dated_video.video = v1_;
  dated_video.published_after = k2025;
  EXPECT_EQ(field_of(dated_video), "after");
  ConversationQuery stored_threshold;
  stored_threshold.overlap_threshold_ms = 100;
  EXPECT_EQ(field_of(stored_threshold), "overlap_threshold_ms");
  ConversationQuery backwards;
  backwards.published_after = k2025;
  backwards.published_before = k2025;
  EXPECT_EQ(field_of(backwards), "before");
  ConversationQuery bad_tag;
  bad_tag.tag = "a/b";
  EXPECT_EQ(field_of(bad_tag), "tag");
  ConversationQuery missing;
  missing.person = v1_;  // a video's id is no person's
  auto r = report(missing);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
  EXPECT_EQ(r.error().field, "person");
  ConversationQuery no_collection;
  no_collection.collection = "nothing";
  EXPECT_EQ(report(no_collection).error().code, ErrorCode::not_found);
}

INSTANTIATE_TEST_SUITE_P(Backends, ConversationServiceTest, ::testing::Values(Backend::sqlite, Backend::postgres),
                         backend_name);

}  // namespace
}  // namespace narralytica
