// Proves the isolation matrix over every route that takes an id, read from the server's own
// route table (a new route without an entry here fails the test): a tenant-B token on tenant A's
// id gets 404 and not one byte of A's data; a viewer's write gets 403 and is audited as denied;
// no token or a bad token gets 401; and none of those requests changes A's data.
#include <map>

#include "api/openapi.hpp"
#include "api_fixture.hpp"
#include "app/search_service.hpp"

namespace narralytica::testing {
namespace {

struct Probe {
  std::string target;
  std::string body;
};

class IsolationMatrix : public ApiTest {
 protected:
  // A request on A's data for each (method, pattern) that takes an id.
  std::map<std::pair<std::string, std::string>, Probe> probes() {
    const std::string video = video_a_.public_id.to_string();
    const std::string transcript = transcript_a_.public_id.to_string();
    const std::string speaker = speakers_a_[0].public_id.to_string();
    const std::string other_speaker = speakers_a_[1].public_id.to_string();
    return {
        {{"GET", "/v1/videos/{id}"}, {"/v1/videos/" + video, ""}},
        {{"PATCH", "/v1/videos/{id}"}, {"/v1/videos/" + video, R"({"title":"hijacked"})"}},
        {{"DELETE", "/v1/videos/{id}"}, {"/v1/videos/" + video, ""}},
        {{"GET", "/v1/videos/{id}/sources"}, {"/v1/videos/" + video + "/sources", ""}},
        {{"GET", "/v1/videos/{id}/transcripts"}, {"/v1/videos/" + video + "/transcripts", ""}},
        {{"POST", "/v1/videos/{id}/transcripts"}, {"/v1/videos/" + video + "/transcripts?format=vtt",
                                                    "WEBVTT\n\n00:00.000 --> 00:01.000\nhijacked\n"}},
        {{"GET", "/v1/videos/{id}/speakers"}, {"/v1/videos/" + video + "/speakers", ""}},
        {{"GET", "/v1/transcripts/{id}"}, {"/v1/transcripts/" + transcript, ""}},
        {{"DELETE", "/v1/transcripts/{id}"}, {"/v1/transcripts/" + transcript, ""}},
        {{"GET", "/v1/transcripts/{id}/segments"}, {"/v1/transcripts/" + transcript + "/segments", ""}},
        {{"PATCH", "/v1/transcripts/{id}"},
         {"/v1/transcripts/" + transcript, R"({"operations":[{"op":"set_text","segment":0,"text":"hijacked"}]})"}},
        {{"GET", "/v1/transcripts/{id}/revisions"}, {"/v1/transcripts/" + transcript + "/revisions", ""}},
        {{"GET", "/v1/transcripts/{id}/diff"}, {"/v1/transcripts/" + transcript + "/diff?from=1&to=1", ""}},
        {{"GET", "/v1/speakers/{id}"}, {"/v1/speakers/" + speaker, ""}},
        {{"PATCH", "/v1/speakers/{id}"}, {"/v1/speakers/" + speaker, R"({"display_name":"hijacked"})"}},
        {{"POST", "/v1/speakers/{id}/link"}, {"/v1/speakers/" + speaker + "/link", R"({"person":"hijacked"})"}},
        {{"DELETE", "/v1/speakers/{id}/link"}, {"/v1/speakers/" + speaker + "/link", ""}},
        {{"POST", "/v1/speakers/{id}/merge"}, {"/v1/speakers/" + other_speaker + "/merge", R"({"into":")" + speaker + "\"}"}},
        {{"DELETE", "/v1/tokens/{id}"}, {"/v1/tokens/" + token_a_id_, ""}},
        {{"PATCH", "/v1/members/{id}"}, {"/v1/members/" + member_a_id_, R"({"role":"owner"})"}},
        {{"DELETE", "/v1/members/{id}"}, {"/v1/members/" + member_a_id_, ""}},
        {{"GET", "/v1/jobs/{id}"}, {"/v1/jobs/" + job_a_id_, ""}},
        {{"POST", "/v1/jobs/{id}/cancel"}, {"/v1/jobs/" + job_a_id_ + "/cancel", ""}},
        {{"POST", "/v1/jobs/{id}/retry"}, {"/v1/jobs/" + job_a_id_ + "/retry", ""}},
        {{"GET", "/v1/tenant/config/{key}"}, {"/v1/tenant/config/a-secret", ""}},
        {{"POST", "/v1/transcripts/{id}/layers"},
         {"/v1/transcripts/" + transcript + "/layers", layer_run("hijacked")}},
        {{"GET", "/v1/transcripts/{id}/layers"}, {"/v1/transcripts/" + transcript + "/layers", ""}},
        {{"GET", "/v1/transcripts/{id}/layers/{kind}"}, {"/v1/transcripts/" + transcript + "/layers/x-notes", ""}},
        {{"PUT", "/v1/transcripts/{id}/layers/{kind}/current"},
         {"/v1/transcripts/" + transcript + "/layers/x-notes/current", R"({"version":1})"}},
        {{"GET", "/v1/transcripts/{id}/layers/{kind}/diff"},
         {"/v1/transcripts/" + transcript + "/layers/x-notes/diff?from=1&to=2", ""}},
        {{"PUT", "/v1/tenant/config/{key}"}, {"/v1/tenant/config/a-secret", R"({"value":"hijacked"})"}},
        {{"GET", "/v1/videos/{id}/media"}, {"/v1/videos/" + video + "/media", ""}},
        {{"GET", "/v1/people/{id}"}, {"/v1/people/" + person_a_id_, ""}},
        {{"PATCH", "/v1/people/{id}"}, {"/v1/people/" + person_a_id_, R"({"name":"hijacked"})"}},
        {{"DELETE", "/v1/people/{id}"}, {"/v1/people/" + person_a_id_, ""}},
        {{"GET", "/v1/people/{id}/speakers"}, {"/v1/people/" + person_a_id_ + "/speakers", ""}},
        {{"POST", "/v1/people/{id}/speakers"},
         {"/v1/people/" + person_a_id_ + "/speakers", R"({"speaker":")" + other_speaker + "\"}"}},
        {{"DELETE", "/v1/people/{id}/speakers/{speaker_id}"},
         {"/v1/people/" + person_a_id_ + "/speakers/" + speaker, ""}},
        {{"POST", "/v1/people/{id}/merge"},
         {"/v1/people/" + person_a_id_ + "/merge", R"({"into":")" + other_person_a_id_ + "\"}"}},
        {{"POST", "/v1/people/{id}/split"},
         {"/v1/people/" + person_a_id_ + "/split", R"({"speakers":[")" + speaker + R"("],"name":"hijacked"})"}},
        {{"GET", "/v1/people/{id}/appearances"}, {"/v1/people/" + person_a_id_ + "/appearances", ""}},
        {{"GET", "/v1/people/{id}/segments"}, {"/v1/people/" + person_a_id_ + "/segments", ""}},
        {{"PUT", "/v1/videos/{id}/media"}, {"/v1/videos/" + video + "/media", "hijacked media"}},
        {{"GET", "/v1/webhooks/{id}"}, {"/v1/webhooks/" + webhook_a_id_, ""}},
        {{"PATCH", "/v1/webhooks/{id}"}, {"/v1/webhooks/" + webhook_a_id_, R"({"description":"hijacked"})"}},
        {{"DELETE", "/v1/webhooks/{id}"}, {"/v1/webhooks/" + webhook_a_id_, ""}},
        {{"POST", "/v1/webhooks/{id}/rotate-secret"}, {"/v1/webhooks/" + webhook_a_id_ + "/rotate-secret", ""}},
        {{"GET", "/v1/webhooks/{id}/deliveries"}, {"/v1/webhooks/" + webhook_a_id_ + "/deliveries", ""}},
        {{"POST", "/v1/webhooks/{id}/replay"}, {"/v1/webhooks/" + webhook_a_id_ + "/replay", R"({"from_position":0})"}},
        {{"GET", "/v1/webhook-deliveries/{id}"}, {"/v1/webhook-deliveries/" + delivery_a_id_, ""}},
        {{"POST", "/v1/webhook-deliveries/{id}/retry"}, {"/v1/webhook-deliveries/" + delivery_a_id_ + "/retry", ""}},
        {{"GET", "/v1/collections/{id}"}, {"/v1/collections/" + collection_a_id_, ""}},
        {{"PATCH", "/v1/collections/{id}"}, {"/v1/collections/" + collection_a_id_, R"({"name":"hijacked"})"}},
        {{"DELETE", "/v1/collections/{id}"}, {"/v1/collections/" + collection_a_id_, ""}},
        {{"GET", "/v1/collections/{id}/videos"}, {"/v1/collections/" + collection_a_id_ + "/videos", ""}},
        {{"POST", "/v1/collections/{id}/videos"},
         {"/v1/collections/" + collection_a_id_ + "/videos", R"({"remove":[")" + video + "\"]}"}},
        {{"PUT", "/v1/collections/{id}/videos/{video_id}"},
         {"/v1/collections/" + collection_a_id_ + "/videos/" + video, ""}},
        {{"DELETE", "/v1/collections/{id}/videos/{video_id}"},
         {"/v1/collections/" + collection_a_id_ + "/videos/" + video, ""}},
        {{"GET", "/v1/videos/{id}/tags"}, {"/v1/videos/" + video + "/tags", ""}},
        {{"PUT", "/v1/videos/{id}/tags/{tag}"}, {"/v1/videos/" + video + "/tags/hijacked", ""}},
        {{"DELETE", "/v1/videos/{id}/tags/{tag}"}, {"/v1/videos/" + video + "/tags/a-secret", ""}},
    };
  }

  // A custom-kind run whose note is `note` (A's secret in A's own runs).
  static std::string layer_run(const std::string& note) {
    return R"({"kind":"x-notes","producer":{"name":"p","version":")" + note + R"("},"items":[)"
           R"({"segment":0,"value":{"note":")" + note + R"("}}]})";
  }

  void SetUp() override {
    ApiTest::SetUp();
    if (!db_) return;
    const std::string layers = "/v1/transcripts/" + transcript_a_.public_id.to_string() + "/layers";
    ASSERT_EQ(call("POST", layers, owner_a_, layer_run(secret_text_)).status, 201);
    ASSERT_EQ(call("POST", layers, owner_a_, layer_run(secret_text_ + " again")).status, 201);
    auto token = call("POST", "/v1/tokens", owner_a_, R"({"name":"victim"})");
    ASSERT_EQ(token.status, 201) << token.body;
    token_a_id_ = json_of(token)["token"]["id"];
    auto job = call("POST", "/v1/jobs", owner_a_, R"({"kind":"test.noop","payload":{"note":")" + secret_text_ + "\"}}");
    ASSERT_EQ(job.status, 201) << job.body;
    job_a_id_ = json_of(job)["id"];
    ASSERT_EQ(call("PUT", "/v1/tenant/config/a-secret", owner_a_, R"({"value":")" + secret_text_ + "\"}").status, 200);
    const auto members = json_of(call("GET", "/v1/members", owner_a_));
    for (const auto& m : members.at("items")) {
      if (m["email"] == "viewer@a.example") member_a_id_ = m["id"];
    }
    ASSERT_FALSE(member_a_id_.empty());
    auto person = call("POST", "/v1/people", owner_a_, R"({"name":")" + secret_text_ + "\"}");
    ASSERT_EQ(person.status, 201) << person.body;
    person_a_id_ = json_of(person)["id"];
    auto other_person = call("POST", "/v1/people", owner_a_, R"({"name":"another of A"})");
    ASSERT_EQ(other_person.status, 201) << other_person.body;
    other_person_a_id_ = json_of(other_person)["id"];
    ASSERT_EQ(call("POST", "/v1/people/" + person_a_id_ + "/speakers", owner_a_,
                   R"({"speaker":")" + speakers_a_[0].public_id.to_string() + "\"}")
                  .status,
              200);
    const std::string media = "/v1/videos/" + video_a_.public_id.to_string() + "/media";
    ASSERT_EQ(call("PUT", media, owner_a_, secret_text_, {"Content-Type: audio/wav"}).status, 201);
    auto webhook = call("POST", "/v1/webhooks", owner_a_,
                        R"({"url":"https://hooks.example.com/in","description":")" + secret_text_ + "\"}");
    ASSERT_EQ(webhook.status, 201) << webhook.body;
    webhook_a_id_ = json_of(webhook)["id"];
    const std::string hook = "/v1/webhooks/" + webhook_a_id_;
    ASSERT_EQ(call("POST", hook + "/replay", owner_a_, R"({"from_position":0})").status, 202);
    const auto deliveries = json_of(call("GET", hook + "/deliveries", owner_a_));
    ASSERT_FALSE(deliveries.at("items").empty());
    delivery_a_id_ = deliveries["items"][0]["id"];
    auto collection = call("POST", "/v1/collections", owner_a_, R"({"name":")" + secret_text_ + "\"}");
    ASSERT_EQ(collection.status, 201) << collection.body;
    collection_a_id_ = json_of(collection)["id"];
    const std::string video = video_a_.public_id.to_string();
    ASSERT_EQ(call("PUT", "/v1/collections/" + collection_a_id_ + "/videos/" + video, owner_a_).status, 200);
    ASSERT_EQ(call("PUT", "/v1/videos/" + video + "/tags/a-secret", owner_a_).status, 200);
  }

  bool mentions_a(const std::string& body) const {
    return body.find(secret_text_) != std::string::npos || body.find("tenant-a") != std::string::npos ||
           body.find(tenant_a_.public_id.to_string()) != std::string::npos;
  }

  std::string token_a_id_;
  std::string job_a_id_;
  std::string member_a_id_;  // the viewer's membership in A
  std::string webhook_a_id_;
  std::string delivery_a_id_;
  std::string person_a_id_;  // named with A's secret, linked to A's first speaker
  std::string other_person_a_id_;
  std::string collection_a_id_;  // named with A's secret, holding A's video, which is tagged
};

TEST_P(IsolationMatrix, EveryIdRouteAnswersOtherTenantsLikeMissingIds) {
  NARRALYTICA_API_TEST();
  const auto table = probes();
  const auto segments_before = count("segments");
  const auto videos_before = count("videos");
  const auto memberships_before = count("memberships", "status = 'active'");
  const auto links_before = count("person_speakers");
  int covered = 0;
  for (const auto& [method, pattern] : api::route_list()) {
    if (pattern.find('{') == std::string::npos) continue;
    // A signed media URL is its own credential, open by design; media_test.cpp proves it.
    if (pattern.starts_with("/media/")) continue;
    SCOPED_TRACE(method + " " + pattern);
    auto probe = table.find({method, pattern});
    ASSERT_NE(probe, table.end()) << "the isolation matrix has no request for this route";
    ++covered;
    const Probe& p = probe->second;
    const bool write = method != "GET";
    std::vector<std::string> headers;
    if (pattern == "/v1/videos/{id}/transcripts" && write) headers.push_back("Content-Type: text/vtt");
    if (pattern == "/v1/videos/{id}/media" && write) headers.push_back("Content-Type: audio/wav");
    if (pattern == "/v1/transcripts/{id}" && method == "PATCH") headers.push_back("If-Match: \"1\"");

    auto foreign = call(method, p.target, owner_b_, p.body, headers);
    if (pattern.find("{key}") != std::string::npos && write) {
      // Config keys are names within the caller's tenant, not ids: B sets its own key.
      EXPECT_EQ(foreign.status, 200) << foreign.body;
    } else {
      EXPECT_EQ(foreign.status, 404) << foreign.body;
      EXPECT_EQ(foreign.header("content-type"), "application/problem+json");
    }
    EXPECT_FALSE(mentions_a(foreign.body)) << foreign.body;

    auto anonymous = call(method, p.target, "", p.body, headers);
    EXPECT_EQ(anonymous.status, 401);
    EXPECT_FALSE(anonymous.header("www-authenticate").empty());
    EXPECT_FALSE(mentions_a(anonymous.body));
    auto forged = call(method, p.target, "nla_forged_0000000000000000000000000000000000000000000", p.body, headers);
    EXPECT_EQ(forged.status, 401);
    EXPECT_FALSE(mentions_a(forged.body));

    if (write) {
      auto viewer = call(method, p.target, viewer_a_, p.body, headers);
      EXPECT_EQ(viewer.status, 403) << viewer.body;
      EXPECT_EQ(json_of(viewer)["code"], "forbidden");
    } else {
      auto own = call(method, p.target, owner_a_);
      EXPECT_EQ(own.status, 200) << own.body;  // the probe does reach A's data with A's token
    }
  }
  EXPECT_GE(covered, 15);
  EXPECT_EQ(count("segments"), segments_before);
  EXPECT_EQ(count("segments", "text = 'hijacked'"), 0);
  EXPECT_EQ(count("videos"), videos_before);
  EXPECT_EQ(count("videos", "title LIKE '%hijacked%'"), 0);
  EXPECT_EQ(count("speakers", "display_name = 'hijacked' OR label = 'hijacked'"), 0);
  EXPECT_EQ(count("people", "name = 'hijacked' OR merged_into_id IS NOT NULL"), 0);
  EXPECT_EQ(count("person_speakers"), links_before);
  EXPECT_EQ(count("api_tokens", "revoked_at IS NOT NULL"), 0);
  EXPECT_EQ(count("memberships", "status = 'active'"), memberships_before);
  EXPECT_EQ(count("jobs", "status = 'queued'"), 1);
  EXPECT_EQ(count("layers"), 2);
  EXPECT_EQ(count("layers", "pinned"), 0);
  EXPECT_EQ(count("webhook_endpoints"), 1);
  EXPECT_EQ(count("webhook_endpoints", "description = 'hijacked' OR previous_secret IS NOT NULL"), 0);
  EXPECT_EQ(count("collections", "name = 'hijacked'"), 0);
  EXPECT_EQ(count("collection_videos"), 1);
  EXPECT_EQ(count("video_tags"), 1);
  EXPECT_NE(call("GET", "/v1/tenant/config/a-secret", owner_a_).body.find(secret_text_), std::string::npos);
  // Each viewer write was refused and audited as denied.
  EXPECT_GE(count("audit_logs", "outcome = 'denied'"), 1);
}

TEST_P(IsolationMatrix, ListsShowOnlyTheCallersTenant) {
  NARRALYTICA_API_TEST();
  for (const char* target : {"/v1/videos", "/v1/members", "/v1/roles", "/v1/tokens", "/v1/audit", "/v1/tenant",
                             "/v1/jobs", "/v1/events", "/v1/webhooks", "/v1/people", "/v1/collections",
                             "/v1/tags"}) {
    auto answer = call("GET", target, owner_b_);
    EXPECT_EQ(answer.status, 200) << target << answer.body;
    EXPECT_FALSE(mentions_a(answer.body)) << target << answer.body;
  }
  EXPECT_TRUE(mentions_a(call("GET", "/v1/webhooks", owner_a_).body)) << "A's own list shows A's webhook";
  // The search index is derived data: built for every tenant, B's token still finds nothing of A's
  // (and A's finds it, so the check can fail).
  app::SearchService search(db_->app(), data_dir_.path());
  ASSERT_TRUE(search.reindex(store::Principal::operator_cli("cli:test"), "", 1).ok());
  EXPECT_TRUE(mentions_a(call("GET", "/v1/search?q=secret", owner_a_).body));
  auto searched = call("GET", "/v1/search?q=secret", owner_b_);
  EXPECT_EQ(searched.status, 200) << searched.body;
  EXPECT_FALSE(mentions_a(searched.body)) << searched.body;
  EXPECT_FALSE(mentions_a(call("POST", "/v1/search", owner_b_, R"({"q":"secret words"})").body));
  EXPECT_TRUE(mentions_a(call("POST", "/v1/retrieve", owner_a_, R"({"query":"secret"})").body));
  auto retrieved = call("POST", "/v1/retrieve", owner_b_, R"({"query":"secret"})");
  EXPECT_EQ(retrieved.status, 200) << retrieved.body;
  EXPECT_TRUE(json_of(retrieved)["passages"].empty()) << retrieved.body;
  EXPECT_FALSE(mentions_a(retrieved.body)) << retrieved.body;
  EXPECT_GT(json_of(call("GET", "/v1/timeline?q=secret&by=person", owner_a_))["total"].get<int>(), 0);
  auto timeline = call("GET", "/v1/timeline?q=secret&by=person", owner_b_);
  EXPECT_EQ(timeline.status, 200) << timeline.body;
  EXPECT_EQ(json_of(timeline)["total"], 0);
  EXPECT_FALSE(mentions_a(timeline.body)) << timeline.body;
  EXPECT_EQ(call("GET", "/v1/timeline?q=%22unclosed", owner_a_).status, 400);
  EXPECT_EQ(call("GET", "/v1/timeline?q=secret&bucket=fortnight", owner_a_).status, 422);
  // A's own feed has A's changes, in order.
  auto feed = json_of(call("GET", "/v1/events?after=0&limit=1000", viewer_a_));
  ASSERT_FALSE(feed["items"].empty());
  EXPECT_EQ(feed["next_after"], feed["items"].back()["position"]);
  EXPECT_TRUE(json_of(call("GET", "/v1/events?after=" + std::to_string(feed["next_after"].get<std::int64_t>()),
                           viewer_a_))["items"].empty());
  // B's filters cannot reach A's collection by its name or id.
  EXPECT_EQ(call("GET", "/v1/videos?collection=" + collection_a_id_, owner_b_).status, 404);
  EXPECT_TRUE(json_of(call("GET", "/v1/videos?tag=a-secret", owner_b_))["items"].empty());
  EXPECT_EQ(json_of(call("GET", "/v1/videos?tag=a-secret", owner_a_))["items"].size(), 1u);
  EXPECT_EQ(call("GET", "/v1/audit", viewer_a_).status, 403);  // admins only
  EXPECT_EQ(call("GET", "/v1/audit", editor_a_).status, 403);
}

INSTANTIATE_TEST_SUITE_P(Backends, IsolationMatrix,
                         ::testing::Values(store::Backend::sqlite, store::Backend::postgres), backend_name);

}  // namespace
}  // namespace narralytica::testing
