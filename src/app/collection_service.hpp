// Collections of videos and tags on videos as use cases, shared by the API
// (/v1/collections..., /v1/videos/{id}/tags..., GET /v1/videos?collection=&tag=) and the CLI
// (`narralytica collections ...`, `narralytica tags ...`). Each operation works inside a
// transaction the caller opened and authorized with the operation's permission below (the API's
// dispatcher from the route table, the CLI through in_tenant). Stateless, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/identity/permission.hpp"
#include "store/media/collection_repository.hpp"

namespace narralytica::app {

// Collections and tags organise videos: reading them needs read on videos, changing them write
// on videos (a curator who may edit videos may file them), so no new permission exists for them.
inline constexpr store::Permission kOrganiseRead{"read", "videos"};
inline constexpr store::Permission kOrganiseWrite{"write", "videos"};

struct TagChange {
  std::string tag;      // as stored (normalised)
  bool changed = false;  // false: the video already had it (add) or did not have it (remove)
};

class CollectionService {
 public:
  static Result<store::Page<store::Collection>> list_in(store::Transaction& tx, const store::TenantScope& scope,
                                                        store::PageRequest page);
  // Errors: invalid_argument naming "name" or "description"; conflict (field "name").
  static Result<store::Collection> create_in(store::Transaction& tx, const store::TenantScope& scope,
                                             std::string_view name, std::string_view description);
  // `ref` is a collection's public id or its exact name. Errors: not_found (field "collection").
  static Result<store::Collection> get_in(store::Transaction& tx, const store::TenantScope& scope,
                                          std::string_view ref);
  // Errors: as create_in and get_in.
  static Result<store::Collection> update_in(store::Transaction& tx, const store::TenantScope& scope,
                                             std::string_view ref, const store::CollectionPatch& patch);
  static Status remove_in(store::Transaction& tx, const store::TenantScope& scope, std::string_view ref);
  // How many videos were added (removed); videos already in (not in) the collection are skipped.
  // Errors: not_found for the collection or a video (field "videos[i]"); invalid_argument past
  // store::kCollectionBatchMax videos.
  static Result<std::int64_t> add_videos_in(store::Transaction& tx, const store::TenantScope& scope,
                                            std::string_view ref, const std::vector<Uuid>& videos);
  static Result<std::int64_t> remove_videos_in(store::Transaction& tx, const store::TenantScope& scope,
                                               std::string_view ref, const std::vector<Uuid>& videos);

  // A page of the tenant's videos, narrowed to a collection (id or name) and/or a tag (any
  // spelling the tag rule accepts). Errors: not_found for the collection (field "collection");
  // invalid_argument for a tag the rule refuses (field "tag").
  static Result<store::Page<store::Video>> videos_in(store::Transaction& tx, const store::TenantScope& scope,
                                                     store::PageRequest page,
                                                     const std::optional<std::string>& collection,
                                                     const std::optional<std::string>& tag);

  // Tags `video` with `tag` after normalising it (app/tag_name.hpp). Errors: invalid_argument
  // (field "tag"), not_found (field "video").
  static Result<TagChange> tag_in(store::Transaction& tx, const store::TenantScope& scope, const Uuid& video,
                                  std::string_view tag);
  static Result<TagChange> untag_in(store::Transaction& tx, const store::TenantScope& scope, const Uuid& video,
                                    std::string_view tag);
  // The video's tags in byte order. Errors: not_found (field "video").
  static Result<std::vector<std::string>> tags_in(store::Transaction& tx, const store::TenantScope& scope,
                                                  const Uuid& video);
  // Every tag of the tenant with its number of videos.
  static Result<std::vector<store::TagCount>> all_tags_in(store::Transaction& tx, const store::TenantScope& scope);
};

}  // namespace narralytica::app
