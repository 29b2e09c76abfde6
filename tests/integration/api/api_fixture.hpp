// Shared set-up for the API tests: a migrated database on the test's backend with two tenants
// (A and B); in A an owner, an editor and a viewer, in B an owner, each with an API token; one
// video in A with a five-segment transcript; and the real server on a loopback port chosen by
// the system. Requests go over real HTTP.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

#include "api/http_message.hpp"
#include "api/server.hpp"
#include "app/admin.hpp"
#include "http_client.hpp"
#include "store/media/transcript_repository.hpp"
#include "support/test_database.hpp"

namespace narralytica::testing {

inline constexpr const char* kPassword = "correct horse battery";

class ApiTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Starts the server (SetUp does, with default options); tests may restart it with others, and
  // with a clock of their own.
  void start_server(api::ServerOptions options = {}, store::StoreContext context = {});

  HttpResult call(const std::string& method, const std::string& target, const std::string& token,
                  const std::string& body = "", std::vector<std::string> headers = {});
  static nlohmann::json json_of(const HttpResult& result);
  // Rows in `table` (owner connection, so nothing hides any).
  std::int64_t count(const std::string& table, const std::string& where = "");

  TempDir data_dir_;  // transcript uploads keep their original files here
  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<api::Server> server_;
  std::uint16_t port_ = 0;
  store::Tenant tenant_a_, tenant_b_;
  std::string owner_a_, editor_a_, viewer_a_, owner_b_;  // token secrets
  store::Video video_a_;
  store::Transcript transcript_a_;
  std::vector<store::Speaker> speakers_a_;
  std::string secret_text_ = "A-only secret words";  // appears in A's segments and video title
};

}  // namespace narralytica::testing

#define NARRALYTICA_API_TEST() \
  if (!db_) return
