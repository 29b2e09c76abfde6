// The outbound HTTP client of webhook deliveries: POSTs to one endpoint over a connection kept
// alive between the posts of a round, over plain TCP or TLS (OpenSSL, the peer's certificate and
// host name verified against the system's trust store), with a timeout on resolving and
// connecting and one on the whole answer. Every address the host resolves to is checked against
// app/webhook_address.hpp's guard and the connection goes to a checked address; redirects are not
// followed (a 3xx is a failed attempt). Boost.Beast and OpenSSL stay in the .cpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/webhook_address.hpp"

namespace narralytica::app {

inline constexpr std::size_t kWebhookAnswerBytesMax = 64 * 1024;  // read of an answer's body; more ends the connection
inline constexpr std::int64_t kRetryAfterSecondsMax = 24 * 3600;

struct WebhookHttpOptions {
  std::chrono::milliseconds connect_timeout{10'000};   // resolve + connect + TLS handshake
  std::chrono::milliseconds response_timeout{15'000};  // write the request + read the answer
  bool allow_private = false;  // deliver to private, loopback and link-local addresses too
};

struct WebhookHttpAnswer {
  std::optional<int> status;  // nullopt: no HTTP answer (see error)
  std::string body;           // the answer's first bytes (at most kWebhookAnswerBytesMax)
  std::optional<std::int64_t> retry_after_s;  // a Retry-After in seconds (delta or date), capped
  std::string error;          // what went wrong when there is no status
  bool address_refused = false;  // every resolved address was refused by the guard
};

// One endpoint's connection. Not thread-safe; one per endpoint per round.
class WebhookConnection {
 public:
  WebhookConnection(WebhookUrl url, WebhookHttpOptions options);
  ~WebhookConnection();
  WebhookConnection(const WebhookConnection&) = delete;
  WebhookConnection& operator=(const WebhookConnection&) = delete;

  // POSTs `body` (application/json) with `headers`; connects first if needed (again if a kept
  // connection turned out closed before answering). Never throws; failures are in the answer.
  WebhookHttpAnswer post(const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace narralytica::app
