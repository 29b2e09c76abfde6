// `narralytica demo`: the quickest way to a working installation. Migrates the database, creates
// a demo tenant with an owner and an API token (or reuses them), imports the sample transcripts
// compiled into the binary (samples/), attaches the sample media file to its transcript's video (so
// the web UI's player works with no network), gives each sample video a published date (so the
// timeline has months to draw), and prints what was made. Safe to run again:
// existing rows are reused and re-imports are no-ops.
#include <CLI/CLI.hpp>

#include "app/admin.hpp"
#include "app/media_service.hpp"
#include "app/tenant_work.hpp"
#include "app/transcript_service.hpp"
#include "cli/cli_support.hpp"
#include "core/embedded_file.hpp"
#include "store/media/video_repository.hpp"

namespace narralytica::cli {
namespace demo_command_impl {
namespace {

constexpr const char* kDemoTenant = "demo";
constexpr const char* kDemoOwner = "owner@demo.example";

// The sample media file whose name, up to its first dot, is the transcript's ("newsroom-briefing.ogg"
// for "newsroom-briefing.whisperx.json"), or null.
const EmbeddedFile* media_for(std::string_view transcript_name) {
  const std::string_view stem = transcript_name.substr(0, transcript_name.find('.'));
  for (const EmbeddedFile& file : demo_sample_files()) {
    if (app::media_type_for_file(std::string(file.name)) && file.name.substr(0, file.name.find('.')) == stem) return &file;
  }
  return nullptr;
}

// When each sample was "published": months apart, so the timeline's month buckets differ. Microseconds
// since the epoch, UTC midnight.
struct PublishedDate {
  std::string_view stem;
  UnixMicros at;
};
constexpr PublishedDate kPublished[] = {
    {"climate-lecture", 1'762'300'800'000'000},       // 2025-11-05
    {"city-council-hearing", 1'768'867'200'000'000},  // 2026-01-20
    {"podcast-episode", 1'771'027'200'000'000},       // 2026-02-14
    {"newsroom-briefing", 1'773'273'600'000'000},     // 2026-03-12
};

// Sets the sample video's published date when it has none (a second run changes nothing).
Status date_sample(store::Database& database, const store::Video& video, std::string_view sample_name) {
  const std::string_view stem = sample_name.substr(0, sample_name.find('.'));
  for (const PublishedDate& date : kPublished) {
    if (date.stem != stem || video.published_at) continue;
    return app::in_tenant(database, operator_principal(), kDemoTenant, {"write", "videos"}, store::TxMode::write,
                          [&](store::Transaction& tx, const store::TenantScope& scope) -> Status {
                            store::VideoPatch patch;
                            patch.published_at = std::optional<UnixMicros>(date.at);
                            ASSIGN_OR_RETURN(auto updated, store::VideoRepository::update(tx, scope, video.public_id, patch));
                            (void)updated;
                            return ok_status();
                          });
  }
  return ok_status();
}

// Imports every sample transcript; each file's URL finds its video again on a second run. A
// sample with a media file gets it attached (the same content again is a no-op in storage).
Status import_samples(store::Database& database, const GlobalOptions& options) {
  app::TranscriptService transcripts(database, app::default_data_dir(options.db));
  const app::MediaService media(app::default_data_dir(options.db));
  for (const EmbeddedFile& sample : demo_sample_files()) {
    if (app::media_type_for_file(std::string(sample.name))) continue;  // attached below, with its transcript
    app::ImportOptions import;
    import.source_name = std::string(sample.name);
    import.source_url = "https://media.example.org/demo/" + std::string(sample.name);
    import.language = "en";
    ASSIGN_OR_RETURN(app::ImportResult imported,
                     transcripts.import(operator_principal(), kDemoTenant, sample.bytes, import));
    RETURN_IF_ERROR(date_sample(database, imported.video, sample.name));
    std::printf("video     %s  %s (%lld segments)", imported.video.public_id.to_string().c_str(),
                imported.video.title.c_str(), static_cast<long long>(imported.transcript.segment_count));
    if (const EmbeddedFile* file = media_for(sample.name)) {
      ASSIGN_OR_RETURN(store::Attachment attached,
                       media.attach(database, operator_principal(), kDemoTenant, imported.video.public_id, file->bytes,
                                    *app::media_type_for_file(std::string(file->name))));
      std::printf(" with media %s (%s)", std::string(file->name).c_str(), attached.media_type.c_str());
    }
    std::printf("\n");
  }
  return ok_status();
}

// Returns the existing value on conflict, so `demo` can run again on the same database.
template <class T, class Create, class Find>
Result<T> create_or_find(Create create, Find find) {
  auto created = create();
  if (created.ok() || created.error().code != ErrorCode::conflict) return created;
  return find();
}

int run_demo(const GlobalOptions& options) {
  if (auto migrated = migrate_quietly(options, false); !migrated.ok()) return report(migrated.error());
  auto database = open_database(options);
  if (!database.ok()) return report(database.error());
  app::AdminService admin(**database, operator_principal());

  auto tenant = create_or_find<store::Tenant>(
      [&] { return admin.create_tenant(kDemoTenant, "Demo newsroom"); },
      [&]() -> Result<store::Tenant> {
        ASSIGN_OR_RETURN(auto tx, store::Transaction::begin(**database, store::TxMode::read));
        return store::TenantRepository::find(tx, kDemoTenant);
      });
  if (!tenant.ok()) return report(tenant.error());
  auto owner = create_or_find<store::User>(
      [&] { return admin.create_user(kDemoOwner, "Demo Owner", ""); },
      [&]() -> Result<store::User> {
        ASSIGN_OR_RETURN(auto tx, store::Transaction::begin(**database, store::TxMode::read));
        return store::UserRepository::find(tx, kDemoOwner);
      });
  if (!owner.ok()) return report(owner.error());
  auto member = admin.add_member(kDemoTenant, kDemoOwner, "owner");
  if (!member.ok() && member.error().code != ErrorCode::conflict) return report(member.error());
  auto token = admin.create_token(kDemoTenant, kDemoOwner, "demo", std::nullopt);
  if (!token.ok()) return report(token.error());

  std::printf("database  %s\n", options.db.c_str());
  std::printf("tenant    %s  %s\n", tenant->public_id.to_string().c_str(), tenant->slug.c_str());
  std::printf("owner     %s  %s\n", owner->public_id.to_string().c_str(), owner->email.c_str());
  if (auto imported = import_samples(**database, options); !imported.ok()) return report(imported.error());
  std::printf("token     %s\n", token->secret.c_str());
  return 0;
}

}  // namespace
}  // namespace demo_command_impl

void add_demo_command(CLI::App& app, GlobalOptions& options, int& exit_code) {
  using namespace demo_command_impl;
  auto* demo = app.add_subcommand("demo", "Migrate, create a demo tenant, owner and API token, import sample transcripts, and print them");
  demo->callback([&options, &exit_code] { exit_code = run_demo(options); });
}

}  // namespace narralytica::cli
