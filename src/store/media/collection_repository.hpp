// Collections (named sets of videos) and tags (free labels on videos), per tenant. Both only
// organise videos; deleting a video takes it out of every collection and drops its tags. Every
// mutation that changes something records its event and audit record; one that changes nothing
// (adding a video already in the collection, a tag already there) records none.
// Tags arrive normalised (app/tag_name.hpp owns the rule); this layer checks only what the
// database would refuse, so its errors name the field.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/media/video_repository.hpp"

namespace narralytica::store {

inline constexpr std::size_t kCollectionNameLengthMax = 200;
inline constexpr std::size_t kCollectionDescriptionLengthMax = 2000;
inline constexpr std::size_t kTagBytesMax = 256;
// Videos added or removed in one batch request.
inline constexpr std::size_t kCollectionBatchMax = 1000;
// Tags on one video.
inline constexpr std::size_t kVideoTagsMax = 100;
// Distinct tags listed for a tenant.
inline constexpr std::size_t kTenantTagsListedMax = 10'000;

struct Collection {
  std::int64_t id = 0;
  Uuid public_id;
  std::string name;
  std::string description;
  std::int64_t video_count = 0;
  UnixMicros created_at = 0;
  UnixMicros updated_at = 0;
};

struct CollectionPatch {
  std::optional<std::string> name;
  std::optional<std::string> description;
};

struct TagCount {
  std::string tag;
  std::int64_t videos = 0;
};

class CollectionRepository {
 public:
  // Errors: invalid_argument naming "name" or "description"; conflict (field "name") when the
  // tenant already has a collection of that name.
  static Result<Collection> create(Transaction& tx, const TenantScope& scope, std::string_view name,
                                   std::string_view description);
  // Errors: not_found (also for another tenant's id), field "collection".
  static Result<Collection> get(Transaction& tx, const TenantScope& scope, const Uuid& public_id);
  // The collection named exactly `name`, if any.
  static Result<std::optional<Collection>> find_by_name(Transaction& tx, const TenantScope& scope,
                                                        std::string_view name);
  // Oldest first, keyset pages.
  static Result<Page<Collection>> list(Transaction& tx, const TenantScope& scope, PageRequest page);
  // Errors: as create and get.
  static Result<Collection> update(Transaction& tx, const TenantScope& scope, const Uuid& public_id,
                                   const CollectionPatch& patch);
  // Deletes the collection (its videos stay). Errors: not_found.
  static Status remove(Transaction& tx, const TenantScope& scope, const Uuid& public_id);

  // Adds the videos not yet in the collection; returns how many were added. Errors: not_found
  // for the collection or for the first video that does not exist (field "videos[i]");
  // invalid_argument for more than kCollectionBatchMax videos.
  static Result<std::int64_t> add_videos(Transaction& tx, const TenantScope& scope, const Uuid& collection,
                                         const std::vector<Uuid>& videos);
  // Removes those of the videos that are in the collection; returns how many were. Errors: as
  // add_videos (a video that exists but is not in the collection is no error).
  static Result<std::int64_t> remove_videos(Transaction& tx, const TenantScope& scope, const Uuid& collection,
                                            const std::vector<Uuid>& videos);
  // The collections `video` is in, by name. Errors: not_found for the video.
  static Result<std::vector<Collection>> of_video(Transaction& tx, const TenantScope& scope, const Uuid& video);
};

class TagRepository {
 public:
  // Tags `video` with `tag` (already normalised); returns false when it already had it.
  // Errors: not_found (field "video"); invalid_argument (field "tag") for an empty or too long
  // tag, or past kVideoTagsMax tags on the video.
  static Result<bool> add(Transaction& tx, const TenantScope& scope, const Uuid& video, std::string_view tag);
  // Removes the tag; returns false when the video did not have it. Errors: not_found (video).
  static Result<bool> remove(Transaction& tx, const TenantScope& scope, const Uuid& video, std::string_view tag);
  // The video's tags in byte order. Errors: not_found (video).
  static Result<std::vector<std::string>> of_video(Transaction& tx, const TenantScope& scope, const Uuid& video);
  // Every tag of the tenant with its number of videos, in byte order (at most
  // kTenantTagsListedMax).
  static Result<std::vector<TagCount>> all(Transaction& tx, const TenantScope& scope);
};

}  // namespace narralytica::store
