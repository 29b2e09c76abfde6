// Proves the request rate limits with a fake clock (nothing sleeps): a token gets its burst, then
// 429 with an RFC 9457 body (code rate_limited), Retry-After and the RateLimit-* headers, and
// passes again once the clock has refilled one request; the tenant's bucket caps all its tokens
// together while another tenant is untouched; limits come from the tenant's configuration and a
// change applies at the tenant's next request; a bad configuration is refused naming the member;
// health, readiness and metrics are never limited; a server started without limits has none.
#include <chrono>

#include "api_fixture.hpp"
#include "http_client.hpp"

namespace narralytica::testing {
namespace {

const std::string kVideos = "/v1/videos";

class RateLimitsTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (db_) start_server({}, store::StoreContext{&clock_, &SecureRandom::instance()});
  }
  // Sets tenant A's limits (the owner's request itself is charged under the old ones).
  void limit_a(const std::string& value) {
    auto set = call("PUT", "/v1/tenant/config/rate_limits", owner_a_, R"({"value":)" + value + "}",
                    {"Content-Type: application/json"});
    ASSERT_EQ(set.status, 200) << set.body;
  }
  FakeClock clock_{SystemClock::instance().now_us()};
};

TEST_P(RateLimitsTest, TokenBurstThen429WithRetryAfterUntilTheClockRefills) {
  NARRALYTICA_API_TEST();
  limit_a(R"({"token":{"per_second":1,"burst":3},"tenant":{"per_second":100,"burst":100}})");
  for (int i = 0; i < 3; ++i) {
    auto ok = call("GET", kVideos, viewer_a_);
    ASSERT_EQ(ok.status, 200) << i << ok.body;
    EXPECT_EQ(ok.header("ratelimit-limit"), "3");
    EXPECT_EQ(ok.header("ratelimit-remaining"), std::to_string(2 - i));
    EXPECT_EQ(ok.header("ratelimit-reset"), std::to_string(i + 1)) << "a second per spent request at 1/s";
    EXPECT_EQ(ok.header("ratelimit-policy"), R"(3;w=3;name="token", 100;w=1;name="tenant")");
  }
  auto refused = call("GET", kVideos, viewer_a_);
  ASSERT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(refused.header("content-type"), "application/problem+json");
  EXPECT_EQ(refused.header("retry-after"), "1");
  EXPECT_EQ(refused.header("ratelimit-remaining"), "0");
  EXPECT_EQ(refused.header("ratelimit-limit"), "3");
  const auto problem = json_of(refused);
  EXPECT_EQ(problem["code"], "rate_limited");
  EXPECT_EQ(problem["status"], 429);
  EXPECT_EQ(problem["detail"], "too many requests for this token: at most 1 a second, 3 at once; retry after 1 s");
  EXPECT_FALSE(problem["request_id"].get<std::string>().empty());
  // A write is refused too, and writes nothing.
  const auto videos_before = count("videos");
  EXPECT_EQ(call("POST", kVideos, viewer_a_, R"({"title":"x"})", {"Content-Type: application/json"}).status, 429);
  EXPECT_EQ(count("videos"), videos_before);

  EXPECT_EQ(call("GET", kVideos, editor_a_).status, 200) << "another token of the tenant has its own bucket";
  clock_.advance_us(999'000);
  EXPECT_EQ(call("GET", kVideos, viewer_a_).status, 429) << "0.999 of a request refilled";
  clock_.advance_us(2'000);
  EXPECT_EQ(call("GET", kVideos, viewer_a_).status, 200) << "one request refilled after 1 s";
}

TEST_P(RateLimitsTest, TenantBucketIsSharedByItsTokensAndNotByOtherTenants) {
  NARRALYTICA_API_TEST();
  limit_a(R"({"token":{"per_second":100,"burst":100},"tenant":{"per_second":1,"burst":2}})");
  EXPECT_EQ(call("GET", kVideos, viewer_a_).status, 200);
  auto last = call("GET", kVideos, editor_a_);
  EXPECT_EQ(last.status, 200);
  EXPECT_EQ(last.header("ratelimit-remaining"), "0");
  EXPECT_EQ(last.header("ratelimit-limit"), "2") << "the tenant's bucket is the one nearer to refusing";
  auto refused = call("GET", kVideos, owner_a_);
  ASSERT_EQ(refused.status, 429);
  EXPECT_EQ(json_of(refused)["detail"], "too many requests for this tenant: at most 1 a second, 2 at once; retry after 1 s");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(call("GET", kVideos, owner_b_).status, 200) << "tenant B is not limited by A";
  clock_.advance_us(1'000'000);
  EXPECT_EQ(call("GET", kVideos, owner_a_).status, 200);
}

TEST_P(RateLimitsTest, HealthReadinessAndMetricsAreNeverLimited) {
  NARRALYTICA_API_TEST();
  limit_a(R"({"token":{"per_second":0.001,"burst":1},"tenant":{"per_second":0.001,"burst":1}})");
  EXPECT_EQ(call("GET", kVideos, viewer_a_).status, 200);
  ASSERT_EQ(call("GET", kVideos, viewer_a_).status, 429);
  for (int i = 0; i < 20; ++i) {
    for (const char* path : {"/healthz", "/readyz", "/metrics"}) {
      auto answer = call("GET", path, viewer_a_);
      EXPECT_EQ(answer.status, 200) << path;
      EXPECT_EQ(answer.header("ratelimit-limit"), "") << path;
    }
  }
}

TEST_P(RateLimitsTest, ConfigurationIsValidatedAtItsBoundsNamingTheMember) {
  NARRALYTICA_API_TEST();
  auto put = [&](const std::string& value) {
    return call("PUT", "/v1/tenant/config/rate_limits", owner_a_, R"({"value":)" + value + "}",
                {"Content-Type: application/json"});
  };
  struct Bad {
    std::string value;
    std::string field;
  };
  for (const Bad& bad : std::vector<Bad>{{R"({"token":{"per_second":0.0009}})", "value.token.per_second"},
                                         {R"({"token":{"per_second":1000001}})", "value.token.per_second"},
                                         {R"({"tenant":{"burst":0.5}})", "value.tenant.burst"},
                                         {R"({"tenant":{"burst":1000001}})", "value.tenant.burst"},
                                         {R"({"tenant":{"burst":"10"}})", "value.tenant.burst"},
                                         {R"({"tenant":{"rate":1}})", "value.tenant.rate"},
                                         {R"({"global":{}})", "value.global"},
                                         {R"([1])", "value"}}) {
    auto refused = put(bad.value);
    EXPECT_EQ(refused.status, 422) << bad.value << " " << refused.body;
    EXPECT_EQ(json_of(refused)["field"], bad.field) << bad.value;
  }
  EXPECT_EQ(put(R"({"token":{"per_second":1000000,"burst":1000000}})").status, 200);
  EXPECT_EQ(put(R"({})").status, 200) << "every member is optional";
  // Last: the owner's own bucket then holds one request, refilled once in 1,000 s.
  EXPECT_EQ(put(R"({"token":{"per_second":0.001,"burst":1}})").status, 200);
}

TEST_P(RateLimitsTest, ServerWithoutLimitsNeverRefusesNorSendsHeaders) {
  NARRALYTICA_API_TEST();
  limit_a(R"({"token":{"per_second":0.001,"burst":1}})");
  api::ServerOptions options;
  options.rate_limits = false;
  start_server(options, store::StoreContext{&clock_, &SecureRandom::instance()});
  for (int i = 0; i < 5; ++i) {
    auto answer = call("GET", kVideos, viewer_a_);
    EXPECT_EQ(answer.status, 200);
    EXPECT_EQ(answer.header("ratelimit-remaining"), "");
  }
}

// After a 429 the same keep-alive connection's next request is read only after the pause (a
// flooding client stops taking threads from others); a fresh connection is answered at once.
TEST_P(RateLimitsTest, AConnectionAnswered429IsPausedBeforeItsNextRequest) {
  NARRALYTICA_API_TEST();
  api::ServerOptions options;
  options.throttled_pause = std::chrono::milliseconds(500);
  start_server(options, store::StoreContext{&clock_, &SecureRandom::instance()});
  limit_a(R"({"token":{"per_second":0.001,"burst":1}})");
  const std::vector<std::string> auth = {"Authorization: Bearer " + viewer_a_};
  HttpConnection flood(port_);
  ASSERT_TRUE(flood.connected());
  ASSERT_EQ(flood.request("GET", kVideos, "", auth).status, 200);
  ASSERT_EQ(flood.request("GET", kVideos, "", auth).status, 429);
  using Clock = std::chrono::steady_clock;
  const auto refused_at = Clock::now();  // the pause began as the answer was written, just before
  EXPECT_EQ(call("GET", kVideos, editor_a_).status, 200);
  EXPECT_LT(Clock::now() - refused_at, std::chrono::milliseconds(500)) << "another connection is not paused";
  EXPECT_EQ(flood.request("GET", kVideos, "", auth).status, 429);
  EXPECT_GE(Clock::now() - refused_at, std::chrono::milliseconds(450)) << "read before the pause ended";
}

INSTANTIATE_TEST_SUITE_P(Backends, RateLimitsTest, ::testing::Values(store::Backend::sqlite, store::Backend::postgres),
                         backend_name);

}  // namespace
}  // namespace narralytica::testing
