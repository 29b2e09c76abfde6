// Transcript editing (issue 16): a 3-hour video's transcript (3,000 segments, ~30,000 words with
// timings) edited by changing 1% of its words, one edit after another, each through
// app::EditService::edit as `narralytica transcript edit` runs it (its own transaction,
// authorization, the whole revision read, operations applied and word times re-aligned, the new
// revision's 3,000 segment rows written with their event and audit record, a durable commit).
// Beside it, in the same run and engine, the practical floor: copying the same 3,000 segment rows
// with one bare INSERT ... SELECT into a table without constraints, in a transaction of its own,
// committed the same way; and the schema's floor: the same rows copied into `segments` itself as a
// new transcript, with every constraint of the product's schema. Prints p50/p99/max and ratios.
//
//   editing_bench --db PATH|postgresql://… [--segments 3000] [--words 10] [--reps 200] [--warmup 10]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "app/edit_service.hpp"
#include "common/timing.hpp"
#include "app/transcript_service.hpp"
#include "app/word_alignment.hpp"
#include "store/migrations.hpp"
#include "store/tenancy/tenant_repository.hpp"

using namespace narralytica;
using namespace narralytica::store;

namespace {

using bench::ms_since;
using bench::percentile;
using bench::Steady;
constexpr const char* kTenantSlug = "editing-bench";
constexpr double kChangedShare = 0.01;  // 1% of the words per edit

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

std::string random_word(std::mt19937_64& rng) {
  std::string word;
  const int length = 2 + static_cast<int>(rng() % 8);
  for (int c = 0; c < length; ++c) word.push_back(static_cast<char>('a' + rng() % 26));
  return word;
}

// A 3-hour transcript: `segments` segments of `words` timed words each, two speakers taking turns.
TranscriptDraft make_transcript(int segments, int words, std::mt19937_64& rng) {
  TranscriptDraft draft;
  draft.language = "en";
  draft.origin = "asr";
  draft.engine = "whisperx";
  std::int64_t t = 0;
  for (int s = 0; s < segments; ++s) {
    SegmentDraft segment;
    segment.start_ms = t;
    segment.speaker_label = (s / 3) % 2 ? "SPEAKER_01" : "SPEAKER_00";
    std::vector<formats::Word> timed;
    for (int w = 0; w < words; ++w) {
      formats::Word word;
      word.text = random_word(rng);
      word.start_ms = t;
      word.end_ms = t + 250 + static_cast<std::int64_t>(rng() % 200);
      word.confidence = 0.5 + static_cast<double>(rng() % 500) / 1000.0;
      word.speaker_label = segment.speaker_label;
      t = word.end_ms + 50 + static_cast<std::int64_t>(rng() % 100);
      if (!segment.text.empty()) segment.text += ' ';
      segment.text += word.text;
      timed.push_back(std::move(word));
    }
    segment.end_ms = t;
    segment.words_json = app::encode_words(timed);
    t += 300;
    draft.segments.push_back(std::move(segment));
  }
  return draft;
}

// An edit that replaces 1% of the transcript's words, chosen at random: one set_text per
// touched segment with its current text and those words replaced. `texts` follows the edits.
std::vector<app::EditOperation> one_percent_edit(std::vector<std::vector<std::string>>& texts, std::size_t total_words,
                                                 std::mt19937_64& rng) {
  const auto changes = static_cast<std::size_t>(static_cast<double>(total_words) * kChangedShare);
  std::map<std::size_t, std::set<std::size_t>> picked;  // segment -> word indexes
  for (std::size_t n = 0; n < changes;) {
    const std::size_t segment = rng() % texts.size();
    const std::size_t word = rng() % texts[segment].size();
    if (picked[segment].insert(word).second) ++n;
  }
  std::vector<app::EditOperation> operations;
  for (const auto& [segment, words] : picked) {
    for (std::size_t w : words) texts[segment][w] = random_word(rng);
    std::string text;
    for (const std::string& word : texts[segment]) text += (text.empty() ? "" : " ") + word;
    app::EditOperation op;
    op.kind = app::EditOpKind::set_text;
    op.segment = segment;
    op.text = std::move(text);
    operations.push_back(std::move(op));
  }
  return operations;
}

// The floor: the same rows copied by the database alone, durably committed.
double bare_copy(Database& owner, const Transcript& transcript, std::int64_t tenant_id) {
  const auto start = Steady::now();
  auto tx = check(Transaction::begin(owner, TxMode::write));
  check(tx.enter(SystemScope::because(Actor{std::nullopt, std::nullopt, "bench"})));
  Statement* copy = check(tx.prepare(
      "INSERT INTO bench_segment_copy SELECT tenant_id, transcript_id, ordinal, start_ms, end_ms, speaker_id, text, "
      "confidence, words FROM segments WHERE tenant_id = $1 AND transcript_id = $2"));
  copy->bind_int64(1, tenant_id);
  copy->bind_int64(2, transcript.id);
  check(copy->execute());
  check(tx.commit());
  return ms_since(start);
}

// The schema's floor: the same rows copied into `segments` itself, as a new transcript of the
// video (its transcript row and speakers first), with every key, check, foreign key and policy of
// the product's schema, committed the same way: what storing an unchanged revision costs the
// engine with no client work. Removed again afterwards, untimed.
double schema_copy(Database& owner, const Transcript& transcript, std::int64_t tenant_id) {
  const auto start = Steady::now();
  auto tx = check(Transaction::begin(owner, TxMode::write));
  check(tx.enter(SystemScope::because(Actor{std::nullopt, std::nullopt, "bench"})));
  Statement* head = check(tx.prepare(
      "INSERT INTO transcripts (public_id, tenant_id, video_id, language, revision, origin, content_hash, "
      "segment_count, created_at, updated_at) SELECT $3, tenant_id, video_id, 'zz', 1, 'edit', $4, segment_count, "
      "$5, $5 FROM transcripts WHERE tenant_id = $1 AND id = $2 RETURNING id"));
  head->bind_int64(1, tenant_id);
  head->bind_int64(2, transcript.id);
  head->bind_uuid(3, tx.new_id());
  head->bind_blob(4, std::string(32, 'f'));
  head->bind_int64(5, tx.now_us());
  if (!check(head->step())) die(make_error(ErrorCode::internal, "the floor's transcript row was not written"));
  const std::int64_t copy_id = head->column_int64(0);
  head->reset();
  for (const char* sql :
       {"INSERT INTO transcript_speakers (tenant_id, transcript_id, speaker_id) SELECT tenant_id, $3, speaker_id "
        "FROM transcript_speakers WHERE tenant_id = $1 AND transcript_id = $2",
        "INSERT INTO segments (tenant_id, transcript_id, created_at, updated_at, ordinal, start_ms, end_ms, "
        "speaker_id, text, confidence, words) SELECT tenant_id, $3, created_at, updated_at, ordinal, start_ms, "
        "end_ms, speaker_id, text, confidence, words FROM segments WHERE tenant_id = $1 AND transcript_id = $2"}) {
    Statement* copy = check(tx.prepare(sql));
    copy->bind_int64(1, tenant_id);
    copy->bind_int64(2, transcript.id);
    copy->bind_int64(3, copy_id);
    check(copy->execute());
  }
  check(tx.commit());
  const double elapsed = ms_since(start);
  auto cleanup = check(Transaction::begin(owner, TxMode::write));
  check(cleanup.enter(SystemScope::because(Actor{std::nullopt, std::nullopt, "bench"})));
  for (const char* sql : {"DELETE FROM segments WHERE tenant_id = $1 AND transcript_id = $2",
                          "DELETE FROM transcript_speakers WHERE tenant_id = $1 AND transcript_id = $2",
                          "DELETE FROM transcripts WHERE tenant_id = $1 AND id = $2"}) {
    Statement* remove = check(cleanup.prepare(sql));
    remove->bind_int64(1, tenant_id);
    remove->bind_int64(2, copy_id);
    check(remove->execute());
  }
  check(cleanup.commit());
  return elapsed;
}

void report(const char* name, const std::vector<double>& ms) {
  std::printf("%-34s p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  (%zu runs)\n", name, percentile(ms, 0.5),
              percentile(ms, 0.99), *std::max_element(ms.begin(), ms.end()), ms.size());
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::string url;
  int segments = 3000;
  int words = 10;
  int reps = 200;
  int warmup = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    const char* value = argv[i + 1];
    if (arg == "--db") url = value;
    else if (arg == "--segments") segments = std::atoi(value);
    else if (arg == "--words") words = std::atoi(value);
    else if (arg == "--reps") reps = std::atoi(value);
    else if (arg == "--warmup") warmup = std::atoi(value);
    else {
      std::fprintf(stderr, "unknown argument %s\n", arg.c_str());
      return 2;
    }
  }
  if (url.empty() || segments < 1 || words < 1 || reps < 1 || warmup < 0) {
    std::fprintf(stderr, "usage: %s --db PATH|postgresql://… [--segments 3000] [--words 10] [--reps 200] [--warmup 10]\n",
                 argv[0]);
    return 2;
  }
  DatabaseOptions options;  // the CLI's: every commit durable on its own
  options.url = url;
  options.role = ConnectRole::owner;
  auto owner = check(Database::open(options));
  MigrationRunner runner(*owner, check(load_migrations(embedded_migrations(owner->backend()))));
  check(runner.apply());
  options.role = ConnectRole::application;
  auto database = check(Database::open(options));
  const auto op = Principal::operator_cli("bench");
  std::printf("backend %s, %d segments x %d words, %d edits of %.0f%% of the words (+%d warm-up)\n",
              to_string(owner->backend()), segments, words, reps, kChangedShare * 100, warmup);

  std::mt19937_64 rng(20261206);
  Tenant tenant;
  Transcript current;
  {
    auto tx = check(Transaction::begin(*database, TxMode::write));
    tenant = check(TenantRepository::create(tx, SystemScope::because(op.actor), kTenantSlug, "Editing bench")).first;
    auto scope = check(Authorizer::authorize(tx, op, tenant, {"write", "videos"}));
    VideoDraft video_draft;
    video_draft.title = "A three-hour hearing";
    const Video video = check(VideoRepository::create(tx, scope, video_draft));
    current = check(TranscriptRepository::create(tx, scope, video, make_transcript(segments, words, rng))).transcript;
    check(tx.commit());
  }
  {
    auto tx = check(Transaction::begin(*owner, TxMode::write));
    check(tx.enter(SystemScope::because(op.actor)));
    Statement* create = check(tx.prepare(
        "CREATE TABLE bench_segment_copy AS SELECT tenant_id, transcript_id, ordinal, start_ms, end_ms, speaker_id, "
        "text, confidence, words FROM segments WHERE 1 = 0"));
    check(create->execute());
    check(tx.commit());
  }
  // The benchmark's own copy of the texts, word by word, to write each edit from.
  std::vector<std::vector<std::string>> texts;
  {
    auto tx = check(Transaction::begin(*database, TxMode::read));
    auto scope = check(Authorizer::authorize(tx, op, tenant, {"read", "transcripts"}));
    SegmentQuery query;
    query.limit = kPageLimitMax;
    while (true) {
      auto page = check(TranscriptRepository::segments(tx, scope, current, query));
      for (const Segment& s : page.items) texts.push_back(app::split_words(s.text));
      if (!page.next_after_ordinal) break;
      query.after_ordinal = page.next_after_ordinal;
    }
  }
  const auto total_words = static_cast<std::size_t>(segments) * static_cast<std::size_t>(words);

  std::vector<double> edit_ms;
  std::vector<double> copy_ms;
  std::vector<double> schema_ms;
  std::int64_t interpolated = 0;
  std::int64_t operations = 0;
  for (int rep = 0; rep < warmup + reps; ++rep) {
    app::EditRequest request;
    request.operations = one_percent_edit(texts, total_words, rng);
    request.expected_revision = current.revision;
    const auto start = Steady::now();
    app::EditResult result = check(app::EditService::edit(*database, op, kTenantSlug, current.public_id, request));
    const double elapsed = ms_since(start);
    if (!result.created) die(make_error(ErrorCode::internal, "an edit stored nothing"));
    const double copied = bare_copy(*owner, current, tenant.id);
    const double schema_copied = schema_copy(*owner, current, tenant.id);
    current = result.transcript;
    if (rep < warmup) continue;
    edit_ms.push_back(elapsed);
    copy_ms.push_back(copied);
    schema_ms.push_back(schema_copied);
    interpolated += result.stats.words_interpolated;
    operations += static_cast<std::int64_t>(request.operations.size());
  }
  std::printf("per edit: %.0f set_text operations; their segments hold %.0f words with interpolated times\n",
              static_cast<double>(operations) / reps, static_cast<double>(interpolated) / reps);
  report("edit (EditService::edit)", edit_ms);
  report("bare copy (INSERT ... SELECT)", copy_ms);
  report("schema copy (into segments)", schema_ms);
  std::printf("ratio edit/copy: p50 %.2fx  p99 %.2fx\n", percentile(edit_ms, 0.5) / percentile(copy_ms, 0.5),
              percentile(edit_ms, 0.99) / percentile(copy_ms, 0.99));
  std::printf("ratio edit/schema copy: p50 %.2fx  p99 %.2fx\n", percentile(edit_ms, 0.5) / percentile(schema_ms, 0.5),
              percentile(edit_ms, 0.99) / percentile(schema_ms, 0.99));
  return 0;
}
