// `narralytica export`: one stored transcript as WebVTT, SRT or Narralytica JSON, on stdout or
// into a file. A file is written whole or not at all (temporary file, then rename), so a failed
// export never leaves a truncated transcript where a good one was expected.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>

#include "app/transcript_service.hpp"
#include "cli/cli_support.hpp"

namespace narralytica::cli {
namespace export_command_impl {
namespace {

struct ExportArgs {
  std::string transcript;
  std::string tenant;
  std::string format;
  std::string output;
  bool layers = false;
} args;

int run_export(const GlobalOptions& global) {
  auto id = Uuid::parse(args.transcript);
  if (!id) return report(make_error(ErrorCode::invalid_argument, "not a transcript id (a UUID)", "--transcript"));
  auto format = formats::parse_format(args.format);
  if (!format.ok()) return report(format.error());
  auto database = open_database(global);
  if (!database.ok()) return report(database.error());
  // Export reads the database only; the data directory (original files) is not touched.
  app::TranscriptService service(**database, app::default_data_dir(global.db));
  app::ExportOptions options;
  options.include_layers = args.layers;
  auto exported = service.export_transcript(operator_principal(), args.tenant, *id, *format, options);
  if (!exported.ok()) return report(exported.error());
  if (auto written = write_output(args.output, exported->content); !written.ok()) return report(written.error());
  return 0;
}

}  // namespace
}  // namespace export_command_impl

void add_export_command(CLI::App& app, GlobalOptions& options, int& exit_code) {
  using namespace export_command_impl;
  auto* command = app.add_subcommand("export", "Write a stored transcript as WebVTT, SRT or Narralytica JSON");
  command->add_option("--transcript", args.transcript, "Transcript id")->required();
  command->add_option("--tenant", args.tenant, "Tenant slug or id (default: the transcript's own)");
  command->add_option("--format", args.format, "vtt, srt or json")->required();
  command->add_option("-o,--output", args.output, "Output file (default: standard output)");
  command->add_flag("--layers", args.layers, "json: include the newest version of each layer");
  command->callback([&] { exit_code = run_export(options); });
}

}  // namespace narralytica::cli
