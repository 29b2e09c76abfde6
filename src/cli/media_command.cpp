// `narralytica media attach --tenant T --video ID FILE`: attaches an audio or video file to a
// video, as PUT /v1/videos/{id}/media does: the bytes go under the data directory beside the
// database (where `serve` looks for them), the database records only their checksum, size, type
// and place.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "app/media_service.hpp"
#include "cli/cli_support.hpp"
#include "core/hashing.hpp"

namespace narralytica::cli {
namespace media_command_impl {
namespace {

struct MediaArgs {
  std::string tenant;
  std::string video;
  std::string type;
  std::string file;
} args;

int run_attach(const GlobalOptions& global) {
  auto video = Uuid::parse(args.video);
  if (!video) return report(make_error(ErrorCode::invalid_argument, "not a video id (a UUID)", "--video"));
  std::string type = args.type;
  if (type.empty()) {
    auto guessed = app::media_type_for_file(args.file);
    if (!guessed) {
      return report(make_error(ErrorCode::invalid_argument,
                               "cannot tell the media type from the file's extension; name it with --type", args.file));
    }
    type = *guessed;
  }
  auto media_type = app::normalized_media_type(type, "--type");
  if (!media_type.ok()) return report(media_type.error());
  auto bytes = read_file(args.file, static_cast<std::uintmax_t>(app::kMediaBytesMax));
  if (!bytes.ok()) return report(bytes.error());
  auto database = open_database(global);
  if (!database.ok()) return report(database.error());
  app::MediaService service(app::default_data_dir(global.db));
  auto attached = service.attach(**database, operator_principal(), args.tenant, *video, *bytes, *media_type);
  if (!attached.ok()) return report(attached.error());
  std::printf("attached   %s  video %s  %s  %lld bytes  sha256 %s\n", args.file.c_str(), args.video.c_str(),
              attached->media_type.c_str(), static_cast<long long>(attached->size_bytes),
              to_hex(attached->sha256).c_str());
  return 0;
}

}  // namespace
}  // namespace media_command_impl

void add_media_command(CLI::App& app, GlobalOptions& options, int& exit_code) {
  using namespace media_command_impl;
  auto* media = app.add_subcommand("media", "Media files (audio or video) of videos");
  media->require_subcommand(1);
  auto* attach = media->add_subcommand("attach", "Attach an audio or video file to a video (replaces any before)");
  attach->add_option("--tenant", args.tenant, "Tenant slug or id")->required();
  attach->add_option("--video", args.video, "Video id")->required();
  attach->add_option("--type", args.type, "Media type, such as video/mp4 (default: from the file's extension)");
  attach->add_option("FILE", args.file, "The media file")->required();
  attach->callback([&] { exit_code = run_attach(options); });
}

}  // namespace narralytica::cli
