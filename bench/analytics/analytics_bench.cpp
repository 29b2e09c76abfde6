// Conversation analytics (issue 18): the latency of GET /v1/analytics/conversation's three
// target scopes through app::ConversationService (what the route calls, in a read transaction
// with the permission check, as a request pays), each beside a raw SQL aggregate over the same
// rows on the same engine, in the same run:
//
//   (a) one 3-hour transcript (3,000 segments, 30,000 timed words)   target p99 <= 20 ms
//   (b) the whole tenant over one year of published dates             target p99 <= 300 ms
//   (c) one person across all their videos                            target p99 <= 300 ms
//
// (b) and (c) read the stored per-transcript measures (docs/decisions/0017); the run also times
// rebuilding them, and what (b) costs when computed live from every segment instead.
//
// Then the narrative timeline (GET /v1/timeline, app::SearchService::timeline_in) on the same
// tenant: its search index is built once with `reindex` (timed: the rebuild rate), and each
// query, by month and by person, is timed beside a raw SQL count of the same rows per month and
// person (a scan with LIKE: the canonical store has no text index of its own):
//
//   (d) a timeline of a common phrase over the tenant                  target p99 <= 150 ms
//
// Corpus: the import benchmark's generator (bench/import/gen_corpus.py) writes FILES; this
// program imports them through app::TranscriptService (the path of `narralytica import
// --language en --speaker-prefix`), spreads the videos' published dates over 2024-2025, links
// SPEAKER_00 of video i to person "Person i%20", and adds one synthetic 3-hour hearing.
//
//   analytics_bench --db PATH|postgresql://… --corpus DIR [--reps 200] [--warmup 10] [--queries-only]
//                   [--reuse-index] [--only NAME]
//
// --queries-only reuses a database this benchmark already filled (tenant "analytics-bench"); the
// rebuild of the stored measures is timed either way; --reuse-index keeps the search index an
// earlier run built under the data directory instead of timing its rebuild again; --only runs
// the cases whose name contains NAME ("3-hour", "person", "timeline"...), for a profile of one.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "app/conversation_service.hpp"
#include "app/search_service.hpp"
#include "app/transcript_service.hpp"
#include "store/identity/authorizer.hpp"
#include "app/people_service.hpp"
#include "store/migrations.hpp"
#include "store/tenancy/tenant_repository.hpp"

using namespace narralytica;
using namespace narralytica::store;

namespace {

constexpr const char* kTenantSlug = "analytics-bench";
constexpr const char* kHearingTitle = "three-hour hearing";
constexpr int kPersons = 20;
constexpr UnixMicros kDayUs = 86'400'000'000LL;
constexpr UnixMicros k2024 = 1'704'067'200'000'000LL;  // 2024-01-01T00:00:00Z
constexpr UnixMicros k2025 = 1'735'689'600'000'000LL;
constexpr UnixMicros k2026 = 1'767'225'600'000'000LL;

[[noreturn]] void die(const Error& error) {
  std::fprintf(stderr, "error: %s\n", error.describe().c_str());
  std::exit(1);
}
template <class T>
T check(Result<T> result) {
  if (!result.ok()) die(result.error());
  return std::move(result).value();
}
void check(Status status) {
  if (!status.ok()) die(status.error());
}

using Steady = std::chrono::steady_clock;
double ms_since(Steady::time_point start) {
  return std::chrono::duration<double, std::milli>(Steady::now() - start).count();
}

const Principal& op() {
  static const Principal principal = Principal::operator_cli("bench:analytics");
  return principal;
}

template <class Work>
auto in_tenant(Database& db, const Tenant& tenant, TxMode mode, Work work) {
  auto tx = check(Transaction::begin(db, mode));
  auto scope = check(Authorizer::authorize(tx, op(), tenant, app::kConversationRead));
  auto result = work(tx, scope);
  if (mode == TxMode::write) check(tx.commit());
  return result;
}

// 3,000 segments of 10 timed words over three hours, three speakers taking turns; one segment in
// twenty starts inside the previous one (an overlap or an interruption).
TranscriptDraft hearing() {
  TranscriptDraft draft;
  draft.language = "en";
  std::mt19937_64 rng(18);
  std::int64_t t = 0;
  int speaker = 0;
  for (int i = 0; i < 3000; ++i) {
    SegmentDraft s;
    if (rng() % 3 == 0) speaker = (speaker + 1 + static_cast<int>(rng() % 2)) % 3;
    s.speaker_label = "SPEAKER_0" + std::to_string(speaker);
    const bool overlap = rng() % 20 == 0 && t > 1000;
    s.start_ms = overlap ? t - 600 : t + static_cast<std::int64_t>(rng() % 400);
    std::string words = "[";
    std::int64_t w = s.start_ms;
    for (int k = 0; k < 10; ++k) {
      const std::int64_t length = 200 + static_cast<std::int64_t>(rng() % 300);
      if (k) {
        s.text += ' ';
        words += ',';
      }
      s.text += k == 9 && rng() % 8 == 0 ? "question?" : "word";
      words += "{\"w\":\"word\",\"s\":" + std::to_string(w) + ",\"e\":" + std::to_string(w + length) + "}";
      w += length + 60 + static_cast<std::int64_t>(rng() % 60);
    }
    s.words_json = words + "]";
    s.end_ms = w;
    t = s.end_ms;
    draft.segments.push_back(std::move(s));
  }
  return draft;
}

struct Figures {
  double p50 = 0, p99 = 0, max = 0;
};
Figures figures(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * static_cast<double>(ms.size())))]; };
  return Figures{at(0.5), at(0.99), ms.back()};
}

std::vector<double> repeat(int warmup, int reps, const std::function<void()>& once) {
  for (int i = 0; i < warmup; ++i) once();
  std::vector<double> ms;
  for (int i = 0; i < reps; ++i) {
    const auto start = Steady::now();
    once();
    ms.push_back(ms_since(start));
  }
  return ms;
}

// A raw aggregate the engine computes alone: rows and talk time per speaker, by segment times.
std::int64_t run_sql(Database& db, const Tenant& tenant, const std::string& sql,
                     const std::vector<std::int64_t>& params) {
  return in_tenant(db, tenant, TxMode::read, [&](Transaction& tx, const TenantScope& scope) {
    check(tx.enter(scope));
    Statement* s = check(tx.prepare(sql));
    s->bind_int64(1, scope.tenant_id());
    for (std::size_t i = 0; i < params.size(); ++i) s->bind_int64(static_cast<int>(i) + 2, params[i]);
    std::int64_t rows = 0;
    while (check(s->step())) ++rows;
    s->reset();
    return rows;
  });
}

constexpr const char* kSqlTranscript =
    "SELECT speaker_id, count(*), sum(end_ms - start_ms), sum(length(text)) FROM segments "
    "WHERE tenant_id = $1 AND transcript_id = $2 GROUP BY speaker_id";
constexpr const char* kSqlYear =
    "SELECT s.speaker_id, count(*), sum(s.end_ms - s.start_ms), sum(length(s.text)) FROM segments s "
    "JOIN transcripts t ON t.tenant_id = s.tenant_id AND t.id = s.transcript_id "
    "JOIN videos v ON v.tenant_id = t.tenant_id AND v.id = t.video_id "
    "WHERE s.tenant_id = $1 AND v.published_at >= $2 AND v.published_at < $3 GROUP BY s.speaker_id";
constexpr const char* kSqlPerson =
    "SELECT ps.speaker_id, count(*), sum(s.end_ms - s.start_ms), sum(length(s.text)) FROM person_speakers ps "
    "JOIN transcript_speakers ts ON ts.tenant_id = ps.tenant_id AND ts.speaker_id = ps.speaker_id "
    "JOIN segments s ON s.tenant_id = ts.tenant_id AND s.transcript_id = ts.transcript_id "
    "AND s.speaker_id = ts.speaker_id WHERE ps.tenant_id = $1 AND ps.person_id = $2 GROUP BY ps.speaker_id";

// Matching segments per month (30.44-day buckets of the published date) and person, the rows
// the timeline counts; LIKE over lower(text) matches the phrase's words in order, as the index does
// after case folding.
std::string timeline_sql(const std::string& phrase) {
  return "SELECT v.published_at / 2629746000000, ps.person_id, count(*) FROM segments s "
         "JOIN transcripts t ON t.tenant_id = s.tenant_id AND t.id = s.transcript_id "
         "JOIN videos v ON v.tenant_id = t.tenant_id AND v.id = t.video_id "
         "LEFT JOIN person_speakers ps ON ps.tenant_id = s.tenant_id AND ps.speaker_id = s.speaker_id "
         "WHERE s.tenant_id = $1 AND lower(s.text) LIKE '%" + phrase + "%' GROUP BY 1, 2";
}

struct Args {
  std::string db;
  std::string corpus;
  int reps = 200;
  int warmup = 10;
  bool queries_only = false;
  bool reuse_index = false;  // the timeline's search index from an earlier run
  std::string only;          // run only the cases whose name contains this (a profile of one)
  bool runs(std::string_view name) const { return only.empty() || name.find(only) != std::string_view::npos; }
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) die(make_error(ErrorCode::invalid_argument, "needs a value", arg));
      return argv[++i];
    };
    if (arg == "--db") a.db = value();
    else if (arg == "--corpus") a.corpus = value();
    else if (arg == "--reps") a.reps = std::stoi(value());
    else if (arg == "--warmup") a.warmup = std::stoi(value());
    else if (arg == "--queries-only") a.queries_only = true;
    else if (arg == "--reuse-index") a.reuse_index = true;
    else if (arg == "--only") a.only = value();
    else die(make_error(ErrorCode::invalid_argument, "unknown option", arg));
  }
  if (a.db.empty() || (a.corpus.empty() && !a.queries_only)) {
    std::fprintf(stderr, "usage: analytics_bench --db PATH|URL --corpus DIR [--reps N] [--warmup N] [--queries-only] [--reuse-index] [--only NAME]\n");
    std::exit(2);
  }
  return a;
}

void load(Database& db, const Tenant& tenant, const std::string& corpus, const std::filesystem::path& data_dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(corpus) / "files")) {
    files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  app::TranscriptService transcripts(db, data_dir);
  auto start = Steady::now();
  std::int64_t segments = 0;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    app::ImportOptions options;
    options.language = "en";
    options.speaker_prefix = true;
    options.title = file.filename().string();
    options.source_name = file.string();
    auto imported = check(transcripts.import(op(), kTenantSlug, content.str(), options));
    segments += imported.transcript.segment_count;
  }
  std::printf("load: %zu files, %lld segments imported in %.1f s\n", files.size(), static_cast<long long>(segments),
              ms_since(start) / 1000);

  // Published dates over two years, persons, and the hearing.
  start = Steady::now();
  in_tenant(db, tenant, TxMode::write, [&](Transaction& tx, const TenantScope& scope) {
    std::vector<Video> videos;
    PageRequest page{std::nullopt, kPageLimitMax};
    while (true) {
      auto listed = check(VideoRepository::list(tx, scope, page));
      videos.insert(videos.end(), listed.items.begin(), listed.items.end());
      if (!listed.next_after) break;
      page.after = listed.next_after;
    }
    for (std::size_t i = 0; i < videos.size(); ++i) {
      VideoPatch patch;
      patch.published_at = std::optional<UnixMicros>(
          k2024 + static_cast<UnixMicros>(i) * 730 / static_cast<UnixMicros>(videos.size()) * kDayUs);
      check(VideoRepository::update(tx, scope, videos[i].public_id, patch));
      for (const auto& speaker : check(TranscriptRepository::speakers(tx, scope, videos[i]))) {
        if (speaker.label == "SPEAKER_00") {
          check(app::PeopleService::link(tx, scope, speaker.public_id, "Person " + std::to_string(i % kPersons)));
        }
      }
    }
    VideoDraft draft;
    draft.title = kHearingTitle;
    draft.language = "en";
    draft.published_at = k2025 + 100 * kDayUs;
    auto video = check(VideoRepository::create(tx, scope, draft));
    check(TranscriptRepository::create(tx, scope, video, hearing()));
    return 0;
  });
  std::printf("load: dates, persons and the hearing in %.1f s\n", ms_since(start) / 1000);
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each figure as soon as it is measured
  const Args args = parse(argc, argv);
  {
    auto owner = check(Database::open(DatabaseOptions{args.db, ConnectRole::owner}));
    MigrationRunner runner(*owner, check(load_migrations(embedded_migrations(owner->backend()))));
    check(runner.apply());
  }
  auto db = check(Database::open(DatabaseOptions{args.db, ConnectRole::application}));
  const std::filesystem::path data_dir = std::filesystem::temp_directory_path() / "analytics_bench_data";
  Tenant tenant;
  if (args.queries_only) {
    auto tx = check(Transaction::begin(*db, TxMode::read));
    tenant = check(TenantRepository::find(tx, kTenantSlug));
  } else {
    {
      auto tx = check(Transaction::begin(*db, TxMode::write));
      tenant = check(TenantRepository::create(tx, SystemScope::because(op().actor), kTenantSlug, "Analytics bench")).first;
      check(tx.commit());
    }
    load(*db, tenant, args.corpus, data_dir);
  }
  {
    const auto start = Steady::now();
    auto rebuilt = in_tenant(*db, tenant, TxMode::write, [](Transaction& tx, const TenantScope& scope) {
      return check(app::ConversationService::rebuild_in(tx, scope));
    });
    const double seconds = ms_since(start) / 1000;
    std::printf("rebuild: %lld transcripts of %lld videos in %.1f s (%.0f transcripts/s)\n",
                static_cast<long long>(rebuilt.transcripts), static_cast<long long>(rebuilt.videos), seconds,
                static_cast<double>(rebuilt.transcripts) / seconds);
  }

  // The hearing, Person 0 and their internal ids for the baselines.
  Uuid hearing_video;
  std::int64_t hearing_transcript = 0;
  Uuid person;
  std::int64_t person_id = 0;
  std::int64_t segments_total = 0;
  in_tenant(*db, tenant, TxMode::read, [&](Transaction& tx, const TenantScope& scope) {
    PageRequest page{std::nullopt, kPageLimitMax};
    while (true) {
      auto listed = check(VideoRepository::list(tx, scope, page));
      for (const auto& v : listed.items) {
        for (const auto& t : check(TranscriptRepository::list_for_video(tx, scope, v))) segments_total += t.segment_count;
        if (v.title != kHearingTitle) continue;
        hearing_video = v.public_id;
        hearing_transcript = check(TranscriptRepository::list_for_video(tx, scope, v)).front().id;
      }
      if (!listed.next_after) break;
      page.after = listed.next_after;
    }
    check(tx.enter(scope));
    Statement* s = check(tx.prepare("SELECT id, public_id FROM people WHERE tenant_id = $1 AND name = 'Person 0'"));
    s->bind_int64(1, scope.tenant_id());
    if (!check(s->step())) die(make_error(ErrorCode::not_found, "no Person 0"));
    person_id = s->column_int64(0);
    person = s->column_uuid(1);
    s->reset();
    return 0;
  });
  std::printf("corpus: %lld segments in the tenant\n", static_cast<long long>(segments_total));

  auto product = [&](const app::ConversationQuery& q) {
    return [&db, &tenant, q] {
      in_tenant(*db, tenant, TxMode::read, [&](Transaction& tx, const TenantScope& scope) {
        return check(app::ConversationService::conversation_in(tx, scope, q)).totals.transcripts;
      });
    };
  };
  app::ConversationQuery transcript_q;
  transcript_q.video = hearing_video;
  app::ConversationQuery year_q;
  year_q.published_after = k2025;
  year_q.published_before = k2026;
  app::ConversationQuery person_q;
  person_q.person = person;

  struct Case {
    const char* name;
    std::function<void()> product;
    std::function<void()> baseline;
    double target_ms;
  };
  const std::vector<Case> cases = {
      {"3-hour transcript", product(transcript_q),
       [&] { run_sql(*db, tenant, kSqlTranscript, {hearing_transcript}); }, 20},
      {"tenant over a year", product(year_q), [&] { run_sql(*db, tenant, kSqlYear, {k2025, k2026}); }, 300},
      {"person across videos", product(person_q), [&] { run_sql(*db, tenant, kSqlPerson, {person_id}); }, 300},
  };
  std::printf("\n%-22s %10s %10s %10s   %10s %10s   %8s  %s\n", "query", "p50 ms", "p99 ms", "max ms", "SQL p50",
              "SQL p99", "p99 ratio", "target");
  for (const Case& c : cases) {
    if (!args.runs(c.name)) continue;
    const Figures p = figures(repeat(args.warmup, args.reps, c.product));
    // The baselines scan up to half the corpus each time: fewer runs.
    const Figures b = figures(repeat(1, std::max(5, args.reps / 40), c.baseline));
    std::printf("%-22s %10.2f %10.2f %10.2f   %10.2f %10.2f   %7.2fx  p99 <= %.0f ms: %s\n", c.name, p.p50, p.p99,
                p.max, b.p50, b.p99, p.p99 / b.p99, c.target_ms, p.p99 <= c.target_ms ? "met" : "MISSED");
  }

  // What the year would cost measured live from its segments (no stored measures): every video.
  if (args.runs("the year live")) {
  std::vector<Uuid> year_videos;
  in_tenant(*db, tenant, TxMode::read, [&](Transaction& tx, const TenantScope& scope) {
    PageRequest page{std::nullopt, kPageLimitMax};
    while (true) {
      auto listed = check(VideoRepository::list(tx, scope, page));
      for (const auto& v : listed.items) {
        if (v.published_at && *v.published_at >= k2025 && *v.published_at < k2026) year_videos.push_back(v.public_id);
      }
      if (!listed.next_after) break;
      page.after = listed.next_after;
    }
    return 0;
  });
  const auto start = Steady::now();
  in_tenant(*db, tenant, TxMode::read, [&](Transaction& tx, const TenantScope& scope) {
    for (const Uuid& v : year_videos) {
      app::ConversationQuery q;
      q.video = v;
      check(app::ConversationService::conversation_in(tx, scope, q));
    }
    return 0;
  });
  std::printf("\nthe year live from its segments (%zu videos, once): %.0f ms\n", year_videos.size(), ms_since(start));
  }
  if (!args.runs("timeline")) return 0;

  // The timeline: the tenant's search index, built once from canonical data (kept across
  // --queries-only runs under the data directory), then each query by month and person.
  app::SearchService search(*db, data_dir);
  if (!args.reuse_index) {
    const auto built = Steady::now();
    auto reports = check(search.reindex(op(), kTenantSlug, 1));
    const double seconds = ms_since(built) / 1000;
    std::printf("\nreindex: %lld segments in %.1f s (%.0f segments/s, one tenant on one thread)\n",
                static_cast<long long>(reports.front().documents), seconds,
                static_cast<double>(reports.front().documents) / seconds);
  }
  struct TimelineCase {
    const char* name;
    std::string q;       // the product's query
    std::string phrase;  // the same words for LIKE
    double target_ms;
  };
  const std::vector<TimelineCase> timelines = {
      {"common phrase", "\"of the\"", "of the", 150},
      {"common word", "government", "government", 150},
      {"rarer phrase", "\"climate budget\"", "climate budget", 150},
  };
  std::printf("\n%-22s %9s %10s %10s %10s   %10s %10s   %8s  %s\n", "timeline (month, person)", "matches",
              "p50 ms", "p99 ms", "max ms", "SQL p50", "SQL p99", "p99 ratio", "target");
  for (const TimelineCase& c : timelines) {
    app::TimelineQuery query;
    query.q = c.q;
    query.bucket = search::TimelineBucketSize::month;
    query.by = search::TimelineSeries::person;
    std::int64_t matches = 0;
    const Figures p = figures(repeat(args.warmup, args.reps, [&] {
      matches = in_tenant(*db, tenant, TxMode::read, [&](Transaction&, const TenantScope& scope) {
        return check(search.timeline_in(scope, query)).total;
      });
    }));
    const std::string sql = timeline_sql(c.phrase);
    const Figures b = figures(repeat(1, std::max(5, args.reps / 40), [&] { run_sql(*db, tenant, sql, {}); }));
    std::printf("%-24s %9lld %10.2f %10.2f %10.2f   %10.2f %10.2f   %7.3fx  p99 <= %.0f ms: %s\n", c.name,
                static_cast<long long>(matches), p.p50, p.p99, p.max, b.p50, b.p99, p.p99 / b.p99, c.target_ms,
                p.p99 <= c.target_ms ? "met" : "MISSED");
  }
  return 0;
}
