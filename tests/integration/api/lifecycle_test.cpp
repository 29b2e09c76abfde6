// Proves authentication and the server's lifecycle: login exchanges e-mail, password and tenant
// for a working token (wrong ones get one answer, and repeated failures 429); a revoked token
// stops working at once; keep-alive serves many requests on one connection; and a graceful stop
// with a request in flight lets that request finish with its answer while new connections are
// refused and idle ones closed; with group commit, a failed sync is answered 503, not 200.
#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "api_fixture.hpp"
#include "store/group_sync.hpp"

namespace narralytica::testing {
namespace {

TEST_P(ApiTest, LoginIssuesAnExpiringTokenAndRefusesGuessing) {
  NARRALYTICA_API_TEST();
  auto login = call("POST", "/v1/auth/login", "",
                    R"({"email":"Viewer@A.example","password":")" + std::string(kPassword) + R"(","tenant":"tenant-a"})");
  ASSERT_EQ(login.status, 201) << login.body;
  const auto body = json_of(login);
  EXPECT_EQ(body["tenant"]["slug"], "tenant-a");
  EXPECT_FALSE(body["expires_at"].get<std::string>().empty());
  const std::string token = body["token"];
  EXPECT_EQ(call("GET", "/v1/videos/" + video_a_.public_id.to_string(), token).status, 200);

  // Wrong password, unknown user and a tenant the user is not in: the same answer.
  for (const std::string& bad : std::vector<std::string>{
           R"({"email":"viewer@a.example","password":"wrong password","tenant":"tenant-a"})",
        R"({"email":"nobody@a.example","password":"wrong password","tenant":"tenant-a"})",
        R"({"email":"viewer@a.example","password":")" + std::string(kPassword) + R"(","tenant":"tenant-b"})"}) {
    auto refused = call("POST", "/v1/auth/login", "", bad);
    EXPECT_EQ(refused.status, 401) << bad;
    EXPECT_EQ(json_of(refused)["detail"], "wrong e-mail, password or tenant");
  }
  int status = 0;
  for (int i = 0; i < 12 && status != 429; ++i) {
    status = call("POST", "/v1/auth/login", "", R"({"email":"owner@a.example","password":"guess guess","tenant":"tenant-a"})")
                 .status;
  }
  EXPECT_EQ(status, 429);
}

TEST_P(ApiTest, RevokedTokenStopsWorking) {
  NARRALYTICA_API_TEST();
  auto created = call("POST", "/v1/tokens", owner_a_, R"({"name":"short-lived","expires_in_s":3600})");
  ASSERT_EQ(created.status, 201) << created.body;
  const auto body = json_of(created);
  const std::string secret = body["secret"];
  EXPECT_EQ(call("GET", "/v1/tenant", secret).status, 200);
  EXPECT_EQ(call("DELETE", "/v1/tokens/" + body["token"]["id"].get<std::string>(), owner_a_).status, 204);
  EXPECT_EQ(call("GET", "/v1/tenant", secret).status, 401);
  EXPECT_EQ(call("POST", "/v1/tokens", owner_a_, R"({"name":"x","expires_in_s":5})").status, 422);
}

// A tenant's own role holds exactly the catalog permissions it was made with: a member given it
// can do those and is refused (403) the rest; a bad permission or a taken name is refused with
// the field named, and making roles needs write:roles.
TEST_P(ApiTest, ACustomRoleGrantsExactlyItsPermissions) {
  NARRALYTICA_API_TEST();
  auto made = call("POST", "/v1/roles", owner_a_,
                   R"({"name":"annotator","description":"reads videos, writes layers",)"
                   R"("permissions":["read:tenant","read:videos","read:transcripts","write:layers","read:videos"]})");
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(json_of(made)["name"], "annotator");
  EXPECT_EQ(json_of(made)["builtin"], false);
  bool listed = false;
  const auto roles = call("GET", "/v1/roles", owner_a_);
  ASSERT_EQ(roles.status, 200) << roles.body;
  const auto role_list = json_of(roles);
  for (const auto& role : role_list.at("items")) listed |= role["name"] == "annotator";
  EXPECT_TRUE(listed);

  auto unknown = call("POST", "/v1/roles", owner_a_, R"({"name":"x","permissions":["read:videos","fly:kites"]})");
  EXPECT_EQ(unknown.status, 422) << unknown.body;
  EXPECT_EQ(json_of(unknown)["field"], "permissions[1]");
  auto malformed = call("POST", "/v1/roles", owner_a_, R"({"name":"x","permissions":["readvideos"]})");
  EXPECT_EQ(malformed.status, 422) << malformed.body;
  EXPECT_EQ(json_of(malformed)["field"], "permissions[0]");
  EXPECT_EQ(call("POST", "/v1/roles", owner_a_, R"({"name":"x","permissions":[]})").status, 422);
  EXPECT_EQ(call("POST", "/v1/roles", owner_a_, R"({"name":"annotator","permissions":["read:videos"]})").status, 409);
  EXPECT_EQ(call("POST", "/v1/roles", editor_a_, R"({"name":"y","permissions":["read:videos"]})").status, 403);
  EXPECT_EQ(count("roles", "name = 'x' OR name = 'y'"), 0) << "nothing of a refused role is stored";

  // B's owner joins A as an annotator and logs in to A (logging in needs read:tenant).
  ASSERT_EQ(call("POST", "/v1/members", owner_a_, R"({"email":"owner@b.example","role":"annotator"})").status, 201);
  auto login = call("POST", "/v1/auth/login", "",
                    R"({"email":"owner@b.example","password":")" + std::string(kPassword) + R"(","tenant":"tenant-a"})");
  ASSERT_EQ(login.status, 201) << login.body;
  const std::string annotator = json_of(login)["token"];
  const std::string video = "/v1/videos/" + video_a_.public_id.to_string();
  EXPECT_EQ(call("GET", video, annotator).status, 200);
  EXPECT_EQ(call("GET", "/v1/transcripts/" + transcript_a_.public_id.to_string() + "/layers", annotator).status, 403)
      << "read:layers was not given";
  EXPECT_EQ(call("PATCH", video, annotator, R"({"title":"renamed"})").status, 403);
  EXPECT_EQ(call("GET", "/v1/members", annotator).status, 403);
}

// Memberships change role or status and end through the API; the tenant's last active owner
// cannot be demoted, suspended or removed (nobody could manage the tenant after).
TEST_P(ApiTest, MembershipsChangeAndEndButTheLastOwnerStays) {
  NARRALYTICA_API_TEST();
  std::string viewer_membership, owner_membership;
  const auto members = json_of(call("GET", "/v1/members", owner_a_));
  for (const auto& m : members.at("items")) {
    if (m["email"] == "viewer@a.example") viewer_membership = m["id"];
    if (m["email"] == "owner@a.example") owner_membership = m["id"];
  }
  ASSERT_FALSE(viewer_membership.empty());
  ASSERT_FALSE(owner_membership.empty());

  auto promoted = call("PATCH", "/v1/members/" + viewer_membership, owner_a_, R"({"role":"editor"})");
  ASSERT_EQ(promoted.status, 200) << promoted.body;
  EXPECT_EQ(json_of(promoted)["role"], "editor");
  const std::string video = "/v1/videos/" + video_a_.public_id.to_string();
  EXPECT_EQ(call("PATCH", video, viewer_a_, R"({"description":"now an editor"})").status, 200);
  EXPECT_EQ(call("PATCH", "/v1/members/" + viewer_membership, owner_a_, R"({"status":"paused"})").status, 422);
  EXPECT_EQ(call("PATCH", "/v1/members/" + viewer_membership, owner_a_, R"({"role":"no-such-role"})").status, 404);
  EXPECT_EQ(call("PATCH", "/v1/members/" + viewer_membership, editor_a_, R"({"role":"owner"})").status, 403);

  for (const char* change : {R"({"role":"viewer"})", R"({"status":"suspended"})"}) {
    auto refused = call("PATCH", "/v1/members/" + owner_membership, owner_a_, change);
    EXPECT_EQ(refused.status, 409) << change << refused.body;
  }
  EXPECT_EQ(call("DELETE", "/v1/members/" + owner_membership, owner_a_).status, 409);

  EXPECT_EQ(call("DELETE", "/v1/members/" + viewer_membership, owner_a_).status, 204);
  EXPECT_EQ(call("GET", video, viewer_a_).status, 404) << "no membership: answered like another tenant's id";
  EXPECT_EQ(call("DELETE", "/v1/members/" + viewer_membership, owner_a_).status, 404);
  EXPECT_EQ(count("audit_logs", "action IN ('member.changed', 'member.removed') AND outcome = 'allowed'"), 2);
}

// The tenant's tokens are listed newest first with their prefix, never their secret, revoked
// ones marked; a viewer may not list them.
TEST_P(ApiTest, TokensAreListedWithoutTheirSecrets) {
  NARRALYTICA_API_TEST();
  auto created = call("POST", "/v1/tokens", owner_a_, R"({"name":"ci-runner","expires_in_s":3600})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string secret = json_of(created)["secret"];
  const std::string id = json_of(created)["token"]["id"];
  ASSERT_EQ(call("DELETE", "/v1/tokens/" + id, owner_a_).status, 204);

  auto listed = call("GET", "/v1/tokens?limit=2", owner_a_);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.body.find(secret), std::string::npos);
  const auto items = json_of(listed)["items"];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]["id"], id) << "newest first";
  EXPECT_EQ(items[0]["name"], "ci-runner");
  EXPECT_FALSE(items[0]["revoked_at"].is_null());
  EXPECT_EQ(secret.find("_" + items[0]["prefix"].get<std::string>() + "_"), 3u) << "nla_<prefix>_…";
  EXPECT_EQ(call("GET", "/v1/tokens", viewer_a_).status, 403);
  EXPECT_EQ(call("GET", "/v1/tokens?limit=0", owner_a_).status, 422);
}

TEST_P(ApiTest, KeepAliveServesManyRequestsOnOneConnection) {
  NARRALYTICA_API_TEST();
  HttpConnection connection(port_);
  for (int i = 0; i < 20; ++i) {
    auto answer = connection.request("GET", "/v1/videos/" + video_a_.public_id.to_string(), "",
                                     {"Authorization: Bearer " + viewer_a_});
    ASSERT_EQ(answer.status, 200) << i;
  }
}

// With group commit (SQLite), an answer waits for the sync that makes what it reports durable.
// When that sync fails, the change is answered 503, not 200, and so is a read that could see it:
// nothing a power loss could still take back is acknowledged or shown.
TEST_P(ApiTest, AFailedGroupSyncIsAnsweredAsUnavailable) {
  NARRALYTICA_API_TEST();
  store::GroupSync* group = db_->app().group_sync();
  if (!group) GTEST_SKIP() << "PostgreSQL makes its own commits durable";
  const std::string path = "/v1/videos/" + video_a_.public_id.to_string();
  ASSERT_EQ(call("PATCH", path, editor_a_, R"({"description":"synced"})").status, 200);
  group->fail_next_sync(make_error(ErrorCode::internal, "fdatasync failed: Input/output error", "test.db-wal"));
  const auto changed = call("PATCH", path, editor_a_, R"({"description":"not synced"})");
  EXPECT_EQ(changed.status, 503) << changed.body;
  EXPECT_NE(changed.body.find("restart"), std::string::npos) << changed.body;
  const auto read = call("GET", path, viewer_a_);
  EXPECT_EQ(read.status, 503) << read.body;
  EXPECT_EQ(call("GET", "/healthz", "").status, 200) << "the process is up; readiness is the database's";
}

// Changes from many connections at once (on SQLite they share write batches): every change
// answered 201 is there exactly once with its event, a refused one (403) left only its audit
// record, and a lost update (412) changed nothing; on SQLite, /metrics counts the batches.
TEST_P(ApiTest, ConcurrentChangesLandOnceEachAndRefusedOnesLeaveNothingElse) {
  NARRALYTICA_API_TEST();
  constexpr int kClients = 6;
  constexpr int kRounds = 15;
  const auto events_before = count("event_logs", "event_type = 'video.created'");
  const auto denied_before = count("audit_logs", "outcome = 'denied'");
  const std::string video_path = "/v1/videos/" + video_a_.public_id.to_string();
  std::atomic<int> created{0}, denied{0}, lost{0}, unexpected{0};
  std::mutex ids_mutex;
  std::vector<std::string> ids;
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      HttpConnection connection(port_);
      for (int r = 0; r < kRounds; ++r) {
        const std::string title = "concurrent " + std::to_string(c) + "-" + std::to_string(r);
        auto made = connection.request("POST", "/v1/videos", R"({"title":")" + title + R"("})",
                                       {"Authorization: Bearer " + editor_a_, "Content-Type: application/json"});
        if (made.status == 201) {
          ++created;
          std::lock_guard lock(ids_mutex);
          ids.push_back(json_of(made)["id"]);
        } else {
          ++unexpected;
        }
        auto refused = connection.request("POST", "/v1/videos", R"({"title":"never"})",
                                          {"Authorization: Bearer " + viewer_a_, "Content-Type: application/json"});
        refused.status == 403 ? ++denied : ++unexpected;
        auto stale = connection.request("PATCH", video_path, R"({"title":"lost"})",
                                        {"Authorization: Bearer " + editor_a_, "Content-Type: application/json",
                                         "If-Match: \"not-the-current-version\""});
        stale.status == 412 ? ++lost : ++unexpected;
      }
    });
  }
  for (auto& client : clients) client.join();
  EXPECT_EQ(unexpected.load(), 0);
  EXPECT_EQ(created.load(), kClients * kRounds);
  EXPECT_EQ(denied.load(), kClients * kRounds);
  EXPECT_EQ(lost.load(), kClients * kRounds);
  EXPECT_EQ(count("videos", "title LIKE 'concurrent %'"), kClients * kRounds);
  EXPECT_EQ(count("videos", "title IN ('never', 'lost')"), 0);
  EXPECT_EQ(count("event_logs", "event_type = 'video.created'") - events_before, kClients * kRounds);
  EXPECT_EQ(count("audit_logs", "outcome = 'denied'") - denied_before, kClients * kRounds);
  for (const std::string& id : ids) EXPECT_EQ(call("GET", "/v1/videos/" + id, viewer_a_).status, 200) << id;
  EXPECT_EQ(json_of(call("GET", video_path, viewer_a_))["title"], video_a_.title);
  const auto metrics = call("GET", "/metrics", "").body;
  EXPECT_EQ(metrics.find("narralytica_db_write_batches_total") != std::string::npos,
            GetParam() == store::Backend::sqlite);
}

TEST_P(ApiTest, GracefulStopFinishesTheRequestInFlight) {
  NARRALYTICA_API_TEST();
  std::mutex mutex;
  std::condition_variable changed;
  bool entered = false;
  bool release = false;
  api::ServerOptions options;
  options.before_handle = [&](const api::HttpRequest& request) {
    if (request.path != "/v1/tenant") return;
    std::unique_lock lock(mutex);
    entered = true;
    changed.notify_all();
    changed.wait(lock, [&] { return release; });
  };
  start_server(options);
  HttpConnection idle(port_);
  ASSERT_EQ(idle.request("GET", "/healthz").status, 200);

  auto in_flight = std::async(std::launch::async, [&] { return call("GET", "/v1/tenant", owner_a_); });
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(10), [&] { return entered; }));
  }
  server_->stop();
  EXPECT_TRUE(idle.closed_by_peer(5000));  // idle keep-alive connections are closed
  {
    std::lock_guard lock(mutex);
    release = true;
  }
  changed.notify_all();
  const auto answer = in_flight.get();
  EXPECT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.header("connection"), "close");
  server_->wait();
  EXPECT_FALSE(HttpConnection(port_).connected() && HttpConnection(port_).request("GET", "/healthz").status == 200);
}

}  // namespace
}  // namespace narralytica::testing
