// Proves GET /v1/analytics/conversation over real HTTP on both backends: a video's measures as
// JSON (the fixture's five alternating segments, computed by hand); a collection plus a range of
// published dates narrows the stored tenant scope to the right video; a token of tenant B gets 404
// for every id of A's it could name (transcript, video, speaker, person, collection); and bad
// parameters get 422 naming the parameter.
#include "api_fixture.hpp"
#include "app/conversation_service.hpp"
#include "integration/store/fixtures.hpp"

namespace narralytica::testing {
namespace {

using nlohmann::json;

class AnalyticsApiTest : public ApiTest {
 protected:
  json conversation(const std::string& query, const std::string& token, int status = 200) {
    auto answer = call("GET", "/v1/analytics/conversation" + query, token);
    EXPECT_EQ(answer.status, status) << query << " " << answer.body;
    return json_of(answer);
  }
  // Recomputes A's stored measures, as `narralytica analytics rebuild` does.
  void rebuild() {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    ASSERT_TRUE(tx.ok());
    auto scope = operator_scope(*tx, tenant_a_);
    ASSERT_TRUE(app::ConversationService::rebuild_in(*tx, scope).ok());
    ASSERT_TRUE(tx->commit().ok());
  }
};

TEST_P(AnalyticsApiTest, AVideosMeasuresAsJson) {
  NARRALYTICA_API_TEST();
  const json r = conversation("?video=" + video_a_.public_id.to_string(), viewer_a_);
  EXPECT_EQ(r["scope"], "video");
  EXPECT_EQ(r["transcript"]["id"], transcript_a_.public_id.to_string());
  EXPECT_EQ(r["timing"], "segments");
  EXPECT_EQ(r["totals"]["span_ms"], 4'900);
  EXPECT_EQ(r["totals"]["speech_ms"], 4'500);
  EXPECT_EQ(r["totals"]["silence_ms"], 400);
  EXPECT_EQ(r["totals"]["turns"], 5);
  EXPECT_EQ(r["totals"]["floor_transfer_median_ms"], 100.0);
  ASSERT_EQ(r["speakers"].size(), 2u);
  const json& first = r["speakers"][0];
  EXPECT_EQ(first["who"]["label"], "SPEAKER_00");
  EXPECT_EQ(first["talk_ms"], 2'700);
  EXPECT_EQ(first["talk_share"], 0.6);
  EXPECT_EQ(first["words"], 12);
  EXPECT_EQ(first["words_per_minute"], 266.67);
  EXPECT_EQ(first["turns"], 3);
  EXPECT_EQ(first["longest_turn_ms"], 900);
  EXPECT_EQ(first["interruptions"], 0);
  EXPECT_EQ(r["pairs"].size(), 2u);
  EXPECT_EQ(r["pairs"][0]["changes"], 2);
}

TEST_P(AnalyticsApiTest, ACollectionAndDatesNarrowTheStoredScope) {
  NARRALYTICA_API_TEST();
  const std::string video = video_a_.public_id.to_string();
  ASSERT_EQ(call("PATCH", "/v1/videos/" + video, editor_a_, R"({"published_at":"2025-03-01T00:00:00Z"})").status, 200);
  auto other = call("POST", "/v1/videos", editor_a_, R"({"title":"empty","published_at":"2025-03-02T00:00:00Z"})");
  ASSERT_EQ(other.status, 201);
  auto collection = call("POST", "/v1/collections", editor_a_, R"({"name":"hearings"})");
  ASSERT_EQ(collection.status, 201);
  const std::string id = json_of(collection)["id"];
  ASSERT_EQ(call("PUT", "/v1/collections/" + id + "/videos/" + video, editor_a_).status, 200);
  rebuild();
  EXPECT_EQ(conversation("?collection=" + id + "&after=2025-01-01&before=2026-01-01", viewer_a_)["totals"]["transcripts"],
            1);
  EXPECT_EQ(conversation("?collection=hearings&after=2025-03-01T00:00:01Z", viewer_a_)["totals"]["transcripts"], 0);
  const json whole = conversation("", viewer_a_);
  EXPECT_EQ(whole["scope"], "tenant");
  EXPECT_EQ(whole["totals"]["speech_ms"], 4'500);
  EXPECT_EQ(whole["speakers"][0]["who"]["kind"], "unlinked");
}

TEST_P(AnalyticsApiTest, AnotherTenantsIdsAreNotFound) {
  NARRALYTICA_API_TEST();
  auto linked = call("POST", "/v1/speakers/" + speakers_a_[0].public_id.to_string() + "/link", editor_a_,
                     R"({"person":"Ada"})");
  ASSERT_EQ(linked.status, 200) << linked.body;
  const std::string person = json_of(linked)["person_id"];
  auto collection = call("POST", "/v1/collections", editor_a_, R"({"name":"A's"})");
  const std::string collection_id = json_of(collection)["id"];
  rebuild();
  const std::vector<std::string> queries = {
      "?transcript=" + transcript_a_.public_id.to_string(), "?video=" + video_a_.public_id.to_string(),
      "?speaker=" + speakers_a_[0].public_id.to_string(), "?person=" + person, "?collection=" + collection_id};
  for (const auto& q : queries) {
    conversation(q, viewer_a_, 200);  // A reaches its own ids, so the check below can fail
    const json foreign = conversation(q, owner_b_, 404);
    EXPECT_EQ(foreign["code"], "not_found") << q;
  }
  EXPECT_EQ(conversation("?person=" + person, viewer_a_)["speakers"][0]["who"]["name"], "Ada");
}

TEST_P(AnalyticsApiTest, BadParametersAreNamed) {
  NARRALYTICA_API_TEST();
  const std::string video = video_a_.public_id.to_string();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"?video=not-an-id", "video"},
      {"?video=" + video + "&person=" + video, "person"},
      {"?after=yesterday", "after"},
      {"?after=2025-02-01&before=2025-01-01", "before"},
      {"?video=" + video + "&after=2025-01-01", "after"},
      {"?video=" + video + "&overlap_threshold_ms=-1", "overlap_threshold_ms"},
      {"?yield_window_ms=500", "yield_window_ms"},
      {"?tag=a%2Fb", "tag"},
  };
  for (const auto& [query, field] : cases) {
    const json refused = conversation(query, viewer_a_, 422);
    EXPECT_EQ(refused["field"], field) << query;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, AnalyticsApiTest,
                         ::testing::Values(store::Backend::sqlite, store::Backend::postgres), backend_name);

}  // namespace
}  // namespace narralytica::testing
