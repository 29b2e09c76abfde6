// AI layers (issue 6): writes 1,000,000 layer items (a sentiment run and a topics run, one item per
// segment, over 500,000 segments in 250 three-hour videos) through the product path, and, side by
// side in the same run, the same payloads through a bare prepared INSERT; then measures the two
// questions the issue names, with p50/p99:
//
//   (a) "negative segments of speaker X in video Y"          LayerQuery::segments
//   (b) "sentiment by speaker per minute for a 3-hour video"  LayerQuery::analytics
//
// Product path, per run (what POST /v1/transcripts/{id}/layers and `narralytica layers import`
// do): app::read_layer_run over the run's JSON document (parse and validate against the built-in
// kind), then in one write transaction Authorizer::authorize + LayerService::create_in
// (LayerRepository::create_run: the layer row, 64-row item INSERTs, event and audit record), and
// commit. Bare path, per run: BEGIN, the same item rows (same columns and values, same 64-row
// statement shape) into a table with no constraints, keys or indexes, COMMIT. Only the writes are
// timed; the documents are built beforehand, and the bare path's rows are taken from the same
// documents outside its timer.
//
// The corpus (videos, speakers, transcripts, segments) is seeded through VideoRepository and
// TranscriptRepository, one transaction per video. Durability is the product's: SQLite WAL with
// synchronous=FULL, PostgreSQL with fsync and synchronous_commit on.
//
//   layers_bench --db PATH|postgresql://… [--videos 250] [--segments-per-video 2000] [--reps 200]
//                [--format json|ndjson] [--limit 1000] [--warmup 10] [--queries-only] [--analyze]
//
// --queries-only reuses a database this benchmark already filled (tenant "layers-bench").
// --analyze measures the queries a second time after ANALYZE (the product never runs it, so the
// first pass is what a deployment sees; on PostgreSQL autovacuum may have analyzed meanwhile).
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "app/layer_document.hpp"
#include "app/layer_service.hpp"
#include "store/identity/authorizer.hpp"
#include "store/layers/layer_query.hpp"
#include "store/media/transcript_repository.hpp"
#include "store/media/video_repository.hpp"
#include "store/migrations.hpp"
#include "store/tenancy/tenant_repository.hpp"

using namespace narralytica;
using namespace narralytica::store;

namespace {

constexpr const char* kTenantSlug = "layers-bench";
constexpr int kBareBatchRows = 64;  // the repository's statement shape (layer_repository.cpp)
constexpr int kBareColumnsPerRow = 8;

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
double seconds_since(Steady::time_point start) {
  return std::chrono::duration<double>(Steady::now() - start).count();
}

void append_int(std::string& out, std::int64_t v) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  (void)ec;
  out.append(buffer, end);
}

// A score with three decimals, 0.000-1.000.
void append_milli(std::string& out, int milli) {
  out += milli >= 1000 ? "1." : "0.";
  const int frac = milli % 1000;
  out += static_cast<char>('0' + frac / 100);
  out += static_cast<char>('0' + frac / 10 % 10);
  out += static_cast<char>('0' + frac % 10);
}

struct VideoInfo {
  Uuid video;
  Uuid transcript;
  std::int64_t transcript_id = 0;
  std::vector<Uuid> speakers;
};

// ~3 h of speech per video: segments of 2-8 s with pauses of up to 0.8 s, 6-20 words each,
// 3-6 speakers taking turns (a turn ends with probability 0.3, to another speaker).
TranscriptDraft make_transcript(std::mt19937_64& rng, const std::vector<std::string>& vocabulary, int segments) {
  TranscriptDraft draft;
  draft.language = "en";
  draft.origin = "asr";
  draft.engine = "whisperx";
  const int speakers = 3 + static_cast<int>(rng() % 4);
  int speaker = 0;
  std::int64_t t = 0;
  for (int i = 0; i < segments; ++i) {
    SegmentDraft s;
    const int words = 6 + static_cast<int>(rng() % 15);
    for (int w = 0; w < words; ++w) {
      const double u = std::uniform_real_distribution<double>(0, 1)(rng);
      if (w) s.text += ' ';
      s.text += vocabulary[static_cast<std::size_t>(std::pow(u, 3.0) * static_cast<double>(vocabulary.size()))];
    }
    t += static_cast<std::int64_t>(rng() % 800);
    s.start_ms = t;
    t += 2000 + static_cast<std::int64_t>(rng() % 6000);
    s.end_ms = t;
    if (rng() % 10 < 3) speaker = (speaker + 1 + static_cast<int>(rng() % static_cast<unsigned>(speakers - 1))) % speakers;
    s.speaker_label = "SPEAKER_0";
    s.speaker_label += static_cast<char>('0' + speaker);
    s.confidence = 0.6 + static_cast<double>(rng() % 400) / 1000.0;
    draft.segments.push_back(std::move(s));
  }
  return draft;
}

const char* const kTopics[] = {"economy", "health", "education", "housing", "transport", "climate", "crime",
                               "budget", "taxes", "energy", "water", "parks", "zoning", "elections", "labor",
                               "immigration", "technology", "culture", "sports", "agriculture"};
constexpr int kTopicCount = sizeof kTopics / sizeof kTopics[0];

// One run's document as a producer would post it: JSON {"kind", "producer", "items": [...]}, or
// NDJSON (the head on the first line, one item per line).
std::string make_document(std::mt19937_64& rng, bool topics, int segments, bool ndjson) {
  std::string out;
  out.reserve(static_cast<std::size_t>(segments) * (topics ? 110 : 64) + 256);
  out += topics ? R"({"kind":"topics","producer":{"name":"bench-topics","version":"3.2","params":{"model":"bertopic-large","top_k":3}})"
                : R"({"kind":"sentiment","producer":{"name":"bench-sentiment","version":"1.4","params":{"model":"roberta-sentiment","threshold":0.5}})";
  out += ndjson ? "}\n" : ",\"items\":[\n";
  for (int i = 0; i < segments; ++i) {
    if (i && !ndjson) out += ",\n";
    out += R"({"segment":)";
    append_int(out, i);
    out += R"(,"value":)";
    if (topics) {
      const int n = 1 + static_cast<int>(rng() % 3);
      const int first = static_cast<int>(rng() % kTopicCount);
      out += '[';
      for (int k = 0; k < n; ++k) {
        if (k) out += ',';
        out += R"({"label":")";
        out += kTopics[(first + k * 7) % kTopicCount];
        out += R"(","score":)";
        append_milli(out, static_cast<int>(rng() % 1001));
        out += '}';
      }
      out += ']';
    } else {
      const int r = static_cast<int>(rng() % 100);
      out += R"({"label":")";
      out += r < 25 ? "negative" : r < 70 ? "neutral" : "positive";
      out += R"(","score":)";
      append_milli(out, 500 + static_cast<int>(rng() % 501));
      out += '}';
    }
    out += '}';
    if (ndjson) out += '\n';
  }
  if (!ndjson) out += "\n]}\n";
  return out;
}

// ---- bare path ---------------------------------------------------------------------------------

std::string bare_table_sql(Backend backend) {
  std::string sql =
      "CREATE TABLE bare_layer_items (tenant_id bigint, layer_id bigint, ordinal bigint, transcript_id bigint, "
      "segment_ordinal_first bigint, segment_ordinal_last bigint, start_ms bigint, end_ms bigint, label text, "
      "score ";
  // The product's column types (jsonb on PostgreSQL), nothing else: no key, check or index.
  sql += backend == Backend::postgres ? "double precision, payload jsonb, created_at bigint)"
                                      : "real, payload text, created_at bigint)";
  return sql;
}

std::string bare_insert_sql(int rows) {
  std::string sql =
      "INSERT INTO bare_layer_items (tenant_id, layer_id, transcript_id, created_at, ordinal, segment_ordinal_first, "
      "segment_ordinal_last, start_ms, end_ms, label, score, payload) VALUES ";
  int p = 5;
  for (int r = 0; r < rows; ++r) {
    if (r) sql += ',';
    sql += "($1,$2,$3,$4";
    for (int c = 0; c < kBareColumnsPerRow; ++c) {
      sql += ",$";
      append_int(sql, p++);
    }
    sql += ')';
  }
  return sql;
}

struct SegmentTime {
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
};

void bind_bare_row(Statement& s, int first, std::size_t i, const LayerItemDraft& item,
                   const std::vector<SegmentTime>& times) {
  const auto& t = times[static_cast<std::size_t>(*item.segment_ordinal_first)];
  s.bind_int64(first, static_cast<std::int64_t>(i));
  s.bind_optional_int64(first + 1, item.segment_ordinal_first);
  s.bind_optional_int64(first + 2, item.segment_ordinal_last);
  s.bind_int64(first + 3, t.start_ms);
  s.bind_int64(first + 4, times[static_cast<std::size_t>(*item.segment_ordinal_last)].end_ms);
  s.bind_optional_text(first + 5, item.label);
  s.bind_optional_double(first + 6, item.score);
  s.bind_json(first + 7, item.payload_json);
}

// Seconds spent inside BEGIN..COMMIT over all runs.
double run_bare(Database& owner, const std::vector<VideoInfo>& videos, const std::vector<std::string>& documents,
                const std::vector<std::vector<SegmentTime>>& times, app::LayerDocumentFormat format) {
  auto lease = check(owner.acquire());
  check(lease->execute_script("DROP TABLE IF EXISTS bare_layer_items"));
  check(lease->execute_script(bare_table_sql(owner.backend())));
  const std::string batch_sql = bare_insert_sql(kBareBatchRows);
  const std::string single_sql = bare_insert_sql(1);
  double timed = 0;
  std::int64_t layer_id = 0;
  for (std::size_t d = 0; d < documents.size(); ++d) {
    const VideoInfo& video = videos[d / 2];
    // The payloads exactly as the product path stores them, read outside the timer.
    const LayerRunDraft draft = check(app::read_layer_run(documents[d], "bench", format));
    const auto& segment_times = times[d / 2];
    ++layer_id;
    const auto start = Steady::now();
    check(lease->begin(true));
    std::size_t next = 0;
    const std::size_t total = draft.items.size();
    auto bind_shared = [&](Statement& s) {
      s.bind_int64(1, 1);
      s.bind_int64(2, layer_id);
      s.bind_int64(3, video.transcript_id);
      s.bind_int64(4, 1'764'000'000'000'000);
    };
    while (total - next >= static_cast<std::size_t>(kBareBatchRows)) {
      Statement* s = check(lease->prepare(batch_sql));
      bind_shared(*s);
      for (int r = 0; r < kBareBatchRows; ++r) {
        const std::size_t i = next + static_cast<std::size_t>(r);
        bind_bare_row(*s, 5 + r * kBareColumnsPerRow, i, draft.items[i], segment_times);
      }
      check(s->execute());
      next += kBareBatchRows;
    }
    for (; next < total; ++next) {
      Statement* s = check(lease->prepare(single_sql));
      bind_shared(*s);
      bind_bare_row(*s, 5, next, draft.items[next], segment_times);
      check(s->execute());
    }
    check(lease->commit());
    timed += seconds_since(start);
  }
  check(lease->execute_script("DROP TABLE bare_layer_items"));
  return timed;
}

// ---- product path ------------------------------------------------------------------------------

struct ProductTimes {
  double total = 0;
  double parse = 0;   // read_layer_run: JSON parse, kind validation, drafts
  double store = 0;   // begin, authorize, LayerService::create_in
  double commit = 0;  // outbox (event, audit record) and COMMIT
};

ProductTimes run_product(Database& app, const Principal& op, const Tenant& tenant, const std::vector<VideoInfo>& videos,
                         const std::vector<std::string>& documents, app::LayerDocumentFormat format) {
  ProductTimes times;
  for (std::size_t d = 0; d < documents.size(); ++d) {
    const auto t0 = Steady::now();
    LayerRunDraft draft = check(app::read_layer_run(documents[d], "bench", format));
    const auto t1 = Steady::now();
    auto tx = check(Transaction::begin(app, TxMode::write));
    auto scope = check(Authorizer::authorize(tx, op, tenant, {"write", "layers"}));
    auto written = check(app::LayerService::create_in(tx, scope, videos[d / 2].transcript, draft));
    if (!written.created) die(make_error(ErrorCode::internal, "the run was already stored", "bench"));
    const auto t2 = Steady::now();
    check(tx.commit());
    const auto t3 = Steady::now();
    times.parse += std::chrono::duration<double>(t1 - t0).count();
    times.store += std::chrono::duration<double>(t2 - t1).count();
    times.commit += std::chrono::duration<double>(t3 - t2).count();
  }
  times.total = times.parse + times.store + times.commit;
  return times;
}

// ---- seeding -----------------------------------------------------------------------------------

std::vector<VideoInfo> seed(Database& app, const Principal& op, const Tenant& tenant, int video_count,
                            int segments_per_video, std::vector<std::vector<SegmentTime>>& times) {
  std::mt19937_64 rng(20261125);
  std::vector<std::string> vocabulary;
  for (int i = 0; i < 3000; ++i) {
    std::string word;
    const int length = 2 + static_cast<int>(rng() % 8);
    for (int c = 0; c < length; ++c) word += static_cast<char>('a' + rng() % 26);
    vocabulary.push_back(std::move(word));
  }
  std::vector<VideoInfo> videos;
  for (int v = 0; v < video_count; ++v) {
    TranscriptDraft draft = make_transcript(rng, vocabulary, segments_per_video);
    std::vector<SegmentTime> segment_times;
    for (const SegmentDraft& s : draft.segments) segment_times.push_back({s.start_ms, s.end_ms});
    times.push_back(std::move(segment_times));
    auto tx = check(Transaction::begin(app, TxMode::write));
    auto scope = check(Authorizer::authorize(tx, op, tenant, {"write", "transcripts"}));
    VideoDraft video_draft;
    video_draft.title = "Council session ";
    append_int(video_draft.title, v + 1);
    video_draft.language = "en";
    video_draft.duration_ms = draft.segments.back().end_ms;
    const Video video = check(VideoRepository::create(tx, scope, video_draft));
    const TranscriptWrite written = check(TranscriptRepository::create(tx, scope, video, draft));
    VideoInfo info{video.public_id, written.transcript.public_id, written.transcript.id, {}};
    for (const Speaker& s : check(TranscriptRepository::speakers(tx, scope, video))) info.speakers.push_back(s.public_id);
    check(tx.commit());
    videos.push_back(std::move(info));
  }
  return videos;
}

// The videos, transcripts and speakers of a database this benchmark filled before.
std::vector<VideoInfo> load(Database& app, const Principal& op, const Tenant& tenant) {
  auto tx = check(Transaction::begin(app, TxMode::read));
  auto scope = check(Authorizer::authorize(tx, op, tenant, {"read", "videos"}));
  std::vector<VideoInfo> videos;
  PageRequest request;
  request.limit = kPageLimitMax;
  while (true) {
    Page<Video> page = check(VideoRepository::list(tx, scope, request));
    for (const Video& video : page.items) {
      auto transcripts = check(TranscriptRepository::list_for_video(tx, scope, video));
      if (transcripts.empty()) continue;
      VideoInfo info{video.public_id, transcripts.back().public_id, transcripts.back().id, {}};
      for (const Speaker& s : check(TranscriptRepository::speakers(tx, scope, video))) info.speakers.push_back(s.public_id);
      videos.push_back(std::move(info));
    }
    if (!page.next_after) break;
    request.after = page.next_after;
  }
  check(tx.commit());
  return videos;
}

// ---- queries -----------------------------------------------------------------------------------

struct Latencies {
  std::vector<double> query_ms;  // the LayerQuery call
  std::vector<double> tx_ms;     // begin, authorize, the call, commit: what a request pays
  double rows = 0;               // mean rows returned
};

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

template <class Query>
Latencies measure(Database& app, const Principal& op, const Tenant& tenant, const std::vector<VideoInfo>& videos,
                  int warmup, int reps, std::uint64_t seed_value, Query query) {
  std::mt19937_64 rng(seed_value);
  Latencies out;
  double rows = 0;
  for (int r = 0; r < warmup + reps; ++r) {
    const VideoInfo& video = videos[rng() % videos.size()];
    const Uuid& speaker = video.speakers[rng() % video.speakers.size()];
    const auto t0 = Steady::now();
    auto tx = check(Transaction::begin(app, TxMode::read));
    auto scope = check(Authorizer::authorize(tx, op, tenant, {"read", "layers"}));
    const auto t1 = Steady::now();
    const std::size_t n = query(tx, scope, video, speaker);
    const auto t2 = Steady::now();
    check(tx.commit());
    const auto t3 = Steady::now();
    if (r < warmup) continue;
    out.query_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
    out.tx_ms.push_back(std::chrono::duration<double, std::milli>(t3 - t0).count());
    rows += static_cast<double>(n);
  }
  out.rows = rows / reps;
  return out;
}

void print_latencies(const char* name, const Latencies& l) {
  std::printf("%-44s p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms | whole tx p50 %7.2f ms  p99 %7.2f ms | %.0f rows\n",
              name, percentile(l.query_ms, 0.50), percentile(l.query_ms, 0.99), percentile(l.query_ms, 1.0),
              percentile(l.tx_ms, 0.50), percentile(l.tx_ms, 0.99), l.rows);
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress shows when piped to a file
  std::string url;
  int video_count = 250;
  int segments_per_video = 2000;
  int reps = 200;
  int warmup = 10;
  int limit = kPageLimitMax;
  bool queries_only = false;
  bool analyze = false;
  app::LayerDocumentFormat format = app::LayerDocumentFormat::json;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : "";
    if (arg == "--queries-only" || arg == "--analyze") {
      (arg == "--analyze" ? analyze : queries_only) = true;
      continue;
    }
    if (arg == "--db") url = value;
    else if (arg == "--videos") video_count = std::atoi(value);
    else if (arg == "--segments-per-video") segments_per_video = std::atoi(value);
    else if (arg == "--reps") reps = std::atoi(value);
    else if (arg == "--warmup") warmup = std::atoi(value);
    else if (arg == "--limit") limit = std::atoi(value);
    else if (arg == "--format") format = std::strcmp(value, "ndjson") ? app::LayerDocumentFormat::json : app::LayerDocumentFormat::ndjson;
    else {
      std::fprintf(stderr, "unknown argument %s\n", arg.c_str());
      return 2;
    }
    ++i;
  }
  if (url.empty() || video_count < 1 || segments_per_video < 1 || reps < 1 || warmup < 0) {
    std::fprintf(stderr,
                 "usage: %s --db PATH|postgresql://… [--videos 250] [--segments-per-video 2000] [--reps 200] "
                 "[--format json|ndjson] [--limit 1000] [--warmup 10] [--queries-only] [--analyze]\n",
                 argv[0]);
    return 2;
  }
  auto owner = check(Database::open(DatabaseOptions{url, ConnectRole::owner}));
  MigrationRunner runner(*owner, check(load_migrations(embedded_migrations(owner->backend()))));
  check(runner.apply());
  auto app = check(Database::open(DatabaseOptions{url, ConnectRole::application}));
  const auto op = Principal::operator_cli("bench");
  std::printf("backend %s\n", to_string(owner->backend()));

  Tenant tenant;
  std::vector<VideoInfo> videos;
  if (queries_only) {
    auto tx = check(Transaction::begin(*app, TxMode::read));
    tenant = check(TenantRepository::find(tx, kTenantSlug));
    check(tx.commit());
    videos = load(*app, op, tenant);
    std::printf("reusing %zu videos\n", videos.size());
  } else {
    {
      auto tx = check(Transaction::begin(*app, TxMode::write));
      tenant = check(TenantRepository::create(tx, SystemScope::because(op.actor), kTenantSlug, "Layers bench")).first;
      check(tx.commit());
    }
    std::vector<std::vector<SegmentTime>> times;
    auto start = Steady::now();
    videos = seed(*app, op, tenant, video_count, segments_per_video, times);
    const double seed_seconds = seconds_since(start);
    const double segments = static_cast<double>(video_count) * segments_per_video;
    std::printf("seeded %d videos x %d segments (%.0f segments) through TranscriptRepository in %.1f s (%.0f segments/s)\n",
                video_count, segments_per_video, segments, seed_seconds, segments / seed_seconds);

    std::mt19937_64 rng(20261126);
    std::vector<std::string> documents;
    std::size_t bytes = 0;
    for (int v = 0; v < video_count; ++v) {
      for (bool topics : {false, true}) {
        documents.push_back(make_document(rng, topics, segments_per_video, format == app::LayerDocumentFormat::ndjson));
        bytes += documents.back().size();
      }
    }
    const double items = 2.0 * segments;
    std::printf("%zu run documents (%s), %.0f items, %.1f MB\n", documents.size(),
                format == app::LayerDocumentFormat::json ? "JSON" : "NDJSON", items, static_cast<double>(bytes) / 1e6);

    const double bare = run_bare(*owner, videos, documents, times, format);
    const ProductTimes product = run_product(*app, op, tenant, videos, documents, format);
    const double bare_rate = items / bare;
    const double product_rate = items / product.total;
    std::printf("bare INSERT (no constraints)        %10.0f items/s  (%.2f s)\n", bare_rate, bare);
    std::printf("read_layer_run + create_in + commit %10.0f items/s  (%.2f s: parse %.2f, store %.2f, commit %.2f)\n",
                product_rate, product.total, product.parse, product.store, product.commit);
    std::printf("  without the parse                 %10.0f items/s  (ratio to bare %.2fx)\n",
                items / (product.store + product.commit), (product.store + product.commit) / bare);
    std::printf("ratio product/bare                  %10.2fx\n", bare_rate / product_rate);
  }

  auto measure_queries = [&](const char* when) {
    LayerCondition negative;
    negative.kind = "sentiment";
    negative.field = LayerField::label;
    negative.op = CompareOp::eq;
    negative.text = "negative";
    const Latencies filter = measure(*app, op, tenant, videos, warmup, reps, 7, [&](Transaction& tx, const TenantScope& scope,
                                                                            const VideoInfo& video, const Uuid& speaker) {
      SegmentSearch search;
      search.where.push_back(negative);
      search.video = video.video;
      search.speaker = speaker;
      search.limit = limit;
      return check(LayerQuery::segments(tx, scope, search)).items.size();
    });
    const Latencies analytics = measure(*app, op, tenant, videos, warmup, reps, 8, [&](Transaction& tx, const TenantScope& scope,
                                                                               const VideoInfo& video, const Uuid&) {
      LayerAnalyticsQuery query;
      query.kind = "sentiment";
      query.by = {LayerGrouping::speaker};
      query.bucket_ms = 60'000;
      query.video = video.video;
      return check(LayerQuery::analytics(tx, scope, query)).size();
    });
    std::printf("%s, %d repetitions each (after %d warm-up), random video and speaker:\n", when, reps, warmup);
    print_latencies("(a) negative segments of speaker X in video Y", filter);
    print_latencies("(b) sentiment by speaker per minute, 1 video", analytics);
  };
  measure_queries("queries");
  if (analyze) {
    {
      auto lease = check(owner->acquire());
      const auto start = Steady::now();
      check(lease->execute_script("ANALYZE"));
      std::printf("ANALYZE took %.2f s\n", seconds_since(start));
    }
    // New connections, so SQLite's planner certainly loads the statistics.
    app.reset();
    app = check(Database::open(DatabaseOptions{url, ConnectRole::application}));
    measure_queries("after ANALYZE");
  }
  return 0;
}
