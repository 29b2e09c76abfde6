// Prometheus counters for /metrics: requests by route and status, a latency histogram by route,
// and requests in flight. Lock-free on the request path: every counter is a relaxed atomic in a
// fixed-size table indexed by route and status, so counting costs no lock and no allocation.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace narralytica::store {
class Database;
}

namespace narralytica::api {

// Routes the table can count; index kRoutesMax - 1 counts requests that matched no route.
inline constexpr std::size_t kRoutesMax = 256;  // about 70 KiB of counters
// Statuses counted one by one; any other status is counted under "other".
inline constexpr std::array<int, 20> kCountedStatuses = {200, 201, 204, 304, 400, 401, 403, 404, 405, 409,
                                                         412, 413, 415, 422, 429, 431, 500, 503, 308, 0};
// Latency bucket upper bounds in microseconds.
inline constexpr std::array<std::int64_t, 12> kLatencyBucketsUs = {250,    500,     1000,    2500,
                                                                   5000,   10000,   25000,   50000,
                                                                   100000, 250000,  1000000, 5000000};

class Metrics {
 public:
  // `route` is the route's index in all_routes(), or -1 for an unmatched request.
  void record(int route, int status, std::int64_t duration_us);
  std::atomic<int>& in_flight() { return in_flight_; }
  // The Prometheus text exposition (version 0.0.4).
  std::string render(const store::Database& database) const;

 private:
  static std::size_t slot(int route);
  std::array<std::array<std::atomic<std::uint64_t>, kCountedStatuses.size()>, kRoutesMax> by_status_{};
  std::array<std::array<std::atomic<std::uint64_t>, kLatencyBucketsUs.size() + 1>, kRoutesMax> buckets_{};
  std::array<std::atomic<std::uint64_t>, kRoutesMax> latency_sum_us_{};
  std::atomic<int> in_flight_{0};
};

}  // namespace narralytica::api
