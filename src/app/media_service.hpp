// Media files (the audio or video a transcript belongs to), attached to a video: the bytes go to
// the content store under the data directory (never into the database), an attachment records
// their checksum, size and media type, and the video gets a "file" source naming it
// (store/media/media_repository.hpp). Shared by `PUT /v1/videos/{id}/media` and
// `narralytica media attach`.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "app/content_store.hpp"
#include "store/identity/authorizer.hpp"
#include "store/media/media_repository.hpp"

namespace narralytica::app {

// The largest media file accepted (the API's body limit is usually lower: ServerOptions).
inline constexpr std::int64_t kMediaBytesMax = 1LL << 30;

// "audio/wav" for "talk.wav" and the like: the types a browser's <video> element plays; nullopt
// for any other extension.
std::optional<std::string> media_type_for_file(const std::filesystem::path& file);

// Accepts audio/* and video/* types (parameters dropped, lower-cased). Errors: invalid_argument
// naming `field`.
Result<std::string> normalized_media_type(std::string_view type, std::string_view field);

// A video's media file and the public id of the tenant it belongs to (a media URL names both).
struct VideoMedia {
  Uuid tenant;
  store::Attachment attachment;
};

class MediaService {
 public:
  explicit MediaService(std::filesystem::path data_dir) : content_(std::move(data_dir)) {}

  // kVideosWrite. Stores `bytes` and links them to `video` inside the caller's transaction; the
  // file is durable before this returns. The video is looked up first, so another tenant's id
  // answers not_found before anything about the file is said. `media_type` is normalized
  // (normalized_media_type, naming `type_field`). Errors: not_found for the video;
  // invalid_argument for a media type that is not audio or video, an empty or too large file;
  // unavailable when the data directory cannot be written.
  Result<VideoMedia> attach_in(store::Transaction& tx, const store::TenantScope& scope, const Uuid& video,
                               std::string_view bytes, std::string_view media_type,
                               std::string_view type_field = "type") const;

  // The same in its own transaction, for `principal` acting in the tenant named `tenant_ref`
  // (write on videos), committed.
  Result<store::Attachment> attach(store::Database& database, const store::Principal& principal,
                                   std::string_view tenant_ref, const Uuid& video, std::string_view bytes,
                                   std::string_view media_type, store::StoreContext context = {}) const;

  // kVideosRead. The video's media file. Errors: not_found for the video (field "video", also
  // another tenant's), or when no file is attached to it (field "media").
  static Result<VideoMedia> find_in(store::Transaction& tx, const store::TenantScope& scope, const Uuid& video);

  const ContentStore& content() const { return content_; }

 private:
  ContentStore content_;
};

}  // namespace narralytica::app
