// Proves a video's media file over real HTTP on both backends: an upload is kept under the data
// directory (not in the database) and audited; the player's signed URL serves the bytes without
// a token, with Range requests (206 and Content-Range, 416 past the end) and the right type; a
// viewer may read the URL but not upload; a bad media type is refused naming Content-Type; and an
// altered, re-targeted or expired URL answers 404 like a missing file.
#include <filesystem>

#include "api/detail/media_url.hpp"
#include "api_fixture.hpp"
#include "core/hashing.hpp"

namespace narralytica::testing {
namespace {

using nlohmann::json;

std::string media_bytes() {
  std::string bytes(10'000, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7 % 251);
  return bytes;
}

TEST_P(ApiTest, MediaUploadIsServedWithRangesThroughASignedUrl) {
  NARRALYTICA_API_TEST();
  const std::string video = video_a_.public_id.to_string();
  EXPECT_EQ(call("GET", "/v1/videos/" + video + "/media", viewer_a_).status, 404);  // nothing attached yet
  const std::string bytes = media_bytes();
  auto put = call("PUT", "/v1/videos/" + video + "/media", editor_a_, bytes, {"Content-Type: audio/wav"});
  ASSERT_EQ(put.status, 201) << put.body;
  const json attached = json_of(put);
  EXPECT_EQ(attached["media_type"], "audio/wav");
  EXPECT_EQ(attached["size_bytes"], 10'000);
  EXPECT_EQ(attached["sha256"], to_hex(sha256(bytes)));
  EXPECT_EQ(count("audit_logs", "action = 'video.media_attached' AND outcome = 'allowed'"), 1);
  EXPECT_EQ(count("video_sources", "kind = 'file'"), 1);
  // The bytes are a file under the data directory, content-addressed by tenant and hash.
  const std::string hex = attached["sha256"];
  const auto file = data_dir_.path() / "attachments" / tenant_a_.public_id.to_string() / hex.substr(0, 2) / hex;
  ASSERT_TRUE(std::filesystem::exists(file));
  EXPECT_EQ(std::filesystem::file_size(file), 10'000u);

  auto got = call("GET", "/v1/videos/" + video + "/media", viewer_a_);
  ASSERT_EQ(got.status, 200) << got.body;
  const std::string url = json_of(got)["url"];
  ASSERT_TRUE(url.starts_with("/media/" + tenant_a_.public_id.to_string() + "/" + hex + "?")) << url;
  EXPECT_EQ(url.find("nla_"), std::string::npos);  // the URL carries no API token

  auto whole = call("GET", url, "");
  ASSERT_EQ(whole.status, 200) << whole.body;
  EXPECT_EQ(whole.body, bytes);
  EXPECT_EQ(whole.header("content-type"), "audio/wav");
  EXPECT_EQ(whole.header("accept-ranges"), "bytes");

  auto part = call("GET", url, "", "", {"Range: bytes=100-199"});
  ASSERT_EQ(part.status, 206);
  EXPECT_EQ(part.header("content-range"), "bytes 100-199/10000");
  EXPECT_EQ(part.body, bytes.substr(100, 100));
  auto open_ended = call("GET", url, "", "", {"Range: bytes=9990-"});
  ASSERT_EQ(open_ended.status, 206);
  EXPECT_EQ(open_ended.header("content-range"), "bytes 9990-9999/10000");
  EXPECT_EQ(open_ended.body, bytes.substr(9990));
  auto suffix = call("GET", url, "", "", {"Range: bytes=-10"});
  ASSERT_EQ(suffix.status, 206);
  EXPECT_EQ(suffix.body, bytes.substr(9990));
  auto past = call("GET", url, "", "", {"Range: bytes=20000-"});
  EXPECT_EQ(past.status, 416);
  EXPECT_EQ(past.header("content-range"), "bytes */10000");

  // Replacing the media keeps one file source on the video.
  ASSERT_EQ(call("PUT", "/v1/videos/" + video + "/media", editor_a_, bytes + "more", {"Content-Type: video/mp4"}).status,
            201);
  EXPECT_EQ(count("video_sources", "kind = 'file'"), 1);
  EXPECT_EQ(json_of(call("GET", "/v1/videos/" + video + "/media", viewer_a_))["media_type"], "video/mp4");
}

TEST_P(ApiTest, MediaUploadIsRefusedToViewersAndForNonMediaTypes) {
  NARRALYTICA_API_TEST();
  const std::string target = "/v1/videos/" + video_a_.public_id.to_string() + "/media";
  EXPECT_EQ(call("PUT", target, viewer_a_, media_bytes(), {"Content-Type: audio/wav"}).status, 403);
  auto text = call("PUT", target, editor_a_, "hello", {"Content-Type: text/plain"});
  EXPECT_EQ(text.status, 422) << text.body;
  EXPECT_EQ(json_of(text)["field"], "Content-Type");
  auto empty = call("PUT", target, editor_a_, "", {"Content-Type: audio/wav"});
  EXPECT_EQ(empty.status, 422) << empty.body;
  EXPECT_EQ(json_of(empty)["field"], "body");
  EXPECT_EQ(call("PUT", target, owner_b_, media_bytes(), {"Content-Type: audio/wav"}).status, 404);
  EXPECT_EQ(count("attachments", "kind = 'other'"), 0);
}

TEST_P(ApiTest, AlteredOrRetargetedMediaUrlsAnswerNotFound) {
  NARRALYTICA_API_TEST();
  const std::string video = video_a_.public_id.to_string();
  ASSERT_EQ(call("PUT", "/v1/videos/" + video + "/media", editor_a_, media_bytes(), {"Content-Type: audio/wav"}).status,
            201);
  const std::string url = json_of(call("GET", "/v1/videos/" + video + "/media", viewer_a_))["url"];
  ASSERT_EQ(call("GET", url, "").status, 200);
  std::string forged = url;
  forged.back() = forged.back() == '0' ? '1' : '0';
  EXPECT_EQ(call("GET", forged, "").status, 404);
  std::string retyped = url;
  retyped.replace(retyped.find("audio%2Fwav"), 11, "video%2Fmp4");
  EXPECT_EQ(call("GET", retyped, "").status, 404);
  std::string other_tenant = url;
  const std::string a = tenant_a_.public_id.to_string();
  other_tenant.replace(other_tenant.find(a), a.size(), tenant_b_.public_id.to_string());
  auto moved = call("GET", other_tenant, "");
  EXPECT_EQ(moved.status, 404);
  EXPECT_EQ(moved.header("content-type"), "application/problem+json");
}

// Signing is a pure function of the key, the grant and the clock: checked here without a server.
TEST(MediaUrl, ExpiresAndIsBoundToTheKey) {
  const Uuid tenant = *Uuid::parse("01900000-0000-7000-8000-000000000001");
  const std::string hex(64, 'a');
  const api::MediaGrant grant{tenant, hex, "audio/ogg", 1'000};
  const std::string url = api::sign_media_url("key-1", grant);
  const std::string sig = url.substr(url.find("&sig=") + 5);
  EXPECT_TRUE(api::verify_media_url("key-1", tenant.to_string(), hex, "audio/ogg", "1000", sig, 999'000'000));
  EXPECT_FALSE(api::verify_media_url("key-1", tenant.to_string(), hex, "audio/ogg", "1000", sig, 1'000'000'000));
  EXPECT_FALSE(api::verify_media_url("key-2", tenant.to_string(), hex, "audio/ogg", "1000", sig, 999'000'000));
  EXPECT_FALSE(api::verify_media_url("key-1", tenant.to_string(), hex, "audio/ogg", "2000", sig, 999'000'000));
  EXPECT_FALSE(api::verify_media_url("key-1", tenant.to_string(), "../../etc/passwd", "audio/ogg", "1000", sig, 0));
}

}  // namespace
}  // namespace narralytica::testing
