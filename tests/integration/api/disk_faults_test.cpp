// Proves what the server does when SQLite's disk fails under it (issue 17, decision 0011): with
// every connection opened through the fault-injecting VFS (support/faulty_vfs.hpp), a change
// whose COMMIT cannot write the log (an I/O error, or a full disk) is answered 503 with a problem
// body that names the cause and says to restart; so is every later change, which is refused
// before it writes anything, and /readyz turns 503 with the same reason so that a load balancer
// stops sending traffic, while /healthz stays 200 (the process is up). Nothing of the failed
// changes is in the database. SQLite only: the VFS is SQLite's.
#include "api_fixture.hpp"
#include "support/faulty_vfs.hpp"

namespace narralytica::testing {
namespace {

// ApiTest with every connection opened through the faulty VFS, which passes every call through
// until a test arms it.
class DiskFaultsTest : public ApiTest {
 protected:
  // The server's first failed COMMIT, by `kind`, and what it answers from then on.
  void expect_final_after_failed_commit(FaultKind kind, const std::string& cause) {
    const std::string path = "/v1/videos/" + video_a_.public_id.to_string();
    ASSERT_EQ(call("PATCH", path, editor_a_, R"({"description":"written"})").status, 200);

    FaultyVfs::instance().arm(kind, 1);  // the next write: the PATCH's COMMIT writing the log
    const auto failed = call("PATCH", path, editor_a_, R"({"description":"failed"})");
    EXPECT_TRUE(FaultyVfs::instance().fired());
    FaultyVfs::instance().reset();
    EXPECT_EQ(failed.status, 503) << failed.body;
    EXPECT_NE(failed.body.find(cause), std::string::npos) << failed.body;
    EXPECT_NE(failed.body.find("restart"), std::string::npos) << failed.body;

    // The disk works again, but what the failed COMMIT left in the log cannot be trusted: later
    // changes are refused before they write, with the same reason.
    const auto later = call("PATCH", path, editor_a_, R"({"description":"later"})");
    EXPECT_EQ(later.status, 503) << later.body;
    EXPECT_NE(later.body.find("restart"), std::string::npos) << later.body;
    EXPECT_EQ(FaultyVfs::instance().count(FaultKind::write), 0) << "a refused change wrote to the database";
    const auto ready = call("GET", "/readyz", "");
    EXPECT_EQ(ready.status, 503) << ready.body;
    EXPECT_NE(ready.body.find("restart"), std::string::npos) << ready.body;
    EXPECT_EQ(call("GET", "/healthz", "").status, 200) << "the process is up; readiness is the database's";

    EXPECT_EQ(count("videos", "description = 'written'"), 1);
    EXPECT_EQ(count("videos", "description IN ('failed', 'later')"), 0);
  }

  FaultyVfs::AsDefault faulty_;  // before SetUp opens the database, after TearDown closes it
};

TEST_P(DiskFaultsTest, AFailedLogWriteIsAnswered503AndEveryLaterChangeUntilRestart) {
  NARRALYTICA_API_TEST();
  expect_final_after_failed_commit(FaultKind::write, "disk I/O error");
}

TEST_P(DiskFaultsTest, AFullDiskIsAnswered503NamingIt) {
  NARRALYTICA_API_TEST();
  expect_final_after_failed_commit(FaultKind::full, "disk is full");
}

INSTANTIATE_TEST_SUITE_P(Sqlite, DiskFaultsTest, ::testing::Values(store::Backend::sqlite), backend_name);

}  // namespace
}  // namespace narralytica::testing
