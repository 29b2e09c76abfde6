// The HTTP API server (Boost.Beast underneath, invisible from here): HTTP/1.1 with keep-alive on a
// fixed pool of threads, request size limits, read/write timeouts, and graceful shutdown that
// stops accepting, lets in-flight requests finish, then returns. The CLI's `serve` command and
// the API tests are its only users.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "store/database.hpp"
#include "store/transaction.hpp"

namespace narralytica::api {

struct HttpRequest;

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: the system picks a free port (tests); see Server::port()
  int threads = 2;
  // A transcript upload is the largest body a client sends; 32 MiB holds hours of WhisperX JSON
  // with word timings.
  std::size_t body_bytes_max = 32 * 1024 * 1024;
  std::size_t header_bytes_max = 16 * 1024;
  std::chrono::milliseconds read_timeout{30'000};  // also the idle time a keep-alive connection may stay open
  std::chrono::milliseconds write_timeout{30'000};
  // Where transcript uploads keep the original files (app::ContentStore).
  std::string data_dir = "narralytica-data";
  // Requests being handled at once before new ones are turned away with 429.
  int in_flight_max = 256;
  // Request rate limits per token and per tenant (app/rate_limits.hpp), held by this process.
  // false: none (to measure what they cost).
  bool rate_limits = true;
  // After a 429 (a rate limit, or the server at capacity) the connection's next request is read
  // only this much later: a flood from one client stops taking threads from everyone else.
  std::chrono::milliseconds throttled_pause{1'000};
  // Rendered segment pages kept while their tenant's data is unchanged (bytes; 0: none).
  std::size_t response_cache_bytes = 64 * 1024 * 1024;
  // One JSON line per request goes here; nullptr: no request log.
  std::FILE* request_log = stdout;
  // Test seam: runs on the handling thread before each request is dispatched (to hold a request
  // "in flight" while a test shuts the server down).
  std::function<void(const HttpRequest&)> before_handle;
};

class Server {
 public:
  // Binds and starts serving on options.threads threads. `database` must outlive the server.
  // Errors: unavailable when the address cannot be bound, invalid_argument for a bad address.
  static Result<std::unique_ptr<Server>> start(store::Database& database, ServerOptions options,
                                               store::StoreContext context = {});
  ~Server();  // stops gracefully and joins
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound port (the real one when options.port was 0).
  std::uint16_t port() const;
  // Starts a graceful shutdown: no new connections, idle connections closed, requests being
  // handled finish and get their answer with `Connection: close`. Thread-safe; idempotent.
  void stop();
  // Blocks until every thread has finished after stop().
  void wait();
  // Blocks until SIGINT or SIGTERM arrives, then stops and waits.
  void run_until_signal();

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace narralytica::api
