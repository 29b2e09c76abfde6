#include "store/media/media_repository.hpp"

#include "core/hashing.hpp"
#include "core/json_writer.hpp"

namespace narralytica::store {
namespace {

constexpr std::string_view kUriPrefix = "attachment:";

constexpr const char* kSelectMediaSource =
    "SELECT uri FROM video_sources WHERE tenant_id = $1 AND video_id = $2 AND kind = 'file' "
    "AND uri LIKE 'attachment:%' ORDER BY id DESC LIMIT 1";
constexpr const char* kDeleteMediaSources =
    "DELETE FROM video_sources WHERE tenant_id = $1 AND video_id = $2 AND kind = 'file' AND uri LIKE 'attachment:%'";
constexpr const char* kCountPrimary =
    "SELECT count(*) FROM video_sources WHERE tenant_id = $1 AND video_id = $2 AND is_primary = $3";
constexpr const char* kInsertMediaSource =
    "INSERT INTO video_sources (public_id, tenant_id, video_id, kind, uri, external_id, checksum, "
    "is_primary, created_at, updated_at) VALUES ($1, $2, $3, 'file', $4, NULL, $5, $6, $7, $7)";

}  // namespace

Result<VideoSource> MediaRepository::attach(Transaction& tx, const TenantScope& scope, const Video& video,
                                            const Attachment& attachment) {
  ASSIGN_OR_RETURN(Statement * remove, tx.prepare(kDeleteMediaSources));
  remove->bind_int64(1, scope.tenant_id());
  remove->bind_int64(2, video.id);
  RETURN_IF_ERROR(remove->execute());
  ASSIGN_OR_RETURN(Statement * count, tx.prepare(kCountPrimary));
  count->bind_int64(1, scope.tenant_id());
  count->bind_int64(2, video.id);
  count->bind_bool(3, true);
  ASSIGN_OR_RETURN(bool counted, count->step());
  const bool has_primary = counted && count->column_int64(0) > 0;
  count->reset();

  VideoSource source{tx.new_id(), "file", std::string(kUriPrefix) + attachment.public_id.to_string(), std::nullopt,
                     "sha256:" + to_hex(attachment.sha256), !has_primary};
  ASSIGN_OR_RETURN(Statement * insert, tx.prepare(kInsertMediaSource));
  insert->bind_uuid(1, source.public_id);
  insert->bind_int64(2, scope.tenant_id());
  insert->bind_int64(3, video.id);
  insert->bind_text(4, *source.uri);
  insert->bind_text(5, *source.checksum);
  insert->bind_bool(6, source.is_primary);
  insert->bind_int64(7, tx.now_us());
  RETURN_IF_ERROR(insert->execute());
  tx.record_change(scope, "video.media_attached", "video", video.public_id,
                   JsonObject()
                       .add("attachment_id", attachment.public_id.to_string())
                       .add("media_type", attachment.media_type)
                       .add("size_bytes", attachment.size_bytes)
                       .add("sha256", to_hex(attachment.sha256))
                       .str());
  return source;
}

Result<std::optional<Attachment>> MediaRepository::find(Transaction& tx, const TenantScope& scope,
                                                        const Uuid& video_id) {
  ASSIGN_OR_RETURN(Video video, VideoRepository::get(tx, scope, video_id));
  ASSIGN_OR_RETURN(Statement * select, tx.prepare(kSelectMediaSource));
  select->bind_int64(1, scope.tenant_id());
  select->bind_int64(2, video.id);
  ASSIGN_OR_RETURN(bool found, select->step());
  if (!found) return std::optional<Attachment>();
  const std::string uri = select->column_text(0);
  select->reset();
  auto attachment_id = Uuid::parse(std::string_view(uri).substr(kUriPrefix.size()));
  if (!attachment_id) return make_error(ErrorCode::internal, "a media source names no attachment: " + uri);
  ASSIGN_OR_RETURN(Attachment attachment, AttachmentRepository::get(tx, scope, *attachment_id));
  return std::optional<Attachment>(std::move(attachment));
}

}  // namespace narralytica::store
