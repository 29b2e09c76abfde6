// Where a webhook may be delivered: the URL forms accepted for an endpoint, and the addresses a
// delivery refuses to connect to (server-side request forgery: a tenant must not make the
// server POST into its own network). The guard is applied by the HTTP client
// (app/webhook_http.hpp) to every address the host name resolves to, and the connection is made
// to the address that was checked, never to a second resolution of the name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace narralytica::app {

inline constexpr std::size_t kWebhookUrlLengthMax = 2048;

struct WebhookUrl {
  bool tls = false;      // https
  std::string host;      // a name, an IPv4 address or an IPv6 address without brackets
  std::uint16_t port = 0;
  std::string target;    // path and query, "/" at least
};

// Parses an absolute http:// or https:// URL with a host, an optional port, and no user
// information or fragment. Errors: invalid_argument naming `field`, saying what is wrong.
Result<WebhookUrl> parse_webhook_url(std::string_view url, std::string_view field);

// Why a numeric address is not a delivery target: "loopback", "private", "link-local",
// "unique-local", "unspecified", "multicast", "reserved", "shared (carrier-grade NAT)" or
// "documentation"; nullopt for a public address. IPv4-mapped IPv6 addresses are judged by the IPv4
// address inside. An unparsable text is "not an IP address".
std::optional<std::string> forbidden_address_reason(std::string_view ip);

}  // namespace narralytica::app
