#include "store/postgres/pg_backup.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "store/file_sync.hpp"

extern char** environ;

namespace narralytica::store {
namespace {

struct ToolRun {
  int exit_status = -1;
  std::string errors;  // what the tool wrote to stderr
};

std::string read_whole(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Runs `argv` (looked up on $PATH) with stdout into `output` (or /dev/null) and stderr captured,
// and PGOPTIONS extended by `pg_options`. Errors: unavailable when it cannot be started.
Result<ToolRun> run_tool(const std::vector<std::string>& argv, const std::filesystem::path& output,
                         const std::string& pg_options = {}) {
  char errors_template[] = "/tmp/narralytica-pgtool-XXXXXX";
  const int errors_fd = ::mkstemp(errors_template);
  if (errors_fd < 0) return make_error(ErrorCode::unavailable, std::string("cannot create a temporary file: ") + std::strerror(errno));
  const std::filesystem::path errors_file = errors_template;

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string out = output.empty() ? std::string("/dev/null") : output.string();
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, errors_fd, STDERR_FILENO);

  std::vector<std::string> environment;
  std::string options = pg_options;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry(*e);
    if (entry.starts_with("PGOPTIONS=")) {
      options = std::string(entry.substr(10)) + (options.empty() ? "" : " " + options);
    } else {
      environment.emplace_back(entry);
    }
  }
  if (!options.empty()) environment.push_back("PGOPTIONS=" + options);
  std::vector<char*> env_pointers;
  for (auto& entry : environment) env_pointers.push_back(entry.data());
  env_pointers.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> arg_pointers;
  for (auto& arg : args) arg_pointers.push_back(arg.data());
  arg_pointers.push_back(nullptr);

  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, args[0].c_str(), &actions, nullptr, arg_pointers.data(), env_pointers.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(errors_fd);
  if (spawned != 0) {
    std::filesystem::remove(errors_file);
    return make_error(ErrorCode::unavailable,
                      "cannot run " + args[0] + ": " + std::strerror(spawned) +
                          " (install PostgreSQL's client tools, e.g. Debian's postgresql-client)",
                      args[0]);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ToolRun run;
  run.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.errors = read_whole(errors_file);
  std::filesystem::remove(errors_file);
  while (!run.errors.empty() && (run.errors.back() == '\n' || run.errors.back() == ' ')) run.errors.pop_back();
  return run;
}

Error tool_failed(const ToolRun& run, const std::string& tool, const std::string& what) {
  return make_error(ErrorCode::unavailable,
                    what + " (" + tool + " exited " + std::to_string(run.exit_status) + "): " + run.errors, tool);
}

}  // namespace

Result<std::int64_t> pg_dump_archive(const std::string& url, const std::filesystem::path& destination) {
  std::error_code ec;
  if (std::filesystem::exists(destination, ec)) {
    return make_error(ErrorCode::invalid_argument, "the backup file already exists; name a new file",
                      destination.string());
  }
  const std::filesystem::path directory = directory_of(destination);
  const std::filesystem::path temporary =
      directory / ("." + destination.filename().string() + ".partial-" + std::to_string(::getpid()));
  // Forced RLS applies to the tables' owner too: reading with row security on and the system
  // setting (which the policies admit) dumps every tenant without needing BYPASSRLS.
  ASSIGN_OR_RETURN(ToolRun dump, run_tool({"pg_dump", "--format=custom", "--enable-row-security",
                                           "--file=" + temporary.string(), "--dbname=" + url},
                                          {}, "-c narralytica.system=on"));
  auto discard = [&] { std::filesystem::remove(temporary, ec); };
  if (dump.exit_status != 0) {
    discard();
    return tool_failed(dump, "pg_dump", "the dump failed");
  }
  ASSIGN_OR_RETURN(ToolRun list, run_tool({"pg_restore", "--list", temporary.string()}, {}));
  if (list.exit_status != 0) {
    discard();
    return tool_failed(list, "pg_restore", "the archive pg_dump wrote cannot be read back");
  }
  if (auto synced = sync_file(temporary); !synced.ok()) {
    discard();
    return std::move(synced).error();
  }
  std::filesystem::rename(temporary, destination, ec);
  if (ec) {
    discard();
    return make_error(ErrorCode::unavailable, "cannot move the backup into place: " + ec.message(),
                      destination.string());
  }
  RETURN_IF_ERROR(sync_directory(directory));
  return static_cast<std::int64_t>(std::filesystem::file_size(destination, ec));
}

Result<int> pg_archive_schema_version(const std::filesystem::path& archive) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(archive, ec)) {
    return make_error(ErrorCode::not_found, "no backup file at this path", archive.string());
  }
  char data_template[] = "/tmp/narralytica-pgdata-XXXXXX";
  const int fd = ::mkstemp(data_template);
  if (fd < 0) return make_error(ErrorCode::unavailable, std::string("cannot create a temporary file: ") + std::strerror(errno));
  ::close(fd);
  const std::filesystem::path data = data_template;
  auto run = run_tool({"pg_restore", "--data-only", "--table=schema_migrations", "--file=-", archive.string()}, data);
  const std::string text = read_whole(data);
  std::filesystem::remove(data, ec);
  if (!run.ok()) return std::move(run).error();
  if (run->exit_status != 0) {
    return make_error(ErrorCode::invalid_argument, "not a pg_dump archive pg_restore can read: " + run->errors,
                      archive.string());
  }
  // COPY public.schema_migrations (version, name, checksum, applied_at) FROM stdin; then one
  // tab-separated row per migration, ended by "\.".
  int version = 0;
  std::istringstream lines(text);
  std::string line;
  bool in_copy = false;
  while (std::getline(lines, line)) {
    if (line.starts_with("COPY ") && line.find("schema_migrations") != std::string::npos) {
      in_copy = true;
    } else if (in_copy && line == "\\.") {
      in_copy = false;
    } else if (in_copy) {
      version = std::max(version, std::atoi(line.c_str()));
    }
  }
  return version;
}

Status pg_restore_archive(const std::string& url, const std::filesystem::path& archive) {
  ASSIGN_OR_RETURN(ToolRun restore, run_tool({"pg_restore", "--exit-on-error", "--single-transaction",
                                              "--dbname=" + url, archive.string()},
                                             {}));
  if (restore.exit_status != 0) return tool_failed(restore, "pg_restore", "the restore failed");
  return ok_status();
}

}  // namespace narralytica::store
