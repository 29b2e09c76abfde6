#include "cli/cli_support.hpp"

#include <cstdio>
#include <cstdlib>

#include "store/migrations.hpp"

namespace narralytica::cli {

int exit_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument:
    case ErrorCode::resource_exhausted: return 2;
    case ErrorCode::not_found: return 3;
    case ErrorCode::conflict: return 4;
    case ErrorCode::precondition_failed: return 5;
    case ErrorCode::unavailable: return 6;
    case ErrorCode::permission_denied:
    case ErrorCode::unauthenticated: return 7;
    case ErrorCode::internal: return 1;
  }
  return 1;
}

int report(const Error& error) {
  std::fprintf(stderr, "narralytica: error: %s\n", error.describe().c_str());
  return exit_status(error.code);
}

Result<std::unique_ptr<store::Database>> open_database(const GlobalOptions& options, store::ConnectRole role) {
  store::DatabaseOptions database_options;
  database_options.url = options.db;
  database_options.role = role;
  return store::Database::open(database_options);
}

Status migrate_quietly(const GlobalOptions& options, bool print) {
  ASSIGN_OR_RETURN(auto database, open_database(options, store::ConnectRole::owner));
  ASSIGN_OR_RETURN(auto migrations, store::load_migrations(store::embedded_migrations(database->backend())));
  std::vector<store::Migration> copy = migrations;
  store::MigrationRunner runner(*database, std::move(migrations));
  ASSIGN_OR_RETURN(std::vector<int> applied, runner.apply());
  if (print) {
    for (int version : applied) {
      auto m = std::find_if(copy.begin(), copy.end(), [&](const store::Migration& x) { return x.version == version; });
      std::printf("applied %s\n", m->file.c_str());
    }
    if (applied.empty()) std::printf("database is up to date (%zu migrations)\n", copy.size());
  }
  return ok_status();
}

store::Principal operator_principal() {
  const char* user = std::getenv("USER");
  return store::Principal::operator_cli(std::string("cli:") + (user && *user ? user : "operator"));
}

}  // namespace narralytica::cli
