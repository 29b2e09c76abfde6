#include "core/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace narralytica {
namespace {

std::int64_t ceil_seconds(double seconds) { return static_cast<std::int64_t>(std::ceil(std::max(seconds, 0.0) - 1e-9)); }

}  // namespace

void RateLimiter::refill(Bucket& bucket, const BucketRate& rate, UnixMicros now_us) {
  // A wall clock may step back; time then stands still for the bucket instead of draining it.
  const double elapsed_s = static_cast<double>(std::max<std::int64_t>(now_us - bucket.refilled_us, 0)) / 1e6;
  bucket.tokens = std::min(rate.burst, bucket.tokens + elapsed_s * rate.per_second);
  bucket.refilled_us = std::max(now_us, bucket.refilled_us);
}

template <class Entry>
void RateLimiter::make_room(Shard<Entry>& shard, UnixMicros now_us) {
  if (shard.entries.size() < kShardEntriesMax) return;
  std::erase_if(shard.entries, [&](const auto& item) { return item.second.bucket.full_us <= now_us; });
  if (shard.entries.size() < kShardEntriesMax) return;
  auto oldest = std::min_element(shard.entries.begin(), shard.entries.end(), [](const auto& a, const auto& b) {
    return a.second.bucket.refilled_us < b.second.bucket.refilled_us;
  });
  shard.entries.erase(oldest);
}

RateDecision RateLimiter::take(Bucket& token, Bucket& tenant, const TenantRates& rates, UnixMicros now_us) {
  refill(token, rates.token, now_us);
  refill(tenant, rates.tenant, now_us);
  RateDecision decision;
  decision.rates = rates;
  decision.allowed = token.tokens >= 1.0 && tenant.tokens >= 1.0;
  if (decision.allowed) {
    token.tokens -= 1.0;
    tenant.tokens -= 1.0;
  } else {
    const double token_wait = token.tokens >= 1.0 ? 0.0 : (1.0 - token.tokens) / rates.token.per_second;
    const double tenant_wait = tenant.tokens >= 1.0 ? 0.0 : (1.0 - tenant.tokens) / rates.tenant.per_second;
    decision.retry_after_s = std::max<std::int64_t>(ceil_seconds(std::max(token_wait, tenant_wait)), 1);
  }
  auto full_at = [&](const Bucket& b, const BucketRate& rate) {
    return now_us + static_cast<UnixMicros>(std::ceil((rate.burst - b.tokens) / rate.per_second * 1e6));
  };
  token.full_us = full_at(token, rates.token);
  tenant.full_us = full_at(tenant, rates.tenant);
  // Report the bucket nearer to refusing, as the RateLimit headers describe one policy.
  decision.tenant_bucket = tenant.tokens < token.tokens;
  const Bucket& reported = decision.tenant_bucket ? tenant : token;
  decision.rate = decision.tenant_bucket ? rates.tenant : rates.token;
  decision.remaining = static_cast<std::int64_t>(std::floor(std::max(reported.tokens, 0.0)));
  decision.reset_s = ceil_seconds((decision.rate.burst - reported.tokens) / decision.rate.per_second);
  return decision;
}

std::optional<RateDecision> RateLimiter::charge_known(std::uint64_t token_key) {
  const UnixMicros now_us = clock_.now_us();
  auto& tokens = token_shard(token_key);
  std::lock_guard token_lock(tokens.mutex);
  auto token = tokens.entries.find(token_key);
  if (token == tokens.entries.end()) return std::nullopt;
  auto& tenants = tenant_shard(token->second.tenant_id);
  std::lock_guard tenant_lock(tenants.mutex);
  auto tenant = tenants.entries.find(token->second.tenant_id);
  if (tenant == tenants.entries.end() || !tenant->second.rates_set ||
      now_us - tenant->second.rates_set_us >= kRatesRefreshUs) {
    return std::nullopt;
  }
  return take(token->second.bucket, tenant->second.bucket, tenant->second.rates, now_us);
}

RateDecision RateLimiter::charge(std::uint64_t token_key, std::int64_t tenant_id, const TenantRates& fallback) {
  const UnixMicros now_us = clock_.now_us();
  auto& tokens = token_shard(token_key);
  std::lock_guard token_lock(tokens.mutex);
  auto& tenants = tenant_shard(tenant_id);
  std::lock_guard tenant_lock(tenants.mutex);
  TenantEntry& tenant = find_tenant(tenants, tenant_id, fallback, now_us);
  const TenantRates& rates = tenant.rates_set ? tenant.rates : fallback;
  auto token = tokens.entries.find(token_key);
  if (token == tokens.entries.end()) {
    make_room(tokens, now_us);
    token = tokens.entries.emplace(token_key, TokenEntry{tenant_id, Bucket{rates.token.burst, now_us, now_us}}).first;
  }
  token->second.tenant_id = tenant_id;
  return take(token->second.bucket, tenant.bucket, rates, now_us);
}

RateLimiter::TenantEntry& RateLimiter::find_tenant(Shard<TenantEntry>& shard, std::int64_t tenant_id,
                                                    const TenantRates& rates, UnixMicros now_us) {
  auto tenant = shard.entries.find(tenant_id);
  if (tenant != shard.entries.end()) return tenant->second;
  make_room(shard, now_us);
  TenantEntry entry;
  entry.rates = rates;
  entry.bucket = Bucket{rates.tenant.burst, now_us, now_us};
  return shard.entries.emplace(tenant_id, entry).first->second;
}

bool RateLimiter::rates_current(std::int64_t tenant_id) {
  const UnixMicros now_us = clock_.now_us();
  auto& tenants = tenant_shard(tenant_id);
  std::lock_guard lock(tenants.mutex);
  auto tenant = tenants.entries.find(tenant_id);
  return tenant != tenants.entries.end() && tenant->second.rates_set &&
         now_us - tenant->second.rates_set_us < kRatesRefreshUs;
}

void RateLimiter::set_rates(std::int64_t tenant_id, const TenantRates& rates) {
  const UnixMicros now_us = clock_.now_us();
  auto& tenants = tenant_shard(tenant_id);
  std::lock_guard lock(tenants.mutex);
  TenantEntry& entry = find_tenant(tenants, tenant_id, rates, now_us);
  entry.rates = rates;
  entry.rates_set = true;
  entry.rates_set_us = now_us;
  entry.bucket.tokens = std::min(entry.bucket.tokens, rates.tenant.burst);
}

void RateLimiter::expire_rates(std::int64_t tenant_id) {
  auto& tenants = tenant_shard(tenant_id);
  std::lock_guard lock(tenants.mutex);
  auto tenant = tenants.entries.find(tenant_id);
  if (tenant != tenants.entries.end()) tenant->second.rates_set = false;
}

std::size_t RateLimiter::tracked_tokens() {
  std::size_t count = 0;
  for (auto& shard : tokens_) {
    std::lock_guard lock(shard.mutex);
    count += shard.entries.size();
  }
  return count;
}

}  // namespace narralytica
