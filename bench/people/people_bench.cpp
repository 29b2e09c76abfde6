// People reads (issue 16's people model): GET /v1/people/{id}/appearances and
// GET /v1/people/{id}/segments for one person linked to a speaker in each of many videos
// (default 200 videos x 500 segments, the person speaking every other segment: 50,000 of theirs),
// over real HTTP to the server in this process, one kept-alive connection. Beside each, in the
// same run and engine, the raw SQL that produces the same rows, run on the owner's connection
// with no tenant scope, authentication or JSON: the aggregate per current transcript, and the
// same page of segments. Prints p50/p99/max of each and the ratios.
//
//   people_bench --db PATH|postgresql://… [--videos 200] [--segments 500] [--reps 100] [--warmup 5]
//                [--limit 100]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/server.hpp"
#include "app/admin.hpp"
#include "app/people_service.hpp"
#include "app/transcript_service.hpp"
#include "common/timing.hpp"
#include "integration/api/http_client.hpp"
#include "store/identity/authorizer.hpp"
#include "store/media/transcript_repository.hpp"
#include "store/migrations.hpp"

using namespace narralytica;
using bench::ms_since;
using bench::percentile;
using bench::Steady;

namespace {

constexpr const char* kTenant = "people-bench";
constexpr int kWordsPerSegment = 10;
constexpr int kVideosPerTransaction = 10;

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "people_bench: %s\n", message.c_str());
  std::exit(1);
}
template <class T>
T must(Result<T> result) {
  if (!result.ok()) die(result.error().describe());
  return std::move(result).value();
}
void must(Status status) {
  if (!status.ok()) die(status.error().describe());
}

// A video's transcript: `segments` segments of ten timed words, SPEAKER_00 (the person) and
// SPEAKER_01 taking turns.
store::TranscriptDraft make_transcript(int segments, int video) {
  store::TranscriptDraft draft;
  draft.language = "en";
  draft.origin = "asr";
  draft.engine = "whisperx";
  std::int64_t t = 0;
  for (int s = 0; s < segments; ++s) {
    store::SegmentDraft segment;
    segment.start_ms = t;
    segment.speaker_label = s % 2 ? "SPEAKER_01" : "SPEAKER_00";
    segment.confidence = 0.9;
    std::vector<formats::Word> words;
    for (int w = 0; w < kWordsPerSegment; ++w) {
      formats::Word word;
      word.text = "word" + std::to_string((video * 7 + s * 3 + w) % 997);
      word.start_ms = t;
      word.end_ms = t + 300;
      word.confidence = 0.9;
      t += 350;
      segment.text += (segment.text.empty() ? "" : " ") + word.text;
      words.push_back(std::move(word));
    }
    segment.end_ms = t;
    segment.words_json = app::encode_words(words);
    t += 400;
    draft.segments.push_back(std::move(segment));
  }
  return draft;
}

struct Seeded {
  store::Tenant tenant;
  std::string token;
  store::Person person;
};

Seeded seed(store::Database& database, int videos, int segments) {
  const auto principal = store::Principal::operator_cli("cli:bench");
  app::AdminService admin(database, principal);
  Seeded seeded;
  seeded.tenant = must(admin.create_tenant(kTenant, "People benchmark"));
  must(admin.create_user("people@bench.example", "Bench", ""));
  must(admin.add_member(kTenant, "people@bench.example", "owner"));
  seeded.token = must(admin.create_token(kTenant, "people@bench.example", "bench", std::nullopt)).secret;
  {
    auto tx = must(store::Transaction::begin(database, store::TxMode::write));
    auto scope = must(store::Authorizer::authorize(tx, principal, seeded.tenant, app::kWritePeople));
    seeded.person = must(app::PeopleService::create(tx, scope, app::PersonInput{"Ada Bench", std::nullopt, std::nullopt, {}}));
    must(tx.commit());
  }
  for (int first = 0; first < videos; first += kVideosPerTransaction) {
    auto tx = must(store::Transaction::begin(database, store::TxMode::write));
    auto scope = must(store::Authorizer::authorize(tx, principal, seeded.tenant, {"write", "videos"}));
    for (int v = first; v < std::min(videos, first + kVideosPerTransaction); ++v) {
      store::VideoDraft draft;
      draft.title = "Hearing " + std::to_string(v);
      draft.language = "en";
      draft.published_at = 1'700'000'000'000'000 + static_cast<std::int64_t>(v) * 86'400'000'000;
      const store::Video video = must(store::VideoRepository::create(tx, scope, draft));
      must(store::TranscriptRepository::create(tx, scope, video, make_transcript(segments, v)));
      for (const store::Speaker& speaker : must(store::TranscriptRepository::speakers(tx, scope, video))) {
        if (speaker.label == "SPEAKER_00") {
          must(app::PeopleService::link(tx, scope, speaker.public_id, seeded.person.public_id.to_string()));
        }
      }
    }
    must(tx.commit());
  }
  return seeded;
}

// The raw SQL: the same rows as the two routes, written directly against the schema.
constexpr const char* kRawAppearances =
    "SELECT v.public_id, v.title, v.published_at, t.public_id, t.language, count(*), "
    "sum(g.end_ms - g.start_ms), min(g.start_ms), max(g.end_ms) "
    "FROM person_speakers ps JOIN segments g ON g.tenant_id = ps.tenant_id AND g.speaker_id = ps.speaker_id "
    "JOIN transcripts t ON t.tenant_id = g.tenant_id AND t.id = g.transcript_id "
    "JOIN videos v ON v.tenant_id = t.tenant_id AND v.id = t.video_id "
    "WHERE ps.tenant_id = $1 AND ps.person_id = $2 AND NOT EXISTS (SELECT 1 FROM transcripts n "
    "WHERE n.tenant_id = t.tenant_id AND n.video_id = t.video_id AND n.language = t.language "
    "AND n.revision > t.revision) "
    "GROUP BY v.id, v.public_id, v.title, v.published_at, t.id, t.public_id, t.language "
    "ORDER BY v.published_at DESC, v.id DESC, t.language";
constexpr const char* kRawSegments =
    "SELECT v.public_id, t.public_id, g.ordinal, g.start_ms, g.end_ms, sp.public_id, sp.label, g.text, "
    "g.confidence, g.words "
    "FROM person_speakers ps JOIN segments g ON g.tenant_id = ps.tenant_id AND g.speaker_id = ps.speaker_id "
    "JOIN speakers sp ON sp.tenant_id = ps.tenant_id AND sp.id = ps.speaker_id "
    "JOIN transcripts t ON t.tenant_id = g.tenant_id AND t.id = g.transcript_id "
    "JOIN videos v ON v.tenant_id = t.tenant_id AND v.id = t.video_id "
    "WHERE ps.tenant_id = $1 AND ps.person_id = $2 AND NOT EXISTS (SELECT 1 FROM transcripts n "
    "WHERE n.tenant_id = t.tenant_id AND n.video_id = t.video_id AND n.language = t.language "
    "AND n.revision > t.revision) "
    "AND (g.transcript_id > $3 OR (g.transcript_id = $3 AND g.ordinal > $4)) "
    "ORDER BY g.transcript_id, g.ordinal LIMIT $5";

std::size_t g_bytes_read = 0;  // keeps the raw reads' column reads from being optimised away

// Runs a raw query and reads every column of every row, as a client would; returns the rows.
std::int64_t raw_rows(store::Database& owner, const char* sql, std::int64_t tenant, std::int64_t person,
                      std::int64_t after_transcript, std::int64_t after_ordinal, int limit) {
  auto lease = must(owner.acquire());
  store::Statement* s = must(lease->prepare(sql));
  s->bind_int64(1, tenant);
  s->bind_int64(2, person);
  if (limit > 0) {
    s->bind_int64(3, after_transcript);
    s->bind_int64(4, after_ordinal);
    s->bind_int64(5, limit);
  }
  std::int64_t rows = 0;
  while (must(s->step())) {
    for (int c = 0; c < (limit > 0 ? 10 : 9); ++c) g_bytes_read += s->column_text(c).size();
    ++rows;
  }
  s->reset();
  return rows;
}

struct Series {
  const char* name;
  std::vector<double> product;
  std::vector<double> raw;
};

void report(const Series& series) {
  std::printf("%-24s API p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms | raw SQL p50 %7.2f ms  p99 %7.2f ms | "
              "ratio p50 %.2fx  p99 %.2fx\n",
              series.name, percentile(series.product, 0.5), percentile(series.product, 0.99),
              *std::max_element(series.product.begin(), series.product.end()), percentile(series.raw, 0.5),
              percentile(series.raw, 0.99), percentile(series.product, 0.5) / percentile(series.raw, 0.5),
              percentile(series.product, 0.99) / percentile(series.raw, 0.99));
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::string url;
  int videos = 200;
  int segments = 500;
  int reps = 100;
  int warmup = 5;
  int limit = 100;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    const int value = std::atoi(argv[i + 1]);
    if (arg == "--db") url = argv[i + 1];
    else if (arg == "--videos") videos = value;
    else if (arg == "--segments") segments = value;
    else if (arg == "--reps") reps = value;
    else if (arg == "--warmup") warmup = value;
    else if (arg == "--limit") limit = value;
    else die("unknown argument " + arg);
  }
  if (url.empty() || videos < 1 || segments < 2 || reps < 1 || warmup < 0 || limit < 1 || limit > store::kPageLimitMax) {
    die("usage: people_bench --db PATH|postgresql://… [--videos 200] [--segments 500] [--reps 100] [--warmup 5] "
        "[--limit 100]");
  }
  store::DatabaseOptions options;
  options.url = url;
  options.role = store::ConnectRole::owner;
  auto owner = must(store::Database::open(options));
  store::MigrationRunner runner(*owner, must(store::load_migrations(store::embedded_migrations(owner->backend()))));
  must(runner.apply());
  options.role = store::ConnectRole::application;
  options.group_commit = true;  // as `narralytica serve` opens it
  auto database = must(store::Database::open(options));

  const auto seeding = Steady::now();
  const Seeded seeded = seed(*database, videos, segments);
  std::printf("backend %s: %d videos x %d segments, the person speaks in %d of each (seeded in %.1f s)\n",
              store::to_string(owner->backend()), videos, segments, (segments + 1) / 2, ms_since(seeding) / 1000);

  api::ServerOptions server_options;
  server_options.port = 0;
  server_options.request_log = nullptr;
  server_options.rate_limits = false;  // the reads, not the limiter, are measured
  server_options.data_dir = "/tmp/people-bench-data";
  auto server = must(api::Server::start(*database, server_options));
  testing::HttpConnection connection(server->port());
  if (!connection.connected()) die("cannot connect to the server");
  const std::vector<std::string> auth{"Authorization: Bearer " + seeded.token};
  const std::string base = "/v1/people/" + seeded.person.public_id.to_string();

  auto get = [&](const std::string& target) {
    testing::HttpResult answer = connection.request("GET", target, "", auth);
    if (answer.status != 200) die(target + ": HTTP " + std::to_string(answer.status) + " " + answer.body);
    return nlohmann::json::parse(answer.body);
  };
  // The page in the middle of the person's segments: its cursor, and the same place for raw SQL.
  std::string middle_cursor;
  std::int64_t middle_transcript = 0;
  std::int64_t middle_ordinal = -1;
  {
    const auto total = static_cast<std::int64_t>(videos) * ((segments + 1) / 2);
    nlohmann::json page = get(base + "/segments?limit=" + std::to_string(store::kPageLimitMax));
    std::int64_t seen = static_cast<std::int64_t>(page["items"].size());
    while (seen < total / 2 && page["next_cursor"].is_string()) {
      middle_cursor = page["next_cursor"].get<std::string>();
      page = get(base + "/segments?limit=" + std::to_string(store::kPageLimitMax) + "&cursor=" + middle_cursor);
      seen += static_cast<std::int64_t>(page["items"].size());
    }
    if (middle_cursor.empty()) die("too few segments for a middle page");
    // The raw query's position: just before the first row of the cursor's page.
    auto lease = must(owner->acquire());
    store::Statement* s = must(lease->prepare(
        "SELECT t.id FROM transcripts t WHERE t.tenant_id = $1 AND t.public_id = $2"));
    s->bind_int64(1, seeded.tenant.id);
    const nlohmann::json& first = page["items"].front();
    s->bind_uuid(2, *Uuid::parse(first["transcript_id"].get<std::string>()));
    if (!must(s->step())) die("the middle page's transcript is missing");
    middle_transcript = s->column_int64(0);
    middle_ordinal = first["segment"]["ordinal"].get<std::int64_t>() - 1;
    s->reset();
  }

  Series appearances{"appearances", {}, {}};
  Series first_page{"segments, first page", {}, {}};
  Series middle_page{"segments, middle page", {}, {}};
  const std::string limit_query = "?limit=" + std::to_string(limit);
  for (int rep = 0; rep < warmup + reps; ++rep) {
    const bool keep = rep >= warmup;
    auto start = Steady::now();
    const nlohmann::json listed = get(base + "/appearances");
    double ms = ms_since(start);
    if (static_cast<int>(listed["items"].size()) != videos) die("appearances: not one per video");
    if (keep) appearances.product.push_back(ms);
    start = Steady::now();
    const std::int64_t raw_appearances = raw_rows(*owner, kRawAppearances, seeded.tenant.id, seeded.person.id, 0, 0, 0);
    ms = ms_since(start);
    if (raw_appearances != videos) die("raw appearances: not one row per video");
    if (keep) appearances.raw.push_back(ms);

    start = Steady::now();
    const nlohmann::json first = get(base + "/segments" + limit_query);
    ms = ms_since(start);
    if (static_cast<int>(first["items"].size()) != limit) die("segments: a short first page");
    if (keep) first_page.product.push_back(ms);
    start = Steady::now();
    const std::int64_t raw_first = raw_rows(*owner, kRawSegments, seeded.tenant.id, seeded.person.id, 0, -1, limit);
    ms = ms_since(start);
    if (raw_first != limit) die("raw segments: a short first page");
    if (keep) first_page.raw.push_back(ms);

    start = Steady::now();
    const nlohmann::json middle = get(base + "/segments" + limit_query + "&cursor=" + middle_cursor);
    ms = ms_since(start);
    if (static_cast<int>(middle["items"].size()) != limit) die("segments: a short middle page");
    if (keep) middle_page.product.push_back(ms);
    start = Steady::now();
    const std::int64_t raw_middle =
        raw_rows(*owner, kRawSegments, seeded.tenant.id, seeded.person.id, middle_transcript, middle_ordinal, limit);
    ms = ms_since(start);
    if (raw_middle != limit) die("raw segments: a short middle page");
    if (keep) middle_page.raw.push_back(ms);
  }
  std::printf("%d requests of each after %d warm-up; segment pages of %d\n", reps, warmup, limit);
  report(appearances);
  report(first_page);
  report(middle_page);
  return 0;
}
