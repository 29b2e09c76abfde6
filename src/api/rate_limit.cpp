#include "api/detail/rate_limit.hpp"

#include <cmath>
#include <cstdio>
#include <string>

#include "api/problem.hpp"
#include "core/hashing.hpp"

namespace narralytica::api {
namespace {

// Rates are whole numbers in every default; a configured fraction is shown with what it needs.
std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.15g", value);
  return text;
}

std::int64_t whole(double value) { return static_cast<std::int64_t>(std::floor(value)); }

// A token bucket read as the draft's quota policy: `burst` requests per the window it takes to
// refill them all.
std::string policy(const BucketRate& rate, std::string_view name) {
  const auto window_s = static_cast<std::int64_t>(std::ceil(rate.burst / rate.per_second));
  return std::to_string(whole(rate.burst)) + ";w=" + std::to_string(window_s) + ";name=\"" + std::string(name) + "\"";
}

}  // namespace

std::uint64_t rate_limit_key(std::string_view secret) {
  const std::string digest = sha256(secret);
  std::uint64_t key = 0;
  for (int i = 0; i < 8; ++i) key = (key << 8) | static_cast<unsigned char>(digest[static_cast<std::size_t>(i)]);
  return key;
}

void add_rate_limit_headers(HttpResponse& response, const RateDecision& decision) {
  response.with_header("RateLimit-Limit", std::to_string(whole(decision.rate.burst)));
  response.with_header("RateLimit-Remaining", std::to_string(decision.remaining));
  response.with_header("RateLimit-Reset", std::to_string(decision.reset_s));
  response.with_header("RateLimit-Policy", policy(decision.rates.token, "token") + ", " +
                                               policy(decision.rates.tenant, "tenant"));
}

HttpResponse rate_limited(const RateDecision& decision, const HttpRequest& request) {
  const char* who = decision.tenant_bucket ? "this tenant" : "this token";
  HttpResponse response =
      problem(429, "rate_limited",
              std::string("too many requests for ") + who + ": at most " + number(decision.rate.per_second) +
                  " a second, " + number(decision.rate.burst) + " at once; retry after " +
                  std::to_string(decision.retry_after_s) + " s",
              "", request);
  response.with_header("Retry-After", std::to_string(decision.retry_after_s));
  add_rate_limit_headers(response, decision);
  return response;
}

}  // namespace narralytica::api
