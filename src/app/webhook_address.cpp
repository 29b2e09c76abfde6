#include "app/webhook_address.hpp"

#include <arpa/inet.h>

#include <array>
#include <cctype>
#include <cstring>

namespace narralytica::app {
namespace {

struct Ipv4Block {
  std::uint32_t network;
  int prefix;
  const char* reason;
};

// RFC 6890 special-purpose ranges that are not reachable public hosts.
constexpr Ipv4Block kIpv4Blocks[] = {
    {0x00000000, 8, "unspecified"},     {0x0A000000, 8, "private"},
    {0x64400000, 10, "shared (carrier-grade NAT)"}, {0x7F000000, 8, "loopback"},
    {0xA9FE0000, 16, "link-local"},     {0xAC100000, 12, "private"},
    {0xC0000000, 24, "reserved"},       {0xC0000200, 24, "documentation"},
    {0xC0A80000, 16, "private"},        {0xC6120000, 15, "reserved"},
    {0xC6336400, 24, "documentation"},  {0xCB007100, 24, "documentation"},
    {0xE0000000, 4, "multicast"},       {0xF0000000, 4, "reserved"},
};

std::optional<std::string> ipv4_reason(std::uint32_t address) {
  for (const Ipv4Block& block : kIpv4Blocks) {
    const std::uint32_t mask = block.prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - block.prefix);
    if ((address & mask) == block.network) return std::string(block.reason);
  }
  return std::nullopt;
}

std::optional<std::string> ipv6_reason(const std::array<unsigned char, 16>& a) {
  static constexpr std::array<unsigned char, 16> kZero{};
  std::array<unsigned char, 16> loopback{};
  loopback[15] = 1;
  if (a == kZero) return "unspecified";
  if (a == loopback) return "loopback";
  const bool mapped = std::memcmp(a.data(), "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0;
  // 64:ff9b::/96 translates to the IPv4 address inside (NAT64): judged by it too.
  const bool nat64 = std::memcmp(a.data(), "\x00\x64\xff\x9b\0\0\0\0\0\0\0\0", 12) == 0;
  if (mapped || nat64) {
    const std::uint32_t v4 = (std::uint32_t{a[12]} << 24) | (std::uint32_t{a[13]} << 16) |
                             (std::uint32_t{a[14]} << 8) | std::uint32_t{a[15]};
    return ipv4_reason(v4);
  }
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) return "link-local";   // fe80::/10
  if ((a[0] & 0xfe) == 0xfc) return "unique-local";                  // fc00::/7
  if (a[0] == 0xff) return "multicast";                              // ff00::/8
  if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8) return "documentation";  // 2001:db8::/32
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0) return "reserved";      // fec0::/10, deprecated site-local
  // ::/96 (IPv4-compatible, deprecated) and the rest of ::/8.
  if (a[0] == 0 && std::memcmp(a.data(), kZero.data(), 10) == 0) return "reserved";
  return std::nullopt;
}

Error bad_url(std::string_view field, const std::string& why) {
  return make_error(ErrorCode::invalid_argument, "not a usable webhook URL: " + why, std::string(field));
}

}  // namespace

std::optional<std::string> forbidden_address_reason(std::string_view ip) {
  const std::string text(ip);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return ipv4_reason(ntohl(v4.s_addr));
  std::array<unsigned char, 16> v6{};
  if (inet_pton(AF_INET6, text.c_str(), v6.data()) == 1) return ipv6_reason(v6);
  return "not an IP address";
}

Result<WebhookUrl> parse_webhook_url(std::string_view url, std::string_view field) {
  if (url.size() > kWebhookUrlLengthMax) {
    return bad_url(field, "at most " + std::to_string(kWebhookUrlLengthMax) + " characters");
  }
  for (unsigned char c : url) {
    if (c <= 0x20 || c >= 0x7f) return bad_url(field, "spaces, control and non-ASCII characters must be %-encoded");
  }
  WebhookUrl out;
  std::string_view rest;
  if (url.starts_with("https://")) {
    out.tls = true;
    out.port = 443;
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    out.port = 80;
    rest = url.substr(7);
  } else {
    return bad_url(field, "it must start with https:// or http://");
  }
  if (rest.find('#') != std::string_view::npos) return bad_url(field, "a fragment (#...) is not sent; drop it");
  const auto path_at = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_at);
  out.target = path_at == std::string_view::npos ? "/" : std::string(rest.substr(path_at));
  if (out.target.front() == '?') out.target.insert(0, "/");
  if (authority.find('@') != std::string_view::npos) return bad_url(field, "user information (user@) is not allowed");
  std::string_view host = authority;
  std::string_view port_text;
  if (authority.starts_with("[")) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return bad_url(field, "an IPv6 address needs its closing ]");
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad_url(field, "expected :PORT after the IPv6 address");
      port_text = after.substr(1);
    }
    in6_addr probe{};
    if (inet_pton(AF_INET6, std::string(host).c_str(), &probe) != 1) return bad_url(field, "not an IPv6 address in [ ]");
  } else {
    const auto colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port_text = authority.substr(colon + 1);
    }
    if (host.empty() || host.size() > 253) return bad_url(field, "it needs a host name of 1 to 253 characters");
    for (unsigned char c : host) {
      if (!std::isalnum(c) && c != '-' && c != '.' && c != '_') return bad_url(field, "the host name has a bad character");
    }
  }
  if (host.empty()) return bad_url(field, "it needs a host");
  if (authority.ends_with(":")) return bad_url(field, "the port is empty");
  if (!port_text.empty()) {
    unsigned port = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9' || port > 65535) return bad_url(field, "the port must be a number from 1 to 65535");
      port = port * 10 + static_cast<unsigned>(c - '0');
    }
    if (port == 0 || port > 65535) return bad_url(field, "the port must be a number from 1 to 65535");
    out.port = static_cast<std::uint16_t>(port);
  }
  out.host = std::string(host);
  for (char& c : out.host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace narralytica::app
