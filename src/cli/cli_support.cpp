#include "cli/cli_support.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "store/migrations.hpp"

namespace narralytica::cli {

// The whole file, or an error naming it; the size is checked first so a huge file is refused
// before it is read into memory.
Result<std::string> read_file(const std::string& path, std::uintmax_t bytes_max) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return make_error(ErrorCode::not_found, "cannot read the file: " + ec.message(), path);
  if (size > bytes_max) {
    return make_error(ErrorCode::resource_exhausted,
                      "the file is " + std::to_string(size) + " bytes; at most " +
                          std::to_string(bytes_max) + " are read",
                      path);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::not_found, "cannot open the file", path);
  std::string content;
  content.resize(static_cast<std::size_t>(size));
  in.read(content.data(), static_cast<std::streamsize>(size));
  if (static_cast<std::size_t>(in.gcount()) != size) return make_error(ErrorCode::unavailable, "short read", path);
  return content;
}

// A file is written whole or not at all (temporary file, then rename), so a failed write never
// leaves a truncated file where a good one was expected.
Status write_output(const std::string& path, const std::string& content) {
  if (path.empty() || path == "-") {
    if (std::fwrite(content.data(), 1, content.size(), stdout) != content.size() || std::fflush(stdout) != 0) {
      return make_error(ErrorCode::unavailable, "cannot write to standard output", "-o");
    }
    return ok_status();
  }
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) return make_error(ErrorCode::unavailable, "cannot write the file (check the directory exists)", path);
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    return make_error(ErrorCode::unavailable, "cannot move the file into place", path);
  }
  return ok_status();
}

int exit_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument:
    case ErrorCode::resource_exhausted: return 2;
    case ErrorCode::not_found: return 3;
    case ErrorCode::conflict: return 4;
    case ErrorCode::precondition_failed:
    case ErrorCode::precondition_required: return 5;
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

std::string clock_time(std::int64_t ms) {
  const std::int64_t s = ms / 1000;
  char text[32];
  if (s >= 3600) {
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  } else {
    std::snprintf(text, sizeof text, "%lld:%02lld", static_cast<long long>(s / 60), static_cast<long long>(s % 60));
  }
  return text;
}

Result<std::vector<float>> parse_vector(const std::string& text) {
  std::vector<float> values;
  std::size_t at = 0;
  int index = 0;
  while (at < text.size()) {
    while (at < text.size() && (text[at] == '[' || text[at] == ']' || text[at] == ',' || text[at] == ' ')) ++at;
    if (at >= text.size()) break;
    char* end = nullptr;
    const float value = std::strtof(text.c_str() + at, &end);
    if (end == text.c_str() + at) {
      return make_error(ErrorCode::invalid_argument, "expected a number", "--vector[" + std::to_string(index) + "]");
    }
    values.push_back(value);
    at = static_cast<std::size_t>(end - text.c_str());
    ++index;
  }
  if (values.empty()) return make_error(ErrorCode::invalid_argument, "expected numbers, e.g. [0.1, 0.2]", "--vector");
  return values;
}

}  // namespace narralytica::cli
