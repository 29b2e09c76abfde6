// `narralytica layers import|list|show|pin|unpin|diff|export`: AI layer runs of one transcript, from
// and to the JSON documents the API reads (app/layer_document.hpp), through app::LayerService like
// /v1/transcripts/{id}/layers; listings print an aligned table or the API's JSON (--json).
#include <CLI/CLI.hpp>

#include <cstdio>

#include "app/layer_json.hpp"
#include "app/layer_service.hpp"
#include "cli/command_support.hpp"
#include "cli/text_table.hpp"

namespace narralytica::cli {
namespace layers_command_impl {
namespace {

// A run document may be large (NDJSON of a million items); the limit guards against a wrong file.
constexpr std::uintmax_t kLayerFileBytesMax = 1024ull * 1024 * 1024;

struct LayersArgs {
  std::string transcript;
  std::string tenant;
  std::string file;
  std::string kind;
  int version = 0;  // 0: the current version
  int from = 0;
  int to = 0;
  std::string output;
  int limit = store::kPageLimitDefault;
  std::string cursor;
  bool json = false;
} args;

std::optional<int> version_arg() { return args.version > 0 ? std::optional<int>(args.version) : std::nullopt; }

// Item and diff pages continue from an ordinal: the API's cursor ('l'), so either can read on.
Result<std::optional<std::int64_t>> ordinal_after() {
  if (args.cursor.empty()) return std::optional<std::int64_t>();
  ASSIGN_OR_RETURN(auto key, api::decode_int_cursor('l', args.cursor, 1));
  return std::optional<std::int64_t>(key[0]);
}
std::string ordinal_cursor(std::int64_t ordinal) { return api::encode_int_cursor('l', {ordinal}); }

std::string run_state(const store::LayerRun& run) {
  std::string state = run.current ? (run.pinned ? "pinned" : "current") : "-";
  if (run.stale) state += ",stale";
  return state;
}

std::string span_text(const std::optional<std::int64_t>& first, const std::optional<std::int64_t>& last) {
  if (!first) return "-";
  return *first == *last ? std::to_string(*first) : std::to_string(*first) + "-" + std::to_string(*last);
}

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
  if (args.json) {
    std::printf("%s\n", json_page(*runs, app::layer_run_json, std::nullopt).c_str());
    return 0;
  }
  TextTable table({"KIND", "VERSION", "ITEMS", "STATE", "PRODUCER"});
  for (const store::LayerRun& run : *runs) {
    table.add_row({run.kind, std::to_string(run.version), std::to_string(run.item_count), run_state(run),
                   run.producer_name + " " + run.producer_version});
  }
  table.print();
  if (!runs->empty() && runs->front().stale) {
    std::printf("stale: a newer revision of this transcript exists; these layers describe the older text\n");
  }
  return 0;
}

int run_show(const GlobalOptions& global) {
  auto id = transcript_id();
  if (!id.ok()) return report(id.error());
  store::LayerItemQuery query;
  query.limit = args.limit;
  auto after = ordinal_after();
  if (!after.ok()) return report(after.error());
  query.after_ordinal = *after;
  auto database = open_database(global);
  if (!database.ok()) return report(database.error());
  app::LayerService service(**database);
  auto shown = service.show(operator_principal(), args.tenant, *id, args.kind, version_arg(), query);
  if (!shown.ok()) return report(shown.error());
  const auto& [run, page] = *shown;
  std::optional<std::string> next;
  if (page.next_after_ordinal) next = ordinal_cursor(*page.next_after_ordinal);
  if (args.json) {
    std::printf("%s\n", app::layer_run_page_json(run, page.items, next).c_str());
    return 0;
  }
  std::printf("%s version %d (%s), %lld items, by %s %s\n\n", run.kind.c_str(), run.version, run_state(run).c_str(),
              static_cast<long long>(run.item_count), run.producer_name.c_str(), run.producer_version.c_str());
  TextTable table({"SEGMENTS", "START", "END", "VALUE"});
  for (const store::LayerItem& item : page.items) {
    table.add_row({span_text(item.segment_ordinal_first, item.segment_ordinal_last), clock_text(item.start_ms),
                   clock_text(item.end_ms), item.payload_json});
  }
  table.print();
  print_more(next);
  return 0;
}

// pin (a version) or unpin (version 0: the newest becomes current again).
int run_set_current(const GlobalOptions& global, bool pin) {
  auto id = transcript_id();
  if (!id.ok()) return report(id.error());
  auto database = open_database(global);
  if (!database.ok()) return report(database.error());
  app::LayerService service(**database);
  auto change = service.set_current(operator_principal(), args.tenant, *id, args.kind,
                                    pin ? version_arg() : std::nullopt);
  if (!change.ok()) return report(change.error());
  const store::LayerRun& current = change->current;
  if (!change->changed) {
    std::printf("unchanged: %s version %d is already %s\n", current.kind.c_str(), current.version,
                run_state(current).c_str());
  } else {
    std::printf("%s version %d is now %s (was version %s)\n", current.kind.c_str(), current.version,
                run_state(current).c_str(),
                change->previous_version ? std::to_string(*change->previous_version).c_str() : "-");
  }
  return 0;
}

int run_diff(const GlobalOptions& global) {
  auto id = transcript_id();
  if (!id.ok()) return report(id.error());
  auto after = ordinal_after();
  if (!after.ok()) return report(after.error());
  auto database = open_database(global);
  if (!database.ok()) return report(database.error());
  app::LayerService service(**database);
  auto diff = service.diff(operator_principal(), args.tenant, *id, args.kind, args.from, args.to);
  if (!diff.ok()) return report(diff.error());
  const std::size_t begin = static_cast<std::size_t>(after->value_or(0));
  const std::size_t end = std::min(diff->entries.size(), begin + static_cast<std::size_t>(args.limit));
  std::optional<std::string> next;
  if (end < diff->entries.size()) next = ordinal_cursor(static_cast<std::int64_t>(end));
  if (args.json) {
    std::printf("%s\n", app::layer_diff_json(*diff, begin, end, next).c_str());
    return 0;
  }
  std::printf("%s version %d -> %d: %lld added, %lld removed, %lld changed, %lld unchanged\n\n",
              diff->from.kind.c_str(), diff->from.version, diff->to.version, static_cast<long long>(diff->added),
              static_cast<long long>(diff->removed), static_cast<long long>(diff->changed),
              static_cast<long long>(diff->unchanged));
  TextTable table({"CHANGE", "SEGMENTS", "START", "FROM", "TO"});
  for (std::size_t i = begin; i < end; ++i) {
    const app::LayerDiffEntry& e = diff->entries[i];
    table.add_row({app::layer_change_name(e.change), span_text(e.segment_first, e.segment_last),
                   clock_text(e.start_ms), e.from_value.value_or("-"), e.to_value.value_or("-")});
  }
  table.print();
  print_more(next);
  return 0;
}

int run_export(const GlobalOptions& global) {
  auto id = transcript_id();
  if (!id.ok()) return report(id.error());
  auto database = open_database(global);
  if (!database.ok()) return report(database.error());
  app::LayerService service(**database);
  auto document = service.export_run(operator_principal(), args.tenant, *id, args.kind, version_arg());
  if (!document.ok()) return report(document.error());
  if (auto written = write_output(args.output, *document); !written.ok()) return report(written.error());
  return 0;
}

void add_common(CLI::App* command) {
  command->add_option("--transcript", args.transcript, "Transcript id")->required();
  command->add_option("--tenant", args.tenant, "Tenant slug or id (default: the transcript's own)");
}

}  // namespace
}  // namespace layers_command_impl

void add_layers_command(CLI::App& app, GlobalOptions& options, int& exit_code) {
  using namespace layers_command_impl;
  auto* layers = app.add_subcommand("layers", "AI layer runs of a transcript: import, list, show, pin, diff, export");
  layers->require_subcommand(1);

  auto* import = layers->add_subcommand(
      "import", "Store a layer run from a JSON document {kind, producer, items} or NDJSON (head line, then items)");
  add_common(import);
  import->add_option("file", args.file, "The run document")->required();
  import->callback([&] { exit_code = run_import(options); });

  auto* list = layers->add_subcommand("list", "Every layer version over the transcript: current, pinned, stale");
  add_common(list);
  list->add_flag("--json", args.json, "Print the API's JSON document");
  list->callback([&] { exit_code = run_list(options); });

  auto* show = layers->add_subcommand("show", "One layer version and a page of its items");
  add_common(show);
  show->add_option("--kind", args.kind, "Layer kind, e.g. sentiment")->required();
  show->add_option("--version", args.version, "Version (default: the current one)")->check(CLI::PositiveNumber);
  show->add_option("--limit", args.limit, "Items per page")->check(CLI::Range(1, store::kPageLimitMax));
  show->add_option("--cursor", args.cursor, "Continue after the page that printed it");
  show->add_flag("--json", args.json, "Print the API's JSON document");
  show->callback([&] { exit_code = run_show(options); });

  auto* pin = layers->add_subcommand("pin", "Make a version the current one until unpinned (audited)");
  add_common(pin);
  pin->add_option("--kind", args.kind, "Layer kind, e.g. sentiment")->required();
  pin->add_option("--version", args.version, "The version to pin")->required()->check(CLI::PositiveNumber);
  pin->callback([&] { exit_code = run_set_current(options, true); });

  auto* unpin = layers->add_subcommand("unpin", "Let the newest version be the current one again (audited)");
  add_common(unpin);
  unpin->add_option("--kind", args.kind, "Layer kind, e.g. sentiment")->required();
  unpin->callback([&] { exit_code = run_set_current(options, false); });

  auto* diff = layers->add_subcommand("diff", "What changed between two versions, item by item");
  add_common(diff);
  diff->add_option("--kind", args.kind, "Layer kind, e.g. sentiment")->required();
  diff->add_option("--from", args.from, "The older version")->required()->check(CLI::PositiveNumber);
  diff->add_option("--to", args.to, "The newer version")->required()->check(CLI::PositiveNumber);
  diff->add_option("--limit", args.limit, "Entries per page")->check(CLI::Range(1, store::kPageLimitMax));
  diff->add_option("--cursor", args.cursor, "Continue after the page that printed it");
  diff->add_flag("--json", args.json, "Print the API's JSON document");
  diff->callback([&] { exit_code = run_diff(options); });

  auto* exported = layers->add_subcommand("export", "Write one layer version as the document `layers import` reads");
  add_common(exported);
  exported->add_option("--kind", args.kind, "Layer kind, e.g. sentiment")->required();
  exported->add_option("--version", args.version, "Version (default: the current one)")->check(CLI::PositiveNumber);
  exported->add_option("-o,--output", args.output, "Output file (default: standard output)");
  exported->callback([&] { exit_code = run_export(options); });
}

}  // namespace narralytica::cli
