// Signed media URLs. A <video> element cannot send the API token, and a token must never appear
// in a URL, so the player gets a capability instead: a URL naming one media file of one tenant
// (by its SHA-256, which also names where the content store keeps it), its media type and an
// expiry, signed with HMAC-SHA256 under a key this server process drew at start. Whoever holds
// the URL can fetch that one file until it expires, and nothing else: no other file, no API call.
// The URL is handed out by GET /v1/videos/{id}/media after the usual token and tenant checks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/uuid.hpp"

namespace narralytica::api {

// Long enough to watch a long hearing in one sitting; the page asks for a new one when reloaded.
inline constexpr std::int64_t kMediaUrlLifetimeS = 6 * 3600;

struct MediaGrant {
  Uuid tenant;
  std::string sha256_hex;  // 64 lower-case hex digits
  std::string media_type;
  std::int64_t expires_s = 0;  // Unix seconds
};

// "/media/<tenant>/<sha256 hex>?type=…&expires=…&sig=…".
std::string sign_media_url(std::string_view key, const MediaGrant& grant);

// The grant when the path's parts and the query's type, expires and sig were signed with `key`
// and have not expired at `now`; nullopt otherwise (a forged, altered or stale URL).
std::optional<MediaGrant> verify_media_url(std::string_view key, std::string_view tenant, std::string_view sha256_hex,
                                           std::string_view type, std::string_view expires, std::string_view signature,
                                           UnixMicros now);

}  // namespace narralytica::api
