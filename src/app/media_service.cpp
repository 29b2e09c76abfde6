#include "app/media_service.hpp"

#include <algorithm>
#include <cctype>

#include "core/hashing.hpp"
#include "store/tenancy/tenant_repository.hpp"

namespace narralytica::app {

std::optional<std::string> media_type_for_file(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".mp4", "video/mp4"},   {".m4v", "video/mp4"},  {".webm", "video/webm"}, {".ogv", "video/ogg"},
      {".mp3", "audio/mpeg"},  {".m4a", "audio/mp4"},  {".ogg", "audio/ogg"},   {".oga", "audio/ogg"},
      {".opus", "audio/ogg"},  {".wav", "audio/wav"},  {".flac", "audio/flac"}, {".weba", "audio/webm"},
  };
  for (const auto& [known, type] : kTypes) {
    if (ext == known) return std::string(type);
  }
  return std::nullopt;
}

Result<std::string> normalized_media_type(std::string_view type, std::string_view field) {
  std::string media(type.substr(0, type.find(';')));
  while (!media.empty() && media.back() == ' ') media.pop_back();
  std::transform(media.begin(), media.end(), media.begin(), [](unsigned char c) { return std::tolower(c); });
  const bool audio_or_video = media.starts_with("audio/") || media.starts_with("video/");
  if (!audio_or_video || media.size() > 100 ||
      media.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789/.+-") != std::string::npos) {
    return make_error(ErrorCode::invalid_argument,
                      "a media file is audio/* or video/* (such as video/mp4, audio/wav), not \"" + std::string(type) +
                          "\"",
                      std::string(field));
  }
  return media;
}

Result<VideoMedia> MediaService::attach_in(store::Transaction& tx, const store::TenantScope& scope, const Uuid& video,
                                           std::string_view bytes, std::string_view media_type,
                                           std::string_view type_field) const {
  // The video first: a request for another tenant's video writes nothing anywhere and learns
  // nothing about its file.
  ASSIGN_OR_RETURN(store::Video target, store::VideoRepository::get(tx, scope, video));
  ASSIGN_OR_RETURN(std::string type, normalized_media_type(media_type, type_field));
  if (bytes.empty()) return make_error(ErrorCode::invalid_argument, "the media file is empty", "body");
  if (static_cast<std::int64_t>(bytes.size()) > kMediaBytesMax) {
    return make_error(ErrorCode::invalid_argument, "a media file is at most 1 GiB", "body");
  }
  ASSIGN_OR_RETURN(store::Tenant tenant, store::TenantRepository::find_by_id(tx, scope.tenant_id()));
  const StoredBlob blob = content_.locate(tenant.public_id, static_cast<std::int64_t>(bytes.size()), sha256(bytes));
  // Written before the rows that name it: a rollback leaves only an unreferenced blob.
  RETURN_IF_ERROR(content_.write(blob, bytes));
  store::Attachment draft;
  draft.kind = "other";
  draft.media_type = std::move(type);
  draft.sha256 = blob.sha256;
  draft.size_bytes = blob.size_bytes;
  draft.storage_uri = blob.storage_uri;
  ASSIGN_OR_RETURN(store::Attachment attachment, store::AttachmentRepository::put(tx, scope, draft));
  RETURN_IF_ERROR(store::MediaRepository::attach(tx, scope, target, attachment));
  return VideoMedia{tenant.public_id, std::move(attachment)};
}

Result<VideoMedia> MediaService::find_in(store::Transaction& tx, const store::TenantScope& scope, const Uuid& video) {
  ASSIGN_OR_RETURN(std::optional<store::Attachment> attachment, store::MediaRepository::find(tx, scope, video));
  if (!attachment) return make_error(ErrorCode::not_found, "no media file is attached to this video", "media");
  ASSIGN_OR_RETURN(store::Tenant tenant, store::TenantRepository::find_by_id(tx, scope.tenant_id()));
  return VideoMedia{tenant.public_id, std::move(*attachment)};
}

Result<store::Attachment> MediaService::attach(store::Database& database, const store::Principal& principal,
                                               std::string_view tenant_ref, const Uuid& video, std::string_view bytes,
                                               std::string_view media_type, store::StoreContext context) const {
  ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::begin(database, store::TxMode::write, context));
  ASSIGN_OR_RETURN(store::Tenant tenant, store::TenantRepository::find(tx, tenant_ref));
  ASSIGN_OR_RETURN(store::TenantScope scope, store::Authorizer::authorize(tx, principal, tenant, {"write", "videos"}));
  ASSIGN_OR_RETURN(VideoMedia attached, attach_in(tx, scope, video, bytes, media_type));
  RETURN_IF_ERROR(tx.commit());
  return std::move(attached.attachment);
}

}  // namespace narralytica::app
