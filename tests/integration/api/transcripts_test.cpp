// Proves transcript upload and export over HTTP, on both backends: a file posted to a video is
// imported in the request's transaction (201, then 200 naming the same transcript when posted
// again), a block a browser would skip is skipped and reported in "warnings" with its line and
// column (?strict=true refuses the file there and writes nothing), a file without a language
// takes the video's, the same content posted to another video is stored on that video (not
// answered with the first one's transcript), no error text names a command-line flag, a viewer
// cannot upload,
// another tenant's video answers 404, and the stored transcript comes back as SRT and WebVTT.
#include <gtest/gtest.h>

#include "api_fixture.hpp"

namespace narralytica::testing {
namespace {

constexpr const char* kTalk =
    "WEBVTT\n\n00:00.000 --> 00:02.000\n<v Ada>Hello there.\n\n00:02.500 --> 00:04.000\n<v Grace>Hi Ada.\n";

TEST_P(ApiTest, UploadImportsOnceAndExportsInEachFormat) {
  if (!db_) return;
  // The fixture's video already has an English transcript: this upload is its next revision.
  const std::string plain = "/v1/videos/" + video_a_.public_id.to_string() + "/transcripts?language=en";
  EXPECT_EQ(call("POST", plain, editor_a_, kTalk, {"Content-Type: text/vtt"}).status, 409);
  const std::string target = plain + "&revision=true";
  const auto transcripts_before = count("transcripts");

  auto created = call("POST", target, editor_a_, kTalk, {"Content-Type: text/vtt"});
  ASSERT_EQ(created.status, 201) << created.body;
  auto body = json_of(created);
  EXPECT_EQ(body["segment_count"], 2);
  const std::string id = body["id"];

  auto again = call("POST", target, editor_a_, kTalk, {"Content-Type: text/vtt"});
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(json_of(again)["id"], id);
  EXPECT_EQ(count("transcripts"), transcripts_before + 1);

  auto srt = call("GET", "/v1/transcripts/" + id + "?format=srt", viewer_a_);
  ASSERT_EQ(srt.status, 200) << srt.body;
  EXPECT_NE(srt.body.find("00:00:02,500 --> 00:00:04,000"), std::string::npos) << srt.body;
  auto vtt = call("GET", "/v1/transcripts/" + id + "?format=vtt", viewer_a_);
  ASSERT_EQ(vtt.status, 200);
  EXPECT_NE(vtt.body.find("<v Grace>Hi Ada."), std::string::npos) << vtt.body;
  EXPECT_EQ(call("GET", "/v1/transcripts/" + id + "?format=docx", viewer_a_).status, 422);
}

TEST_P(ApiTest, BrokenOrForbiddenUploadsWriteNothing) {
  if (!db_) return;
  const std::string target = "/v1/videos/" + video_a_.public_id.to_string() + "/transcripts?language=en";
  const auto transcripts_before = count("transcripts");
  const auto segments_before = count("segments");

  auto broken = call("POST", target + "&strict=true", editor_a_, "WEBVTT\n\n00:00.000 --> 00:0x.000\nbad\n",
                     {"Content-Type: text/vtt"});
  EXPECT_EQ(broken.status, 422) << broken.body;
  EXPECT_NE(json_of(broken)["field"].get<std::string>().find("body:3:"), std::string::npos) << broken.body;

  EXPECT_EQ(call("POST", target, viewer_a_, kTalk, {"Content-Type: text/vtt"}).status, 403);
  EXPECT_EQ(call("POST", target, owner_b_, kTalk, {"Content-Type: text/vtt"}).status, 404);
  EXPECT_EQ(count("transcripts"), transcripts_before);
  EXPECT_EQ(count("segments"), segments_before);
}

TEST_P(ApiTest, UploadSkipsWhatBrowsersSkipAndAnswersTheWarnings) {
  if (!db_) return;
  const std::string target =
      "/v1/videos/" + video_a_.public_id.to_string() + "/transcripts?language=en&revision=true";
  const std::string file =
      "WEBVTT\n\nNOTE a --> b is no cue\n\n00:00.000 --> 00:01.000\nkept\n\n00:02.000 --> 00:0x.000\nbad\n";
  const auto segments_before = count("segments");
  auto strict = call("POST", target + "&strict=true", editor_a_, file, {"Content-Type: text/vtt"});
  EXPECT_EQ(strict.status, 422) << strict.body;
  EXPECT_EQ(json_of(strict)["field"], "body:3:1") << strict.body;
  EXPECT_EQ(count("segments"), segments_before);

  auto lenient = call("POST", target, editor_a_, file, {"Content-Type: text/vtt"});
  ASSERT_EQ(lenient.status, 201) << lenient.body;
  auto body = json_of(lenient);
  EXPECT_EQ(body["segment_count"], 1);
  ASSERT_EQ(body["warnings"].size(), 2u) << lenient.body;
  EXPECT_EQ(body["warnings"][0]["line"], 3);
  EXPECT_EQ(body["warnings"][0]["column"], 1);
  EXPECT_EQ(body["warnings"][1]["line"], 8);
  EXPECT_EQ(body["warnings"][1]["column"], 15);
  EXPECT_EQ(body["warnings"][1]["message"],
            "cue skipped: expected a timestamp like 00:01.000 or 01:00:01.000, found \"00:0x.000\"");
  EXPECT_EQ(count("segments"), segments_before + 1);
}

TEST_P(ApiTest, UploadToAnotherVideoIsStoredThereInTheVideosLanguage) {
  if (!db_) return;
  auto created = call("POST", "/v1/videos", editor_a_, R"({"title":"B","language":"fr"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string video_b = json_of(created)["id"];
  const std::string to_a = "/v1/videos/" + video_a_.public_id.to_string() + "/transcripts?revision=true";
  const std::string to_b = "/v1/videos/" + video_b + "/transcripts";
  const auto transcripts_before = count("transcripts");

  // No ?language and none in the file: the video's ("en" for A, "fr" for B).
  auto on_a = call("POST", to_a, editor_a_, kTalk, {"Content-Type: text/vtt"});
  ASSERT_EQ(on_a.status, 201) << on_a.body;
  EXPECT_EQ(json_of(on_a)["language"], "en");
  auto on_b = call("POST", to_b, editor_a_, kTalk, {"Content-Type: text/vtt"});
  ASSERT_EQ(on_b.status, 201) << on_b.body;
  EXPECT_EQ(json_of(on_b)["video_id"], video_b);
  EXPECT_EQ(json_of(on_b)["language"], "fr");
  EXPECT_NE(json_of(on_b)["id"], json_of(on_a)["id"]);
  auto again = call("POST", to_b, editor_a_, kTalk, {"Content-Type: text/vtt"});
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(json_of(again)["id"], json_of(on_b)["id"]);
  EXPECT_EQ(count("transcripts"), transcripts_before + 2);  // one on A, one on B

  // Errors are worded for an API client: no command-line flag in them.
  const std::string edited = std::string(kTalk) + "\n00:05.000 --> 00:06.000\nmore\n";
  auto conflict = call("POST", to_b, editor_a_, edited, {"Content-Type: text/vtt"});
  EXPECT_EQ(conflict.status, 409) << conflict.body;
  auto unknown = call("POST", to_b, editor_a_, "no format at all", {"Content-Type: text/plain"});
  EXPECT_EQ(unknown.status, 422) << unknown.body;
  for (const auto* answer : {&conflict, &unknown}) {
    EXPECT_EQ(json_of(*answer)["detail"].get<std::string>().find("--"), std::string::npos) << answer->body;
  }
}

}  // namespace
}  // namespace narralytica::testing
