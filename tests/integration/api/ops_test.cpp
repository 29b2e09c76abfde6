// Proves the operability routes: /healthz and /readyz answer without credentials, /metrics
// counts requests by route and status with a latency histogram and pool gauges, and the OpenAPI
// document covers exactly the routes the server answers: every documented operation reaches a
// route (a request to it is not "no such route"), and every route is documented.
#include "api/openapi.hpp"
#include <set>

#include "api_fixture.hpp"

namespace narralytica::testing {
namespace {

TEST_P(ApiTest, HealthReadinessAndMetrics) {
  NARRALYTICA_API_TEST();
  EXPECT_EQ(call("GET", "/healthz", "").status, 200);
  auto ready = call("GET", "/readyz", "");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(call("GET", "/v1/videos/" + video_a_.public_id.to_string(), viewer_a_).status, 200);
  auto metrics = call("GET", "/metrics", "");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.header("content-type").find("text/plain"), std::string::npos);
  EXPECT_NE(metrics.body.find(R"(narralytica_http_requests_total{route="GET /v1/videos/{id}",status="200"} 1)"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("narralytica_http_request_duration_seconds_bucket{route=\"GET /v1/videos/{id}\",le=\"+Inf\"} 1"),
            std::string::npos);
  EXPECT_NE(metrics.body.find("narralytica_db_connections_open "), std::string::npos);
  EXPECT_NE(metrics.body.find("narralytica_http_requests_in_flight 1"), std::string::npos);  // itself
}

TEST_P(ApiTest, OpenApiDocumentsExactlyTheServedRoutes) {
  NARRALYTICA_API_TEST();
  auto answer = call("GET", "/v1/openapi.json", "");
  ASSERT_EQ(answer.status, 200);
  const auto document = json_of(answer);
  EXPECT_EQ(document["openapi"], "3.1.0");
  std::set<std::pair<std::string, std::string>> documented;
  for (const auto& [path, operations] : document["paths"].items()) {
    for (const auto& [method, operation] : operations.items()) {
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.emplace(upper, path);
      EXPECT_TRUE(operation.contains("responses")) << method << " " << path;
      // Documented but absent: a request to it must reach a route, not the router's 404/405.
      std::string target = path;
      for (auto open = target.find('{'); open != std::string::npos; open = target.find('{')) {
        target.replace(open, target.find('}', open) - open + 1, "00000000-0000-7000-8000-000000000000");
      }
      auto probe = call(upper, target, owner_a_, upper == "GET" || upper == "DELETE" ? "" : "{}");
      EXPECT_NE(probe.status, 405) << upper << " " << path;
      if (probe.status == 404) {
        EXPECT_NE(json_of(probe)["detail"], "no such route") << upper << " " << path;
      }
    }
  }
  // Served but undocumented.
  for (const auto& route : api::route_list()) {
    EXPECT_TRUE(documented.contains(route)) << route.first << " " << route.second << " is not documented";
  }
  // The route table's operations, and the web UI's two (/ and /assets/{file}), served beside it.
  EXPECT_EQ(documented.size(), api::route_list().size() + 2);
}

}  // namespace
}  // namespace narralytica::testing
