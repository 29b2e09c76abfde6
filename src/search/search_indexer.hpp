// Keeps each tenant's search index equal to the projection of its canonical data (projection.hpp):
//
//   - apply(): the event-feed pipeline. For each tenant with events in the batch, under the
//     tenant's write lock, the videos those events touch are projected again and the index commits
//     them together with the feed position it now reflects (Xapian metadata). That position, not
//     pipeline_checkpoints, is the index's own cursor: after a crash between the index's commit
//     and the checkpoint's, the batch is offered again and events at or below the index's
//     position are skipped; an index behind the global cursor (just rebuilt, or restored) first
//     catches up from its tenant's feed. A tenant with no index yet is built whole.
//   - rebuild(): `reindex`. Projects every video into a new generation without blocking searches
//     or the pipeline, then, under the write lock, catches up with the feed and swaps it in.
//   - verify(): `reindex --verify`. Under the write lock and caught up, compares each
//     transcript's document count and checksum in the index with a fresh projection.
//
// Thread-safe: calls for different tenants run in parallel; calls for one tenant take turns on
// its write lock (also across processes).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "search/index_directory.hpp"
#include "store/database.hpp"
#include "store/ops/event_feed.hpp"
#include "store/transaction.hpp"

namespace narralytica::search {

inline constexpr int kRebuildVideosPerRead = 100;  // videos projected per read transaction

struct RebuildProgress {
  Uuid tenant;
  std::int64_t videos_done = 0;
  std::int64_t videos_total = 0;
  std::int64_t documents = 0;
};
using ProgressFn = std::function<void(const RebuildProgress&)>;

struct RebuildReport {
  Uuid tenant;
  std::string slug;
  std::int64_t videos = 0;
  std::int64_t documents = 0;
  std::int64_t position = 0;  // the feed position the new index reflects
  double seconds = 0;
};

struct Drift {
  Uuid transcript;
  std::string what;  // "missing from the index", "not in canonical data", "12 documents, expected 14", ...
};

struct VerifyReport {
  Uuid tenant;
  std::string slug;
  std::int64_t transcripts = 0;
  std::int64_t documents = 0;
  bool index_missing = false;
  std::vector<Drift> drift;  // empty: the index equals canonical data
};

struct TenantRef {
  std::int64_t id = 0;
  Uuid public_id;
  std::string slug;
};

class IndexWriter;

class SearchIndexer {
 public:
  SearchIndexer(store::Database& database, std::filesystem::path data_dir, store::StoreContext context = {})
      : database_(database), directory_(std::move(data_dir)), context_(context) {}

  const IndexDirectory& directory() const { return directory_; }

  // One batch of the global feed: `events` are every event after `after`, in position order.
  // `behind_horizon`: the feed was pruned past the checkpoint, so every index is rebuilt.
  Status apply(std::int64_t after, std::span<const store::FeedEvent> events, bool behind_horizon);

  // Errors: not_found for an unknown tenant; unavailable for the database or the disk.
  Result<RebuildReport> rebuild(const TenantRef& tenant, const ProgressFn& progress = {});
  Result<VerifyReport> verify(const TenantRef& tenant);

  // Every tenant (slug or public id given: that one). Errors: not_found.
  Result<std::vector<TenantRef>> tenants(std::string_view only = {});
  // Reorders `tenants` largest first (segments stored), so that builds spread over threads end
  // together: the largest tenant starts at once instead of last on a thread already busy.
  Status order_largest_first(std::vector<TenantRef>& tenants);

 private:
  Result<TenantRef> tenant_by_id(std::int64_t id);
  // Brings the tenant's current generation up to the feed's head (or through `events`, the
  // tenant's part of a batch that ends at `batch_end`). Called with the tenant's lock held.
  // `batch_end` nullopt: up to the tenant feed's head.
  Status catch_up(const TenantRef& tenant, IndexWriter& writer, std::span<const store::FeedEvent> events,
                  std::int64_t after, std::optional<std::int64_t> batch_end);

  store::Database& database_;
  IndexDirectory directory_;
  store::StoreContext context_;
};

}  // namespace narralytica::search
