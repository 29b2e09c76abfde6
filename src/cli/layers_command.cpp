// `narralytica layers import|list|export`: AI layer runs from and to the JSON documents the API
// reads (app/layer_document.hpp), for one transcript.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "app/layer_service.hpp"
#include "cli/cli_support.hpp"

namespace narralytica::cli {
namespace {

// A run document may be large (NDJSON of a million items); the limit guards against a wrong file.
constexpr std::uintmax_t kLayerFileBytesMax = 1024ull * 1024 * 1024;

struct LayersArgs {
  std::string transcript;
  std::string tenant;
  std::string file;
  std::string kind;
  int version = 0;  // 0: the current version
  std::string output;
} args;

Result<Uuid> transcript_id() {
  auto id = Uuid::parse(args.transcript);
  if (!id) return make_error(ErrorCode::invalid_argument, "not a transcript id (a UUID)", "--transcript");
  return *id;
}

int run_import(const GlobalOptions& global) {
  auto id = transcript_id();
  if (!id.ok()) return report(id.error());
  auto content = read_file(args.file, kLayerFileBytesMax);
  if (!content.ok()) return report(content.error());
  auto database = open_database(global);
  if (!database.ok()) return report(database.error());
  app::LayerService service(**database);
  auto written = service.import(operator_principal(), args.tenant, *id, *content, args.file);
  if (!written.ok()) return report(written.error());
  const store::LayerRun& run = written->run;
  std::printf("%s %s version %d (%lld items)%s\n", written->created ? "stored" : "unchanged: already stored as",
              run.kind.c_str(), run.version, static_cast<long long>(run.item_count),
              run.current ? ", current" : ", not current (another version is pinned)");
  return 0;
}

int run_list(const GlobalOptions& global) {
  auto id = transcript_id();
  if (!id.ok()) return report(id.error());
  auto database = open_database(global);
  if (!database.ok()) return report(database.error());
  app::LayerService service(**database);
  auto runs = service.list(operator_principal(), args.tenant, *id);
  if (!runs.ok()) return report(runs.error());
  std::printf("%-24s %7s %9s  %-8s %s\n", "KIND", "VERSION", "ITEMS", "STATE", "PRODUCER");
  for (const store::LayerRun& run : *runs) {
    std::string state = run.current ? (run.pinned ? "pinned" : "current") : "-";
    if (run.stale) state += ",stale";
    std::printf("%-24s %7d %9lld  %-8s %s %s\n", run.kind.c_str(), run.version,
                static_cast<long long>(run.item_count), state.c_str(), run.producer_name.c_str(),
                run.producer_version.c_str());
  }
  if (!runs->empty() && runs->front().stale) {
    std::printf("stale: a newer revision of this transcript exists; these layers describe the older text\n");
  }
  return 0;
}

int run_export(const GlobalOptions& global) {
  auto id = transcript_id();
  if (!id.ok()) return report(id.error());
  auto database = open_database(global);
  if (!database.ok()) return report(database.error());
  app::LayerService service(**database);
  std::optional<int> version;
  if (args.version > 0) version = args.version;
  auto document = service.export_run(operator_principal(), args.tenant, *id, args.kind, version);
  if (!document.ok()) return report(document.error());
  if (auto written = write_output(args.output, *document); !written.ok()) return report(written.error());
  return 0;
}

void add_common(CLI::App* command) {
  command->add_option("--transcript", args.transcript, "Transcript id")->required();
  command->add_option("--tenant", args.tenant, "Tenant slug or id (default: the transcript's own)");
}

}  // namespace

void add_layers_command(CLI::App& app, GlobalOptions& options, int& exit_code) {
  auto* layers = app.add_subcommand("layers", "AI layer runs of a transcript: import, list, export");
  layers->require_subcommand(1);

  auto* import = layers->add_subcommand(
      "import", "Store a layer run from a JSON document {kind, producer, items} or NDJSON (head line, then items)");
  add_common(import);
  import->add_option("file", args.file, "The run document")->required();
  import->callback([&] { exit_code = run_import(options); });

  auto* list = layers->add_subcommand("list", "Every layer version over the transcript: current, pinned, stale");
  add_common(list);
  list->callback([&] { exit_code = run_list(options); });

  auto* exported = layers->add_subcommand("export", "Write one layer version as the document `layers import` reads");
  add_common(exported);
  exported->add_option("--kind", args.kind, "Layer kind, e.g. sentiment")->required();
  exported->add_option("--version", args.version, "Version (default: the current one)")->check(CLI::PositiveNumber);
  exported->add_option("-o,--output", args.output, "Output file (default: standard output)");
  exported->callback([&] { exit_code = run_export(options); });
}

}  // namespace narralytica::cli
