#include "api_fixture.hpp"

#include "store/identity/authorizer.hpp"

namespace narralytica::testing {

void ApiTest::SetUp() {
  db_ = make_test_database(GetParam(), true, /*group_commit=*/true);  // as `narralytica serve` opens it
  if (!db_) return;
  app::AdminService admin(db_->app(), store::Principal::operator_cli("cli:test"));
  tenant_a_ = *admin.create_tenant("tenant-a", "Tenant A");
  tenant_b_ = *admin.create_tenant("tenant-b", "Tenant B");
  auto make = [&](const std::string& email, const std::string& tenant, const std::string& role) {
    auto user = admin.create_user(email, email, kPassword);
    EXPECT_TRUE(user.ok()) << user.error().describe();
    auto member = admin.add_member(tenant, email, role);
    EXPECT_TRUE(member.ok()) << member.error().describe();
    auto token = admin.create_token(tenant, email, "test", std::nullopt);
    EXPECT_TRUE(token.ok()) << token.error().describe();
    return token->secret;
  };
  owner_a_ = make("owner@a.example", "tenant-a", "owner");
  editor_a_ = make("editor@a.example", "tenant-a", "editor");
  viewer_a_ = make("viewer@a.example", "tenant-a", "viewer");
  owner_b_ = make("owner@b.example", "tenant-b", "owner");

  auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
  ASSERT_TRUE(tx.ok());
  auto scope = store::Authorizer::authorize(*tx, store::Principal::operator_cli("cli:test"), tenant_a_,
                                            {"write", "videos"});
  ASSERT_TRUE(scope.ok());
  store::VideoDraft draft;
  draft.title = secret_text_ + " video";
  draft.language = "en";
  draft.duration_ms = 10'000;
  draft.sources.push_back(store::VideoSourceDraft{"youtube", "https://youtu.be/x", "x-a", std::nullopt, true});
  auto video = store::VideoRepository::create(*tx, *scope, draft);
  ASSERT_TRUE(video.ok()) << video.error().describe();
  video_a_ = *video;
  store::TranscriptDraft transcript;
  transcript.language = "en";
  transcript.origin = "asr";
  for (int i = 0; i < 5; ++i) {
    store::SegmentDraft s;
    s.start_ms = i * 1000;
    s.end_ms = i * 1000 + 900;
    s.text = secret_text_ + " " + std::to_string(i);
    s.speaker_label = i % 2 ? "SPEAKER_01" : "SPEAKER_00";
    s.confidence = 0.5;
    transcript.segments.push_back(s);
  }
  auto written = store::TranscriptRepository::create(*tx, *scope, video_a_, transcript);
  ASSERT_TRUE(written.ok()) << written.error().describe();
  transcript_a_ = written->transcript;
  auto speakers = store::TranscriptRepository::speakers(*tx, *scope, video_a_);
  ASSERT_TRUE(speakers.ok());
  speakers_a_ = *speakers;
  ASSERT_TRUE(tx->commit().ok());
  start_server();
}

void ApiTest::TearDown() {
  server_.reset();
  db_.reset();
}

void ApiTest::start_server(api::ServerOptions options, store::StoreContext context) {
  server_.reset();
  options.address = "127.0.0.1";
  options.port = 0;
  options.request_log = nullptr;
  options.data_dir = data_dir_.path().string();
  auto server = api::Server::start(db_->app(), std::move(options), context);
  ASSERT_TRUE(server.ok()) << server.error().describe();
  server_ = std::move(server).value();
  port_ = server_->port();
}

HttpResult ApiTest::call(const std::string& method, const std::string& target, const std::string& token,
                         const std::string& body, std::vector<std::string> headers) {
  if (!token.empty()) headers.push_back("Authorization: Bearer " + token);
  return http(port_, method, target, body, headers);
}

nlohmann::json ApiTest::json_of(const HttpResult& result) {
  auto parsed = nlohmann::json::parse(result.body, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << "not JSON: " << result.body;
  return parsed;
}

std::int64_t ApiTest::count(const std::string& table, const std::string& where) {
  auto lease = db_->owner().acquire();
  EXPECT_TRUE(lease.ok());
  auto s = (*lease)->prepare("SELECT count(*) FROM " + table + (where.empty() ? "" : " WHERE " + where));
  EXPECT_TRUE(s.ok()) << s.error().describe();
  auto row = (*s)->step();
  EXPECT_TRUE(row.ok() && *row);
  const auto n = (*s)->column_int64(0);
  (*s)->reset();
  return n;
}

}  // namespace narralytica::testing
