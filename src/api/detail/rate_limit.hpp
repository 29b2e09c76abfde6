// How the API answers with its request rate limits (core/rate_limiter.hpp, app/rate_limits.hpp):
// the key of a token's bucket, the RateLimit-* headers on every answer of a tenant route, and the
// 429 problem when a bucket is empty. Internal to src/api.
#pragma once

#include <cstdint>
#include <string_view>

#include "api/http_message.hpp"
#include "core/rate_limiter.hpp"

namespace narralytica::api {

// The key of a token's bucket: the first 8 bytes of the SHA-256 of its secret, so a known token's
// request is charged before the database is asked who it is, and no secret is kept in memory.
std::uint64_t rate_limit_key(std::string_view secret);

// Adds the headers of draft-ietf-httpapi-ratelimit-headers (RateLimit-Limit, -Remaining, -Reset,
// -Policy) for the bucket nearer to refusing.
void add_rate_limit_headers(HttpResponse& response, const RateDecision& decision);

// 429 with an RFC 9457 body (code `rate_limited`, naming the bucket and its rate), Retry-After
// and the RateLimit-* headers.
HttpResponse rate_limited(const RateDecision& decision, const HttpRequest& request);

}  // namespace narralytica::api
