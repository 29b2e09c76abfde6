// Pipeline lag as a tenant sees it (GET /v1/pipelines through app::PipelineService): a global
// cursor's lag is counted in the caller's own events only, with the age of the oldest waiting
// one; another tenant's per-tenant cursor is not shown; a reset is the operator's and audited.
#include "api_fixture.hpp"
#include "app/pipeline_service.hpp"
#include "store/ops/checkpoint_repository.hpp"
#include "store/ops/event_feed.hpp"

namespace narralytica::testing {
namespace {

using nlohmann::json;

class PipelinesTest : public ApiTest {
 protected:
  store::SystemScope system() const { return store::SystemScope::because(store::Actor{std::nullopt, std::nullopt, "test"}); }

  // Puts `pipeline`'s cursor (for `tenant`, or global) at the feed's head.
  void checkpoint_at_head(const std::string& pipeline, std::optional<std::int64_t> tenant) {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    ASSERT_TRUE(tx.ok());
    auto head = store::EventFeed::head(*tx, system());
    ASSERT_TRUE(head.ok());
    ASSERT_TRUE(store::CheckpointRepository::lock(*tx, system(), pipeline, tenant).ok());
    ASSERT_TRUE(store::CheckpointRepository::advance(*tx, system(), pipeline, tenant, *head).ok());
    ASSERT_TRUE(tx->commit().ok());
  }

  json pipelines(const std::string& token) {
    auto answer = call("GET", "/v1/pipelines", token);
    EXPECT_EQ(answer.status, 200) << answer.body;
    return answer.status == 200 ? json_of(answer) : json{};
  }

  static json find(const json& report, const std::string& name) {
    for (const auto& item : report["items"]) {
      if (item["name"] == name) return item;
    }
    return json{};
  }
};

TEST_P(PipelinesTest, LagIsCountedInTheCallersOwnEvents) {
  NARRALYTICA_API_TEST();
  checkpoint_at_head("test.global", std::nullopt);
  checkpoint_at_head("test.per-tenant", tenant_b_.id);
  const std::string video_a = "/v1/videos/" + video_a_.public_id.to_string();
  for (const char* title : {R"({"title":"one"})", R"({"title":"two"})"}) {
    ASSERT_EQ(call("PATCH", video_a, editor_a_, title).status, 200);
  }

  const json in_a = pipelines(viewer_a_);  // a viewer may see the tenant's jobs, and so the lag
  const json global_a = find(in_a, "test.global");
  ASSERT_FALSE(global_a.is_null()) << in_a.dump();
  EXPECT_EQ(global_a["lag_events"], 2) << in_a.dump();
  EXPECT_TRUE(global_a["tenant"].is_null());
  EXPECT_GT(global_a["head"].get<std::int64_t>(), global_a["position"].get<std::int64_t>());
  EXPECT_FALSE(global_a["oldest_pending_at"].is_null());
  EXPECT_GE(global_a["age_s"].get<std::int64_t>(), 0);
  EXPECT_EQ(global_a["behind_horizon"], false);
  EXPECT_TRUE(find(in_a, "test.per-tenant").is_null()) << "B's own cursor is not A's business: " << in_a.dump();

  const json in_b = pipelines(owner_b_);
  const json global_b = find(in_b, "test.global");
  ASSERT_FALSE(global_b.is_null()) << in_b.dump();
  EXPECT_EQ(global_b["lag_events"], 0) << "A's changes are not B's lag: " << in_b.dump();
  EXPECT_TRUE(global_b["oldest_pending_at"].is_null());
  EXPECT_EQ(global_b["age_s"], 0);
  const json own_b = find(in_b, "test.per-tenant");
  ASSERT_FALSE(own_b.is_null()) << in_b.dump();
  EXPECT_EQ(own_b["tenant"], "tenant-b");

  EXPECT_EQ(call("GET", "/v1/pipelines", "").status, 401);
}

TEST_P(PipelinesTest, AResetRewindsEveryCursorOfThePipelineAndIsAudited) {
  NARRALYTICA_API_TEST();
  checkpoint_at_head("test.global", std::nullopt);
  ASSERT_EQ(find(pipelines(owner_a_), "test.global")["lag_events"], 0);

  auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
  ASSERT_TRUE(tx.ok());
  auto moved = app::PipelineService::reset(*tx, system(), "test.global", 0);
  ASSERT_TRUE(moved.ok()) << moved.error().describe();
  EXPECT_EQ(*moved, 1);
  ASSERT_TRUE(tx->commit().ok());
  EXPECT_EQ(count("audit_logs", "action = 'pipeline.reset' AND tenant_id IS NULL"), 1);

  const json after = find(pipelines(owner_a_), "test.global");
  EXPECT_EQ(after["position"], 0);
  EXPECT_GT(after["lag_events"].get<std::int64_t>(), 0) << "A's set-up events are to be replayed";

  auto again = store::Transaction::begin(db_->app(), store::TxMode::write);
  ASSERT_TRUE(again.ok());
  auto unknown = app::PipelineService::reset(*again, system(), "no.such.pipeline", 0);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::not_found);
  auto negative = app::PipelineService::reset(*again, system(), "test.global", -1);
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.error().field, "position");
}

INSTANTIATE_TEST_SUITE_P(Backends, PipelinesTest, ::testing::Values(store::Backend::sqlite, store::Backend::postgres),
                         backend_name);

}  // namespace
}  // namespace narralytica::testing
