// `narralytica pipelines list [--tenant T] [--json]|reset NAME [--to N]`: pipeline checkpoints, how
// far each lags the event feed (every event, or one tenant's as GET /v1/pipelines shows it), and
// rewinding one to replay. Both through app::PipelineService; a reset is audited.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "app/pipeline_service.hpp"
#include "app/tenant_work.hpp"
#include "cli/cli_support.hpp"
#include "cli/text_table.hpp"
#include "core/clock.hpp"

namespace narralytica::cli {
namespace pipelines_command_impl {
namespace {

struct PipelinesArgs {
  std::string name;
  std::int64_t position = 0;
  std::string tenant;
  bool json = false;
} args;

store::SystemScope cli_scope() { return store::SystemScope::because(operator_principal().actor); }

Result<app::PipelinesReport> read_report(store::Database& database) {
  if (!args.tenant.empty()) {
    return app::in_tenant(database, operator_principal(), args.tenant, app::kReadPipelines, store::TxMode::read,
                          [](store::Transaction& tx, const store::TenantScope& scope) {
                            return app::PipelineService::list(tx, scope);
                          });
  }
  ASSIGN_OR_RETURN(auto tx, store::Transaction::begin(database, store::TxMode::read));
  return app::PipelineService::list(tx, cli_scope());
}

std::string age(const app::PipelinesReport& report, const app::PipelineLag& lag) {
  if (!lag.oldest_pending_at) return "-";
  return std::to_string((report.now - *lag.oldest_pending_at) / 1'000'000) + "s";
}

int list_pipelines(const GlobalOptions& options) {
  auto database = open_database(options);
  if (!database.ok()) return report(database.error());
  auto got = read_report(**database);
  if (!got.ok()) return report(got.error());
  if (args.json) {
    std::printf("%s\n", app::PipelineService::report_json(*got).c_str());
    return 0;
  }
  std::printf("event feed%s: head %lld, pruned through %lld\n", args.tenant.empty() ? "" : " (this tenant's events)",
              static_cast<long long>(got->head), static_cast<long long>(got->pruned_through));
  TextTable table({"PIPELINE", "TENANT", "POSITION", "HEAD", "LAG", "AGE", "UPDATED", ""});
  for (const auto& p : got->pipelines) {
    table.add_row({p.name, p.tenant.value_or("all"), std::to_string(p.position), std::to_string(p.head),
                   std::to_string(p.lag_events), age(*got, p), format_rfc3339(p.updated_at),
                   p.behind_horizon ? "BEHIND RETENTION HORIZON: rebuild, then it resumes at the horizon" : ""});
  }
  table.print();
  if (got->pipelines.empty()) std::printf("(no pipeline has run yet)\n");
  return 0;
}

int reset_pipeline(const GlobalOptions& options) {
  auto database = open_database(options);
  if (!database.ok()) return report(database.error());
  auto tx = store::Transaction::begin(**database, store::TxMode::write);
  if (!tx.ok()) return report(tx.error());
  auto moved = app::PipelineService::reset(*tx, cli_scope(), args.name, args.position);
  if (!moved.ok()) return report(moved.error());
  if (auto s = tx->commit(); !s.ok()) return report(s.error());
  std::printf("reset %s to %lld (%lld checkpoint%s)\n", args.name.c_str(), static_cast<long long>(args.position),
              static_cast<long long>(*moved), *moved == 1 ? "" : "s");
  return 0;
}

}  // namespace
}  // namespace pipelines_command_impl

void add_pipelines_command(CLI::App& app, GlobalOptions& options, int& exit_code) {
  using namespace pipelines_command_impl;
  auto* pipelines = app.add_subcommand("pipelines", "Pipeline checkpoints over the event feed");
  pipelines->require_subcommand(1);

  auto* list = pipelines->add_subcommand("list", "Checkpoints with their lag behind the feed");
  list->add_option("--tenant", args.tenant, "Count only this tenant's events (what GET /v1/pipelines shows it)");
  list->add_flag("--json", args.json, "The report as JSON (the API's shape)");
  list->callback([&] { exit_code = list_pipelines(options); });

  auto* reset = pipelines->add_subcommand("reset", "Rewind a pipeline's checkpoint so it replays (audited)");
  reset->add_option("name", args.name, "Pipeline name")->required();
  reset->add_option("--to", args.position, "Position to rewind to (default 0: everything retained)")
      ->check(CLI::NonNegativeNumber);
  reset->callback([&] { exit_code = reset_pipeline(options); });
}

}  // namespace narralytica::cli
