// The real `narralytica serve` as a child process, for the server crash harness: started on a
// port the system picks (read from its start-up line on standard error, which goes to a file), ready
// once /readyz answers 200, and stopped with SIGKILL. The destructor SIGKILLs and reaps a child
// still running, so no server outlives a failed test.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace narralytica::testing {

class ServerProcess {
 public:
  // `arguments` follow the binary: e.g. {"--db", URL, "serve", "--listen", "127.0.0.1:0", ...}.
  // Each start writes standard error to `log_directory`/serve-N.log.
  ServerProcess(std::string binary, std::vector<std::string> arguments, std::filesystem::path log_directory);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Spawns the server and waits (polling every 5 ms) until it has printed its port and /readyz
  // answers 200. False, with the reason in `error()`, when it exits or `timeout` passes first.
  bool start(std::chrono::milliseconds timeout);
  // SIGKILL and wait for the child; no-op when none runs.
  void kill_hard();

  std::uint16_t port() const { return port_; }
  bool running() const { return pid_ > 0; }
  // Milliseconds from spawn to the first 200 from /readyz, of the last successful start.
  double last_start_ms() const { return last_start_ms_; }
  const std::string& error() const { return error_; }
  // The last start's standard error (for failure messages).
  std::string log_text() const;

 private:
  std::string binary_;
  std::vector<std::string> arguments_;
  std::filesystem::path log_directory_;
  std::filesystem::path log_path_;
  int starts_ = 0;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  double last_start_ms_ = 0;
  std::string error_;
};

}  // namespace narralytica::testing
