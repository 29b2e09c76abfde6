// Timing helpers shared by the latency benchmarks: milliseconds since a start, and a percentile
// of the samples (nearest rank).
#pragma once

#include <algorithm>
#include <chrono>
#include <vector>

namespace narralytica::bench {

using Steady = std::chrono::steady_clock;

inline double ms_since(Steady::time_point start) {
  return std::chrono::duration<double, std::milli>(Steady::now() - start).count();
}

// `p` in [0, 1]; `values` must not be empty.
inline double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

}  // namespace narralytica::bench
