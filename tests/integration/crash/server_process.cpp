#include "server_process.hpp"

#include <fcntl.h>
#include <cerrno>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "integration/api/http_client.hpp"

namespace narralytica::testing {

namespace {

using Clock = std::chrono::steady_clock;

// The port in "narralytica: serving http://127.0.0.1:PORT/ ...", or 0 before that line is
// complete (the '/' after the digits is there).
std::uint16_t port_in(const std::string& log) {
  const std::string marker = "serving http://127.0.0.1:";
  const auto at = log.find(marker);
  if (at == std::string::npos || log.find('/', at + marker.size()) == std::string::npos) return 0;
  return static_cast<std::uint16_t>(std::atoi(log.c_str() + at + marker.size()));
}

}  // namespace

ServerProcess::ServerProcess(std::string binary, std::vector<std::string> arguments,
                             std::filesystem::path log_directory)
    : binary_(std::move(binary)), arguments_(std::move(arguments)), log_directory_(std::move(log_directory)) {}

ServerProcess::~ServerProcess() { kill_hard(); }

std::string ServerProcess::log_text() const {
  std::ifstream in(log_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool ServerProcess::start(std::chrono::milliseconds timeout) {
  kill_hard();
  port_ = 0;
  error_.clear();
  log_path_ = log_directory_ / ("serve-" + std::to_string(++starts_) + ".log");
  std::vector<char*> argv;
  argv.push_back(binary_.data());
  for (std::string& a : arguments_) argv.push_back(a.data());
  argv.push_back(nullptr);
  const auto spawned = Clock::now();
  // Everything the child needs is prepared before fork: only async-signal-safe calls after it.
  const int log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (log_fd < 0) {
    error_ = "cannot create " + log_path_.string();
    return false;
  }
  const pid_t pid = fork();
  if (pid == 0) {
    ::dup2(log_fd, STDERR_FILENO);
    const int null_fd = ::open("/dev/null", O_WRONLY);
    if (null_fd >= 0) ::dup2(null_fd, STDOUT_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  ::close(log_fd);
  if (pid < 0) {
    error_ = "fork failed";
    return false;
  }
  pid_ = pid;
  const auto deadline = spawned + timeout;
  while (Clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      error_ = "the server exited (" + std::string(WIFEXITED(status) ? "exit " : "signal ") +
               std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status)) + "): " + log_text();
      return false;
    }
    if (port_ == 0) port_ = port_in(log_text());
    if (port_ != 0 && http(port_, "GET", "/readyz", "", {}, HttpConnection::unchecked).status == 200) {
      last_start_ms_ = std::chrono::duration<double, std::milli>(Clock::now() - spawned).count();
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  error_ = "the server was not ready within " + std::to_string(timeout.count()) + " ms: " + log_text();
  kill_hard();
  return false;
}

void ServerProcess::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

}  // namespace narralytica::testing
