// What every handler shares while the server runs: the database, the clock and random source,
// the metrics, the cached readiness and the login throttle. Internal to src/api.
#pragma once

#include <chrono>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "api/detail/metrics.hpp"
#include "app/retrieval_service.hpp"
#include "app/search_service.hpp"
#include "app/media_service.hpp"
#include "app/transcript_service.hpp"
#include "api/http_message.hpp"
#include "api/server.hpp"
#include "core/hashing.hpp"
#include "core/secret_box.hpp"
#include "core/rate_limiter.hpp"
#include "store/database.hpp"
#include "store/transaction.hpp"

namespace narralytica::api {

// Whether the database's migrations are current, checked at most once per interval: readiness
// probes arrive every few seconds from every load balancer, and the migration runner's check
// takes the migration lock, which a probe must not take every time.
class ReadinessCache {
 public:
  // A database found current stays so until someone migrates it further, which a deploy does
  // while this binary is being replaced: recheck rarely. One found behind is rechecked soon.
  static constexpr std::int64_t kRecheckCurrentUs = 60'000'000;
  static constexpr std::int64_t kRecheckUs = 2'000'000;
  // True when current; the error names what is not.
  Status check(store::Database& database, const Clock& clock);

 private:
  std::mutex mutex_;
  std::int64_t checked_at_us_ = 0;
  bool current_ = false;
  std::string reason_;
};

// Failed logins per e-mail address within a window, so password guessing is answered with 429
// after a few tries. Bounded: past kTrackedMax addresses the oldest window is forgotten.
class LoginThrottle {
 public:
  static constexpr int kFailuresMax = 10;
  static constexpr std::int64_t kWindowUs = 5 * 60 * 1'000'000LL;
  static constexpr std::size_t kTrackedMax = 10'000;
  bool allowed(const std::string& email, std::int64_t now_us);
  void failed(const std::string& email, std::int64_t now_us);
  void succeeded(const std::string& email);

 private:
  struct Window {
    std::int64_t started_us = 0;
    int failures = 0;
  };
  std::mutex mutex_;
  std::unordered_map<std::string, Window> windows_;
};

// Rendered answers of read routes whose body is a function of the path, the query and the
// tenant's data alone (the segment page: transcripts are written once, but a speaker merge
// rewrites segment rows). An entry is served only while its tenant's event head is the one read
// when it was rendered: every committed change to tenant data records an event with a higher
// position, in commit order (docs/decisions/0005), and the head comes with the token for free
// (TokenRepository::authenticate_for). Lookups happen after authorization, and keys include the
// tenant, so an entry never reaches another tenant or an unauthorized caller. Thread-safe;
// bounded in bytes (least recently used first out) and in age.
class ResponseCache {
 public:
  static constexpr std::size_t kEntryBytesMax = 1024 * 1024;
  // Event retention prunes a prefix of positions, so a head never returns to an earlier value,
  // except to 0 when all of a tenant's events are pruned: entries at head 0 are not kept, and no
  // entry outlives this (retention is measured in days).
  static constexpr std::int64_t kAgeMaxUs = 10 * 60 * 1'000'000LL;

  explicit ResponseCache(std::size_t bytes_max) : bytes_max_(bytes_max) {}

  // The stored answer for `key` in the tenant, when it was rendered at `head`.
  // Its body is shared with the cache, not copied.
  std::optional<HttpResponse> find(std::int64_t tenant_id, std::string_view key, std::int64_t head,
                                   std::int64_t now_us);
  void store(std::int64_t tenant_id, std::string_view key, std::int64_t head, std::int64_t now_us,
             const HttpResponse& response);

 private:
  struct Entry {
    std::string key;
    std::int64_t head = 0;
    std::int64_t stored_us = 0;
    std::shared_ptr<const HttpResponse> response;
    std::size_t bytes = 0;
  };
  static std::string full_key(std::int64_t tenant_id, std::string_view key);
  void erase(std::list<Entry>::iterator entry);

  std::mutex mutex_;
  std::list<Entry> entries_;  // most recently used first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;  // views into Entry::key
  const std::size_t bytes_max_;
  std::size_t bytes_ = 0;
};

struct ApiState {
  ApiState(store::Database& database_in, store::StoreContext context_in, ServerOptions options_in, SecretBox key)
      : database(database_in), store_context(context_in), options(std::move(options_in)), secret_box(key),
        transcripts(database_in, options.data_dir, context_in), search(database_in, options.data_dir, context_in),
        responses(options.response_cache_bytes) {}

  store::Database& database;
  store::StoreContext store_context;
  ServerOptions options;
  // Seals the webhook secrets the API registers: the key file under options.data_dir
  // (app/secret_key.hpp), the one the dispatcher opens them with.
  const SecretBox secret_box;
  app::TranscriptService transcripts;  // upload and export of transcript files
  app::SearchService search;           // queries over the per-tenant search indexes
  app::RetrievalService retrieval{search};  // passages for AI clients, through `search`
  Metrics metrics;
  ReadinessCache readiness;
  LoginThrottle login_throttle;
  ResponseCache responses;
  // Request buckets per token and tenant (dispatch.cpp); per process, refilled from the clock.
  RateLimiter rate_limiter{*store_context.clock};
  app::MediaService media{options.data_dir};  // media files of videos (media_routes.cpp)
  // Signs media URLs (api/detail/media_url.hpp). New at each start: a restart ends every link.
  const std::string media_url_key = secure_random_bytes(32);

  const Clock& clock() const { return *store_context.clock; }
};

}  // namespace narralytica::api
