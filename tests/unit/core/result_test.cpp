// Proves that Result carries either a value or an error, and that the propagation macros
// return early with the original error.
#include <gtest/gtest.h>

#include "core/result.hpp"

namespace narralytica {
namespace {

Result<int> parse_positive(int x) {
  if (x <= 0) return make_error(ErrorCode::invalid_argument, "must be positive", "x");
  return x;
}

Result<int> doubled(int x) {
  ASSIGN_OR_RETURN(int value, parse_positive(x));
  return value * 2;
}

Status check(int x) {
  RETURN_IF_ERROR(parse_positive(x));
  return ok_status();
}

TEST(Result, CarriesValueOrError) {
  auto good = doubled(21);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 42);
  auto bad = doubled(-1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(bad.error().describe(), "x: must be positive");
  EXPECT_TRUE(check(1).ok());
  EXPECT_FALSE(check(0).ok());
}

}  // namespace
}  // namespace narralytica
