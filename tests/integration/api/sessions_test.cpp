// Signing in to one of several tenants and moving between them (app::SessionService through
// /v1/auth/login, /v1/me/tenants and /v1/auth/switch): a login without a tenant lists the user's
// tenants only after the password was checked and issues nothing; a switch makes a token in the
// other tenant, revokes the old one and never lengthens the session; only a session token may
// switch, and a tenant the user is not in answers as one that does not exist.
#include "api_fixture.hpp"

namespace narralytica::testing {
namespace {

using nlohmann::json;

class SessionsTest : public ApiTest {
 protected:
  std::string login(const std::string& email, const std::string& tenant) {
    auto answer = call("POST", "/v1/auth/login", "",
                       json{{"email", email}, {"password", kPassword}, {"tenant", tenant}}.dump());
    EXPECT_EQ(answer.status, 201) << answer.body;
    return answer.status == 201 ? json_of(answer)["token"].get<std::string>() : "";
  }
};

TEST_P(SessionsTest, LoginWithoutATenantListsTheUsersTenantsOnlyAfterThePassword) {
  NARRALYTICA_API_TEST();
  // B's owner also joins A, as a viewer.
  ASSERT_EQ(call("POST", "/v1/members", owner_a_, R"({"email":"owner@b.example","role":"viewer"})").status, 201);
  const std::int64_t tokens_before = count("api_tokens");
  auto choices = call("POST", "/v1/auth/login", "",
                      json{{"email", "owner@b.example"}, {"password", kPassword}}.dump());
  ASSERT_EQ(choices.status, 200) << choices.body;
  const json tenants = json_of(choices)["tenants"];
  ASSERT_EQ(tenants.size(), 2u) << choices.body;
  EXPECT_EQ(tenants[0]["slug"], "tenant-a");
  EXPECT_EQ(tenants[0]["roles"], json::array({"viewer"}));
  EXPECT_EQ(tenants[1]["slug"], "tenant-b");
  EXPECT_EQ(tenants[1]["roles"], json::array({"owner"}));
  EXPECT_FALSE(json_of(choices).contains("token"));
  EXPECT_EQ(count("api_tokens"), tokens_before) << "listing the tenants issues no token";

  // A wrong password, or an unknown e-mail, says nothing about tenants or whether the user exists.
  for (const char* email : {"owner@b.example", "nobody@b.example"}) {
    auto refused = call("POST", "/v1/auth/login", "", json{{"email", email}, {"password", "wrong password"}}.dump());
    EXPECT_EQ(refused.status, 401) << refused.body;
    EXPECT_EQ(json_of(refused)["detail"], "wrong e-mail, password or tenant");
    EXPECT_FALSE(json_of(refused).contains("tenants"));
  }
  // A user of one tenant is signed in to it without naming it.
  auto single = call("POST", "/v1/auth/login", "", json{{"email", "viewer@a.example"}, {"password", kPassword}}.dump());
  ASSERT_EQ(single.status, 201) << single.body;
  EXPECT_EQ(json_of(single)["tenant"]["slug"], "tenant-a");
}

TEST_P(SessionsTest, SwitchMovesTheSessionToAnotherTenantAndRevokesTheOldToken) {
  NARRALYTICA_API_TEST();
  ASSERT_EQ(call("POST", "/v1/members", owner_a_, R"({"email":"owner@b.example","role":"viewer"})").status, 201);
  const std::string in_b = login("owner@b.example", "tenant-b");
  ASSERT_FALSE(in_b.empty());

  auto mine = call("GET", "/v1/me/tenants", in_b);
  ASSERT_EQ(mine.status, 200) << mine.body;
  const json items = json_of(mine)["items"];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]["slug"], "tenant-a");
  EXPECT_EQ(items[0]["current"], false);
  EXPECT_EQ(items[1]["slug"], "tenant-b");
  EXPECT_EQ(items[1]["current"], true);

  const std::string video_a = "/v1/videos/" + video_a_.public_id.to_string();
  EXPECT_EQ(call("GET", video_a, in_b).status, 404) << "a session token stays in its tenant";
  auto switched = call("POST", "/v1/auth/switch", in_b, R"({"tenant":"tenant-a"})");
  ASSERT_EQ(switched.status, 201) << switched.body;
  const json body = json_of(switched);
  EXPECT_EQ(body["tenant"]["slug"], "tenant-a");
  const std::string in_a = body["token"];
  EXPECT_EQ(call("GET", video_a, in_a).status, 200);
  EXPECT_EQ(call("PATCH", video_a, in_a, R"({"title":"x"})").status, 403) << "a viewer in A, whatever B allows";
  EXPECT_EQ(call("GET", "/v1/tenant", in_b).status, 401) << "the token switched from is revoked";
  EXPECT_EQ(count("audit_logs", "action = 'token.revoked' AND tenant_id = " + std::to_string(tenant_b_.id)), 1);
  EXPECT_EQ(count("audit_logs", "action = 'token.created' AND tenant_id = " + std::to_string(tenant_a_.id) +
                                    " AND actor LIKE 'user:owner@b.example'"),
            1);

  // Back again: still one live session token, never outliving the first.
  auto back = call("POST", "/v1/auth/switch", in_a, R"({"tenant":"tenant-b"})");
  ASSERT_EQ(back.status, 201) << back.body;
  EXPECT_LE(json_of(back)["expires_at"].get<std::string>(), body["expires_at"].get<std::string>());
  const std::string in_b_again = json_of(back)["token"];
  auto same = call("POST", "/v1/auth/switch", in_b_again, R"({"tenant":"tenant-b"})");
  EXPECT_EQ(same.status, 422) << same.body;
  EXPECT_EQ(json_of(same)["field"], "tenant");
}

TEST_P(SessionsTest, OnlyASessionTokenSwitchesAndOnlyToTheUsersTenants) {
  NARRALYTICA_API_TEST();
  // A token made for a script (not by login) stays in its tenant.
  ASSERT_EQ(call("POST", "/v1/members", owner_a_, R"({"email":"owner@b.example","role":"viewer"})").status, 201);
  auto script = call("POST", "/v1/auth/switch", owner_b_, R"({"tenant":"tenant-a"})");
  EXPECT_EQ(script.status, 403) << script.body;
  EXPECT_EQ(call("GET", "/v1/tenant", owner_b_).status, 200) << "a refused switch revokes nothing";

  // A tenant the user is not in answers like one that does not exist.
  const std::string viewer = login("viewer@a.example", "tenant-a");
  auto other = call("POST", "/v1/auth/switch", viewer, R"({"tenant":"tenant-b"})");
  auto none = call("POST", "/v1/auth/switch", viewer, R"({"tenant":"no-such-tenant"})");
  EXPECT_EQ(other.status, 404) << other.body;
  EXPECT_EQ(none.status, 404) << none.body;
  EXPECT_EQ(json_of(other)["detail"], json_of(none)["detail"]);
  EXPECT_EQ(call("GET", "/v1/tenant", viewer).status, 200);
  auto missing = call("POST", "/v1/auth/switch", viewer, R"({})");
  EXPECT_EQ(missing.status, 422) << missing.body;
  EXPECT_EQ(json_of(missing)["field"], "tenant");

  auto mine = call("GET", "/v1/me/tenants", viewer);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(json_of(mine)["items"].size(), 1u) << "viewer@a.example is only in A";
  EXPECT_EQ(call("GET", "/v1/me/tenants", "").status, 401);
}

INSTANTIATE_TEST_SUITE_P(Backends, SessionsTest, ::testing::Values(store::Backend::sqlite, store::Backend::postgres),
                         backend_name);

}  // namespace
}  // namespace narralytica::testing
