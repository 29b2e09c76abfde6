// `narralytica backup PATH` and `narralytica restore PATH`, through app::BackupService
// (decision 0018). A restore then applies migrations the backup predates and rebuilds what is
// derived from canonical data (search indexes, conversation analytics), unless --skip-derived:
// those are never in a backup.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <thread>

#include "app/backup_service.hpp"
#include "app/content_store.hpp"
#include "cli/cli_support.hpp"

namespace narralytica::cli {
namespace backup_command_impl {
namespace {

struct BackupArgs {
  std::string path;
  std::string data_dir;
  bool skip_derived = false;
} args;

double mebibytes(std::int64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

int run_backup(const GlobalOptions& global) {
  auto database = open_database(global);
  if (!database.ok()) return report(database.error());
  auto backup = app::BackupService::backup(**database, global.db, args.path, operator_principal());
  if (!backup.ok()) return report(backup.error());
  std::printf("backed up %s to %s: %.1f MiB in %.2f s (%s)\n", store::to_string(backup->backend), args.path.c_str(),
              mebibytes(backup->bytes), backup->seconds,
              backup->backend == store::Backend::sqlite ? "SQLite backup API, integrity checked"
                                                        : "pg_dump custom format");
  return 0;
}

int run_restore(const GlobalOptions& global) {
  auto restored = app::BackupService::restore(global.db, args.path, operator_principal());
  if (!restored.ok()) return report(restored.error());
  std::printf("restored %s from %s (%.1f MiB, schema migration %d) in %.2f s\n", store::to_string(restored->backend),
              args.path.c_str(), mebibytes(restored->bytes), restored->schema_version, restored->seconds);
  if (restored->migrations_pending > 0) {
    if (auto migrated = migrate_quietly(global, true); !migrated.ok()) return report(migrated.error());
  }
  const std::filesystem::path data_dir =
      args.data_dir.empty() ? app::default_data_dir(global.db) : std::filesystem::path(args.data_dir);
  if (args.skip_derived) {
    std::printf("derived data not rebuilt: run `narralytica reindex` and `narralytica analytics rebuild --tenant T` "
                "for each tenant before serving\n");
    return 0;
  }
  auto database = open_database(global);
  if (!database.ok()) return report(database.error());
  const int threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  auto derived = app::BackupService::rebuild_derived(**database, data_dir, operator_principal(), threads);
  if (!derived.ok()) return report(derived.error());
  std::int64_t documents = 0;
  for (const auto& tenant : derived->search) documents += tenant.documents;
  std::printf("rebuilt derived data: search indexes of %zu tenants (%lld segments), conversation measures of %lld "
              "transcripts\n",
              derived->search.size(), static_cast<long long>(documents),
              static_cast<long long>(derived->transcripts_measured));
  return 0;
}

}  // namespace
}  // namespace backup_command_impl

void add_backup_commands(CLI::App& app, GlobalOptions& options, int& exit_code) {
  using namespace backup_command_impl;
  auto* backup = app.add_subcommand(
      "backup", "Write a consistent backup of the database to a new file while the server keeps running");
  backup->add_option("path", args.path, "The backup file to create (must not exist)")->required();
  backup->callback([&options, &exit_code] { exit_code = run_backup(options); });

  auto* restore = app.add_subcommand(
      "restore", "Replace the database with a backup (SQLite: stop the server first; PostgreSQL: an empty database), "
                 "then rebuild search indexes and analytics");
  restore->add_option("path", args.path, "The backup file")->required();
  restore->add_option("--data-dir", args.data_dir, "Where the search indexes live (default: beside the database)");
  restore->add_flag("--skip-derived", args.skip_derived,
                    "Do not rebuild search indexes and analytics now (run reindex and analytics rebuild later)");
  restore->callback([&options, &exit_code] { exit_code = run_restore(options); });
}

}  // namespace narralytica::cli
