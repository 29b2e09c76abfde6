// Proves the web UI is served by the binary itself: index.html at / and at the UI's own paths
// (deep links), hashed assets cached for a year and sent gzip-compressed to clients that accept
// it, a Content-Security-Policy that allows only this origin's scripts, and API paths still
// answered by the API (a problem document, never the UI's HTML).
#include <regex>

#include "api_fixture.hpp"

namespace narralytica::testing {
namespace {

TEST_P(ApiTest, WebUiIsServedWithItsAssetsAndAStrictPolicy) {
  NARRALYTICA_API_TEST();
  auto index = call("GET", "/", "");
  ASSERT_EQ(index.status, 200) << index.body;
  EXPECT_EQ(index.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(index.header("cache-control"), "no-cache");
  const std::string policy = index.header("content-security-policy");
  EXPECT_NE(policy.find("default-src 'none'"), std::string::npos) << policy;
  EXPECT_NE(policy.find("script-src 'self';"), std::string::npos) << policy;
  EXPECT_EQ(policy.find("unsafe-inline"), std::string::npos) << policy;
  EXPECT_EQ(index.header("x-content-type-options"), "nosniff");

  std::smatch script;
  ASSERT_TRUE(std::regex_search(index.body, script, std::regex(R"re(src="(/assets/app-[A-Z0-9]+\.js)")re"))) << index.body;
  auto bundle = call("GET", script[1].str(), "");
  ASSERT_EQ(bundle.status, 200);
  EXPECT_EQ(bundle.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(bundle.header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_GT(bundle.body.size(), 1000u);
  auto compressed = call("GET", script[1].str(), "", "", {"Accept-Encoding: gzip, deflate"});
  EXPECT_EQ(compressed.header("content-encoding"), "gzip");
  EXPECT_LT(compressed.body.size(), bundle.body.size());
  EXPECT_EQ(call("GET", script[1].str(), "", "", {"If-None-Match: " + bundle.header("etag")}).status, 304);

  // A deep link is the UI's page; a missing file or an API path is not.
  auto deep = call("GET", "/videos/" + video_a_.public_id.to_string(), "");
  EXPECT_EQ(deep.status, 200);
  EXPECT_EQ(deep.body, index.body);
  EXPECT_EQ(call("GET", "/assets/app-MISSING.js", "").status, 404);
  EXPECT_EQ(call("GET", "/favicon.ico", "").status, 404);
  auto api = call("GET", "/v1/no-such-route", "");
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.header("content-type"), "application/problem+json");
  EXPECT_EQ(call("POST", "/", "", "{}").status, 404);
}

}  // namespace
}  // namespace narralytica::testing
