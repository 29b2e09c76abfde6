// Proves the AI layers contract on both backends: runs are versions, immutable in the database
// itself (no UPDATE of an item or of a version's content succeeds), idempotent for the same
// producer, parameters and content; the current version is the newest or the pinned one, and
// pinning is audited with an event; built-in kinds refuse bad values naming the JSON path (and for
// NDJSON the line), and the run document's two readers agree; runs over an old revision are
// stale; time-range items link to the segments they overlap; diffs find exactly the changed
// items; and the tenant-wide segment filter and the analytics agree with a brute-force
// computation over the same random data.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <random>

#include "app/layer_service.hpp"
#include "integration/store/fixtures.hpp"
#include "store/media/video_repository.hpp"

namespace narralytica {
namespace {

using store::Backend;
using namespace narralytica::testing;

std::string sentiment_item(int segment, const char* label, double score) {
  return R"({"segment":)" + std::to_string(segment) + R"(,"value":{"label":")" + label + R"(","score":)" +
         std::to_string(score) + "}}";
}

std::string run_document(const std::string& kind, const std::string& version, const std::vector<std::string>& items,
                         const std::string& params = "{}") {
  std::string doc = R"({"kind":")" + kind + R"(","producer":{"name":"acme","version":")" + version +
                    R"(","params":)" + params + R"(},"items":[)";
  for (std::size_t i = 0; i < items.size(); ++i) doc += (i ? "," : "") + items[i];
  return doc + "]}";
}

class LayerServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = make_test_database(GetParam());
    if (!db_) return;
    tenant_ = create_tenant(db_->app(), "acme");
    service_ = std::make_unique<app::LayerService>(db_->app());
    transcript_ = add_transcript(sample_transcript(6));
  }

  store::Transcript add_transcript(const store::TranscriptDraft& draft, std::optional<Uuid> video_id = std::nullopt) {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    EXPECT_TRUE(tx.ok());
    auto scope = operator_scope(*tx, tenant_);
    store::Video video;
    if (video_id) {
      video = *store::VideoRepository::get(*tx, scope, *video_id);
    } else {
      store::VideoDraft v;
      v.title = "Video";
      auto created = store::VideoRepository::create(*tx, scope, v);
      EXPECT_TRUE(created.ok()) << created.error().describe();
      video = *created;
    }
    auto written = store::TranscriptRepository::create(*tx, scope, video, draft);
    EXPECT_TRUE(written.ok()) << written.error().describe();
    EXPECT_TRUE(tx->commit().ok());
    return written->transcript;
  }

  Result<store::LayerRunWrite> import(const std::string& document, const store::Transcript& transcript) {
    return service_->import(test_operator(), "acme", transcript.public_id, document, "run.json");
  }
  Result<store::LayerRunWrite> import(const std::string& document) { return import(document, transcript_); }

  template <class F>
  auto in_tx(F&& f) {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    EXPECT_TRUE(tx.ok());
    auto scope = operator_scope(*tx, tenant_);
    auto result = f(*tx, scope);
    EXPECT_TRUE(tx->commit().ok());
    return result;
  }

  Status raw(const std::string& sql) {
    auto lease = db_->owner().acquire();
    return (*lease)->execute_script(sql);
  }

  std::unique_ptr<TestDatabase> db_;
  store::Tenant tenant_;
  std::unique_ptr<app::LayerService> service_;
  store::Transcript transcript_;
};

TEST_P(LayerServiceTest, RunsAreVersionsAndTheSameRunAgainIsANoOp) {
  if (!db_) return;
  const std::string v1 = run_document("sentiment", "1.0", {sentiment_item(0, "negative", 0.9)});
  auto first = import(v1);
  ASSERT_TRUE(first.ok()) << first.error().describe();
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->run.version, 1);
  EXPECT_TRUE(first->run.current);
  EXPECT_EQ(first->run.transcript_content_hash, transcript_.content_hash);

  auto again = import(v1);
  ASSERT_TRUE(again.ok()) << again.error().describe();
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->run.public_id, first->run.public_id);
  // Parameters are canonical: the same object with its keys in another order is the same run.
  auto with_params = import(run_document("sentiment", "1.0", {sentiment_item(0, "negative", 0.9)}, R"({"b":1,"a":2})"));
  ASSERT_TRUE(with_params.ok());
  EXPECT_EQ(with_params->run.version, 2);
  auto reordered = import(run_document("sentiment", "1.0", {sentiment_item(0, "negative", 0.9)}, R"({"a":2,"b":1})"));
  ASSERT_TRUE(reordered.ok());
  EXPECT_FALSE(reordered->created);
  EXPECT_EQ(reordered->run.version, 2);

  auto runs = service_->list(test_operator(), "acme", transcript_.public_id);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_FALSE((*runs)[0].current);
  EXPECT_TRUE((*runs)[1].current) << "the newest version is current when none is pinned";
  EXPECT_EQ(count_rows(db_->owner(), "event_logs", "event_type = 'layer.version.created'"), 2);
  EXPECT_EQ(count_rows(db_->owner(), "audit_logs", "action = 'layer.version.created'"), 2);
}

TEST_P(LayerServiceTest, TheDatabaseRefusesToChangeAStoredVersion) {
  if (!db_) return;
  ASSERT_TRUE(import(run_document("sentiment", "1", {sentiment_item(0, "negative", 0.9)})).ok());
  EXPECT_FALSE(raw("UPDATE layer_items SET label = 'positive'").ok()) << "items are immutable";
  EXPECT_FALSE(raw("UPDATE layers SET kind = 'topics'").ok()) << "a version's content is immutable";
  EXPECT_FALSE(raw("UPDATE layers SET producer_version = '2'").ok());
  EXPECT_EQ(count_rows(db_->owner(), "layer_items", "label = 'negative'"), 1);
  EXPECT_TRUE(raw("UPDATE layers SET updated_at = updated_at + 1").ok()) << "pinning updates only pin and time";
}

TEST_P(LayerServiceTest, PinningChoosesTheCurrentVersionAndIsAudited) {
  if (!db_) return;
  for (const char* version : {"1", "2", "3"}) {
    ASSERT_TRUE(import(run_document("sentiment", version, {sentiment_item(0, "neutral", 0.5)})).ok());
  }
  auto pin = [&](std::optional<int> version) {
    return in_tx([&](store::Transaction& tx, const store::TenantScope& scope) {
      return app::LayerService::set_current_in(tx, scope, transcript_.public_id, "sentiment", version);
    });
  };
  auto pinned = pin(1);
  ASSERT_TRUE(pinned.ok()) << pinned.error().describe();
  EXPECT_TRUE(pinned->changed);
  EXPECT_EQ(pinned->current.version, 1);
  EXPECT_TRUE(pinned->current.pinned);
  EXPECT_EQ(pinned->previous_version, 3);
  // A new version does not displace a pinned one.
  auto v4 = import(run_document("sentiment", "4", {sentiment_item(0, "neutral", 0.5)}));
  ASSERT_TRUE(v4.ok());
  EXPECT_FALSE(v4->run.current);
  auto again = pin(1);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->changed) << "pinning the pinned version changes nothing";
  auto repinned = pin(2);
  ASSERT_TRUE(repinned.ok());
  EXPECT_EQ(repinned->current.version, 2);
  auto unpinned = pin(std::nullopt);
  ASSERT_TRUE(unpinned.ok());
  EXPECT_EQ(unpinned->current.version, 4) << "unpinned, the newest is current again";
  EXPECT_FALSE(unpinned->current.pinned);
  EXPECT_EQ(count_rows(db_->owner(), "event_logs", "event_type = 'layer.current.changed'"), 3);
  EXPECT_EQ(count_rows(db_->owner(), "audit_logs", "action = 'layer.current.changed'"), 3);
  EXPECT_EQ(count_rows(db_->owner(), "layers", "pinned"), 0);

  auto missing = pin(9);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
  EXPECT_EQ(missing.error().field, "version");
}

TEST_P(LayerServiceTest, BadValuesAreRefusedWithTheirJsonPath) {
  if (!db_) return;
  const std::pair<std::string, std::string> cases[] = {
      {run_document("sentiment", "1", {sentiment_item(0, "negative", 0.9), sentiment_item(1, "angry", 0.5)}),
       "run.json: $.items[1].value.label"},
      {run_document("sentiment", "1", {sentiment_item(0, "negative", 1.5)}), "run.json: $.items[0].value.score"},
      {run_document("topics", "1", {R"({"segment":0,"value":[{"label":"economy","score":0.5},{"label":""}]})"}),
       "run.json: $.items[0].value[1].label"},
      {run_document("entities", "1", {R"({"segment":0,"value":[{"text":"Paris","type":"place","start_char":4,"end_char":2}]})"}),
       "run.json: $.items[0].value[0].end_char"},
      {run_document("embedding", "1", {R"({"segment":0,"value":{"dims":3,"vector":[0.1,0.2]}})"}),
       "run.json: $.items[0].value.vector"},
      {run_document("summary", "1", {R"({"value":{"text":"ok","extra":1}})"}), "run.json: $.items[0].value.extra"},
      {run_document("x-mine", "1", {R"({"segment":0,"value":[1,2]})"}), "run.json: $.items[0].value"},
      {run_document("chapters", "1", {R"({"segment":0,"value":{}})"}), "run.json: $.kind"},
      {run_document("sentiment", "1", {R"({"segment":0,"vlaue":{}})"}), "run.json: $.items[0].vlaue"},
      {run_document("sentiment", "1", {sentiment_item(6, "negative", 0.5)}), "items[0].segment_ordinal_last"},
      {R"({"kind":"sentiment","producer":{"name":"acme"},"items":[]})", "run.json: $.producer.version"},
      {"{\"kind\":\"sentiment\",\n \"producer\": nope}", "run.json:2:15"},
      {"{\"kind\":\"sentiment\",\"producer\":{\"name\":\"a\",\"version\":\"1\"}}\n" + sentiment_item(0, "negative", 0.5) +
           "\n" + sentiment_item(1, "negative", 2.0) + "\n",
       "run.json:3: $.value.score"},
  };
  for (const auto& [document, field] : cases) {
    auto result = import(document);
    ASSERT_FALSE(result.ok()) << document;
    EXPECT_EQ(result.error().code, ErrorCode::invalid_argument) << document;
    EXPECT_EQ(result.error().field, field) << result.error().describe();
  }
  EXPECT_EQ(count_rows(db_->owner(), "layers"), 0) << "nothing of a refused run is stored";

  // The valid forms of every built-in kind, and a custom kind, are accepted.
  const std::string good[] = {
      run_document("topics", "1", {R"({"segment":0,"value":[{"label":"economy","score":0.5},{"label":"war","score":0.7}]})"}),
      run_document("entities", "1", {R"({"segment":0,"value":[{"text":"Paris","type":"place","start_char":0,"end_char":5}]})"}),
      run_document("summary", "1", {R"({"value":{"text":"A talk."}})"}),
      run_document("keywords", "1", {R"({"segments":[0,2],"value":[{"text":"budget","score":0.4}]})"}),
      run_document("embedding", "1", {R"({"segment":1,"value":{"dims":2,"vector":[0.1,-3]}})"}),
      run_document("x-mine", "1", {R"({"segment":1,"value":{"anything":[1,{"a":null}]}})"}),
  };
  for (const std::string& document : good) {
    auto result = import(document);
    EXPECT_TRUE(result.ok()) << document << ": " << result.error().describe();
  }
  auto topics = in_tx([&](store::Transaction& tx, const store::TenantScope& scope) {
    return app::LayerService::get_in(tx, scope, transcript_.public_id, "topics", std::nullopt);
  });
  ASSERT_TRUE(topics.ok());
}

TEST_P(LayerServiceTest, TimeRangeItemsLinkToTheSegmentsTheyOverlap) {
  if (!db_) return;
  // Segments i: [i*1000, i*1000+900).
  auto written = import(run_document("x-chapters", "1",
                                     {R"({"start_ms":1500,"end_ms":3950,"value":{"title":"middle"}})",
                                      R"({"start_ms":950,"end_ms":990,"value":{"title":"gap"}})",
                                      R"({"value":{"title":"whole"}})", R"({"segment":4,"value":{"title":"one"}})"}));
  ASSERT_TRUE(written.ok()) << written.error().describe();
  auto items = in_tx([&](store::Transaction& tx, const store::TenantScope& scope) {
    return store::LayerRepository::all_items(tx, scope, written->run);
  });
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 4u);
  EXPECT_EQ((*items)[0].segment_ordinal_first, 1);
  EXPECT_EQ((*items)[0].segment_ordinal_last, 3);
  EXPECT_FALSE((*items)[1].segment_ordinal_first.has_value()) << "a range between segments overlaps none";
  EXPECT_FALSE((*items)[2].segment_ordinal_first.has_value());
  EXPECT_EQ((*items)[2].start_ms, 0);
  EXPECT_EQ((*items)[2].end_ms, 5900) << "an item about the whole transcript spans it";
  EXPECT_EQ((*items)[3].start_ms, 4000) << "a segment item takes its segment's times";
  EXPECT_EQ((*items)[3].end_ms, 4900);
  EXPECT_EQ(written->run.item_span_max, 2);

  // Attached to segments 2..3: the chapter over 1..3 covers both; the segment item covers neither.
  auto attached = in_tx([&](store::Transaction& tx, const store::TenantScope& scope) {
    return app::LayerService::attach_in(tx, scope, transcript_, {{"x-chapters", std::nullopt}}, 2, 3);
  });
  ASSERT_TRUE(attached.ok()) << attached.error().describe();
  ASSERT_EQ(attached->size(), 1u);
  ASSERT_EQ((*attached)[0].items.size(), 1u);
  EXPECT_EQ((*attached)[0].items[0].segment_ordinal_first, 1);
}

TEST_P(LayerServiceTest, RunsOverAnOlderRevisionAreStale) {
  if (!db_) return;
  auto run = import(run_document("sentiment", "1", {sentiment_item(0, "negative", 0.9)}));
  ASSERT_TRUE(run.ok());
  EXPECT_FALSE(run->run.stale);
  auto revised = sample_transcript(6);
  revised.segments[0].text = "corrected text";
  const store::Transcript second = add_transcript(revised, transcript_.video_public_id);
  ASSERT_EQ(second.revision, 2);
  auto runs = service_->list(test_operator(), "acme", transcript_.public_id);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_TRUE((*runs)[0].stale) << "a newer revision of the transcript exists";
  EXPECT_EQ((*runs)[0].transcript_revision, 1);
}

TEST_P(LayerServiceTest, DiffFindsExactlyTheChangedItems) {
  if (!db_) return;
  ASSERT_TRUE(import(run_document("sentiment", "1",
                                  {sentiment_item(0, "negative", 0.9), sentiment_item(1, "neutral", 0.5),
                                   sentiment_item(2, "positive", 0.7), sentiment_item(4, "neutral", 0.5)}))
                  .ok());
  ASSERT_TRUE(import(run_document("sentiment", "2",
                                  {sentiment_item(0, "negative", 0.9), sentiment_item(1, "positive", 0.5),
                                   sentiment_item(3, "neutral", 0.1), sentiment_item(4, "neutral", 0.5)}))
                  .ok());
  auto diff = in_tx([&](store::Transaction& tx, const store::TenantScope& scope) {
    return app::LayerService::diff_in(tx, scope, transcript_.public_id, "sentiment", 1, 2);
  });
  ASSERT_TRUE(diff.ok()) << diff.error().describe();
  EXPECT_EQ(diff->unchanged, 2);
  EXPECT_EQ(diff->changed, 1);
  EXPECT_EQ(diff->removed, 1);
  EXPECT_EQ(diff->added, 1);
  ASSERT_EQ(diff->entries.size(), 3u);
  EXPECT_EQ(diff->entries[0].change, app::LayerDiffEntry::Change::changed);
  EXPECT_EQ(diff->entries[0].segment_first, 1);
  EXPECT_EQ(diff->entries[1].change, app::LayerDiffEntry::Change::removed);
  EXPECT_EQ(diff->entries[1].segment_first, 2);
  EXPECT_EQ(diff->entries[2].change, app::LayerDiffEntry::Change::added);
  EXPECT_EQ(diff->entries[2].segment_first, 3);
  const std::vector<std::pair<std::int64_t, std::int64_t>> ranges = {{1, 3}};
  EXPECT_EQ(diff->changed_segments, ranges);
}

// Random videos, speakers and layer values; the queries must agree with a direct computation.
TEST_P(LayerServiceTest, FilterAndAnalyticsAgreeWithBruteForce) {
  if (!db_) return;
  std::mt19937 random(7);
  const char* labels[] = {"positive", "neutral", "negative"};
  const char* topic_labels[] = {"economy", "war", "sport"};
  struct Expected {
    Uuid video;
    Uuid transcript;
    std::int64_t ordinal;
    std::int64_t start_ms;
    std::string speaker;
    std::string label;
    double score;
    bool economy;
  };
  std::vector<Expected> truth;
  std::vector<Uuid> videos;
  for (int v = 0; v < 3; ++v) {
    store::TranscriptDraft draft;
    draft.language = "en";
    const int count = 40 + v * 10;
    for (int i = 0; i < count; ++i) {
      store::SegmentDraft s;
      s.start_ms = i * 7000;
      s.end_ms = s.start_ms + 6000;
      s.text = "words " + std::to_string(i);
      s.speaker_label = "S" + std::to_string(random() % 3);
      draft.segments.push_back(s);
    }
    const store::Transcript transcript = add_transcript(draft);
    videos.push_back(transcript.video_public_id);
    std::vector<std::string> sentiment;
    std::vector<std::string> topics;
    for (int i = 0; i < count; ++i) {
      const char* label = labels[random() % 3];
      const double score = static_cast<double>(random() % 100) / 100.0;
      const char* topic = topic_labels[random() % 3];
      sentiment.push_back(sentiment_item(i, label, score));
      topics.push_back(R"({"segment":)" + std::to_string(i) + R"(,"value":[{"label":"sport","score":0.9},{"label":")" +
                       topic + R"(","score":0.2}]})");
      truth.push_back({transcript.video_public_id, transcript.public_id, i, draft.segments[static_cast<std::size_t>(i)].start_ms,
                       draft.segments[static_cast<std::size_t>(i)].speaker_label, label, score,
                       std::string(topic) == "economy"});
    }
    // Version 1 says everything is neutral; version 2 (current) is the truth.
    std::vector<std::string> neutral;
    for (int i = 0; i < count; ++i) neutral.push_back(sentiment_item(i, "neutral", 0.0));
    ASSERT_TRUE(import(run_document("sentiment", "1", neutral), transcript).ok());
    ASSERT_TRUE(import(run_document("sentiment", "2", sentiment), transcript).ok());
    ASSERT_TRUE(import(run_document("topics", "1", topics), transcript).ok());
  }

  // Speakers by label in video 1.
  auto speakers = in_tx([&](store::Transaction& tx, const store::TenantScope& scope) {
    auto video = store::VideoRepository::get(tx, scope, videos[1]);
    return store::TranscriptRepository::speakers(tx, scope, *video);
  });
  ASSERT_TRUE(speakers.ok());
  std::map<std::string, Uuid> speaker_ids;
  for (const auto& s : *speakers) speaker_ids[s.label] = s.public_id;

  // "Negative segments of speaker S1 in video 1", paged 5 at a time.
  store::SegmentSearch search;
  search.where = {{"sentiment", store::LayerField::label, store::CompareOp::eq, "negative", 0}};
  search.video = videos[1];
  search.speaker = speaker_ids.at("S1");
  search.limit = 5;
  std::vector<std::int64_t> found;
  while (true) {
    auto page = in_tx([&](store::Transaction& tx, const store::TenantScope& scope) {
      return store::LayerQuery::segments(tx, scope, search);
    });
    ASSERT_TRUE(page.ok()) << page.error().describe();
    for (const auto& hit : page->items) found.push_back(hit.segment.ordinal);
    if (!page->next_after) break;
    search.after = page->next_after;
  }
  std::vector<std::int64_t> expected;
  for (const Expected& e : truth) {
    if (e.video == videos[1] && e.speaker == "S1" && e.label == "negative") expected.push_back(e.ordinal);
  }
  EXPECT_EQ(found, expected);
  EXPECT_FALSE(expected.empty());

  // Tenant-wide: a secondary topic matches, combined with a score condition.
  store::SegmentSearch across;
  across.where = {{"topics", store::LayerField::label, store::CompareOp::eq, "economy", 0},
                  {"sentiment", store::LayerField::score, store::CompareOp::gt, "", 0.5}};
  across.limit = 1000;
  auto hits = in_tx([&](store::Transaction& tx, const store::TenantScope& scope) {
    return store::LayerQuery::segments(tx, scope, across);
  });
  ASSERT_TRUE(hits.ok()) << hits.error().describe();
  std::size_t expected_hits = 0;
  for (const Expected& e : truth) expected_hits += e.economy && e.score > 0.5 ? 1 : 0;
  EXPECT_EQ(hits->items.size(), expected_hits);
  EXPECT_GT(expected_hits, 0u);

  // Sentiment by speaker per minute in video 2, and by video overall.
  store::LayerAnalyticsQuery query;
  query.kind = "sentiment";
  query.by = {store::LayerGrouping::speaker};
  query.bucket_ms = 60'000;
  query.video = videos[2];
  auto rows = in_tx([&](store::Transaction& tx, const store::TenantScope& scope) {
    return store::LayerQuery::analytics(tx, scope, query);
  });
  ASSERT_TRUE(rows.ok()) << rows.error().describe();
  std::map<std::tuple<std::string, std::int64_t, std::string>, std::pair<std::int64_t, double>> brute;
  for (const Expected& e : truth) {
    if (!(e.video == videos[2])) continue;
    auto& cell = brute[{e.speaker, e.start_ms / 60'000 * 60'000, e.label}];
    cell.first += 1;
    cell.second += e.score;
  }
  ASSERT_EQ(rows->size(), brute.size());
  for (const auto& row : *rows) {
    ASSERT_TRUE(row.speaker_label && row.bucket_start_ms && row.label);
    auto cell = brute.find({*row.speaker_label, *row.bucket_start_ms, *row.label});
    ASSERT_NE(cell, brute.end()) << *row.speaker_label << " " << *row.bucket_start_ms << " " << *row.label;
    EXPECT_EQ(row.count, cell->second.first);
    EXPECT_NEAR(row.mean_score.value_or(-1), cell->second.second / static_cast<double>(cell->second.first), 1e-9);
  }

  store::LayerAnalyticsQuery by_video;
  by_video.kind = "sentiment";
  by_video.by = {store::LayerGrouping::video};
  auto video_rows = in_tx([&](store::Transaction& tx, const store::TenantScope& scope) {
    return store::LayerQuery::analytics(tx, scope, by_video);
  });
  ASSERT_TRUE(video_rows.ok()) << video_rows.error().describe();
  std::int64_t total = 0;
  for (const auto& row : *video_rows) total += row.count;
  EXPECT_EQ(total, static_cast<std::int64_t>(truth.size())) << "only the current version is counted";

  // Another tenant sees none of it, and cannot name this tenant's video.
  auto other = create_tenant(db_->app(), "other");
  auto tx = store::Transaction::begin(db_->app(), store::TxMode::read);
  ASSERT_TRUE(tx.ok());
  auto other_scope = operator_scope(*tx, other);
  auto foreign = store::LayerQuery::segments(*tx, other_scope, across);
  ASSERT_TRUE(foreign.ok());
  EXPECT_TRUE(foreign->items.empty());
  auto foreign_video = store::LayerQuery::analytics(*tx, other_scope, query);
  ASSERT_FALSE(foreign_video.ok());
  EXPECT_EQ(foreign_video.error().code, ErrorCode::not_found);
}

TEST_P(LayerServiceTest, ExportIsTheDocumentImportReads) {
  if (!db_) return;
  auto written = import(run_document("topics", "1",
                                     {R"({"segment":0,"value":[{"label":"economy","score":0.5}]})",
                                      R"({"start_ms":1000,"end_ms":2500,"value":[{"label":"war","score":0.25}]})"},
                                     R"({"model":"m"})"));
  ASSERT_TRUE(written.ok()) << written.error().describe();
  auto exported = service_->export_run(test_operator(), "acme", transcript_.public_id, "topics", std::nullopt);
  ASSERT_TRUE(exported.ok()) << exported.error().describe();
  auto again = import(*exported);
  ASSERT_TRUE(again.ok()) << again.error().describe();
  // The export adds resolved segments and times, so the same items read back are a new run
  // only if their content differs: same producer, params and transcript content is the same run.
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->run.public_id, written->run.public_id);
}

// The run document has two readers: a single-pass one for the usual machine-written documents
// (app/layer_document_fast.cpp), and the DOM reader it hands everything else to
// (app/layer_document.cpp). A member whose name
// has an escape ("r\u0075n", read as "run", which the reader ignores) makes the whole document
// the DOM reader's, so each document below is read both ways: the drafts (down to the stored bytes
// of each value) and the errors must be the same, for every kind, valid or not.
std::string random_number(std::mt19937_64& rng) {
  static const char* const kNumbers[] = {"0.5", "0.500", "1", "0", "1.0", "0.1234567890123", "1e-3", "-0", "0.91",
                                         "1.5", "-0.2", "0.333333333333333333", " 0.7 ", "00.1", "0.", "\"0.5\"",
                                         "true", "null", "2", "0.999999999999999999999", "4096", "-3"};
  return kNumbers[rng() % std::size(kNumbers)];
}

std::string random_string(std::mt19937_64& rng) {
  static const char* const kStrings[] = {"\"negative\"", "\"positive\"", "\"neutral\"", "\"economy\"", "\"\"",
                                         "\"ne\\u0067ative\"", "\"caf\xc3\xa9\"", "\"a\\\"b\"", "\"a/b\"", "1",
                                         "\"angry\"", "\"x\x7f\"", "\"tab\\there\"", "\"caf\xc3\""};
  return kStrings[rng() % std::size(kStrings)];
}

// An object of these members, sometimes shuffled, short of one, with an extra one or a repeated one.
std::string random_object(std::mt19937_64& rng, std::vector<std::string> members) {
  if (rng() % 3 == 0) std::shuffle(members.begin(), members.end(), rng);
  if (rng() % 12 == 0 && !members.empty()) members.pop_back();
  if (rng() % 12 == 0) members.push_back(R"("extra":1)");
  if (rng() % 15 == 0 && !members.empty()) members.push_back(members.front());
  std::string out = rng() % 8 == 0 ? "{ " : "{";
  for (std::size_t i = 0; i < members.size(); ++i) out += (i ? (rng() % 6 == 0 ? " , " : ",") : "") + members[i];
  return out + (rng() % 8 == 0 ? " }" : "}");
}

std::string random_value(std::mt19937_64& rng, const std::string& kind) {
  auto member = [](const char* name, const std::string& value) { return "\"" + std::string(name) + "\":" + value; };
  if (kind == "sentiment") return random_object(rng, {member("label", random_string(rng)), member("score", random_number(rng))});
  if (kind == "summary") return random_object(rng, {member("text", random_string(rng))});
  if (kind == "embedding") {
    const std::size_t dims = 1 + rng() % 3;
    std::string vector = "[";
    for (std::size_t i = 0; i < dims + (rng() % 8 == 0 ? 1 : 0); ++i) vector += (i ? "," : "") + random_number(rng);
    return random_object(rng, {member("dims", rng() % 10 == 0 ? "0" : std::to_string(dims)), member("vector", vector + "]")});
  }
  if (kind.starts_with("x-")) return random_object(rng, {member("label", random_string(rng)), member("any", "[1,{\"a\":null}]")});
  std::string out = "[";
  for (std::size_t i = 0, n = rng() % 4; i < n; ++i) {
    if (i) out += ",";
    if (kind == "topics") {
      out += random_object(rng, {member("label", random_string(rng)), member("score", random_number(rng))});
    } else if (kind == "keywords") {
      out += random_object(rng, {member("text", random_string(rng)), member("score", random_number(rng))});
    } else {
      out += random_object(rng, {member("text", random_string(rng)), member("type", random_string(rng)),
                                 member("start_char", random_number(rng)), member("end_char", random_number(rng))});
    }
  }
  return out + (rng() % 20 == 0 ? "" : "]");
}

std::string random_item(std::mt19937_64& rng, const std::string& kind) {
  static const char* const kPlaces[] = {R"("segment":3)", R"("segment":-1)", R"("segment":1.0)", R"("segments":[0,2])",
                                        R"("segments":[3,1])", R"("segments":[1, 1])", R"("segments":[1])",
                                        R"("start_ms":100,"end_ms":200)", R"("start_ms":100,"end_ms":50)",
                                        R"("segment":1,"segments":[1,2])", R"("vlaue":{})"};
  std::vector<std::string> members;
  if (rng() % 4 != 0) members.push_back(kPlaces[rng() % std::size(kPlaces)]);
  members.push_back("\"value\":" + random_value(rng, kind));
  return random_object(rng, members);
}

void expect_same(const Result<store::LayerRunDraft>& fast, const Result<store::LayerRunDraft>& tree,
                 const std::string& document) {
  ASSERT_EQ(fast.ok(), tree.ok()) << document << "\n" << (fast.ok() ? tree : fast).error().describe();
  if (!fast.ok()) {
    EXPECT_EQ(fast.error().describe(), tree.error().describe()) << document;
    return;
  }
  EXPECT_EQ(fast->kind, tree->kind);
  EXPECT_EQ(fast->params_json, tree->params_json);
  ASSERT_EQ(fast->items.size(), tree->items.size()) << document;
  for (std::size_t i = 0; i < fast->items.size(); ++i) {
    const store::LayerItemDraft& a = fast->items[i];
    const store::LayerItemDraft& b = tree->items[i];
    EXPECT_EQ(a.payload_json, b.payload_json) << document;
    EXPECT_EQ(a.label, b.label) << document;
    EXPECT_EQ(a.score, b.score) << document;
    EXPECT_EQ(a.segment_ordinal_first, b.segment_ordinal_first) << document;
    EXPECT_EQ(a.segment_ordinal_last, b.segment_ordinal_last) << document;
    EXPECT_EQ(a.start_ms, b.start_ms) << document;
    EXPECT_EQ(a.end_ms, b.end_ms) << document;
  }
}

TEST(LayerServiceReaders, TheFastReaderAndTheDomReaderAgree) {
  const std::string kinds[] = {"sentiment", "topics", "keywords", "entities", "summary", "embedding", "x-mine"};
  std::mt19937_64 rng(20261124);
  int accepted = 0;
  for (int round = 0; round < 3000; ++round) {
    const std::string& kind = kinds[rng() % std::size(kinds)];
    std::vector<std::string> items;
    for (std::size_t i = 0, n = 1 + rng() % 3; i < n; ++i) items.push_back(random_item(rng, kind));
    const std::string head =
        R"("kind":")" + kind + R"(","producer":{"name":"a","version":"1","params":{"b":1,"a":2}})";
    std::string array = "[";
    for (std::size_t i = 0; i < items.size(); ++i) array += (i ? ",\n" : "\n") + items[i];
    array += "]";
    // "items" before the head too: the fast reader then reads them once the kind is known.
    const std::string document =
        rng() % 2 ? "{" + head + ",\"items\":" + array + "}" : "{\"items\":" + array + "," + head + "}";
    const std::string for_the_tree = "{\"r\\u0075n\":0," + document.substr(1);
    auto fast = app::read_layer_run(document, "run.json", app::LayerDocumentFormat::json);
    auto tree = app::read_layer_run(for_the_tree, "run.json", app::LayerDocumentFormat::json);
    expect_same(fast, tree, document);
    accepted += fast.ok() ? 1 : 0;

    // NDJSON, line by line: the same items, the same drafts (errors differ in form: a line number).
    std::string ndjson = "{" + head + "}\n";
    for (const std::string& item : items) ndjson += item + "\n";
    auto lines = app::read_layer_run(ndjson, "run.ndjson", app::LayerDocumentFormat::ndjson);
    ASSERT_EQ(lines.ok(), tree.ok()) << ndjson;
    if (lines.ok()) expect_same(lines, tree, ndjson);
  }
  EXPECT_GT(accepted, 200) << "the random documents include valid ones of every kind";
}

INSTANTIATE_TEST_SUITE_P(Backends, LayerServiceTest, ::testing::Values(Backend::sqlite, Backend::postgres),
                         backend_name);

}  // namespace
}  // namespace narralytica
