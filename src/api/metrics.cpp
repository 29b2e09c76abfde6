#include "api/detail/metrics.hpp"

#include "api/detail/route.hpp"
#include "store/database.hpp"
#include "store/group_sync.hpp"
#include "store/write_batch.hpp"

namespace narralytica::api {
namespace {

std::size_t status_slot(int status) {
  for (std::size_t i = 0; i < kCountedStatuses.size(); ++i) {
    if (kCountedStatuses[i] == status) return i;
  }
  return kCountedStatuses.size() - 1;  // "other"
}

std::string route_label(std::size_t slot) {
  const auto routes = all_routes();
  if (slot < routes.size()) return std::string(routes[slot].method) + " " + std::string(routes[slot].pattern);
  return "unmatched";
}

}  // namespace

std::size_t Metrics::slot(int route) {
  if (route < 0 || static_cast<std::size_t>(route) >= kRoutesMax - 1) return kRoutesMax - 1;
  return static_cast<std::size_t>(route);
}

void Metrics::record(int route, int status, std::int64_t duration_us) {
  const std::size_t r = slot(route);
  by_status_[r][status_slot(status)].fetch_add(1, std::memory_order_relaxed);
  std::size_t bucket = 0;
  while (bucket < kLatencyBucketsUs.size() && duration_us > kLatencyBucketsUs[bucket]) ++bucket;
  buckets_[r][bucket].fetch_add(1, std::memory_order_relaxed);
  latency_sum_us_[r].fetch_add(static_cast<std::uint64_t>(duration_us), std::memory_order_relaxed);
}

std::string Metrics::render(const store::Database& database) const {
  std::string out;
  out += "# HELP narralytica_http_requests_total HTTP requests answered, by route and status.\n";
  out += "# TYPE narralytica_http_requests_total counter\n";
  for (std::size_t r = 0; r < kRoutesMax; ++r) {
    for (std::size_t s = 0; s < kCountedStatuses.size(); ++s) {
      const auto n = by_status_[r][s].load(std::memory_order_relaxed);
      if (n == 0) continue;
      const std::string status = kCountedStatuses[s] ? std::to_string(kCountedStatuses[s]) : "other";
      out += "narralytica_http_requests_total{route=\"" + route_label(r) + "\",status=\"" + status + "\"} " +
             std::to_string(n) + "\n";
    }
  }
  out += "# HELP narralytica_http_request_duration_seconds Time from a parsed request to its answer.\n";
  out += "# TYPE narralytica_http_request_duration_seconds histogram\n";
  for (std::size_t r = 0; r < kRoutesMax; ++r) {
    std::uint64_t cumulative = 0;
    std::uint64_t total = 0;
    for (const auto& b : buckets_[r]) total += b.load(std::memory_order_relaxed);
    if (total == 0) continue;
    const std::string label = "route=\"" + route_label(r) + "\"";
    for (std::size_t b = 0; b < kLatencyBucketsUs.size(); ++b) {
      cumulative += buckets_[r][b].load(std::memory_order_relaxed);
      char le[32];
      std::snprintf(le, sizeof le, "%g", static_cast<double>(kLatencyBucketsUs[b]) / 1e6);
      out += "narralytica_http_request_duration_seconds_bucket{" + label + ",le=\"" + le + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    out += "narralytica_http_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " + std::to_string(total) + "\n";
    char sum[32];
    std::snprintf(sum, sizeof sum, "%.6f", static_cast<double>(latency_sum_us_[r].load(std::memory_order_relaxed)) / 1e6);
    out += "narralytica_http_request_duration_seconds_sum{" + label + "} " + sum + "\n";
    out += "narralytica_http_request_duration_seconds_count{" + label + "} " + std::to_string(total) + "\n";
  }
  out += "# HELP narralytica_http_requests_in_flight Requests being handled now.\n";
  out += "# TYPE narralytica_http_requests_in_flight gauge\n";
  out += "narralytica_http_requests_in_flight " + std::to_string(in_flight_.load()) + "\n";
  out += "# HELP narralytica_db_connections_open Database connections the pool holds open.\n";
  out += "# TYPE narralytica_db_connections_open gauge\n";
  out += "narralytica_db_connections_open " + std::to_string(database.open_connections()) + "\n";
  out += "# HELP narralytica_db_connections_leased Database connections lent out to requests now.\n";
  out += "# TYPE narralytica_db_connections_leased gauge\n";
  out += "narralytica_db_connections_leased " + std::to_string(database.leased_connections()) + "\n";
  if (const store::WriteBatch* batch = database.write_batch()) {
    out += "# HELP narralytica_db_write_transactions_total Write transactions run in SQLite write batches.\n";
    out += "# TYPE narralytica_db_write_transactions_total counter\n";
    out += "narralytica_db_write_transactions_total " + std::to_string(batch->members()) + "\n";
    out += "# HELP narralytica_db_write_batches_total SQLite write batches committed (one COMMIT each).\n";
    out += "# TYPE narralytica_db_write_batches_total counter\n";
    out += "narralytica_db_write_batches_total " + std::to_string(batch->commits()) + "\n";
  }
  if (const store::GroupSync* group = database.group_sync()) {
    out += "# HELP narralytica_db_log_syncs_total fdatasync calls that made SQLite's log durable for a group of commits.\n";
    out += "# TYPE narralytica_db_log_syncs_total counter\n";
    out += "narralytica_db_log_syncs_total " + std::to_string(group->syncs()) + "\n";
  }
  return out;
}

}  // namespace narralytica::api
