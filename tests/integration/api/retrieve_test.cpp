// Proves POST /v1/retrieve as a client sees it, on both backends: passages of the caller's tenant
// with the documented citation, the same answer (and passage ids) twice, the vector leg, the
// budget cutting whole passages, 400 naming the character position of a malformed query, 422
// naming a bad budget or option, 401 without a token, and no audit record (it only reads).
// Isolation is in isolation_test.cpp with the other routes.
#include "api_fixture.hpp"
#include "app/search_service.hpp"

namespace narralytica::testing {
namespace {

class RetrieveApi : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (!db_) return;
    reindex();
  }
  // The server of this fixture runs no workers: build the indexes as `narralytica reindex` does.
  void reindex() {
    app::SearchService service(db_->app(), data_dir_.path());
    auto built = service.reindex(store::Principal::operator_cli("cli:test"), "", 1);
    ASSERT_TRUE(built.ok()) << built.error().describe();
  }
  HttpResult retrieve(const std::string& body, const std::string& token) {
    return call("POST", "/v1/retrieve", token, body);
  }
};

TEST_P(RetrieveApi, AnswersPassagesWithCitations) {
  NARRALYTICA_API_TEST();
  // A's five segments alternate two speakers, so each is a turn, and a passage, of its own.
  auto result = retrieve(R"({"query":"secret words","k":3})", viewer_a_);
  ASSERT_EQ(result.status, 200) << result.body;
  auto body = json_of(result);
  ASSERT_EQ(body["passages"].size(), 3u) << result.body;
  const auto& p = body["passages"][0];
  EXPECT_EQ(p["passage_id"].get<std::string>().size(), 32u);
  EXPECT_EQ(p["text"].get<std::string>().rfind(secret_text_ + " ", 0), 0u) << p;
  EXPECT_EQ(p["words"], 4);
  EXPECT_GE(p["tokens"].get<int>(), 6);  // 4 words * 4/3, rounded up
  const auto& c = p["citation"];
  EXPECT_EQ(c["video_id"], video_a_.public_id.to_string());
  EXPECT_EQ(c["video_title"], secret_text_ + " video");
  EXPECT_EQ(c["transcript_id"], transcript_a_.public_id.to_string());
  EXPECT_EQ(c["revision"], transcript_a_.revision);
  EXPECT_EQ(c["first_ordinal"], c["last_ordinal"]);
  const int ordinal = c["first_ordinal"].get<int>();
  EXPECT_EQ(c["start_ms"], ordinal * 1000);
  EXPECT_EQ(c["end_ms"], ordinal * 1000 + 900);
  EXPECT_EQ(c["speaker"]["label"], ordinal % 2 ? "SPEAKER_01" : "SPEAKER_00");
  EXPECT_TRUE(c["speaker"]["person"].is_null());
  EXPECT_NE(c["link"].get<std::string>().find("/videos/" + video_a_.public_id.to_string()), std::string::npos);
  EXPECT_NE(c["link"].get<std::string>().find("#t="), std::string::npos);
  EXPECT_TRUE(body["budget"]["unit"].is_null());
  EXPECT_FALSE(body["budget"]["truncated"].get<bool>());
  EXPECT_EQ(body["budget"]["words"], 12);
  // The same request answers the same document.
  EXPECT_EQ(retrieve(R"({"query":"secret words","k":3})", viewer_a_).body, result.body);
  // It only reads: no audit record.
  EXPECT_EQ(count("audit_logs", "action = 'search.retrieve'"), 0);
  EXPECT_EQ(call("POST", "/v1/retrieve", "", R"({"query":"secret"})").status, 401);
}

TEST_P(RetrieveApi, TheBudgetLeavesOutWholePassages) {
  NARRALYTICA_API_TEST();
  auto cut = json_of(retrieve(R"({"query":"secret","budget":{"words":9}})", viewer_a_));
  ASSERT_EQ(cut["passages"].size(), 2u) << cut;  // 4 + 4 words; a third would make 12
  EXPECT_EQ(cut["budget"]["unit"], "words");
  EXPECT_EQ(cut["budget"]["limit"], 9);
  EXPECT_EQ(cut["budget"]["words"], 8);
  EXPECT_TRUE(cut["budget"]["truncated"].get<bool>());
  const int tokens = cut["passages"][0]["tokens"].get<int>();
  auto by_tokens = json_of(retrieve(R"({"query":"secret","budget":{"tokens":)" + std::to_string(tokens) + "}}",
                                    viewer_a_));
  ASSERT_EQ(by_tokens["passages"].size(), 1u) << by_tokens;
  EXPECT_EQ(by_tokens["budget"]["tokens"], tokens);
  EXPECT_EQ(by_tokens["passages"][0]["passage_id"], cut["passages"][0]["passage_id"]);
}

TEST_P(RetrieveApi, MalformedQueriesAnswer400AndBadOptions422) {
  NARRALYTICA_API_TEST();
  auto malformed = retrieve(R"({"query":"secret (words"})", owner_a_);
  ASSERT_EQ(malformed.status, 400) << malformed.body;
  auto problem = json_of(malformed);
  EXPECT_EQ(problem["code"], "malformed_query");
  EXPECT_EQ(problem["field"], "query");
  EXPECT_NE(problem["detail"].get<std::string>().find("at character 14"), std::string::npos) << malformed.body;
  EXPECT_EQ(retrieve(R"({"k":3})", owner_a_).status, 400);

  auto field_of = [&](const std::string& body) {
    auto answer = retrieve(body, owner_a_);
    EXPECT_EQ(answer.status, 422) << body << " -> " << answer.body;
    return answer.status == 422 ? json_of(answer)["field"].get<std::string>() : std::string();
  };
  EXPECT_EQ(field_of(R"({"query":"secret","budget":{"words":0}})"), "budget.words");
  EXPECT_EQ(field_of(R"({"query":"secret","budget":{"tokens":2000000}})"), "budget.tokens");
  EXPECT_EQ(field_of(R"({"query":"secret","budget":{"words":5,"tokens":5}})"), "budget");
  EXPECT_EQ(field_of(R"({"query":"secret","budget":{}})"), "budget");
  EXPECT_EQ(field_of(R"({"query":"secret","budget":{"pages":3}})"), "budget.pages");
  EXPECT_EQ(field_of(R"({"query":"secret","budget":{"words":"many"}})"), "budget.words");
  EXPECT_EQ(field_of(R"({"query":"secret","k":0})"), "k");
  EXPECT_EQ(field_of(R"({"query":"secret","k":51})"), "k");
  EXPECT_EQ(field_of(R"({"query":"secret","passage_words":5})"), "passage_words");
  EXPECT_EQ(field_of(R"({"query":"secret","passage_words":4294967306})"), "passage_words");
  EXPECT_EQ(field_of(R"({"query":"secret","passage_words":40,"overlap_words":21})"), "overlap_words");
  EXPECT_EQ(field_of(R"({"query":"secret","vector":[1,"x"]})"), "vector[1]");
}

TEST_P(RetrieveApi, RanksByTheVectorLegToo) {
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
  reindex();
  auto nearest = retrieve(R"({"vector":[0,0,1,0],"k":1})", viewer_a_);
  ASSERT_EQ(nearest.status, 200) << nearest.body;
  EXPECT_EQ(json_of(nearest)["passages"][0]["citation"]["first_ordinal"], 2) << nearest.body;
  auto hybrid = retrieve(R"({"query":"secret 2","vector":[0,0,1,0],"k":1})", viewer_a_);
  ASSERT_EQ(hybrid.status, 200) << hybrid.body;
  // Segment 2 is first in both lists (only it has the word "2"), so first fused.
  EXPECT_EQ(json_of(hybrid)["passages"][0]["citation"]["first_ordinal"], 2) << hybrid.body;
  auto wrong = retrieve(R"({"query":"secret","vector":[1,0]})", viewer_a_);
  EXPECT_EQ(wrong.status, 422);
  EXPECT_EQ(json_of(wrong)["field"], "vector");
}

INSTANTIATE_TEST_SUITE_P(Backends, RetrieveApi, ::testing::Values(store::Backend::sqlite, store::Backend::postgres),
                         backend_name);

}  // namespace
}  // namespace narralytica::testing
