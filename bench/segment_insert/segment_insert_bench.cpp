// Segment ingest: 1,000,000 synthetic segments through TranscriptRepository (every constraint,
// foreign key, index, event and audit record in force, one transaction per transcript) against,
// side by side in the same run, a bare prepared INSERT of the same rows into a table with the
// same columns and no constraints (the practical limit), with the same statement shape and
// commit size. Prints rows/s for both and the ratio.
//
//   segment_insert_bench --db PATH|postgresql://… [--segments N] [--per-transcript N]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "store/identity/authorizer.hpp"
#include "store/media/transcript_repository.hpp"
#include "store/migrations.hpp"
#include "store/tenancy/tenant_repository.hpp"

using namespace narralytica;
using namespace narralytica::store;

namespace {

constexpr int kBareBatchRows = 64;  // the same multi-row statement shape the repository uses

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

// Segments of 8-30 words from a Zipf-like vocabulary, with speaker turns: ~140 bytes of text.
std::vector<TranscriptDraft> make_corpus(std::int64_t segments, int per_transcript) {
  std::mt19937_64 rng(20261124);
  std::vector<std::string> vocabulary;
  for (int i = 0; i < 5000; ++i) {
    std::string word;
    int length = 2 + static_cast<int>(rng() % 8);
    for (int c = 0; c < length; ++c) word.push_back(static_cast<char>('a' + rng() % 26));
    vocabulary.push_back(word);
  }
  std::vector<TranscriptDraft> drafts;
  for (std::int64_t done = 0; done < segments;) {
    TranscriptDraft draft;
    draft.language = "en";
    draft.origin = "asr";
    draft.engine = "whisper";
    std::int64_t t = 0;
    int speaker = 0;
    for (int i = 0; i < per_transcript && done < segments; ++i, ++done) {
      SegmentDraft s;
      int words = 8 + static_cast<int>(rng() % 23);
      for (int w = 0; w < words; ++w) {
        double u = std::uniform_real_distribution<double>(0, 1)(rng);
        std::size_t index = static_cast<std::size_t>(std::pow(u, 3.0) * vocabulary.size());
        if (w) s.text.push_back(' ');
        s.text += vocabulary[index];
      }
      s.start_ms = t;
      t += 1000 + static_cast<std::int64_t>(rng() % 5000);
      s.end_ms = t;
      if (rng() % 4 == 0) speaker = (speaker + 1) % 4;
      s.speaker_label = "SPEAKER_0" + std::to_string(speaker);
      s.confidence = 0.5 + static_cast<double>(rng() % 500) / 1000.0;
      draft.segments.push_back(std::move(s));
    }
    drafts.push_back(std::move(draft));
  }
  return drafts;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

const char* kBareTable =
    "CREATE TABLE bare_segments (tenant_id bigint, transcript_id bigint, "
    "ordinal bigint, start_ms bigint, end_ms bigint, speaker_id bigint, text text, confidence double precision, "
    "words text, created_at bigint, updated_at bigint)";

std::string bare_insert_sql(int rows) {
  std::string sql =
      "INSERT INTO bare_segments (tenant_id, transcript_id, created_at, updated_at, ordinal, start_ms, "
      "end_ms, speaker_id, text, confidence, words) VALUES ";
  int p = 4;
  for (int r = 0; r < rows; ++r) {
    if (r) sql += ',';
    sql += "($1,$2,$3,$3";
    for (int c = 0; c < 7; ++c) sql += ",$" + std::to_string(p++);
    sql += ')';
  }
  return sql;
}

double run_bare(Database& owner, const std::vector<TranscriptDraft>& drafts) {
  auto lease = check(owner.acquire());
  std::string create = kBareTable;
  if (owner.backend() == Backend::sqlite) {
    for (auto pos = create.find("double precision"); pos != std::string::npos; pos = create.find("double precision"))
      create.replace(pos, 16, "real");
    for (auto pos = create.find("bytea"); pos != std::string::npos; pos = create.find("bytea")) create.replace(pos, 5, "blob");
  }
  check(lease->execute_script("DROP TABLE IF EXISTS bare_segments"));
  check(lease->execute_script(create));
  const std::string batch_sql = bare_insert_sql(kBareBatchRows);
  const std::string single_sql = bare_insert_sql(1);
  const auto start = std::chrono::steady_clock::now();
  std::int64_t transcript_id = 0;
  for (const auto& draft : drafts) {
    ++transcript_id;
    check(lease->begin(true));
    std::size_t next = 0;
    auto bind_row = [&](Statement& s, int first, std::size_t i) {
      const SegmentDraft& seg = draft.segments[i];
      s.bind_int64(first, static_cast<std::int64_t>(i));
      s.bind_int64(first + 1, seg.start_ms);
      s.bind_int64(first + 2, seg.end_ms);
      s.bind_int64(first + 3, 1 + static_cast<std::int64_t>(seg.speaker_label.back() - '0'));
      s.bind_text(first + 4, seg.text);
      s.bind_optional_double(first + 5, seg.confidence);
      s.bind_null(first + 6);
    };
    while (draft.segments.size() - next >= kBareBatchRows) {
      Statement* s = check(lease->prepare(batch_sql));
      s->bind_int64(1, 1);
      s->bind_int64(2, transcript_id);
      s->bind_int64(3, 1);
      for (int r = 0; r < kBareBatchRows; ++r) bind_row(*s, 4 + r * 7, next + r);
      check(s->execute());
      next += kBareBatchRows;
    }
    for (; next < draft.segments.size(); ++next) {
      Statement* s = check(lease->prepare(single_sql));
      s->bind_int64(1, 1);
      s->bind_int64(2, transcript_id);
      s->bind_int64(3, 1);
      bind_row(*s, 4, next);
      check(s->execute());
    }
    check(lease->commit());
  }
  const double elapsed = seconds_since(start);
  check(lease->execute_script("DROP TABLE bare_segments"));
  return elapsed;
}

double run_repository(Database& app, const std::vector<TranscriptDraft>& drafts) {
  const auto op = Principal::operator_cli("bench");
  Tenant tenant;
  {
    auto tx = check(Transaction::begin(app, TxMode::write));
    tenant = check(TenantRepository::create(tx, SystemScope::because(op.actor), "bench", "Bench")).first;
    check(tx.commit());
  }
  const auto start = std::chrono::steady_clock::now();
  int n = 0;
  for (const auto& draft : drafts) {
    auto tx = check(Transaction::begin(app, TxMode::write));
    auto scope = check(Authorizer::authorize(tx, op, tenant, {"write", "transcripts"}));
    auto video = check(VideoRepository::create(tx, scope, VideoDraft{"Video " + std::to_string(++n), "", "en", {}, {}, {}}));
    auto written = check(TranscriptRepository::create(tx, scope, video, draft));
    if (!written.created) die(make_error(ErrorCode::internal, "duplicate transcript in the corpus"));
    check(tx.commit());
  }
  return seconds_since(start);
}

}  // namespace

int main(int argc, char** argv) {
  std::string url;
  std::int64_t segments = 1'000'000;
  int per_transcript = 1000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--db")) url = argv[i + 1];
    else if (!std::strcmp(argv[i], "--segments")) segments = std::atoll(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--per-transcript")) per_transcript = std::atoi(argv[i + 1]);
  }
  if (url.empty()) {
    std::fprintf(stderr, "usage: %s --db PATH|postgresql://… [--segments N] [--per-transcript N]\n", argv[0]);
    return 2;
  }
  auto owner = check(Database::open(DatabaseOptions{url, ConnectRole::owner}));
  MigrationRunner runner(*owner, check(load_migrations(embedded_migrations(owner->backend()))));
  check(runner.apply());
  auto app = check(Database::open(DatabaseOptions{url, ConnectRole::application}));

  const auto corpus = make_corpus(segments, per_transcript);
  std::printf("backend %s, %lld segments in %zu transcripts of %d\n", to_string(owner->backend()),
              static_cast<long long>(segments), corpus.size(), per_transcript);
  const double bare = run_bare(*owner, corpus);
  const double repo = run_repository(*app, corpus);
  const double bare_rate = static_cast<double>(segments) / bare;
  const double repo_rate = static_cast<double>(segments) / repo;
  std::printf("bare INSERT (no constraints)  %10.0f rows/s  (%.2f s)\n", bare_rate, bare);
  std::printf("TranscriptRepository          %10.0f rows/s  (%.2f s)\n", repo_rate, repo);
  std::printf("ratio bare/repository         %10.2fx\n", bare_rate / repo_rate);
  return 0;
}
