// Shared set-up for search tests: a migrated database on either backend, a data directory, the
// search service, and the search pipeline as workers run it (jobs::PipelineRunner with the
// derived batch function), plus helpers to write canonical data through the repositories.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "app/search_service.hpp"
#include "integration/store/fixtures.hpp"
#include "jobs/pipeline_runner.hpp"
#include "store/media/speaker_repository.hpp"
#include "store/media/video_repository.hpp"
#include "store/ops/checkpoint_repository.hpp"
#include "store/ops/event_feed.hpp"

namespace narralytica::testing {

struct SegmentSpec {
  std::string text;
  std::string speaker = "SPEAKER_00";
  std::int64_t start_ms = -1;  // -1: 10 s per segment in order
};

class SearchFixture : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    db_ = make_test_database(GetParam());
    if (!db_) GTEST_SKIP();
    tenant_a_ = create_tenant(db_->app(), "acme");
    tenant_b_ = create_tenant(db_->app(), "globex");
    service_ = std::make_unique<app::SearchService>(db_->app(), data_dir_.path());
    runner_ = std::make_unique<jobs::PipelineRunner>(db_->app());
    jobs::PipelineDefinition pipeline;
    pipeline.name = std::string(app::kSearchPipeline);
    pipeline.batch = 50;
    pipeline.derived = [this](const jobs::DerivedBatch& batch) {
      return service_->apply_events(batch.after, batch.events, batch.behind_horizon);
    };
    ASSERT_TRUE(runner_->add(std::move(pipeline)).ok());
  }

  // Runs the search pipeline until it has applied every event.
  void sync() {
    for (int round = 0; round < 1000; ++round) {
      auto run = runner_->run_once(std::string(app::kSearchPipeline));
      ASSERT_TRUE(run.ok()) << run.error().describe();
      if (run->processed == 0 && run->position >= run->head) return;
    }
    FAIL() << "the search pipeline did not catch up";
  }

  store::Video create_video(const store::Tenant& tenant, const std::string& title,
                            std::optional<UnixMicros> published_at = std::nullopt) {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    EXPECT_TRUE(tx.ok());
    auto scope = operator_scope(*tx, tenant);
    store::VideoDraft draft;
    draft.title = title;
    draft.published_at = published_at;
    auto video = store::VideoRepository::create(*tx, scope, draft);
    EXPECT_TRUE(video.ok()) << video.error().describe();
    EXPECT_TRUE(tx->commit().ok());
    return *video;
  }

  store::Transcript add_transcript(const store::Tenant& tenant, const store::Video& video,
                                   const std::vector<SegmentSpec>& segments, const std::string& language = "en") {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    EXPECT_TRUE(tx.ok());
    auto scope = operator_scope(*tx, tenant);
    store::TranscriptDraft draft;
    draft.language = language;
    for (std::size_t i = 0; i < segments.size(); ++i) {
      store::SegmentDraft s;
      s.start_ms = segments[i].start_ms >= 0 ? segments[i].start_ms : static_cast<std::int64_t>(i) * 10'000;
      s.end_ms = s.start_ms + 9'000;
      s.text = segments[i].text;
      s.speaker_label = segments[i].speaker;
      draft.segments.push_back(s);
    }
    auto written = store::TranscriptRepository::create(*tx, scope, video, draft);
    EXPECT_TRUE(written.ok()) << written.error().describe();
    EXPECT_TRUE(tx->commit().ok());
    return written->transcript;
  }

  Result<search::SearchResult> search(const store::Tenant& tenant, const std::string& q, int limit = 20) {
    app::SearchQuery query;
    query.q = q;
    query.limit = limit;
    return service_->search(test_operator(), tenant.slug, query);
  }

  // The texts of the hits, best first.
  std::vector<std::string> texts(const store::Tenant& tenant, const std::string& q) {
    auto result = search(tenant, q);
    EXPECT_TRUE(result.ok()) << q << ": " << result.error().describe();
    std::vector<std::string> out;
    if (result.ok()) {
      for (const auto& hit : result->hits) out.push_back(hit.document.text);
    }
    return out;
  }

  std::unique_ptr<TestDatabase> db_;
  TempDir data_dir_;
  store::Tenant tenant_a_;
  store::Tenant tenant_b_;
  std::unique_ptr<app::SearchService> service_;
  std::unique_ptr<jobs::PipelineRunner> runner_;
};

}  // namespace narralytica::testing
