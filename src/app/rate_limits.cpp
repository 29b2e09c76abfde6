#include "app/rate_limits.hpp"

#include <nlohmann/json.hpp>

#include <string>

#include "store/tenancy/tenant_repository.hpp"

namespace narralytica::app {
namespace {

using Json = nlohmann::json;

Result<BucketRate> parse_bucket(const Json& value, BucketRate rate, const std::string& where) {
  if (!value.is_object()) return make_error(ErrorCode::invalid_argument, "expected an object", where);
  for (const auto& [name, member] : value.items()) {
    const std::string field = where + "." + name;
    double* target = name == "per_second" ? &rate.per_second : name == "burst" ? &rate.burst : nullptr;
    if (!target) {
      return make_error(ErrorCode::invalid_argument, "unknown member \"" + name + "\" (per_second, burst)", field);
    }
    if (!member.is_number()) return make_error(ErrorCode::invalid_argument, "expected a number", field);
    *target = member.get<double>();
  }
  if (!(rate.per_second >= kRatePerSecondMin && rate.per_second <= kRatePerSecondMax)) {
    return make_error(ErrorCode::invalid_argument, "per_second must be 0.001 to 1000000", where + ".per_second");
  }
  if (!(rate.burst >= kRateBurstMin && rate.burst <= kRateBurstMax)) {
    return make_error(ErrorCode::invalid_argument, "burst must be 1 to 1000000", where + ".burst");
  }
  return rate;
}

}  // namespace

Result<TenantRates> parse_rate_limits(std::string_view value_json) {
  const Json value = Json::parse(value_json, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return make_error(ErrorCode::invalid_argument, "not valid JSON", "value");
  if (!value.is_object()) {
    return make_error(ErrorCode::invalid_argument, "expected an object with \"token\" and \"tenant\"", "value");
  }
  TenantRates rates = kRateLimitsDefault;
  for (const auto& [name, member] : value.items()) {
    if (name == "token") {
      ASSIGN_OR_RETURN(rates.token, parse_bucket(member, rates.token, "value.token"));
    } else if (name == "tenant") {
      ASSIGN_OR_RETURN(rates.tenant, parse_bucket(member, rates.tenant, "value.tenant"));
    } else {
      return make_error(ErrorCode::invalid_argument, "unknown member \"" + name + "\" (token, tenant)", "value." + name);
    }
  }
  return rates;
}

Result<TenantRates> load_rate_limits(store::Transaction& tx, const store::TenantScope& scope) {
  ASSIGN_OR_RETURN(auto configured, store::TenantRepository::get_config(tx, scope, kRateLimitsConfigKey));
  if (!configured) return kRateLimitsDefault;
  auto parsed = parse_rate_limits(*configured);
  return parsed.ok() ? std::move(parsed).value() : kRateLimitsDefault;
}

}  // namespace narralytica::app
