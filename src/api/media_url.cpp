#include "api/detail/media_url.hpp"

#include <charconv>

#include "core/hashing.hpp"

namespace narralytica::api {
namespace {

std::string signed_text(const Uuid& tenant, std::string_view sha256_hex, std::string_view media_type,
                        std::int64_t expires_s) {
  // Versioned and newline-separated: no field can contain a newline (each is checked or made here).
  std::string text = "narralytica-media-v1\n";
  text += tenant.to_string();
  text += '\n';
  text += sha256_hex;
  text += '\n';
  text += media_type;
  text += '\n';
  text += std::to_string(expires_s);
  return text;
}

std::string percent_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(hex[u >> 4]);
      out.push_back(hex[u & 0xf]);
    }
  }
  return out;
}

bool is_sha256_hex(std::string_view text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace

std::string sign_media_url(std::string_view key, const MediaGrant& grant) {
  const std::string signature =
      to_hex(hmac_sha256(key, signed_text(grant.tenant, grant.sha256_hex, grant.media_type, grant.expires_s)));
  return "/media/" + grant.tenant.to_string() + "/" + grant.sha256_hex + "?type=" + percent_encode(grant.media_type) +
         "&expires=" + std::to_string(grant.expires_s) + "&sig=" + signature;
}

std::optional<MediaGrant> verify_media_url(std::string_view key, std::string_view tenant, std::string_view sha256_hex,
                                           std::string_view type, std::string_view expires, std::string_view signature,
                                           UnixMicros now) {
  auto tenant_id = Uuid::parse(tenant);
  if (!tenant_id || !is_sha256_hex(sha256_hex) || type.empty() || type.size() > 100 ||
      type.find('\n') != std::string_view::npos) {
    return std::nullopt;
  }
  std::int64_t expires_s = 0;
  const auto [end, ec] = std::from_chars(expires.data(), expires.data() + expires.size(), expires_s);
  if (ec != std::errc() || end != expires.data() + expires.size()) return std::nullopt;
  std::string given;
  if (!from_hex(signature, given)) return std::nullopt;
  const std::string expected = hmac_sha256(key, signed_text(*tenant_id, sha256_hex, type, expires_s));
  if (!equal_in_constant_time(given, expected)) return std::nullopt;
  if (now / 1'000'000 >= expires_s) return std::nullopt;
  return MediaGrant{*tenant_id, std::string(sha256_hex), std::string(type), expires_s};
}

}  // namespace narralytica::api
