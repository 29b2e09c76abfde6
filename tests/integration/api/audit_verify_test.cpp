// Proves GET /v1/audit/verify: an owner of tenant A learns that A's chain is intact, with its
// record count; a viewer may not ask (403); after one of A's records is changed behind the
// application's back the answer names it as changed; tenant B's chain is still intact.
#include "api_fixture.hpp"

namespace narralytica::testing {
namespace {

TEST_P(ApiTest, AuditVerifyNamesTheChangedRecordOfTheCallersTenantOnly) {
  NARRALYTICA_API_TEST();
  auto intact = call("GET", "/v1/audit/verify", owner_a_);
  ASSERT_EQ(intact.status, 200) << intact.body;
  EXPECT_EQ(json_of(intact)["intact"], true);
  EXPECT_EQ(json_of(intact)["records"], count("audit_logs", "tenant_id = " + std::to_string(tenant_a_.id)));
  EXPECT_EQ(call("GET", "/v1/audit/verify", viewer_a_).status, 403);

  auto lease = db_->owner().acquire();
  ASSERT_TRUE(lease.ok());
  const std::string first_of_a =
      "(SELECT min(id) FROM audit_logs WHERE tenant_id = " + std::to_string(tenant_a_.id) + ")";
  ASSERT_TRUE((*lease)->execute_script(
                          (GetParam() == store::Backend::sqlite
                               ? std::string("DROP TRIGGER audit_logs_no_update; ")
                               : std::string("ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_append_only; ")) +
                          "UPDATE audit_logs SET actor = 'someone else' WHERE id = " + first_of_a)
                  .ok());
  auto broken = call("GET", "/v1/audit/verify", owner_a_);
  ASSERT_EQ(broken.status, 200) << broken.body;
  const auto answer = json_of(broken);
  EXPECT_EQ(answer["intact"], false);
  EXPECT_EQ(answer["first_broken"]["reason"], "changed");
  EXPECT_EQ(answer["first_broken"]["index"], 0);
  EXPECT_EQ(json_of(call("GET", "/v1/audit/verify", owner_b_))["intact"], true) << "tenant B is untouched";
}

}  // namespace
}  // namespace narralytica::testing
