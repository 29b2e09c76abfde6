// `narralytica migrate [--status]`: applies the embedded migrations, or lists them.
#include <CLI/CLI.hpp>

#include <ctime>

#include "cli/cli_support.hpp"
#include "store/migrations.hpp"

namespace narralytica::cli {
namespace migrate_command_impl {
namespace {

struct MigrateArgs {
  bool status = false;  // --status: list instead of applying
} args;

std::string format_time(UnixMicros us) {
  std::time_t seconds = static_cast<std::time_t>(us / 1'000'000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

int show_status(const GlobalOptions& options) {
  auto database = open_database(options, store::ConnectRole::owner);
  if (!database.ok()) return report(database.error());
  auto migrations = store::load_migrations(store::embedded_migrations((*database)->backend()));
  if (!migrations.ok()) return report(migrations.error());
  store::MigrationRunner runner(**database, *migrations);
  auto status = runner.status();
  if (!status.ok()) return report(status.error());
  for (const auto& m : *status) {
    std::printf("%04d  %-32s %s\n", m.version, m.name.c_str(),
                m.applied_at ? ("applied " + format_time(*m.applied_at)).c_str() : "pending");
  }
  return 0;
}

}  // namespace
}  // namespace migrate_command_impl

void add_migrate_command(CLI::App& app, GlobalOptions& options, int& exit_code) {
  using namespace migrate_command_impl;
  auto* migrate = app.add_subcommand("migrate", "Apply pending schema migrations (as the database owner)");
  migrate->add_flag("--status", args.status, "List applied and pending migrations instead");
  migrate->callback([&options, &exit_code] {
    if (args.status) {
      exit_code = show_status(options);
      return;
    }
    auto done = migrate_quietly(options, true);
    exit_code = done.ok() ? 0 : report(done.error());
  });
}

}  // namespace narralytica::cli
