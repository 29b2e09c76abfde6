// Seeds a database for bench/api/run.sh: a tenant with an owner and an API token, one video with
// a transcript of `segments` segments (two speakers, word timings), migrated first. Prints
// shell assignments (TOKEN=..., VIDEO=..., TRANSCRIPT=...) for the script to eval.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "app/admin.hpp"
#include "store/media/transcript_repository.hpp"
#include "store/migrations.hpp"

using namespace narralytica;

namespace {

int fail(const Error& error) {
  std::fprintf(stderr, "api_bench_seed: %s\n", error.describe().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: api_bench_seed DATABASE_URL [SEGMENTS]\n");
    return 2;
  }
  const int segments = argc > 2 ? std::atoi(argv[2]) : 1000;
  store::DatabaseOptions owner_options;
  owner_options.url = argv[1];
  owner_options.role = store::ConnectRole::owner;
  auto owner = store::Database::open(owner_options);
  if (!owner.ok()) return fail(owner.error());
  auto migrations = store::load_migrations(store::embedded_migrations((*owner)->backend()));
  if (!migrations.ok()) return fail(migrations.error());
  store::MigrationRunner runner(**owner, std::move(migrations).value());
  if (auto applied = runner.apply(); !applied.ok()) return fail(applied.error());

  store::DatabaseOptions app_options;
  app_options.url = argv[1];
  auto database = store::Database::open(app_options);
  if (!database.ok()) return fail(database.error());
  const auto principal = store::Principal::operator_cli("cli:bench");
  app::AdminService admin(**database, principal);
  auto tenant = admin.create_tenant("bench", "Benchmark tenant");
  if (!tenant.ok()) return fail(tenant.error());
  if (auto user = admin.create_user("bench@example.org", "Bench", ""); !user.ok()) return fail(user.error());
  if (auto member = admin.add_member("bench", "bench@example.org", "owner"); !member.ok()) return fail(member.error());
  auto token = admin.create_token("bench", "bench@example.org", "bench", std::nullopt);
  if (!token.ok()) return fail(token.error());

  auto tx = store::Transaction::begin(**database, store::TxMode::write);
  if (!tx.ok()) return fail(tx.error());
  auto scope = store::Authorizer::authorize(*tx, principal, *tenant, {"write", "videos"});
  if (!scope.ok()) return fail(scope.error());
  store::VideoDraft video_draft;
  video_draft.title = "Benchmark hearing";
  video_draft.language = "en";
  video_draft.duration_ms = static_cast<std::int64_t>(segments) * 3000;
  video_draft.sources.push_back(store::VideoSourceDraft{"url", "https://example.org/bench.mp4", std::nullopt,
                                                        std::nullopt, true});
  auto video = store::VideoRepository::create(*tx, *scope, video_draft);
  if (!video.ok()) return fail(video.error());
  store::TranscriptDraft draft;
  draft.language = "en";
  draft.origin = "asr";
  draft.engine = "whisperx";
  for (int i = 0; i < segments; ++i) {
    store::SegmentDraft s;
    s.start_ms = i * 3000;
    s.end_ms = i * 3000 + 2800;
    s.text = "And that is why the committee, after hearing segment " + std::to_string(i) + ", decided to adjourn.";
    s.speaker_label = i % 3 ? "SPEAKER_01" : "SPEAKER_00";
    s.confidence = 0.93;
    s.words_json = R"([{"w":"And","s":)" + std::to_string(i * 3000) + R"(,"e":)" + std::to_string(i * 3000 + 200) + "}]";
    draft.segments.push_back(std::move(s));
  }
  auto transcript = store::TranscriptRepository::create(*tx, *scope, *video, draft);
  if (!transcript.ok()) return fail(transcript.error());
  if (auto committed = tx->commit(); !committed.ok()) return fail(committed.error());
  std::printf("TOKEN=%s\nVIDEO=%s\nTRANSCRIPT=%s\n", token->secret.c_str(), video->public_id.to_string().c_str(),
              transcript->transcript.public_id.to_string().c_str());
  return 0;
}
