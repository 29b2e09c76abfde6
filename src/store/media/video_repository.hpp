// Videos and their sources (URL, platform ids, files). Every call is scoped to one tenant.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/page.hpp"
#include "store/scope.hpp"
#include "store/transaction.hpp"

namespace narralytica::store {

// Bounds enforced before the database sees the data, so errors name the field.
inline constexpr std::size_t kVideoTitleLengthMax = 500;
inline constexpr std::size_t kVideoDescriptionLengthMax = 10'000;
inline constexpr std::size_t kVideoSourcesMax = 20;

struct VideoSourceDraft {
  std::string kind = "url";  // url, youtube, vimeo, file, object
  std::optional<std::string> uri;
  std::optional<std::string> external_id;
  std::optional<std::string> checksum;
  bool is_primary = false;
};

struct VideoSource {
  Uuid public_id;
  std::string kind;
  std::optional<std::string> uri;
  std::optional<std::string> external_id;
  std::optional<std::string> checksum;
  bool is_primary = false;
};

struct VideoDraft {
  std::string title;
  std::string description;
  std::optional<std::string> language;
  std::optional<std::int64_t> duration_ms;
  std::optional<UnixMicros> published_at;
  std::vector<VideoSourceDraft> sources;
};

struct Video {
  std::int64_t id = 0;
  Uuid public_id;
  std::string title;
  std::string description;
  std::optional<std::string> language;
  std::optional<std::int64_t> duration_ms;
  std::optional<UnixMicros> published_at;
  std::string status;  // active, archived
  UnixMicros created_at = 0;
  UnixMicros updated_at = 0;  // also the version for optimistic concurrency (ETag / If-Match)
  std::vector<VideoSource> sources;
};

// Fields to change; unset fields stay as they are.
struct VideoPatch {
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<std::optional<std::string>> language;  // set to nullopt-inside to clear
  std::optional<std::optional<std::int64_t>> duration_ms;
  std::optional<std::optional<UnixMicros>> published_at;
  std::optional<std::string> status;
  // When set, the update applies only if the video's updated_at still equals it.
  std::optional<UnixMicros> expected_updated_at;
};

class VideoRepository {
 public:
  // Errors: invalid_argument naming the field; conflict when a source's external id is already
  // another video's.
  static Result<Video> create(Transaction& tx, const TenantScope& scope, const VideoDraft& draft);
  // Errors: not_found (also for another tenant's id).
  static Result<Video> get(Transaction& tx, const TenantScope& scope, const Uuid& public_id);
  // The video with this platform id, if any.
  static Result<std::optional<Video>> find_by_source(Transaction& tx, const TenantScope& scope,
                                                     std::string_view kind, std::string_view external_id);
  static Result<Page<Video>> list(Transaction& tx, const TenantScope& scope, PageRequest page);
  // Errors: not_found; precondition_failed when expected_updated_at no longer matches.
  static Result<Video> update(Transaction& tx, const TenantScope& scope, const Uuid& public_id,
                              const VideoPatch& patch);
  // Deletes the video with its sources, speakers, transcripts and segments. Errors: not_found.
  static Status remove(Transaction& tx, const TenantScope& scope, const Uuid& public_id);
};

}  // namespace narralytica::store
