// A video's media file: upload (PUT /v1/videos/{id}/media, stored under the data directory, never
// in the database), a signed URL for the player (GET /v1/videos/{id}/media), and the file itself
// at that URL with HTTP Range requests (GET /media/{tenant}/{sha256}). The URL is the capability:
// see api/detail/media_url.hpp for why and what it grants.
#include <charconv>

#include "api/detail/byte_range.hpp"
#include "api/detail/io.hpp"
#include "api/detail/media_url.hpp"
#include "api/detail/route.hpp"
#include "api/detail/state.hpp"
#include "api/problem.hpp"
#include "app/media_service.hpp"
#include "app/video_service.hpp"
#include "core/hashing.hpp"
#include "core/json_writer.hpp"

namespace narralytica::api {
namespace media_routes_impl {
namespace {

// One answer holds at most this much of a media file: a player asks for the rest by Range.
constexpr std::int64_t kRangeBytesMax = 4 * 1024 * 1024;
// A request without Range gets the whole file only up to this size.
constexpr std::int64_t kWholeBytesMax = 64 * 1024 * 1024;

// The answer to both: the file, and a URL the player can fetch it through without a token.
HttpResponse media_answer(Call& call, int status, const app::VideoMedia& media) {
  const std::int64_t expires_s = call.state.clock().now_us() / 1'000'000 + kMediaUrlLifetimeS;
  const store::Attachment& a = media.attachment;
  const std::string url = sign_media_url(call.state.media_url_key,
                                         MediaGrant{media.tenant, to_hex(a.sha256), a.media_type, expires_s});
  return json_response(status, JsonObject()
                                   .add("attachment_id", a.public_id.to_string())
                                   .add("media_type", a.media_type)
                                   .add("size_bytes", a.size_bytes)
                                   .add("sha256", to_hex(a.sha256))
                                   .add("url", url)
                                   .add("expires_at", rfc3339(expires_s * 1'000'000))
                                   .str());
}

Result<HttpResponse> put_media(Call& call) {
  ASSIGN_OR_RETURN(Uuid video, path_id(call, "id", "video"));
  ASSIGN_OR_RETURN(app::VideoMedia attached, call.state.media.attach_in(*call.tx, *call.scope, video, call.request.body,
                                                                         call.request.header("content-type"),
                                                                         "Content-Type"));
  return media_answer(call, 201, attached);
}

Result<HttpResponse> get_media_url(Call& call) {
  ASSIGN_OR_RETURN(Uuid video, path_id(call, "id", "video"));
  ASSIGN_OR_RETURN(app::VideoMedia media, app::MediaService::find_in(*call.tx, *call.scope, video));
  HttpResponse response = media_answer(call, 200, media);
  response.with_header("Cache-Control", "no-store");
  return response;
}

// GET /media/{tenant}/{sha256}?type=&expires=&sig=: open (the URL is the credential). Anything
// wrong with the URL answers 404, like a file that does not exist.
Result<HttpResponse> get_media_file(Call& call) {
  const HttpRequest& request = call.request;
  auto query = [&](std::string_view name) { return request.query_param(name).value_or(""); };
  auto grant = verify_media_url(call.state.media_url_key, call.param("tenant"), call.param("sha256"), query("type"),
                                query("expires"), query("sig"), call.state.clock().now_us());
  if (!grant) return make_error(ErrorCode::not_found, "this media link is not valid or has expired", "sig");
  std::string digest;
  from_hex(grant->sha256_hex, digest);
  const app::ContentStore& content = call.state.media.content();
  const std::string storage_uri = content.locate(grant->tenant, 0, digest).storage_uri;
  ASSIGN_OR_RETURN(std::int64_t size, content.size_of(storage_uri));

  HttpResponse response;
  response.content_type = grant->media_type;
  response.with_header("Accept-Ranges", "bytes");
  // Content-addressed: the bytes behind this URL never change.
  response.with_header("Cache-Control", "private, max-age=" + std::to_string(kMediaUrlLifetimeS));
  response.with_header("ETag", "\"" + grant->sha256_hex + "\"");
  response.with_header("X-Content-Type-Options", "nosniff");
  auto range = parse_range(request.header("range"), size);
  if (range && !*range) {
    HttpResponse refused = problem(416, "range_not_satisfiable",
                                   "the range starts past the end of the file (" + std::to_string(size) + " bytes)",
                                   "Range", request);
    refused.with_header("Content-Range", "bytes */" + std::to_string(size));
    return refused;
  }
  if (!range) {
    if (size > kWholeBytesMax) {
      HttpResponse refused = problem(416, "range_required", "this file is large: ask for it in ranges (Range: bytes=0-)",
                                     "Range", request);
      refused.with_header("Content-Range", "bytes */" + std::to_string(size));
      return refused;
    }
    ASSIGN_OR_RETURN(response.body, content.read_range(storage_uri, 0, size));
    return response;
  }
  const ByteRange r{(*range)->first, std::min((*range)->last, (*range)->first + kRangeBytesMax - 1)};
  ASSIGN_OR_RETURN(response.body, content.read_range(storage_uri, r.first, r.last - r.first + 1));
  response.status = 206;
  response.with_header("Content-Range", "bytes " + std::to_string(r.first) + "-" +
                                            std::to_string(r.first + static_cast<std::int64_t>(response.body.size()) - 1) +
                                            "/" + std::to_string(size));
  return response;
}

constexpr std::string_view kMediaFileQuery[] = {"type", "expires", "sig"};

constexpr Answer kMediaFileAlso[] = {{206}, {416}};  // Range answers, and a range refused

constexpr Route kRoutes[] = {
    {.method = "PUT", .pattern = "/v1/videos/{id}/media", .operation_id = "video.media_attach", .returns = "MediaAttachment",
     .summary = "Attach a media file (the body; Content-Type audio/* or video/*, up to the server's body limit) to "
                "the video, replacing any before; kept under the data directory, answered with a signed URL",
     .permission = app::kVideosWrite, .body = BodyKind::upload, .handler = put_media, .resource_type = "video",
     .status = 201},
    {.method = "GET", .pattern = "/v1/videos/{id}/media", .operation_id = "video.media", .returns = "MediaAttachment",
     .summary = "The video's media file: type, size and a signed URL the player can fetch without a token "
                "(valid six hours); 404 when none is attached",
     .permission = app::kVideosRead, .handler = get_media_url},
    {.method = "GET", .pattern = "/media/{tenant}/{sha256}", .operation_id = "media.file",
     .summary = "A media file through a signed URL from GET /v1/videos/{id}/media, with Range requests (206)",
     .access = Access::open, .handler = get_media_file, .query = kMediaFileQuery,
     .produces = "*/*", .also = kMediaFileAlso},
};

}  // namespace
}  // namespace media_routes_impl

std::span<const Route> media_routes() { return media_routes_impl::kRoutes; }

}  // namespace narralytica::api
