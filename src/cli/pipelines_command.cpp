// `narralytica pipelines list|reset NAME`: pipeline checkpoints, how far each lags the event
// feed, and rewinding one to replay.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli/cli_support.hpp"
#include "store/ops/checkpoint_repository.hpp"
#include "store/ops/event_feed.hpp"

namespace narralytica::cli {
namespace {

struct PipelinesArgs {
  std::string name;
  std::int64_t position = 0;
} args;

store::SystemScope cli_scope() { return store::SystemScope::because(operator_principal().actor); }

template <class Action>
int in_transaction(const GlobalOptions& options, Action action) {
  auto database = open_database(options);
  if (!database.ok()) return report(database.error());
  auto tx = store::Transaction::begin(**database, store::TxMode::write);
  if (!tx.ok()) return report(tx.error());
  if (auto s = action(*tx); !s.ok()) return report(s.error());
  if (auto s = tx->commit(); !s.ok()) return report(s.error());
  return 0;
}

}  // namespace

void add_pipelines_command(CLI::App& app, GlobalOptions& options, int& exit_code) {
  auto* pipelines = app.add_subcommand("pipelines", "Pipeline checkpoints over the event feed");
  pipelines->require_subcommand(1);

  auto* list = pipelines->add_subcommand("list", "Checkpoints with their lag behind the feed");
  list->callback([&] {
    exit_code = in_transaction(options, [&](store::Transaction& tx) -> Status {
      ASSIGN_OR_RETURN(const std::int64_t head, store::EventFeed::head(tx, cli_scope()));
      ASSIGN_OR_RETURN(const std::int64_t horizon, store::EventFeed::pruned_through(tx, cli_scope()));
      ASSIGN_OR_RETURN(auto checkpoints, store::CheckpointRepository::list(tx, cli_scope()));
      std::printf("event feed: head %lld, pruned through %lld\n", static_cast<long long>(head),
                  static_cast<long long>(horizon));
      std::printf("%-32s %-8s %12s %12s %s\n", "PIPELINE", "TENANT", "POSITION", "LAG", "");
      for (const auto& c : checkpoints) {
        const std::string tenant = c.tenant_id ? std::to_string(*c.tenant_id) : "all";
        std::printf("%-32s %-8s %12lld %12lld %s\n", c.pipeline.c_str(), tenant.c_str(),
                    static_cast<long long>(c.position), static_cast<long long>(std::max<std::int64_t>(head - c.position, 0)),
                    c.position < horizon ? "BEHIND RETENTION HORIZON: rebuild, then it resumes at the horizon" : "");
      }
      if (checkpoints.empty()) std::printf("(no pipeline has run yet)\n");
      return ok_status();
    });
  });

  auto* reset = pipelines->add_subcommand("reset", "Rewind a pipeline's checkpoint so it replays");
  reset->add_option("name", args.name, "Pipeline name")->required();
  reset->add_option("--to", args.position, "Position to rewind to (default 0: everything retained)")
      ->check(CLI::NonNegativeNumber);
  reset->callback([&] {
    exit_code = in_transaction(options, [&](store::Transaction& tx) -> Status {
      ASSIGN_OR_RETURN(auto moved, store::CheckpointRepository::reset(tx, cli_scope(), args.name, args.position));
      std::printf("reset %s to %lld (%lld checkpoint%s)\n", args.name.c_str(), static_cast<long long>(args.position),
                  static_cast<long long>(moved), moved == 1 ? "" : "s");
      return ok_status();
    });
  });
}

}  // namespace narralytica::cli
