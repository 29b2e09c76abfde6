#include "store/media/collection_repository.hpp"

#include <algorithm>

#include "core/ascii.hpp"
#include "core/json_writer.hpp"

namespace narralytica::store {
namespace {

#define COLLECTION_COLUMNS                                                                                   \
  "c.id, c.public_id, c.name, c.description, c.created_at, c.updated_at, "                                  \
  "(SELECT count(*) FROM collection_videos cv WHERE cv.tenant_id = c.tenant_id AND cv.collection_id = c.id)"

constexpr const char* kInsertCollection =
    "INSERT INTO collections (public_id, tenant_id, name, description, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $5) RETURNING id";
constexpr const char* kSelectCollection =
    "SELECT " COLLECTION_COLUMNS " FROM collections c WHERE c.tenant_id = $1 AND c.public_id = $2";
constexpr const char* kSelectCollectionByName =
    "SELECT " COLLECTION_COLUMNS " FROM collections c WHERE c.tenant_id = $1 AND c.name = $2";
constexpr const char* kListCollectionsFirst =
    "SELECT " COLLECTION_COLUMNS " FROM collections c WHERE c.tenant_id = $1 ORDER BY c.id LIMIT $2";
constexpr const char* kListCollectionsAfter =
    "SELECT " COLLECTION_COLUMNS " FROM collections c WHERE c.tenant_id = $1 "
    "AND c.id > (SELECT id FROM collections WHERE tenant_id = $1 AND public_id = $3) ORDER BY c.id LIMIT $2";
constexpr const char* kOfVideo =
    "SELECT " COLLECTION_COLUMNS " FROM collection_videos m "
    "JOIN collections c ON c.tenant_id = m.tenant_id AND c.id = m.collection_id "
    "WHERE m.tenant_id = $1 AND m.video_id = $2 ORDER BY c.name";
constexpr const char* kUpdateCollection =
    "UPDATE collections SET name = $3, description = $4, updated_at = $5 WHERE tenant_id = $1 AND id = $2";
constexpr const char* kTouchCollection = "UPDATE collections SET updated_at = $3 WHERE tenant_id = $1 AND id = $2";
constexpr const char* kDeleteCollection = "DELETE FROM collections WHERE tenant_id = $1 AND id = $2";
constexpr const char* kVideoId = "SELECT id FROM videos WHERE tenant_id = $1 AND public_id = $2";
constexpr const char* kAddVideo =
    "INSERT INTO collection_videos (tenant_id, collection_id, video_id, created_at) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT DO NOTHING";
constexpr const char* kRemoveVideo =
    "DELETE FROM collection_videos WHERE tenant_id = $1 AND collection_id = $2 AND video_id = $3";

constexpr const char* kAddTag =
    "INSERT INTO video_tags (tenant_id, video_id, tag, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
constexpr const char* kCountTags = "SELECT count(*) FROM video_tags WHERE tenant_id = $1 AND video_id = $2";
constexpr const char* kRemoveTag = "DELETE FROM video_tags WHERE tenant_id = $1 AND video_id = $2 AND tag = $3";
constexpr const char* kTagsOfVideo = "SELECT tag FROM video_tags WHERE tenant_id = $1 AND video_id = $2";
constexpr const char* kAllTags =
    "SELECT tag, count(*) FROM video_tags WHERE tenant_id = $1 GROUP BY tag ORDER BY tag LIMIT $2";

#undef COLLECTION_COLUMNS

Collection read_collection(const Statement& s) {
  Collection c;
  c.id = s.column_int64(0);
  c.public_id = s.column_uuid(1);
  c.name = s.column_text(2);
  c.description = s.column_text(3);
  c.created_at = s.column_int64(4);
  c.updated_at = s.column_int64(5);
  c.video_count = s.column_int64(6);
  return c;
}


Status validate(std::string_view name, std::string_view description) {
  if (is_blank(name) || name.size() > kCollectionNameLengthMax) {
    return make_error(ErrorCode::invalid_argument,
                      "a collection name is 1 to " + std::to_string(kCollectionNameLengthMax) + " characters, not blank",
                      "name");
  }
  if (description.size() > kCollectionDescriptionLengthMax) {
    return make_error(ErrorCode::invalid_argument,
                      "a description is at most " + std::to_string(kCollectionDescriptionLengthMax) + " characters",
                      "description");
  }
  return ok_status();
}

Error name_taken(std::string_view name) {
  return make_error(ErrorCode::conflict, "the tenant already has a collection named '" + std::string(name) + "'",
                    "name");
}

std::string collection_payload(const Collection& c) { return JsonObject().add("name", c.name).str(); }

// The internal id of a video of the tenant. Errors: not_found naming `field`.
Result<std::int64_t> video_id(Transaction& tx, const TenantScope& scope, const Uuid& video, const std::string& field) {
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kVideoId));
  s->bind_int64(1, scope.tenant_id());
  s->bind_uuid(2, video);
  ASSIGN_OR_RETURN(bool found, s->step());
  if (!found) return make_error(ErrorCode::not_found, "no video " + video.to_string(), field);
  const std::int64_t id = s->column_int64(0);
  s->reset();
  return id;
}

// Adds (kAddVideo) or removes (kRemoveVideo) each video; the ids of those that changed.
Result<std::vector<Uuid>> change_members(Transaction& tx, const TenantScope& scope, const Collection& collection,
                                         const std::vector<Uuid>& videos, const char* sql) {
  if (videos.size() > kCollectionBatchMax) {
    return make_error(ErrorCode::invalid_argument,
                      "at most " + std::to_string(kCollectionBatchMax) + " videos at once", "videos");
  }
  std::vector<Uuid> changed;
  for (std::size_t i = 0; i < videos.size(); ++i) {
    ASSIGN_OR_RETURN(std::int64_t id, video_id(tx, scope, videos[i], "videos[" + std::to_string(i) + "]"));
    ASSIGN_OR_RETURN(Statement * s, tx.prepare(sql));
    s->bind_int64(1, scope.tenant_id());
    s->bind_int64(2, collection.id);
    s->bind_int64(3, id);
    if (sql == kAddVideo) s->bind_int64(4, tx.now_us());
    ASSIGN_OR_RETURN(std::int64_t rows, s->execute());
    if (rows > 0) changed.push_back(videos[i]);
  }
  if (!changed.empty()) {
    ASSIGN_OR_RETURN(Statement * touch, tx.prepare(kTouchCollection));
    touch->bind_int64(1, scope.tenant_id());
    touch->bind_int64(2, collection.id);
    touch->bind_int64(3, std::max(tx.now_us(), collection.updated_at + 1));
    RETURN_IF_ERROR(touch->execute());
  }
  return changed;
}

std::string members_payload(const Collection& collection, const std::vector<Uuid>& videos) {
  std::string ids = "[";
  for (std::size_t i = 0; i < videos.size(); ++i) {
    if (i) ids += ',';
    append_json_string(ids, videos[i].to_string());
  }
  ids += ']';
  return JsonObject().add("name", collection.name).add_raw("videos", ids).str();
}

Status check_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > kTagBytesMax) {
    return make_error(ErrorCode::invalid_argument, "a tag is 1 to " + std::to_string(kTagBytesMax) + " bytes", "tag");
  }
  return ok_status();
}

}  // namespace

Result<Collection> CollectionRepository::create(Transaction& tx, const TenantScope& scope, std::string_view name,
                                                std::string_view description) {
  RETURN_IF_ERROR(validate(name, description));
  RETURN_IF_ERROR(tx.enter(scope));
  Collection c;
  c.public_id = tx.new_id();
  c.name = std::string(name);
  c.description = std::string(description);
  c.created_at = c.updated_at = tx.now_us();
  ASSIGN_OR_RETURN(Statement * insert, tx.prepare(kInsertCollection));
  insert->bind_uuid(1, c.public_id);
  insert->bind_int64(2, scope.tenant_id());
  insert->bind_text(3, c.name);
  insert->bind_text(4, c.description);
  insert->bind_int64(5, c.created_at);
  auto inserted = insert->step();
  if (!inserted.ok()) {
    if (inserted.error().code == ErrorCode::conflict) return name_taken(name);
    return std::move(inserted).error();
  }
  if (!*inserted) return make_error(ErrorCode::internal, "collection insert returned no id");
  c.id = insert->column_int64(0);
  insert->reset();
  tx.record_change(scope, "collection.created", "collection", c.public_id, collection_payload(c));
  return c;
}

Result<Collection> CollectionRepository::get(Transaction& tx, const TenantScope& scope, const Uuid& public_id) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectCollection));
  s->bind_int64(1, scope.tenant_id());
  s->bind_uuid(2, public_id);
  ASSIGN_OR_RETURN(bool found, s->step());
  if (!found) return make_error(ErrorCode::not_found, "no collection " + public_id.to_string(), "collection");
  Collection c = read_collection(*s);
  s->reset();
  return c;
}

Result<std::optional<Collection>> CollectionRepository::find_by_name(Transaction& tx, const TenantScope& scope,
                                                                     std::string_view name) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectCollectionByName));
  s->bind_int64(1, scope.tenant_id());
  s->bind_text(2, name);
  ASSIGN_OR_RETURN(bool found, s->step());
  if (!found) return std::optional<Collection>{};
  Collection c = read_collection(*s);
  s->reset();
  return std::optional<Collection>(std::move(c));
}

Result<Page<Collection>> CollectionRepository::list(Transaction& tx, const TenantScope& scope, PageRequest page) {
  RETURN_IF_ERROR(check_page_limit(page.limit));
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(page.after ? kListCollectionsAfter : kListCollectionsFirst));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, page.limit);
  if (page.after) s->bind_uuid(3, *page.after);
  ASSIGN_OR_RETURN(std::vector<Collection> items, s->collect(read_collection));
  return make_page(std::move(items), page.limit);
}

Result<Collection> CollectionRepository::update(Transaction& tx, const TenantScope& scope, const Uuid& public_id,
                                                const CollectionPatch& patch) {
  ASSIGN_OR_RETURN(Collection c, get(tx, scope, public_id));
  if (patch.name) c.name = *patch.name;
  if (patch.description) c.description = *patch.description;
  RETURN_IF_ERROR(validate(c.name, c.description));
  c.updated_at = std::max(tx.now_us(), c.updated_at + 1);
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kUpdateCollection));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, c.id);
  s->bind_text(3, c.name);
  s->bind_text(4, c.description);
  s->bind_int64(5, c.updated_at);
  auto done = s->execute();
  if (!done.ok()) {
    if (done.error().code == ErrorCode::conflict) return name_taken(c.name);
    return std::move(done).error();
  }
  tx.record_change(scope, "collection.updated", "collection", c.public_id, collection_payload(c));
  return c;
}

Status CollectionRepository::remove(Transaction& tx, const TenantScope& scope, const Uuid& public_id) {
  ASSIGN_OR_RETURN(Collection c, get(tx, scope, public_id));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kDeleteCollection));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, c.id);
  RETURN_IF_ERROR(s->execute());
  tx.record_change(scope, "collection.deleted", "collection", c.public_id, collection_payload(c));
  return ok_status();
}

Result<std::int64_t> CollectionRepository::add_videos(Transaction& tx, const TenantScope& scope,
                                                      const Uuid& collection, const std::vector<Uuid>& videos) {
  ASSIGN_OR_RETURN(Collection c, get(tx, scope, collection));
  ASSIGN_OR_RETURN(std::vector<Uuid> added, change_members(tx, scope, c, videos, kAddVideo));
  if (!added.empty()) {
    tx.record_change(scope, "collection.videos_added", "collection", c.public_id, members_payload(c, added));
  }
  return static_cast<std::int64_t>(added.size());
}

Result<std::int64_t> CollectionRepository::remove_videos(Transaction& tx, const TenantScope& scope,
                                                         const Uuid& collection, const std::vector<Uuid>& videos) {
  ASSIGN_OR_RETURN(Collection c, get(tx, scope, collection));
  ASSIGN_OR_RETURN(std::vector<Uuid> removed, change_members(tx, scope, c, videos, kRemoveVideo));
  if (!removed.empty()) {
    tx.record_change(scope, "collection.videos_removed", "collection", c.public_id, members_payload(c, removed));
  }
  return static_cast<std::int64_t>(removed.size());
}

Result<std::vector<Collection>> CollectionRepository::of_video(Transaction& tx, const TenantScope& scope,
                                                               const Uuid& video) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(std::int64_t id, video_id(tx, scope, video, "video"));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kOfVideo));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, id);
  return s->collect(read_collection);
}

Result<bool> TagRepository::add(Transaction& tx, const TenantScope& scope, const Uuid& video, std::string_view tag) {
  RETURN_IF_ERROR(check_tag(tag));
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(std::int64_t id, video_id(tx, scope, video, "video"));
  ASSIGN_OR_RETURN(Statement * count, tx.prepare(kCountTags));
  count->bind_int64(1, scope.tenant_id());
  count->bind_int64(2, id);
  ASSIGN_OR_RETURN(bool counted, count->step());
  const std::int64_t tags = counted ? count->column_int64(0) : 0;
  count->reset();
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kAddTag));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, id);
  s->bind_text(3, tag);
  s->bind_int64(4, tx.now_us());
  ASSIGN_OR_RETURN(std::int64_t rows, s->execute());
  if (rows == 0) return false;
  if (tags >= static_cast<std::int64_t>(kVideoTagsMax)) {
    return make_error(ErrorCode::invalid_argument,
                      "a video carries at most " + std::to_string(kVideoTagsMax) + " tags", "tag");
  }
  tx.record_change(scope, "video.tagged", "video", video, JsonObject().add("tag", tag).str());
  return true;
}

Result<bool> TagRepository::remove(Transaction& tx, const TenantScope& scope, const Uuid& video,
                                   std::string_view tag) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(std::int64_t id, video_id(tx, scope, video, "video"));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kRemoveTag));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, id);
  s->bind_text(3, tag);
  ASSIGN_OR_RETURN(std::int64_t rows, s->execute());
  if (rows == 0) return false;
  tx.record_change(scope, "video.untagged", "video", video, JsonObject().add("tag", tag).str());
  return true;
}

Result<std::vector<std::string>> TagRepository::of_video(Transaction& tx, const TenantScope& scope,
                                                         const Uuid& video) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(std::int64_t id, video_id(tx, scope, video, "video"));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kTagsOfVideo));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, id);
  ASSIGN_OR_RETURN(std::vector<std::string> tags, s->collect([](const Statement& row) { return row.column_text(0); }));
  // Byte order on both backends (PostgreSQL would sort by the database's collation).
  std::sort(tags.begin(), tags.end());
  return tags;
}

Result<std::vector<TagCount>> TagRepository::all(Transaction& tx, const TenantScope& scope) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kAllTags));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, static_cast<std::int64_t>(kTenantTagsListedMax));
  ASSIGN_OR_RETURN(std::vector<TagCount> tags, s->collect([](const Statement& row) {
    return TagCount{row.column_text(0), row.column_int64(1)};
  }));
  std::sort(tags.begin(), tags.end(), [](const TagCount& a, const TagCount& b) { return a.tag < b.tag; });
  return tags;
}

}  // namespace narralytica::store
