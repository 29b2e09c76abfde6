// Proves the token buckets with a fake clock (no sleeping): a token gets its burst then is
// refused with the wait until one request refills; its tenant's bucket caps all its tokens
// together; a refused request charges neither bucket; an unknown token, or a tenant whose rates
// are stale, is not answered from memory; new rates apply at once; the headers' figures (remaining,
// reset, the bucket nearer to refusing) follow the buckets; the table stays bounded.
#include <gtest/gtest.h>

#include "core/rate_limiter.hpp"

namespace narralytica {
namespace {

constexpr UnixMicros kStart = 1'700'000'000'000'000;
constexpr TenantRates kRates{BucketRate{2, 4}, BucketRate{10, 6}};  // token: 2/s burst 4; tenant: 10/s burst 6

TEST(RateLimiter, TokenGetsItsBurstThenWaitsForTheRefill) {
  FakeClock clock(kStart);
  RateLimiter limiter(clock);
  for (int i = 0; i < 4; ++i) {
    RateDecision d = limiter.charge(1, 7, kRates);
    ASSERT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.remaining, 3 - i);
    EXPECT_FALSE(d.tenant_bucket);
  }
  RateDecision refused = limiter.charge(1, 7, kRates);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_s, 1) << "half a second to one request at 2/s, rounded up";
  EXPECT_EQ(refused.reset_s, 2) << "4 requests at 2/s refill the bucket in 2 s";
  clock.advance_us(499'000);
  EXPECT_FALSE(limiter.charge(1, 7, kRates).allowed) << "0.998 of a request refilled";
  clock.advance_us(2'000);
  EXPECT_TRUE(limiter.charge(1, 7, kRates).allowed) << "one request refilled after 0.5 s";
  EXPECT_FALSE(limiter.charge(1, 7, kRates).allowed);
}

TEST(RateLimiter, TenantBucketCapsAllItsTokensAndRefusalChargesNothing) {
  FakeClock clock(kStart);
  RateLimiter limiter(clock);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(limiter.charge(1, 7, kRates).allowed);
  EXPECT_TRUE(limiter.charge(2, 7, kRates).allowed);
  RateDecision last = limiter.charge(2, 7, kRates);
  ASSERT_TRUE(last.allowed) << "the tenant's sixth request";
  EXPECT_TRUE(last.tenant_bucket) << "the tenant's bucket is empty, the token's is not";
  EXPECT_EQ(last.remaining, 0);
  RateDecision refused = limiter.charge(3, 7, kRates);
  EXPECT_FALSE(refused.allowed) << "a fresh token of a tenant at its limit";
  EXPECT_TRUE(refused.tenant_bucket);
  EXPECT_EQ(refused.retry_after_s, 1);
  EXPECT_TRUE(limiter.charge(4, 8, kRates).allowed) << "another tenant is not affected";
  // Token 3 was refused without being charged: after the tenant's refill it still has its burst.
  clock.advance_us(1'000'000);  // the tenant's bucket is full again
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(limiter.charge(3, 7, kRates).allowed) << i;
}

TEST(RateLimiter, UnknownTokenOrStaleRatesAreNotAnsweredFromMemory) {
  FakeClock clock(kStart);
  RateLimiter limiter(clock);
  EXPECT_FALSE(limiter.charge_known(1).has_value());
  EXPECT_FALSE(limiter.rates_current(7));
  limiter.set_rates(7, kRates);
  EXPECT_TRUE(limiter.rates_current(7));
  ASSERT_TRUE(limiter.charge(1, 7, kRates).allowed);
  auto known = limiter.charge_known(1);
  ASSERT_TRUE(known.has_value());
  EXPECT_TRUE(known->allowed);
  EXPECT_EQ(known->remaining, 2);
  clock.advance_us(RateLimiter::kRatesRefreshUs);
  EXPECT_FALSE(limiter.rates_current(7));
  EXPECT_FALSE(limiter.charge_known(1).has_value()) << "stale rates: read the configuration again";
  limiter.set_rates(7, kRates);
  EXPECT_TRUE(limiter.charge_known(1).has_value());
  limiter.expire_rates(7);
  EXPECT_FALSE(limiter.charge_known(1).has_value()) << "changed configuration";
}

TEST(RateLimiter, NewRatesApplyAtOnceAndCapTheBucket) {
  FakeClock clock(kStart);
  RateLimiter limiter(clock);
  limiter.set_rates(7, kRates);
  ASSERT_TRUE(limiter.charge(1, 7, kRates).allowed);
  limiter.set_rates(7, TenantRates{BucketRate{1, 1}, BucketRate{1, 1}});
  auto d = limiter.charge_known(1);
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->allowed);
  EXPECT_EQ(d->rate.burst, 1);
  EXPECT_EQ(d->rates.tenant.per_second, 1);
  EXPECT_FALSE(limiter.charge_known(1)->allowed) << "the bucket was capped at the new burst of 1";
}

TEST(RateLimiter, BackwardClockDoesNotDrainOrOverfill) {
  FakeClock clock(kStart);
  RateLimiter limiter(clock);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(limiter.charge(1, 7, kRates).allowed);
  clock.advance_us(-10'000'000);
  EXPECT_FALSE(limiter.charge(1, 7, kRates).allowed);
  clock.advance_us(10'500'000);
  EXPECT_TRUE(limiter.charge(1, 7, kRates).allowed) << "time stood still while the clock was behind";
}

TEST(RateLimiter, TableStaysBoundedAndForgetsIdleEntriesFirst) {
  FakeClock clock(kStart);
  RateLimiter limiter(clock);
  const std::uint64_t capacity = RateLimiter::kShards * RateLimiter::kShardEntriesMax;
  for (std::uint64_t k = 0; k < capacity; ++k) limiter.charge(k, static_cast<std::int64_t>(k % 100), kRates);
  EXPECT_EQ(limiter.tracked_tokens(), capacity);
  clock.advance_us(2'000'000);
  // Key 0 is busy (its bucket spent); every other key's bucket has refilled (2 s at 2/s).
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(limiter.charge(0, 0, kRates).allowed);
  // A new key in key 0's shard makes room by forgetting the refilled keys, not the busy one.
  EXPECT_TRUE(limiter.charge(capacity, 0, kRates).allowed);
  EXPECT_LE(limiter.tracked_tokens(), capacity);
  EXPECT_FALSE(limiter.charge(0, 0, kRates).allowed) << "key 0 was kept, its bucket still spent";
  // When no bucket in the shard has refilled (each key just spent one request, each of its own
  // tenant), the one touched longest ago goes: the table never grows past its bound.
  for (std::uint64_t k = 1; k <= RateLimiter::kShardEntriesMax + 10; ++k) {
    ASSERT_TRUE(limiter.charge(capacity + k * RateLimiter::kShards, static_cast<std::int64_t>(1000 + k), kRates).allowed);
  }
  EXPECT_LE(limiter.tracked_tokens(), capacity);
}

}  // namespace
}  // namespace narralytica
