// Request rate limits per API token and per tenant: two token buckets charged together, held in
// memory by this process (limits are per server process, not shared between processes). Buckets
// refill lazily from the injected clock when touched; nothing runs in the background. The table
// is sharded so that concurrent requests of different tokens rarely share a lock.
//
// A token is known by a 64-bit key the caller derives from its secret (a digest prefix), not by
// its database id: once a token has been seen, a request that its buckets refuse is answered
// before any database work, so a flood costs the server little beyond reading the requests.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "core/clock.hpp"

namespace narralytica {

// A bucket holds up to `burst` requests and gains `per_second` of them each second.
struct BucketRate {
  double per_second = 0;
  double burst = 0;
};

// The limits of one tenant: each of its tokens has a bucket of `token`, all of them together
// share one bucket of `tenant`.
struct TenantRates {
  BucketRate token;
  BucketRate tenant;
};

// The outcome of charging one request, with what the RateLimit-* headers report: the bucket
// nearest to refusing (of the token's and the tenant's).
struct RateDecision {
  bool allowed = false;
  bool tenant_bucket = false;      // which bucket is reported: the tenant's (else the token's)
  BucketRate rate;                 // that bucket's rate
  std::int64_t remaining = 0;      // whole requests left in it after this one
  std::int64_t reset_s = 0;        // seconds until it is full again (rounded up)
  std::int64_t retry_after_s = 0;  // refused: seconds until a request would pass (rounded up, >= 1)
  TenantRates rates;               // both buckets' rates, for RateLimit-Policy
};

class RateLimiter {
 public:
  // Entries kept per shard; past it, entries whose bucket has refilled are forgotten (a forgotten
  // bucket comes back full, so nobody gains), else the one touched longest ago.
  static constexpr std::size_t kShardEntriesMax = 4096;
  static constexpr std::size_t kShards = 16;
  // How long a tenant's limits are used before they are read again from its configuration.
  static constexpr std::int64_t kRatesRefreshUs = 10'000'000;

  // `clock` must outlive the limiter. Thread-safe.
  explicit RateLimiter(const Clock& clock) : clock_(clock) {}
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Charges one request of a token seen before, to its bucket and its tenant's. nullopt when the
  // token is not known yet or its tenant's rates are older than kRatesRefreshUs: the caller
  // authenticates, calls set_rates when rates_current() is false, then charge().
  std::optional<RateDecision> charge_known(std::uint64_t token_key);
  // Charges one request of `token_key` (remembered as belonging to `tenant_id`). The tenant's
  // rates are the last set_rates, or `fallback` when none were set.
  RateDecision charge(std::uint64_t token_key, std::int64_t tenant_id, const TenantRates& fallback);
  // Whether the tenant's rates were set within kRatesRefreshUs.
  bool rates_current(std::int64_t tenant_id);
  // Sets the tenant's rates (read from its configuration). Its buckets keep their level, capped
  // at the new burst.
  void set_rates(std::int64_t tenant_id, const TenantRates& rates);
  // Makes the tenant's rates stale, so the next request reads them again (its configuration
  // changed in this process).
  void expire_rates(std::int64_t tenant_id);
  // Tokens whose buckets are held now (bounded by kShards * kShardEntriesMax), for metrics.
  std::size_t tracked_tokens();

 private:
  struct Bucket {
    double tokens = 0;
    UnixMicros refilled_us = 0;
    UnixMicros full_us = 0;  // when it will hold its burst again, if untouched
  };
  struct TokenEntry {
    std::int64_t tenant_id = 0;
    Bucket bucket;
  };
  struct TenantEntry {
    TenantRates rates;
    UnixMicros rates_set_us = 0;
    bool rates_set = false;
    Bucket bucket;
  };
  template <class Entry>
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::uint64_t, Entry> entries;
  };

  static void refill(Bucket& bucket, const BucketRate& rate, UnixMicros now_us);
  RateDecision take(Bucket& token, Bucket& tenant, const TenantRates& rates, UnixMicros now_us);
  template <class Entry>
  static void make_room(Shard<Entry>& shard, UnixMicros now_us);
  // The tenant's entry, made (with `rates` and a full bucket) when missing; the shard is locked.
  static TenantEntry& find_tenant(Shard<TenantEntry>& shard, std::int64_t tenant_id, const TenantRates& rates,
                                  UnixMicros now_us);
  Shard<TokenEntry>& token_shard(std::uint64_t key) { return tokens_[key % kShards]; }
  Shard<TenantEntry>& tenant_shard(std::int64_t id) { return tenants_[static_cast<std::uint64_t>(id) % kShards]; }

  const Clock& clock_;
  // Locks are taken token shard first, then tenant shard, never the other way.
  std::array<Shard<TokenEntry>, kShards> tokens_;
  std::array<Shard<TenantEntry>, kShards> tenants_;
};

}  // namespace narralytica
