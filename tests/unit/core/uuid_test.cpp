// Proves that public ids are valid, time-ordered UUIDv7 values that round-trip through text
// and bytes, and that malformed text is refused.
#include <gtest/gtest.h>

#include "core/uuid.hpp"

namespace narralytica {
namespace {

TEST(Uuid, V7CarriesVersionVariantAndTime) {
  FakeClock clock(1'700'000'000'000'000);
  SeededRandom random(42);
  Uuid id = Uuid::v7(clock, random);
  std::string text = id.to_string();
  ASSERT_EQ(text.size(), 36u);
  EXPECT_EQ(text[14], '7');
  EXPECT_TRUE(text[19] == '8' || text[19] == '9' || text[19] == 'a' || text[19] == 'b');
  // 1'700'000'000'000 ms = 0x018bcfe56800
  EXPECT_EQ(text.substr(0, 13), "018bcfe5-6800");
}

TEST(Uuid, LaterTimeSortsAfter) {
  FakeClock clock(1'700'000'000'000'000);
  SeededRandom random(7);
  Uuid first = Uuid::v7(clock, random);
  clock.advance_us(1000);
  Uuid second = Uuid::v7(clock, random);
  EXPECT_LT(first, second);
  EXPECT_LT(first.to_string(), second.to_string());
}

TEST(Uuid, RoundTripsThroughTextAndBytes) {
  SeededRandom random(1);
  Uuid id = Uuid::v7(SystemClock::instance(), random);
  auto parsed = Uuid::parse(id.to_string());
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, id);
  auto from_bytes = Uuid::from_bytes(id.byte_view());
  ASSERT_TRUE(from_bytes.has_value());
  EXPECT_EQ(*from_bytes, id);
  auto upper = Uuid::parse("018BCFE5-6800-7000-8000-00000000000A");
  ASSERT_TRUE(upper.has_value());
  EXPECT_EQ(upper->to_string(), "018bcfe5-6800-7000-8000-00000000000a");
}

TEST(Uuid, RefusesMalformedText) {
  EXPECT_FALSE(Uuid::parse(""));
  EXPECT_FALSE(Uuid::parse("018bcfe5-6800-7000-8000-00000000000"));
  EXPECT_FALSE(Uuid::parse("018bcfe5x6800-7000-8000-00000000000a"));
  EXPECT_FALSE(Uuid::parse("018bcfe5-6800-7000-8000-00000000000g"));
  EXPECT_FALSE(Uuid::from_bytes("short"));
}

}  // namespace
}  // namespace narralytica
