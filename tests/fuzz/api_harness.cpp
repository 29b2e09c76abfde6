#include "api_harness.hpp"

#include <nlohmann/json.hpp>

#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "api/detail/state.hpp"
#include "app/admin.hpp"
#include "app/secret_key.hpp"
#include "store/migrations.hpp"

namespace narralytica::fuzz {
namespace {

using Json = nlohmann::json;

constexpr const char* kSubtitles =
    "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<v Ada>The budget is due on Friday.\n\n"
    "00:00:02.500 --> 00:00:04.000\n<v Grace>Is it? I thought Monday.\n\n"
    "00:00:04.500 --> 00:00:06.000\n<v Ada>Friday, at noon.\n";
constexpr const char* kLayerRun =
    R"({"kind":"sentiment","producer":{"name":"fuzz","version":"1"},)"
    R"("items":[{"segment":0,"value":{"label":"negative","score":0.9}},{"segment":1,"value":{"label":"neutral","score":0.5}}]})";

std::filesystem::path private_directory() {
  // RAM-backed when there is one: every commit syncs, and a sync on tmpfs costs nothing.
  const std::filesystem::path base = std::filesystem::is_directory("/dev/shm") ? std::filesystem::path("/dev/shm")
                                                                                : std::filesystem::temp_directory_path();
  std::string pattern = (base / "narralytica-fuzz-XXXXXX").string();
  require(mkdtemp(pattern.data()) != nullptr, "mkdtemp");
  return pattern;
}

std::filesystem::path* g_directory = nullptr;

void remove_directory() {
  std::error_code ignored;
  if (g_directory) std::filesystem::remove_all(*g_directory, ignored);
}

template <class T>
T must(Result<T> result, const char* what) {
  if (!result.ok()) {
    std::fprintf(stderr, "fuzz harness: %s: %s\n", what, result.error().describe().c_str());
    std::abort();
  }
  return std::move(result).value();
}

std::string id_in(const api::HttpResponse& answer, const char* what) {
  const Json body = Json::parse(answer.body_view(), nullptr, false);
  if (answer.status >= 300 || !body.is_object() || !body.contains("id")) {
    std::fprintf(stderr, "fuzz harness: %s answered %d %s\n", what, answer.status, std::string(answer.body_view()).c_str());
    std::abort();
  }
  return body["id"].get<std::string>();
}

// The id of the first item of a list answer whose JSON contains `needle` ("" for any).
std::string id_listed(const api::HttpResponse& answer, std::string_view needle) {
  const Json body = Json::parse(answer.body_view(), nullptr, false);
  if (!body.is_object() || !body.contains("items")) return "";
  for (const Json& item : body["items"]) {
    if (item.contains("id") && item["id"].is_string() && item.dump().find(needle) != std::string::npos) {
      return item["id"].get<std::string>();
    }
  }
  return "";
}

}  // namespace

void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string problem_field(const api::HttpResponse& answer) {
  const Json body = Json::parse(answer.body_view(), nullptr, false);
  if (!body.is_object() || !body.contains("field") || !body["field"].is_string()) return "";
  return body["field"].get<std::string>();
}

void check_answer(const api::HttpResponse& answer, std::string_view what) {
  auto fail = [&](const char* why) {
    std::fprintf(stderr, "%.*s answered %d: %s\n%.*s\n", static_cast<int>(what.size()), what.data(), answer.status,
                 why, static_cast<int>(answer.body_view().size()), answer.body_view().data());
    std::abort();
  };
  // NARRALYTICA_FUZZ_VERBOSE=1: each answer's status, to see which seeds get past validation.
  static const bool verbose = std::getenv("NARRALYTICA_FUZZ_VERBOSE") != nullptr;
  if (verbose) {
    std::fprintf(stderr, "%d %.*s %s\n", answer.status, static_cast<int>(what.size()), what.data(),
                 answer.status >= 400 ? problem_field(answer).c_str() : "");
  }
  if (answer.status < 200 || answer.status >= 500) fail("a 5xx (or no status) for a client's request");
  if (answer.status < 400) return;
  if (answer.content_type != "application/problem+json") fail("a 4xx without a problem body");
  const Json body = Json::parse(answer.body_view(), nullptr, false);
  if (!body.is_object()) fail("a problem body that is not a JSON object");
  if (!body.contains("status") || body["status"] != answer.status) fail("a problem body with another status");
  if (!body.contains("code") || !body["code"].is_string() || body["code"].get<std::string>().empty()) {
    fail("a problem body without a code");
  }
  if (!body.contains("detail") || !body["detail"].is_string() || body["detail"].get<std::string>().empty()) {
    fail("a problem body without a detail");
  }
  if (answer.status == 422 && problem_field(answer).empty()) fail("a 422 that names no field");
}

struct ApiHarness::Impl {
  std::filesystem::path directory;
  std::unique_ptr<store::Database> owner;
  std::unique_ptr<store::Database> database;
  std::unique_ptr<api::ApiState> state;
  std::uint64_t counter = 0;
};

ApiHarness& ApiHarness::instance() {
  static ApiHarness* harness = new ApiHarness();
  return *harness;
}

ApiHarness::ApiHarness() : impl_(new Impl()) {
  impl_->directory = private_directory();
  g_directory = &impl_->directory;
  std::atexit(remove_directory);
  store::DatabaseOptions options;
  options.url = (impl_->directory / "fuzz.db").string();
  options.role = store::ConnectRole::owner;
  impl_->owner = must(store::Database::open(options), "open the database");
  store::MigrationRunner runner(*impl_->owner, must(store::load_migrations(store::embedded_migrations(store::Backend::sqlite)),
                                                   "load the migrations"));
  must(runner.apply(), "migrate");
  options.role = store::ConnectRole::application;
  impl_->database = must(store::Database::open(options), "open the database");

  app::AdminService admin(*impl_->database, store::Principal::operator_cli("cli:fuzz"));
  tenant_id_ = must(admin.create_tenant("fuzz", "Fuzz"), "create the tenant").public_id.to_string();
  for (const char* email : {"owner@fuzz.example", "editor@fuzz.example"}) {
    must(admin.create_user(email, email, "correct horse battery"), "create a user");
  }
  must(admin.add_member("fuzz", "owner@fuzz.example", "owner"), "add the owner");
  must(admin.add_member("fuzz", "editor@fuzz.example", "editor"), "add the editor");
  owner_token_ = must(admin.create_token("fuzz", "owner@fuzz.example", "fuzz", std::nullopt), "create a token").secret;
  token_ = must(admin.create_token("fuzz", "editor@fuzz.example", "spare", std::nullopt), "create a token")
               .token.public_id.to_string();

  api::ServerOptions server;
  server.data_dir = (impl_->directory / "data").string();
  server.request_log = nullptr;
  // A fuzzer sends thousands of requests a second with one token: limits would answer 429 to
  // nearly all of them, and the limiter has tests of its own.
  server.rate_limits = false;
  SecretBox key = must(app::load_or_create_secret_key(app::secret_key_file(server.data_dir)), "create the server key");
  impl_->state = std::make_unique<api::ApiState>(*impl_->database, store::StoreContext{}, std::move(server), key);
  create_entities();
  member_ = id_listed(request("GET", "/v1/members", "", "", {}), "editor@fuzz.example");
  job_ = id_listed(request("GET", "/v1/jobs", "", "", {}), "");
}

std::string ApiHarness::create(std::string_view path, std::string body, std::string_view query) {
  return id_in(request("POST", path, query, std::move(body), {}), std::string(path).c_str());
}

void ApiHarness::create_entities() {
  video_ = create("/v1/videos", R"({"title":"Fuzz hearing","language":"en","duration_ms":6000})");
  transcript_ = id_in(request("POST", "/v1/videos/" + video_ + "/transcripts", "language=en", kSubtitles,
                              {{"content-type", "text/vtt"}}),
                      "upload");
  speaker_ = id_listed(request("GET", "/v1/videos/" + video_ + "/speakers", "", "", {}), "");
  request("POST", "/v1/transcripts/" + transcript_ + "/layers", "", kLayerRun, {});
  person_ = create("/v1/people", R"({"name":"Ada Fuzz )" + std::to_string(++impl_->counter) + "\"}");
  collection_ = create("/v1/collections", R"({"name":"fuzz )" + std::to_string(++impl_->counter) + "\"}");
  webhook_ = create("/v1/webhooks", R"({"url":"https://hooks.example.org/fuzz"})");
}

api::Dispatched ApiHarness::dispatch(const api::HttpRequest& request) {
  return api::dispatch(*impl_->state, request);
}

api::HttpResponse ApiHarness::request(std::string_view method, std::string_view path, std::string_view query,
                                      std::string body, Headers headers) {
  api::HttpRequest request;
  request.method = std::string(method);
  request.path = std::string(path);
  request.query = std::string(query);
  request.headers = std::move(headers);
  request.headers.emplace_back("authorization", "Bearer " + owner_token_);
  if (!body.empty() && !request.has_header("content-type")) request.headers.emplace_back("content-type", "application/json");
  request.body = std::move(body);
  request.client_address = "127.0.0.1";
  request.request_id = "fuzz-" + std::to_string(++impl_->counter);
  return dispatch(request).response;
}

std::string ApiHarness::path_for(const api::Route& route, std::uint8_t choice) const {
  std::string out;
  std::string_view pattern = route.pattern;
  while (!pattern.empty()) {
    const std::size_t open = pattern.find('{');
    out += pattern.substr(0, open);
    if (open == std::string_view::npos) break;
    const std::size_t close = pattern.find('}', open);
    const std::string_view name = pattern.substr(open + 1, close - open - 1);
    pattern.remove_prefix(close + 1);
    if ((choice & 7) == 7) {
      // An id of nothing, or no id at all: answered 404 like another tenant's.
      out += (choice & 8) ? "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b" : "not-an-id";
      continue;
    }
    const std::string_view prefix = route.pattern.substr(0, route.pattern.find('{'));
    std::string value;
    if (name == "video_id" || (name == "id" && prefix == "/v1/videos/")) value = video_;
    else if (name == "speaker_id" || (name == "id" && prefix == "/v1/speakers/")) value = speaker_;
    else if (prefix == "/v1/transcripts/" && name == "id") value = transcript_;
    else if (prefix == "/v1/people/") value = person_;
    else if (prefix == "/v1/collections/") value = collection_;
    else if (prefix == "/v1/webhooks/") value = webhook_;
    else if (prefix == "/v1/members/") value = member_;
    else if (prefix == "/v1/tokens/") value = token_;
    else if (prefix == "/v1/jobs/") value = job_;
    else if (name == "kind") value = (choice & 16) ? "topics" : "sentiment";
    else if (name == "tag") value = "fuzz";
    else if (name == "key") value = (choice & 16) ? "rate_limits" : "fuzz.setting";
    else if (name == "tenant") value = tenant_id_;
    else if (name == "sha256") value = std::string(64, 'a');
    out += value.empty() ? "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b" : value;
  }
  return out;
}

std::string ApiHarness::substitute(std::string text) const {
  const std::pair<std::string_view, const std::string*> placeholders[] = {
      {"VIDEO_ID", &video_}, {"TRANSCRIPT_ID", &transcript_}, {"SPEAKER_ID", &speaker_},
      {"PERSON_ID", &person_}, {"TOKEN", &owner_token_}};
  for (const auto& [name, value] : placeholders) {
    for (std::size_t at = text.find(name); at != std::string::npos; at = text.find(name, at + value->size())) {
      text.replace(at, name.size(), *value);
    }
  }
  return text;
}

void ApiHarness::restore_after(const api::Route& route, int status) {
  if (status >= 300 || !route.mutating()) return;
  const std::string_view op = route.operation_id;
  if (route.method == "DELETE" || op.ends_with(".merge") || op.ends_with(".split") || op.ends_with(".link")) {
    create_entities();
  }
}

}  // namespace narralytica::fuzz
