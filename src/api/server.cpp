// Boost.Beast HTTP/1.1 server. Each connection is a Session on its own strand; a parsed request
// is dispatched synchronously on the I/O thread that read it (handlers block on the database,
// and the pool of threads is sized for that), then the answer is written and, on keep-alive,
// the next request is read. Shutdown closes the acceptor and the idle sessions; busy sessions
// answer with `Connection: close` and end, and the threads return when no work is left.
#include "api/server.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "api/detail/dispatch.hpp"
#include "api/detail/request_convert.hpp"
#include "api/detail/route.hpp"
#include "api/problem.hpp"
#include "app/secret_key.hpp"
#include "core/json_writer.hpp"
#include "store/group_sync.hpp"

namespace narralytica::api {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// One connection. Not in the anonymous namespace: Server::Impl, which has linkage, holds them.
class Session;

struct Server::Impl {
  Impl(store::Database& database, ServerOptions options, store::StoreContext context, SecretBox key)
      : state{database, context, std::move(options), key}, acceptor(io) {}

  ApiState state;
  net::io_context io;
  tcp::acceptor acceptor;
  std::vector<std::thread> threads;
  std::atomic<bool> stopping{false};
  std::mutex sessions_mutex;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  std::mutex log_mutex;
  std::atomic<std::uint64_t> request_counter{0};
  std::once_flag joined;

  void accept();
  void log(const HttpRequest& request, int status, std::size_t bytes, std::int64_t duration_us, int route);
};

namespace {

std::string new_request_id(Server::Impl& server) {
  // Random prefix per process plus a counter: unique without a random draw per request.
  static const std::string prefix = [] {
    std::uint64_t r = SecureRandom::instance().next_u64();
    char buffer[17];
    std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(r));
    return std::string(buffer, 12);
  }();
  return prefix + "-" + std::to_string(server.request_counter.fetch_add(1, std::memory_order_relaxed) + 1);
}

}  // namespace

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Server::Impl& server)
      : stream_(std::move(socket)), server_(server), pause_(stream_.get_executor()) {
    beast::error_code ec;
    const auto endpoint = stream_.socket().remote_endpoint(ec);
    if (!ec) client_address_ = endpoint.address().to_string();
  }
  ~Session() {
    std::lock_guard lock(server_.sessions_mutex);
    server_.sessions.erase(this);
  }

  void start() {
    {
      std::lock_guard lock(server_.sessions_mutex);
      server_.sessions.emplace(this, weak_from_this());
    }
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

  // Closes the connection unless a request is being handled (that one ends after its answer).
  void close_if_idle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) self->close();
    });
  }

 private:
  void read() {
    if (server_.stopping.load()) return close();
    parser_.emplace();
    parser_->body_limit(server_.state.options.body_bytes_max);
    parser_->header_limit(static_cast<std::uint32_t>(server_.state.options.header_bytes_max));
    stream_.expires_after(server_.state.options.read_timeout);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted || ec == beast::error::timeout) {
      return close();
    }
    if (ec == http::error::body_limit) {
      return refuse(413, "payload_too_large",
                    "the body is larger than " + std::to_string(server_.state.options.body_bytes_max) + " bytes");
    }
    if (ec == http::error::header_limit) {
      return refuse(431, "headers_too_large", "the request's headers are too large");
    }
    if (ec) {
      if (ec.category() == http::make_error_code(http::error::bad_method).category()) {
        return refuse(400, "malformed_request", "the request is not valid HTTP/1.1");
      }
      return close();
    }
    busy_ = true;
    handle(parser_->release());
  }

  HttpRequest convert(http::request<http::string_body>& message) {
    HttpRequest request = to_http_request(message, client_address_);
    if (request.request_id.empty()) request.request_id = new_request_id(server_);
    return request;
  }

  void handle(http::request<http::string_body> message) {
    const auto started = std::chrono::steady_clock::now();
    HttpRequest request = convert(message);
    const bool keep_alive = message.keep_alive();
    ApiState& state = server_.state;
    Dispatched dispatched;
    if (state.metrics.in_flight().fetch_add(1) >= state.options.in_flight_max) {
      dispatched.response = problem(429, "too_many_requests", "the server is at capacity; retry shortly", "", request);
      dispatched.response.with_header("Retry-After", "1");
    } else {
      if (state.options.before_handle) state.options.before_handle(request);
      try {
        dispatched = dispatch(state, request);
      } catch (const std::exception& e) {
        // A bug: answer 500 and keep serving; the log says what happened.
        std::fprintf(stderr, "narralytica: request %s: unexpected exception: %s\n", request.request_id.c_str(), e.what());
        dispatched.response = problem(make_error(ErrorCode::internal, e.what()), request);
      }
    }
    store::GroupSync* group = dispatched.await_durability ? state.database.group_sync() : nullptr;
    Answered answered{std::move(dispatched), std::move(request), started, keep_alive, message.version()};
    // Every commit begun by now (this request's, and any other this request may have read) must
    // be durable before the answer leaves. Usually it already is; else the answer waits for the
    // group's sync and this thread goes on serving other connections. The held executor's work
    // guard keeps the server's threads running (and a graceful shutdown waiting) until then.
    const std::uint64_t sequence = group ? group->begun() : 0;
    if (!group || group->durable(sequence)) return finish(std::move(answered));
    auto held = std::make_shared<Answered>(std::move(answered));
    // The callback runs once, on the sync thread, which destroys it later. It hands the session
    // over to the posted work instead of keeping a copy: a session released last on the sync
    // thread, after the work guard let the server stop, would outlive the server it belongs to.
    group->when_durable(sequence, [self = shared_from_this(), held,
                                   work = net::prefer(stream_.get_executor(), net::execution::outstanding_work.tracked)](
                                      const Status& durable) mutable {
      net::post(work, [self = std::move(self), held = std::move(held), durable] {
        if (!durable.ok()) held->dispatched.response = problem(durable.error(), held->request);
        self->finish(std::move(*held));
      });
    });
  }

  struct Answered {
    Dispatched dispatched;
    HttpRequest request;
    std::chrono::steady_clock::time_point started;
    bool keep_alive;
    unsigned version;
  };

  void finish(Answered answered) {
    ApiState& state = server_.state;
    Dispatched& dispatched = answered.dispatched;
    state.metrics.in_flight().fetch_sub(1);
    const auto duration_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                 std::chrono::steady_clock::now() - answered.started)
                                 .count();
    state.metrics.record(dispatched.route, dispatched.response.status, duration_us);
    server_.log(answered.request, dispatched.response.status, dispatched.response.body_view().size(), duration_us,
                dispatched.route);
    send(std::move(dispatched.response), answered.request.request_id, answered.keep_alive && !server_.stopping.load(),
         answered.version);
  }

  void send(HttpResponse answer, const std::string& request_id, bool keep_alive, unsigned version) {
    response_ = {};
    response_.version(version);
    response_.result(static_cast<http::status>(answer.status));
    response_.set(http::field::server, "narralytica");
    const bool has_body = answer.status != 204 && answer.status != 304;
    if (has_body) response_.set(http::field::content_type, answer.content_type);
    response_.set("X-Request-Id", request_id);
    for (auto& [name, value] : answer.headers) response_.set(name, value);
    // The body is written from where it lies: this session's buffer, or a cache's shared string.
    body_ = std::move(answer.body);
    shared_body_ = std::move(answer.shared_body);
    if (has_body) {
      const std::string& body = shared_body_ ? *shared_body_ : body_;
      response_.body() = http::span_body<const char>::value_type(body.data(), body.size());
    }
    response_.keep_alive(keep_alive);
    response_.prepare_payload();
    stream_.expires_after(server_.state.options.write_timeout);
    http::async_write(stream_, response_, beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  // Answers a request that could not be read whole, then closes: the rest of it is unread.
  void refuse(int status, std::string_view code, std::string detail) {
    busy_ = true;
    HttpRequest request;
    request.client_address = client_address_;
    request.request_id = new_request_id(server_);
    if (parser_ && parser_->is_header_done()) {
      request.method = std::string(parser_->get().method_string());
      request.path = std::string(parser_->get().target().substr(0, parser_->get().target().find('?')));
    }
    HttpResponse answer = problem(status, code, detail, "", request);
    server_.state.metrics.record(-1, status, 0);
    server_.log(request, status, answer.body.size(), 0, -1);
    send(std::move(answer), request.request_id, false, 11);
  }

  void on_write(beast::error_code ec, std::size_t) {
    busy_ = false;
    shared_body_.reset();
    if (ec || !response_.keep_alive()) return close();
    if (response_.result() == http::status::too_many_requests) return pause_then_read();
    read();
  }

  // After a 429 the connection's next request is not read for a while: a client that honours
  // Retry-After loses nothing, and one that floods stops taking the server's threads from
  // other tenants' requests (each of its connections gets one cheap answer per pause instead of
  // as many as it can send). Closing an idle session cancels the pause.
  void pause_then_read() {
    pause_.expires_after(server_.state.options.throttled_pause);
    pause_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      self->read();
    });
  }

  void close() {
    pause_.cancel();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  Server::Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::span_body<const char>> response_;
  std::string body_;
  std::shared_ptr<const std::string> shared_body_;
  std::string client_address_;
  net::steady_timer pause_;
  bool busy_ = false;
};

void Server::Impl::accept() {
  acceptor.async_accept(net::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || stopping.load()) return;
      // A transient failure (e.g. out of descriptors): keep accepting.
    } else {
      // Answers go out in one write each; nothing is gained by Nagle's delay, only latency lost
      // when a response ends in a partial segment.
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      std::make_shared<Session>(std::move(socket), *this)->start();
    }
    if (!stopping.load()) accept();
  });
}

void Server::Impl::log(const HttpRequest& request, int status, std::size_t bytes, std::int64_t duration_us, int route) {
  std::FILE* out = state.options.request_log;
  if (!out) return;
  const auto routes = all_routes();
  std::string line = JsonObject()
                         .add("ts", static_cast<std::int64_t>(state.clock().now_us()))
                         .add("level", status >= 500 ? "error" : "info")
                         .add("msg", "request")
                         .add("request_id", request.request_id)
                         .add("method", request.method)
                         .add("path", request.path)
                         .add("route", route >= 0 ? std::string(routes[static_cast<std::size_t>(route)].pattern) : "")
                         .add("status", status)
                         .add("bytes", static_cast<std::int64_t>(bytes))
                         .add("duration_us", duration_us)
                         .add("client", request.client_address)
                         .str();
  line += '\n';
  std::lock_guard lock(log_mutex);
  std::fwrite(line.data(), 1, line.size(), out);
  std::fflush(out);
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  stop();
  wait();
}

Result<std::unique_ptr<Server>> Server::start(store::Database& database, ServerOptions options,
                                              store::StoreContext context) {
  if (options.threads < 1 || options.threads > 256) {
    return make_error(ErrorCode::invalid_argument, "threads must be between 1 and 256", "threads");
  }
  ASSIGN_OR_RETURN(SecretBox key, app::load_or_create_secret_key(app::secret_key_file(options.data_dir)));
  auto impl = std::make_unique<Impl>(database, std::move(options), context, key);
  beast::error_code ec;
  const auto address = net::ip::make_address(impl->state.options.address, ec);
  if (ec) return make_error(ErrorCode::invalid_argument, "not an IP address: " + impl->state.options.address, "listen");
  const tcp::endpoint endpoint(address, impl->state.options.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return make_error(ErrorCode::unavailable, "cannot listen on " + impl->state.options.address + ":" +
                                                  std::to_string(impl->state.options.port) + ": " + ec.message(),
                      "listen");
  }
  // Route metrics are counted in a fixed table; a route past it would be counted as unmatched.
  if (all_routes().size() >= kRoutesMax) return make_error(ErrorCode::internal, "more routes than kRoutesMax");
  impl->accept();
  Impl* raw = impl.get();
  for (int i = 0; i < raw->state.options.threads; ++i) {
    raw->threads.emplace_back([raw] { raw->io.run(); });
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

std::uint16_t Server::port() const {
  beast::error_code ec;
  const auto endpoint = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void Server::stop() {
  if (impl_->stopping.exchange(true)) return;
  net::post(impl_->acceptor.get_executor(), [impl = impl_.get()] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
  });
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(impl_->sessions_mutex);
    for (auto& [raw, weak] : impl_->sessions) {
      if (auto session = weak.lock()) live.push_back(std::move(session));
    }
  }
  for (auto& session : live) session->close_if_idle();
}

void Server::wait() {
  std::call_once(impl_->joined, [this] {
    for (auto& thread : impl_->threads) {
      if (thread.joinable()) thread.join();
    }
  });
}

void Server::run_until_signal() {
  net::io_context signal_io;
  net::signal_set signals(signal_io, SIGINT, SIGTERM);
  signals.async_wait([this](beast::error_code, int) { stop(); });
  signal_io.run();
  wait();
}

}  // namespace narralytica::api
