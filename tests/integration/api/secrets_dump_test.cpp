// No secret in a dump of the database (issue 17 "Audit and secrets"), on both backends: after a
// workload through the API (users with passwords, API tokens, logins, a failed login, webhook
// endpoints registered and rotated), the whole database is dumped as an attacker holding a copy
// would read it (SQLite: the database and log files' bytes and `sqlite3 .dump`; PostgreSQL:
// `pg_dump` in plain format) and searched for every plaintext the workload used. Webhook signing
// secrets must be stored recoverably, so they are sealed with the server key, which lives outside
// the database (app/secret_key.hpp); the dump holds the sealed form only.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "api_fixture.hpp"
#include "core/secret_box.hpp"

namespace narralytica::testing {
namespace {

using nlohmann::json;

// Standard output of `command`, or "" when it could not run (the test then fails on its status).
std::string output_of(const std::string& command, int& status) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    status = -1;
    return out;
  }
  char buffer[65536];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, got);
  status = ::pclose(pipe);
  return out;
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class SecretsDump : public ApiTest {
 protected:
  // Everything an attacker with a copy of the database has.
  std::string dump() {
    std::string everything;
    int status = 0;
    if (GetParam() == store::Backend::sqlite) {
      for (const char* suffix : {"", "-wal", "-journal"}) everything += file_bytes(db_->url() + suffix);
      everything += output_of("sqlite3 -readonly '" + db_->url() + "' .dump", status);
    } else {
      everything += output_of("pg_dump --format=plain '" + db_->url() + "'", status);
    }
    EXPECT_EQ(status, 0) << "the dump tool failed (sqlite3 and pg_dump come with scripts/install-deps.sh test)";
    return everything;
  }
};

TEST_P(SecretsDump, NoPasswordTokenOrWebhookSecretIsInTheDatabase) {
  NARRALYTICA_API_TEST();
  std::vector<std::pair<std::string, std::string>> plaintexts = {
      {"password", kPassword},
      {"owner A's token", owner_a_},
      {"editor A's token", editor_a_},
      {"viewer A's token", viewer_a_},
      {"owner B's token", owner_b_},
  };
  // The secret part of each token without its stored prefix ("nla_<prefix>_"; the base64url part
  // after it may itself hold '_', so the part starts after the second one).
  const auto secret_part = [](const std::string& token) { return token.substr(token.find('_', 4) + 1); };
  for (const std::string& token : {owner_a_, editor_a_, viewer_a_, owner_b_}) {
    plaintexts.emplace_back("a token's secret part", secret_part(token));
  }

  for (const char* email : {"owner@a.example", "editor@a.example"}) {
    auto login = call("POST", "/v1/auth/login", "",
                      json{{"email", email}, {"password", kPassword}, {"tenant", "tenant-a"}}.dump());
    ASSERT_EQ(login.status, 201) << login.body;
    const std::string session = json_of(login)["token"];
    plaintexts.emplace_back("a login's token", session);
    plaintexts.emplace_back("a login token's secret part", secret_part(session));
    ASSERT_EQ(call("GET", "/v1/videos", session).status, 200);
  }
  const std::string guess = "not-the-password-7431";
  auto failed = call("POST", "/v1/auth/login", "",
                     json{{"email", "owner@a.example"}, {"password", guess}, {"tenant", "tenant-a"}}.dump());
  ASSERT_EQ(failed.status, 401) << failed.body;
  plaintexts.emplace_back("a wrong password", guess);

  std::vector<std::string> webhook_secrets;
  for (const char* url : {"https://hooks.example.com/crm", "https://hooks.example.com/bi"}) {
    auto created = call("POST", "/v1/webhooks", owner_a_, json{{"url", url}}.dump());
    ASSERT_EQ(created.status, 201) << created.body;
    webhook_secrets.push_back(json_of(created)["secret"]);
    const std::string id = json_of(created)["id"];
    // Rotated with a grace period: the previous secret is kept (to sign beside the new one).
    auto rotated = call("POST", "/v1/webhooks/" + id + "/rotate-secret?grace_seconds=3600", owner_a_);
    ASSERT_EQ(rotated.status, 200) << rotated.body;
    webhook_secrets.push_back(json_of(rotated)["secret"]);
  }
  for (const std::string& secret : webhook_secrets) {
    ASSERT_TRUE(secret.starts_with("whsec_"));
    plaintexts.emplace_back("a webhook secret", secret);
    plaintexts.emplace_back("a webhook secret's key (base64)", secret.substr(6));
  }
  server_.reset();  // everything committed and the server's connections closed

  const std::string everything = dump();
  ASSERT_GT(everything.size(), 10'000u);
  // The dump is real: it holds what the workload stored in the clear, and the sealed secrets.
  EXPECT_NE(everything.find("owner@a.example"), std::string::npos);
  EXPECT_NE(everything.find("hooks.example.com/crm"), std::string::npos);
  EXPECT_NE(everything.find(kSealedPrefix), std::string::npos);
  EXPECT_NE(everything.find("$argon2id$"), std::string::npos);
  for (const auto& [what, plaintext] : plaintexts) {
    ASSERT_GE(plaintext.size(), 16u) << what;
    EXPECT_EQ(everything.find(plaintext), std::string::npos) << what << " is in the dump: " << plaintext;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, SecretsDump, ::testing::Values(store::Backend::sqlite, store::Backend::postgres),
                         backend_name);

}  // namespace
}  // namespace narralytica::testing
