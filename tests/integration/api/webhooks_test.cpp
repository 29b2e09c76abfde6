// /v1/webhooks over real HTTP, on both backends: the secret is answered at creation and rotation
// only; reads, changes, disabling and deletion; deliveries listed with replay and retry; bad
// input answered 422 naming the field; owners and admins manage webhooks, editors and viewers
// cannot; every change is audited.
#include "api_fixture.hpp"

namespace narralytica::testing {
namespace {

using nlohmann::json;

class WebhooksApi : public ApiTest {};

TEST_P(WebhooksApi, TheSecretIsShownOnceAndEndpointsCanBeChangedRotatedAndDeleted) {
  NARRALYTICA_API_TEST();
  auto created = call("POST", "/v1/webhooks", owner_a_,
                      R"({"url":"https://hooks.example.com/in","description":"CRM","event_types":["video.*"]})");
  ASSERT_EQ(created.status, 201) << created.body;
  const json endpoint = json_of(created);
  const std::string id = endpoint["id"];
  const std::string secret = endpoint["secret"];
  EXPECT_TRUE(secret.starts_with("whsec_"));
  EXPECT_GE(secret.size(), 6u + 32u) << "base64 of at least 24 bytes";
  EXPECT_EQ(created.header("location"), "/v1/webhooks/" + id);
  EXPECT_EQ(endpoint["event_types"], json::array({"video.*"}));
  EXPECT_EQ(endpoint["enabled"], true);

  auto got = call("GET", "/v1/webhooks/" + id, owner_a_);
  ASSERT_EQ(got.status, 200);
  EXPECT_FALSE(json_of(got).contains("secret"));
  EXPECT_EQ(got.body.find(secret.substr(6)), std::string::npos) << "never shown again";
  auto listed = call("GET", "/v1/webhooks", owner_a_);
  EXPECT_EQ(json_of(listed)["items"].size(), 1u);
  EXPECT_EQ(listed.body.find(secret.substr(6)), std::string::npos);

  auto disabled = call("PATCH", "/v1/webhooks/" + id, owner_a_, R"({"enabled":false,"event_types":[]})");
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_EQ(json_of(disabled)["enabled"], false);
  EXPECT_EQ(json_of(disabled)["disabled_reason"], "manual");
  EXPECT_EQ(json_of(disabled)["event_types"], json::array());

  auto rotated = call("POST", "/v1/webhooks/" + id + "/rotate-secret?grace_seconds=60", owner_a_);
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  EXPECT_NE(json_of(rotated)["secret"], secret);
  EXPECT_FALSE(json_of(rotated)["previous_secret_valid_until"].is_null());
  EXPECT_EQ(call("POST", "/v1/webhooks/" + id + "/rotate-secret?grace_seconds=999999999", owner_a_).status, 422);

  EXPECT_EQ(call("DELETE", "/v1/webhooks/" + id, owner_a_).status, 204);
  EXPECT_EQ(call("GET", "/v1/webhooks/" + id, owner_a_).status, 404);
  for (const char* action : {"webhook.created", "webhook.updated", "webhook.secret_rotated", "webhook.deleted"}) {
    EXPECT_EQ(count("audit_logs", std::string("action = '") + action + "' AND outcome = 'allowed'"), 1) << action;
  }
  EXPECT_EQ(count("audit_logs", "CAST(details AS text) LIKE '%whsec_%'"), 0) << "no audit record holds a secret";
  EXPECT_EQ(count("event_logs", "CAST(payload AS text) LIKE '%whsec_%'"), 0) << "no event holds a secret";
}

TEST_P(WebhooksApi, DeliveriesAreListedAndCanBeReplayedAndRetried) {
  NARRALYTICA_API_TEST();
  auto created = call("POST", "/v1/webhooks", owner_a_, R"({"url":"https://hooks.example.com/in"})");
  ASSERT_EQ(created.status, 201);
  const std::string id = json_of(created)["id"];
  auto replayed = call("POST", "/v1/webhooks/" + id + "/replay", owner_a_, R"({"from_position":0})");
  ASSERT_EQ(replayed.status, 202) << replayed.body;
  const int queued = json_of(replayed)["queued"];
  EXPECT_GT(queued, 0) << "the fixture's video and transcript events";
  EXPECT_EQ(call("POST", "/v1/webhooks/" + id + "/replay", owner_a_, R"({"from_position":-1})").status, 422);
  auto page = call("GET", "/v1/webhooks/" + id + "/deliveries?limit=2", owner_a_);
  ASSERT_EQ(page.status, 200) << page.body;
  const json deliveries = json_of(page);
  ASSERT_EQ(deliveries["items"].size(), 2u);
  EXPECT_FALSE(deliveries["next_cursor"].is_null());
  const json first = deliveries["items"][0];
  EXPECT_EQ(first["status"], "pending");
  EXPECT_EQ(first["webhook_id"], "msg_" + first["id"].get<std::string>());
  auto next = call("GET", "/v1/webhooks/" + id + "/deliveries?limit=2&cursor=" +
                              deliveries["next_cursor"].get<std::string>(), owner_a_);
  ASSERT_EQ(next.status, 200);
  EXPECT_NE(json_of(next)["items"][0]["id"], first["id"]);
  const std::string delivery = first["id"];
  EXPECT_EQ(call("GET", "/v1/webhook-deliveries/" + delivery, owner_a_).status, 200);
  auto retried = call("POST", "/v1/webhook-deliveries/" + delivery + "/retry", owner_a_);
  ASSERT_EQ(retried.status, 202) << retried.body;
  EXPECT_EQ(json_of(retried)["status"], "pending");
  EXPECT_EQ(count("webhook_deliveries"), queued);
}

TEST_P(WebhooksApi, BadInputIsAnswered422NamingTheField) {
  NARRALYTICA_API_TEST();
  struct Case {
    const char* body;
    const char* field;
  };
  for (const Case& c : {Case{R"({"url":"ftp://example.com/in"})", "url"},
                        Case{R"({"url":"https://example.com/in#x"})", "url"},
                        Case{R"({"description":"no url"})", "url"},
                        Case{R"({"url":"https://example.com/in","event_types":["video.created","video.melted"]})",
                             "event_types[1]"},
                        Case{R"({"url":"https://example.com/in","event_types":"video.created"})", "event_types"},
                        Case{R"({"url":"https://example.com/in","event_types":[3]})", "event_types[0]"},
                        Case{R"({"url":"https://example.com/in","secret":"whsec_mine"})", "secret"}}) {
    SCOPED_TRACE(c.body);
    auto answer = call("POST", "/v1/webhooks", owner_a_, c.body);
    EXPECT_EQ(answer.status, 422) << answer.body;
    EXPECT_EQ(json_of(answer)["field"], c.field) << answer.body;
  }
  EXPECT_EQ(count("webhook_endpoints"), 0);
}

TEST_P(WebhooksApi, OwnersManageWebhooksEditorsAndViewersCannot) {
  NARRALYTICA_API_TEST();
  const std::string body = R"({"url":"https://hooks.example.com/in"})";
  EXPECT_EQ(call("POST", "/v1/webhooks", editor_a_, body).status, 403);
  EXPECT_EQ(call("POST", "/v1/webhooks", viewer_a_, body).status, 403);
  EXPECT_EQ(call("GET", "/v1/webhooks", viewer_a_).status, 403);
  EXPECT_EQ(call("POST", "/v1/webhooks", owner_a_, body).status, 201);
  EXPECT_EQ(call("GET", "/v1/webhooks", owner_b_).body.find("hooks.example.com"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, WebhooksApi, ::testing::Values(store::Backend::sqlite, store::Backend::postgres),
                         backend_name);

}  // namespace
}  // namespace narralytica::testing
