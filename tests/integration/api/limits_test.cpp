// Proves the API's limits at their edges (docs/limits.md): for each, a request at the limit
// passes and one just over it is refused with a clear problem naming the field: the body size,
// the JSON body's nesting, the page size, a token's lifetime, a configuration value's size, the
// Idempotency-Key's length and the search query's length.
#include "api_fixture.hpp"

namespace narralytica::testing {
namespace {

const std::vector<std::string> kJson = {"Content-Type: application/json"};

// {"value":[[...[1]...]]}: the object is one level, the arrays the rest.
std::string config_of_depth(std::size_t depth) {
  return R"({"value":)" + std::string(depth - 1, '[') + "1" + std::string(depth - 1, ']') + "}";
}

TEST_P(ApiTest, BodySizeLimitPassesAtTheLimitAndRefusesOneByteMore) {
  NARRALYTICA_API_TEST();
  api::ServerOptions options;
  options.body_bytes_max = 4096;
  start_server(options);
  const std::string head = R"({"value":")";
  const std::string at_limit = head + std::string(4096 - head.size() - 2, 'x') + "\"}";
  ASSERT_EQ(at_limit.size(), 4096u);
  auto ok = call("PUT", "/v1/tenant/config/big", owner_a_, at_limit, kJson);
  EXPECT_EQ(ok.status, 200) << ok.body;
  auto refused = call("PUT", "/v1/tenant/config/big", owner_a_, at_limit + " ", kJson);
  EXPECT_EQ(refused.status, 413);
  EXPECT_EQ(json_of(refused)["code"], "payload_too_large");
  EXPECT_EQ(json_of(refused)["detail"], "the body is larger than 4096 bytes");
}

TEST_P(ApiTest, JsonBodyNestingPassesAt32LevelsAndRefuses33) {
  NARRALYTICA_API_TEST();
  auto ok = call("PUT", "/v1/tenant/config/deep", owner_a_, config_of_depth(32), kJson);
  EXPECT_EQ(ok.status, 200) << ok.body;
  auto refused = call("PUT", "/v1/tenant/config/deep", owner_a_, config_of_depth(33), kJson);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(json_of(refused)["code"], "malformed_json");
  EXPECT_EQ(json_of(refused)["detail"], "JSON nested deeper than 32 levels");
}

TEST_P(ApiTest, PageSizePassesAt1000AndRefuses1001NamingLimit) {
  NARRALYTICA_API_TEST();
  EXPECT_EQ(call("GET", "/v1/videos?limit=1000", viewer_a_).status, 200);
  auto refused = call("GET", "/v1/videos?limit=1001", viewer_a_);
  EXPECT_EQ(refused.status, 422);
  EXPECT_EQ(json_of(refused)["field"], "limit");
}

TEST_P(ApiTest, TokenLifetimePassesFrom60SecondsTo366DaysAndRefusesOutside) {
  NARRALYTICA_API_TEST();
  const std::int64_t max_s = 366LL * 24 * 3600;
  for (std::int64_t seconds : {std::int64_t{60}, max_s}) {
    auto made = call("POST", "/v1/tokens", owner_a_,
                     R"({"name":"edge","expires_in_s":)" + std::to_string(seconds) + "}", kJson);
    EXPECT_EQ(made.status, 201) << seconds << made.body;
  }
  for (std::int64_t seconds : {std::int64_t{59}, max_s + 1, std::int64_t{9'223'372'036'854'775'807}}) {
    auto refused = call("POST", "/v1/tokens", owner_a_,
                        R"({"name":"edge","expires_in_s":)" + std::to_string(seconds) + "}", kJson);
    EXPECT_EQ(refused.status, 422) << seconds;
    EXPECT_EQ(json_of(refused)["field"], "expires_in_s") << seconds;
  }
}

TEST_P(ApiTest, ConfigValuePassesAt64KibAndRefusesOneByteMore) {
  NARRALYTICA_API_TEST();
  const std::size_t max = 64 * 1024;
  const std::string at_limit = "\"" + std::string(max - 2, 'x') + "\"";  // the value as stored: a JSON string
  EXPECT_EQ(call("PUT", "/v1/tenant/config/large", owner_a_, R"({"value":)" + at_limit + "}", kJson).status, 200);
  const std::string over = "\"" + std::string(max - 1, 'x') + "\"";
  auto refused = call("PUT", "/v1/tenant/config/large", owner_a_, R"({"value":)" + over + "}", kJson);
  EXPECT_EQ(refused.status, 422);
  EXPECT_EQ(json_of(refused)["field"], "value");
}

TEST_P(ApiTest, IdempotencyKeyPassesAt255CharactersAndRefuses256) {
  NARRALYTICA_API_TEST();
  auto ok = call("POST", "/v1/videos", editor_a_, R"({"title":"keyed"})",
                 {"Content-Type: application/json", "Idempotency-Key: " + std::string(255, 'k')});
  EXPECT_EQ(ok.status, 201) << ok.body;
  auto refused = call("POST", "/v1/videos", editor_a_, R"({"title":"keyed"})",
                      {"Content-Type: application/json", "Idempotency-Key: " + std::string(256, 'k')});
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(json_of(refused)["field"], "Idempotency-Key");
}

TEST_P(ApiTest, SearchQueryPassesAt2048BytesAndRefuses2049NamingQ) {
  NARRALYTICA_API_TEST();
  // 64 words (the clause limit) of 31 or 32 letters: exactly 2,048 bytes of a valid query.
  std::string q;
  for (int i = 0; i < 64; ++i) q += (i ? " " : "") + std::string(31, static_cast<char>('a' + i % 26));
  q += 'z';
  ASSERT_EQ(q.size(), 2048u);
  auto at_limit = call("POST", "/v1/search", viewer_a_, R"({"q":")" + q + "\"}", kJson);
  EXPECT_EQ(at_limit.status, 200) << at_limit.body;
  std::string encoded;  // the same query in a URL
  for (char c : q) encoded += c == ' ' ? std::string("%20") : std::string(1, c);
  EXPECT_EQ(call("GET", "/v1/search?q=" + encoded, viewer_a_).status, 200);
  auto refused = call("POST", "/v1/search", viewer_a_, R"({"q":")" + q + "z\"}", kJson);
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(json_of(refused)["field"], "q");
  auto get_refused = call("GET", "/v1/search?q=" + encoded + "z", viewer_a_);
  EXPECT_EQ(get_refused.status, 400) << get_refused.body;
  EXPECT_EQ(json_of(get_refused)["field"], "q");
}

}  // namespace
}  // namespace narralytica::testing
