// Proves GET /v1/search as a client sees it, on both backends: hits of the caller's tenant only
// (tenant B's token finds none of A's words, even naming A's video in a filter), the documented
// JSON shape with a highlighted snippet and a deep link, grouping by video, a 400 problem that
// names the character position of a malformed query, and 401 without a token.
#include "api_fixture.hpp"
#include "app/search_service.hpp"

namespace narralytica::testing {
namespace {

class SearchApi : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (!db_) return;
    // The server of this fixture runs no workers: build the indexes as `narralytica reindex` does.
    app::SearchService service(db_->app(), data_dir_.path());
    auto built = service.reindex(store::Principal::operator_cli("cli:test"), "", 1);
    ASSERT_TRUE(built.ok()) << built.error().describe();
  }

  std::string url(const std::string& query) {
    std::string encoded;
    for (unsigned char c : query) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
        encoded += static_cast<char>(c);
      } else {
        char hex[4];
        std::snprintf(hex, sizeof hex, "%%%02X", c);
        encoded += hex;
      }
    }
    return "/v1/search?q=" + encoded;
  }
};

TEST_P(SearchApi, FindsTheCallersSegmentsWithSnippetsAndLinks) {
  NARRALYTICA_API_TEST();
  auto result = call("GET", url("\"secret words\""), viewer_a_);
  ASSERT_EQ(result.status, 200) << result.body;
  auto body = json_of(result);
  ASSERT_GT(body["items"].size(), 0u);
  const auto& hit = body["items"][0];
  EXPECT_EQ(hit["video_id"], video_a_.public_id.to_string());
  EXPECT_EQ(hit["transcript_id"], transcript_a_.public_id.to_string());
  EXPECT_TRUE(hit["start_ms"].is_number_integer());
  EXPECT_TRUE(hit["end_ms"].is_number_integer());
  EXPECT_NE(hit["snippet"].get<std::string>().find("<mark>secret</mark> <mark>words</mark>"), std::string::npos);
  EXPECT_NE(hit["link"].get<std::string>().find("/videos/" + video_a_.public_id.to_string()), std::string::npos);
  EXPECT_NE(hit["link"].get<std::string>().find("#t="), std::string::npos);
  EXPECT_TRUE(body["total"]["exact"].get<bool>());
  EXPECT_EQ(body["total"]["value"].get<std::int64_t>(), static_cast<std::int64_t>(body["items"].size()));
  EXPECT_TRUE(body["next_cursor"].is_null());

  auto grouped = json_of(call("GET", url("secret") + "&group=video&hits_per_video=2", owner_a_));
  ASSERT_EQ(grouped["groups"].size(), 1u);
  EXPECT_EQ(grouped["groups"][0]["video_id"], video_a_.public_id.to_string());
  EXPECT_LE(grouped["groups"][0]["items"].size(), 2u);
  EXPECT_GE(grouped["groups"][0]["hits"].get<int>(), 1);
}

TEST_P(SearchApi, AnotherTenantsTokenFindsNothing) {
  NARRALYTICA_API_TEST();
  auto result = call("GET", url("secret words"), owner_b_);
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(json_of(result)["items"].size(), 0u);
  EXPECT_EQ(result.body.find("secret"), std::string::npos);
  auto named = call("GET", url("secret video:" + video_a_.public_id.to_string()), owner_b_);
  ASSERT_EQ(named.status, 200);
  EXPECT_EQ(json_of(named)["items"].size(), 0u);
}

TEST_P(SearchApi, MalformedQueriesAnswer400WithThePosition) {
  NARRALYTICA_API_TEST();
  auto result = call("GET", url("secret (words"), owner_a_);
  ASSERT_EQ(result.status, 400) << result.body;
  auto problem = json_of(result);
  EXPECT_EQ(problem["field"], "q");
  EXPECT_NE(problem["detail"].get<std::string>().find("at character 14"), std::string::npos) << result.body;
  EXPECT_EQ(problem["code"], "malformed_query");
  EXPECT_EQ(call("GET", "/v1/search", owner_a_).status, 400);
  // Other bad parameters are invalid arguments, as on every route.
  EXPECT_EQ(call("GET", url("x") + "&limit=1000", owner_a_).status, 422);
  EXPECT_EQ(call("GET", url("x") + "&cursor=nope", owner_a_).status, 422);
  EXPECT_EQ(call("GET", url("x") + "&group=speaker", owner_a_).status, 422);
  EXPECT_EQ(call("GET", url("secret"), "").status, 401);
}

TEST_P(SearchApi, PostSearchesByVectorAndFusesWithWords) {
  NARRALYTICA_API_TEST();
  // An embedding layer over A's five segments: segment i points along axis i.
  std::string items;
  for (int i = 0; i < 5; ++i) {
    std::string vector;
    for (int d = 0; d < 4; ++d) vector += std::string(d ? "," : "") + (d == i % 4 ? "1" : "0");
    items += std::string(i ? "," : "") + R"({"segment":)" + std::to_string(i) + R"(,"value":{"dims":4,"vector":[)" +
             vector + "]}}";
  }
  const std::string layers = "/v1/transcripts/" + transcript_a_.public_id.to_string() + "/layers";
  ASSERT_EQ(call("POST", layers, owner_a_,
                 R"({"kind":"embedding","producer":{"name":"mini","version":"1"},"items":[)" + items + "]}").status,
            201);
  app::SearchService service(db_->app(), data_dir_.path());
  ASSERT_TRUE(service.reindex(store::Principal::operator_cli("cli:test"), "", 1).ok());

  auto nearest = call("POST", "/v1/search", viewer_a_, R"({"vector":[0,0,1,0],"limit":2})");
  ASSERT_EQ(nearest.status, 200) << nearest.body;
  auto body = json_of(nearest);
  ASSERT_EQ(body["items"].size(), 2u);
  EXPECT_EQ(body["items"][0]["ordinal"], 2);
  EXPECT_FALSE(body["total"]["exact"].get<bool>());

  auto hybrid = call("POST", "/v1/search", viewer_a_, R"({"q":"secret","vector":[0,0,1,0],"mode":"hybrid"})");
  ASSERT_EQ(hybrid.status, 200) << hybrid.body;
  auto fused = json_of(hybrid);
  ASSERT_FALSE(fused["items"].empty());
  EXPECT_TRUE(fused["items"][0].contains("text_rank"));
  EXPECT_TRUE(fused["items"][0].contains("vector_rank"));

  auto wrong = call("POST", "/v1/search", viewer_a_, R"({"vector":[1,0]})");
  EXPECT_EQ(wrong.status, 422);
  EXPECT_EQ(json_of(wrong)["field"], "vector");
  auto not_numbers = call("POST", "/v1/search", viewer_a_, R"({"vector":[1,"x",0,0]})");
  EXPECT_EQ(json_of(not_numbers)["field"], "vector[1]");
  // Another tenant has no such embeddings at all.
  auto other = call("POST", "/v1/search", owner_b_, R"({"vector":[0,0,1,0]})");
  EXPECT_EQ(other.body.find(transcript_a_.public_id.to_string()), std::string::npos);
  // A search with a body writes no audit record.
  EXPECT_EQ(count("audit_logs", "action = 'search.vector'"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, SearchApi, ::testing::Values(store::Backend::sqlite, store::Backend::postgres),
                         backend_name);

}  // namespace
}  // namespace narralytica::testing
