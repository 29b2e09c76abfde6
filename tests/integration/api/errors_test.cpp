// Proves that bad requests are answered with the right status and an RFC 9457 problem body (a
// stable code, a detail, and the field path when one field is at fault), and that nothing is
// written: malformed JSON, wrong types, unknown and read-only fields, a missing field, an
// oversize body, a wrong content type, an unknown route or method.
#include "api_fixture.hpp"

namespace narralytica::testing {
namespace {

struct BadRequest {
  const char* name;
  std::string body;
  std::vector<std::string> headers;
  int status;
  const char* code;
  const char* field;  // nullptr: none expected
};

TEST_P(ApiTest, BadBodiesAreRefusedWithProblemsAndWriteNothing) {
  NARRALYTICA_API_TEST();
  const auto videos_before = count("videos");
  const std::vector<BadRequest> cases = {
      {"malformed", R"({"title": "x",)", {}, 400, "malformed_json", nullptr},
      {"not an object", R"(["title"])", {}, 422, "wrong_type", "$"},
      {"wrong type", R"({"title": 42})", {}, 422, "wrong_type", "title"},
      {"unknown field", R"({"title": "x", "tenant_id": 7})", {}, 422, "unknown_field", "tenant_id"},
      {"read-only field", R"({"title": "x", "created_at": "2024-01-01T00:00:00Z"})", {}, 422, "read_only_field", "created_at"},
      {"nested unknown", R"({"title": "x", "sources": [{"kind": "url", "owner": 1}]})", {}, 422, "unknown_field", "sources[0].owner"},
      {"missing field", R"({"description": "no title"})", {}, 422, "missing_field", "title"},
      {"invalid value", R"({"title": "x", "published_at": "yesterday"})", {}, 422, "invalid_argument", "published_at"},
      {"too deep", std::string(100, '[') + std::string(100, ']'), {}, 400, "malformed_json", nullptr},
      {"wrong content type", R"({"title": "x"})", {"Content-Type: text/plain"}, 415, "unsupported_media_type", "Content-Type"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto answer = call("POST", "/v1/videos", editor_a_, c.body, c.headers);
    EXPECT_EQ(answer.status, c.status) << answer.body;
    EXPECT_EQ(answer.header("content-type"), "application/problem+json");
    const auto problem = json_of(answer);
    EXPECT_EQ(problem["code"], c.code);
    EXPECT_EQ(problem["status"], c.status);
    EXPECT_TRUE(problem["detail"].is_string());
    EXPECT_FALSE(problem["request_id"].get<std::string>().empty());
    if (c.field) {
      EXPECT_EQ(problem["field"], c.field);
    }
  }
  EXPECT_EQ(count("videos"), videos_before);
  // Failed changes are audited too.
  EXPECT_GE(count("audit_logs", "outcome = 'failed'"), static_cast<std::int64_t>(cases.size()));
}

TEST_P(ApiTest, OversizeBodyIs413AndWritesNothing) {
  NARRALYTICA_API_TEST();
  api::ServerOptions options;
  options.body_bytes_max = 4096;
  start_server(options);
  const auto videos_before = count("videos");
  auto answer = call("POST", "/v1/videos", editor_a_, R"({"title":")" + std::string(10'000, 'x') + "\"}");
  EXPECT_EQ(answer.status, 413);
  EXPECT_EQ(json_of(answer)["code"], "payload_too_large");
  EXPECT_EQ(count("videos"), videos_before);
}

TEST_P(ApiTest, UnknownRoutesMethodsAndRequestIds) {
  NARRALYTICA_API_TEST();
  auto missing = call("GET", "/v1/nothing-here", owner_a_);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(json_of(missing)["code"], "not_found");
  auto method = call("PUT", "/v1/videos", owner_a_, "{}");
  EXPECT_EQ(method.status, 405);
  // A client's request id is echoed; otherwise one is made.
  auto echoed = call("GET", "/healthz", "", "", {"X-Request-Id: trace-123"});
  EXPECT_EQ(echoed.header("x-request-id"), "trace-123");
  EXPECT_FALSE(call("GET", "/healthz", "").header("x-request-id").empty());
  auto garbage = HttpConnection(port_).raw("NOT HTTP AT ALL\r\n\r\n");
  EXPECT_EQ(garbage.status, 400);
}

// A cursor is accepted only in the form the API gave it out. Base64 leaves spare bits, and a
// decoder that ignores them (or a spare sixth bit-group) took several texts for one position, so
// the segment page cache (keyed by the query) held one page under many keys. (Found by
// tests/fuzz, cursor.)
TEST_P(ApiTest, OnlyTheCursorGivenOutIsAccepted) {
  NARRALYTICA_API_TEST();
  const std::string page = "/v1/transcripts/" + transcript_a_.public_id.to_string() + "/segments?limit=2";
  auto first = json_of(call("GET", page, viewer_a_));
  ASSERT_TRUE(first["next_cursor"].is_string());
  const std::string cursor = first["next_cursor"];
  EXPECT_EQ(call("GET", page + "&cursor=" + cursor, viewer_a_).status, 200);
  for (const std::string& variant : {cursor + "A", cursor + "B"}) {
    auto refused = call("GET", page + "&cursor=" + variant, viewer_a_);
    EXPECT_EQ(refused.status, 422) << variant;
    EXPECT_EQ(json_of(refused)["field"], "cursor") << variant;
  }
}

}  // namespace
}  // namespace narralytica::testing
