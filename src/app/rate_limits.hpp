// The request rate limits of a tenant: their defaults, their bounds, and how they are read from
// and validated for the tenant's configuration (key `rate_limits` in tenant_configs, set with
// PUT /v1/tenant/config/rate_limits). The buckets themselves live in the server process
// (core/rate_limiter.hpp): the limits hold per server process, not across processes.
//
// The configuration value is a JSON object; every member is optional and defaults below:
//   {"token":  {"per_second": 100, "burst": 200},
//    "tenant": {"per_second": 500, "burst": 1000}}
#pragma once

#include <string_view>

#include "core/rate_limiter.hpp"
#include "core/result.hpp"
#include "store/identity/authorizer.hpp"
#include "store/transaction.hpp"

namespace narralytica::app {

inline constexpr std::string_view kRateLimitsConfigKey = "rate_limits";

// One token may send 100 requests a second, 200 at once; all the tokens of a tenant together 500
// a second, 1,000 at once. Generous for a UI or a pipeline writing layers, and well under what
// one server answers (docs/performance.md), so one tenant's flood is refused before it takes the
// server's threads from the others.
inline constexpr BucketRate kTokenRateDefault{100, 200};
inline constexpr BucketRate kTenantRateDefault{500, 1000};
inline constexpr TenantRates kRateLimitsDefault{kTokenRateDefault, kTenantRateDefault};

// Bounds of a configured rate: at least one request in 1,000 seconds, at most a million a
// second; a burst of 1 to a million requests.
inline constexpr double kRatePerSecondMin = 0.001;
inline constexpr double kRatePerSecondMax = 1'000'000;
inline constexpr double kRateBurstMin = 1;
inline constexpr double kRateBurstMax = 1'000'000;

// Parses a configuration value. Errors: invalid_argument naming the member at fault
// ("value.token.per_second"), for malformed JSON, an unknown member, a wrong type or a value out
// of bounds.
Result<TenantRates> parse_rate_limits(std::string_view value_json);

// The tenant's limits: its configured `rate_limits`, or the defaults when none is set.
// A stored value that no longer parses (set before validation existed) also gives the defaults,
// so a bad setting never locks a tenant out. Errors: database errors.
Result<TenantRates> load_rate_limits(store::Transaction& tx, const store::TenantScope& scope);

}  // namespace narralytica::app
