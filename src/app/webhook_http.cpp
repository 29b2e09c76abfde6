#include "app/webhook_http.hpp"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/version.hpp>

#include <charconv>
#include <ctime>

namespace narralytica::app {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// Seconds from a Retry-After value: a delay in seconds or an HTTP date.
std::optional<std::int64_t> parse_retry_after(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  std::int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc() && end == value.data() + value.size()) {
    return std::clamp<std::int64_t>(seconds, 0, kRetryAfterSecondsMax);
  }
  std::tm when{};
  const std::string text(value);
  if (!strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &when)) return std::nullopt;
  const std::int64_t delta = static_cast<std::int64_t>(timegm(&when)) - static_cast<std::int64_t>(std::time(nullptr));
  return std::clamp<std::int64_t>(delta, 0, kRetryAfterSecondsMax);
}

asio::ssl::context make_tls_context() {
  asio::ssl::context context(asio::ssl::context::tls_client);
  context.set_default_verify_paths();
  context.set_verify_mode(asio::ssl::verify_peer);
  SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
  return context;
}

}  // namespace

struct WebhookConnection::Impl {
  Impl(WebhookUrl url_in, WebhookHttpOptions options_in)
      : url(std::move(url_in)), options(options_in) {}

  WebhookUrl url;
  WebhookHttpOptions options;
  asio::io_context io;
  std::optional<asio::ssl::context> tls_context;  // made at the first https connection
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  bool connected() const { return plain.has_value() || secure.has_value(); }
  beast::tcp_stream& lowest() { return plain ? *plain : beast::get_lowest_layer(*secure); }

  void close() {
    beast::error_code ignored;
    if (plain) plain->socket().close(ignored);
    if (secure) beast::get_lowest_layer(*secure).socket().close(ignored);
    plain.reset();
    secure.reset();
    buffer.clear();
  }

  // Runs the queued operations until they finish or `limit` passes (then cancels them).
  void run_for(std::chrono::milliseconds limit) {
    io.restart();
    io.run_for(limit);
    if (!io.stopped()) {
      if (connected()) {
        beast::error_code ignored;
        lowest().socket().cancel(ignored);
      }
      io.restart();
      io.run();
    }
  }

  // Resolves, applies the guard to every address, connects to a permitted one and, for https,
  // verifies the peer. Returns an error text, empty on success.
  std::string connect(bool& refused) {
    close();
    const auto deadline = std::chrono::steady_clock::now() + options.connect_timeout;
    auto remaining = [&] {
      return std::max(std::chrono::milliseconds(1), std::chrono::duration_cast<std::chrono::milliseconds>(
                                                         deadline - std::chrono::steady_clock::now()));
    };
    tcp::resolver resolver(io);
    beast::error_code ec = asio::error::timed_out;
    tcp::resolver::results_type results;
    resolver.async_resolve(url.host, std::to_string(url.port), [&](beast::error_code e, tcp::resolver::results_type r) {
      ec = e;
      results = std::move(r);
    });
    io.restart();
    io.run_for(remaining());
    if (!io.stopped()) {
      resolver.cancel();
      io.restart();
      io.run();
      return "resolving " + url.host + " timed out";
    }
    if (ec) return "cannot resolve " + url.host + ": " + ec.message();
    std::vector<tcp::endpoint> permitted;
    std::string refusal;
    for (const auto& entry : results) {
      const tcp::endpoint endpoint = entry.endpoint();
      if (!options.allow_private) {
        if (auto reason = forbidden_address_reason(endpoint.address().to_string())) {
          if (refusal.empty()) refusal = endpoint.address().to_string() + " is " + *reason;
          continue;
        }
      }
      permitted.push_back(endpoint);
    }
    if (permitted.empty()) {
      refused = !refusal.empty();
      return refusal.empty() ? url.host + " resolves to no address"
                             : "refused: " + url.host + " resolves to " + refusal +
                                   " (a deployment may allow it with --webhooks-allow-private)";
    }
    beast::tcp_stream stream(io);
    stream.expires_after(remaining());
    ec = asio::error::timed_out;
    // Connects to the checked addresses themselves: the name is not resolved again.
    stream.async_connect(permitted, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
    io.restart();
    io.run();
    if (ec) return "cannot connect to " + url.host + ":" + std::to_string(url.port) + ": " + ec.message();
    stream.socket().set_option(tcp::no_delay(true), ec);
    if (!url.tls) {
      plain.emplace(std::move(stream));
      return {};
    }
    if (!tls_context) tls_context.emplace(make_tls_context());
    secure.emplace(std::move(stream), *tls_context);
    if (!SSL_set_tlsext_host_name(secure->native_handle(), url.host.c_str())) {
      close();
      return "cannot set the TLS server name";
    }
    secure->set_verify_callback(asio::ssl::host_name_verification(url.host));
    beast::get_lowest_layer(*secure).expires_after(remaining());
    ec = asio::error::timed_out;
    secure->async_handshake(asio::ssl::stream_base::client, [&](beast::error_code e) { ec = e; });
    io.restart();
    io.run();
    if (ec) {
      close();
      return "TLS handshake with " + url.host + " failed: " + ec.message();
    }
    return {};
  }

  // One request on the open connection. `answered` tells whether any byte of an answer came.
  WebhookHttpAnswer exchange(const http::request<http::string_body>& request, bool& answered) {
    WebhookHttpAnswer answer;
    beast::error_code ec;
    http::response_parser<http::string_body> parser;
    parser.body_limit(kWebhookAnswerBytesMax);
    lowest().expires_after(options.response_timeout);
    bool written = false;
    auto on_read = [&](beast::error_code e, std::size_t) { ec = e; };
    auto on_write = [&](beast::error_code e, std::size_t) {
      ec = e;
      written = !e;
      if (e) return;
      if (plain) http::async_read(*plain, buffer, parser, on_read);
      else http::async_read(*secure, buffer, parser, on_read);
    };
    if (plain) http::async_write(*plain, request, on_write);
    else http::async_write(*secure, request, on_write);
    io.restart();
    io.run();
    answered = parser.is_header_done() || buffer.size() > 0;
    if (parser.is_header_done()) {
      auto& response = parser.get();
      answer.status = static_cast<int>(response.result_int());
      answer.body = response.body();
      if (auto it = response.find(http::field::retry_after); it != response.end()) {
        answer.retry_after_s = parse_retry_after(it->value());
      }
      if (ec || !response.keep_alive()) close();
      return answer;
    }
    close();
    if (ec == beast::error::timeout) {
      answer.error = std::string(written ? "no answer" : "could not send the request") + " within " +
                     std::to_string(options.response_timeout.count()) + " ms";
    } else {
      answer.error = (written ? "reading the answer failed: " : "sending the request failed: ") + ec.message();
    }
    return answer;
  }
};

WebhookConnection::WebhookConnection(WebhookUrl url, WebhookHttpOptions options)
    : impl_(std::make_unique<Impl>(std::move(url), options)) {}

WebhookConnection::~WebhookConnection() {
  if (impl_) impl_->close();
}

WebhookHttpAnswer WebhookConnection::post(const std::vector<std::pair<std::string, std::string>>& headers,
                                          const std::string& body) {
  Impl& c = *impl_;
  http::request<http::string_body> request{http::verb::post, c.url.target, 11};
  const bool default_port = c.url.port == (c.url.tls ? 443 : 80);
  const bool ipv6 = c.url.host.find(':') != std::string::npos;
  const std::string host = ipv6 ? "[" + c.url.host + "]" : c.url.host;
  request.set(http::field::host, default_port ? host : host + ":" + std::to_string(c.url.port));
  request.set(http::field::user_agent, "Narralytica-Webhooks/1");
  request.set(http::field::content_type, "application/json");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.keep_alive(true);
  request.body() = body;
  request.prepare_payload();
  try {
    // A kept connection may have been closed by the server since the last post: then, and only
    // when nothing of an answer arrived, the post goes once more over a new connection.
    const bool reused = c.connected();
    if (!reused) {
      WebhookHttpAnswer failed;
      failed.error = c.connect(failed.address_refused);
      if (!failed.error.empty()) return failed;
    }
    bool answered = false;
    WebhookHttpAnswer answer = c.exchange(request, answered);
    if (answer.status || !reused || answered) return answer;
    WebhookHttpAnswer failed;
    failed.error = c.connect(failed.address_refused);
    if (!failed.error.empty()) return failed;
    return c.exchange(request, answered);
  } catch (const std::exception& e) {
    // Asio reports some failures (TLS context set-up, socket options) by exception.
    c.close();
    WebhookHttpAnswer failed;
    failed.error = std::string("delivery failed: ") + e.what();
    return failed;
  }
}

}  // namespace narralytica::app
