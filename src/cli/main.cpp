// The narralytica binary: one command line over every subcommand. This is the composition root:
// it wires options to the use cases in src/app.
#include <CLI/CLI.hpp>

#include <cstdlib>

#include "cli/cli_support.hpp"

// Registered like the commands of cli_support.hpp; declared here, where they are used, so adding
// them did not change the header every command file includes.
namespace narralytica::cli {
void add_collections_commands(CLI::App& app, GlobalOptions& options, int& exit_code);  // collections, tags
void add_analytics_command(CLI::App& app, GlobalOptions& options, int& exit_code);     // analytics
void add_backup_commands(CLI::App& app, GlobalOptions& options, int& exit_code);       // backup, restore
void add_videos_command(CLI::App& app, GlobalOptions& options, int& exit_code);        // videos
void add_segments_command(CLI::App& app, GlobalOptions& options, int& exit_code);      // segments
void add_speakers_command(CLI::App& app, GlobalOptions& options, int& exit_code);      // speakers
// config, members, roles, tokens, events
void add_tenant_commands(CLI::App& app, GlobalOptions& options, int& exit_code);
}  // namespace narralytica::cli

int main(int argc, char** argv) {
  using namespace narralytica::cli;
  CLI::App app{"Narralytica: the canonical store for video transcripts, speakers and AI layers"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "narralytica 0.1.0");

  GlobalOptions options;
  const char* env_db = std::getenv("NARRALYTICA_DB");
  options.db = env_db && *env_db ? env_db : kDefaultDatabase;
  // Global options work before or after the subcommand (`narralytica migrate --db x.db`): every
  // subcommand, made after this, hands an option it does not know to its parent.
  app.fallthrough();
  app.add_option("--db", options.db,
                 "Database: a SQLite file path or sqlite:PATH (default ./narralytica.db), or postgresql://… "
                 "(also $NARRALYTICA_DB)");

  int exit_code = 0;
  add_migrate_command(app, options, exit_code);
  add_admin_command(app, options, exit_code);
  add_demo_command(app, options, exit_code);
  add_worker_command(app, options, exit_code);
  add_jobs_command(app, options, exit_code);
  add_pipelines_command(app, options, exit_code);
  add_serve_command(app, options, exit_code);
  add_import_command(app, options, exit_code);
  add_export_command(app, options, exit_code);
  add_media_command(app, options, exit_code);
  add_people_command(app, options, exit_code);
  add_transcript_command(app, options, exit_code);
  add_timeline_command(app, options, exit_code);
  add_retrieve_command(app, options, exit_code);
  add_layers_command(app, options, exit_code);
  add_search_commands(app, options, exit_code);
  add_webhooks_command(app, options, exit_code);
  add_collections_commands(app, options, exit_code);
  add_analytics_command(app, options, exit_code);
  add_audit_command(app, options, exit_code);
  add_backup_commands(app, options, exit_code);
  add_videos_command(app, options, exit_code);
  add_segments_command(app, options, exit_code);
  add_speakers_command(app, options, exit_code);
  add_tenant_commands(app, options, exit_code);

  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
