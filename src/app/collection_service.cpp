#include "app/collection_service.hpp"

#include "app/tag_name.hpp"
#include "store/media/video_filter.hpp"

namespace narralytica::app {

using store::Collection;
using store::CollectionRepository;
using store::TagRepository;
using store::TenantScope;
using store::Transaction;

Result<store::Page<Collection>> CollectionService::list_in(Transaction& tx, const TenantScope& scope,
                                                           store::PageRequest page) {
  return CollectionRepository::list(tx, scope, page);
}

Result<Collection> CollectionService::create_in(Transaction& tx, const TenantScope& scope, std::string_view name,
                                                std::string_view description) {
  return CollectionRepository::create(tx, scope, name, description);
}

Result<Collection> CollectionService::get_in(Transaction& tx, const TenantScope& scope, std::string_view ref) {
  if (auto id = Uuid::parse(ref)) return CollectionRepository::get(tx, scope, *id);
  ASSIGN_OR_RETURN(std::optional<Collection> named, CollectionRepository::find_by_name(tx, scope, ref));
  if (!named) return make_error(ErrorCode::not_found, "no collection '" + std::string(ref) + "'", "collection");
  return std::move(*named);
}

Result<Collection> CollectionService::update_in(Transaction& tx, const TenantScope& scope, std::string_view ref,
                                                const store::CollectionPatch& patch) {
  ASSIGN_OR_RETURN(Collection c, get_in(tx, scope, ref));
  return CollectionRepository::update(tx, scope, c.public_id, patch);
}

Status CollectionService::remove_in(Transaction& tx, const TenantScope& scope, std::string_view ref) {
  ASSIGN_OR_RETURN(Collection c, get_in(tx, scope, ref));
  return CollectionRepository::remove(tx, scope, c.public_id);
}

Result<std::int64_t> CollectionService::add_videos_in(Transaction& tx, const TenantScope& scope, std::string_view ref,
                                                      const std::vector<Uuid>& videos) {
  ASSIGN_OR_RETURN(Collection c, get_in(tx, scope, ref));
  return CollectionRepository::add_videos(tx, scope, c.public_id, videos);
}

Result<std::int64_t> CollectionService::remove_videos_in(Transaction& tx, const TenantScope& scope,
                                                         std::string_view ref, const std::vector<Uuid>& videos) {
  ASSIGN_OR_RETURN(Collection c, get_in(tx, scope, ref));
  return CollectionRepository::remove_videos(tx, scope, c.public_id, videos);
}

Result<store::Page<store::Video>> CollectionService::videos_in(Transaction& tx, const TenantScope& scope,
                                                               store::PageRequest page,
                                                               const std::optional<std::string>& collection,
                                                               const std::optional<std::string>& tag) {
  store::VideoFilter filter;
  if (collection) {
    ASSIGN_OR_RETURN(Collection c, get_in(tx, scope, *collection));
    filter.collection_id = c.id;
  }
  if (tag) {
    ASSIGN_OR_RETURN(filter.tag, normalize_tag(*tag, "tag"));
  }
  return store::list_videos(tx, scope, page, filter);
}

Result<TagChange> CollectionService::tag_in(Transaction& tx, const TenantScope& scope, const Uuid& video,
                                            std::string_view tag) {
  TagChange change;
  ASSIGN_OR_RETURN(change.tag, normalize_tag(tag, "tag"));
  ASSIGN_OR_RETURN(change.changed, TagRepository::add(tx, scope, video, change.tag));
  return change;
}

Result<TagChange> CollectionService::untag_in(Transaction& tx, const TenantScope& scope, const Uuid& video,
                                              std::string_view tag) {
  TagChange change;
  ASSIGN_OR_RETURN(change.tag, normalize_tag(tag, "tag"));
  ASSIGN_OR_RETURN(change.changed, TagRepository::remove(tx, scope, video, change.tag));
  return change;
}

Result<std::vector<std::string>> CollectionService::tags_in(Transaction& tx, const TenantScope& scope,
                                                            const Uuid& video) {
  return TagRepository::of_video(tx, scope, video);
}

Result<std::vector<store::TagCount>> CollectionService::all_tags_in(Transaction& tx, const TenantScope& scope) {
  return TagRepository::all(tx, scope);
}

}  // namespace narralytica::app
