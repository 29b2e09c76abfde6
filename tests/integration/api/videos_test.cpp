// Proves the video and transcript routes a client relies on, over real HTTP on both backends:
// create/read/update/delete with ETag and If-Match (a lost update answers 412), keyset pages with
// an opaque cursor that neither repeats nor skips, segment pages with time window and speaker
// filters, speaker rename/link/merge, and Idempotency-Key replay of a POST.
#include "api_fixture.hpp"

namespace narralytica::testing {
namespace {

using nlohmann::json;

TEST_P(ApiTest, VideoLifecycleWithETagAndIfMatch) {
  NARRALYTICA_API_TEST();
  auto created = call("POST", "/v1/videos", editor_a_,
                      R"({"title":"Hearing","language":"en","duration_ms":5000,"published_at":"2024-05-01T12:00:00Z",)"
                      R"("sources":[{"kind":"url","uri":"https://example.org/h.mp4","is_primary":true}]})");
  ASSERT_EQ(created.status, 201) << created.body;
  const json video = json_of(created);
  const std::string id = video["id"];
  EXPECT_EQ(created.header("location"), "/v1/videos/" + id);
  EXPECT_EQ(video["published_at"], "2024-05-01T12:00:00.000000Z");
  EXPECT_EQ(video["sources"].size(), 1u);
  const std::string etag = created.header("etag");
  ASSERT_FALSE(etag.empty());

  auto got = call("GET", "/v1/videos/" + id, viewer_a_);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.header("etag"), etag);
  EXPECT_EQ(json_of(got)["title"], "Hearing");
  EXPECT_EQ(call("GET", "/v1/videos/" + id, viewer_a_, "", {"If-None-Match: " + etag}).status, 304);

  auto updated = call("PATCH", "/v1/videos/" + id, editor_a_, R"({"title":"Hearing, day 1","language":null})",
                      {"If-Match: " + etag});
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(json_of(updated)["title"], "Hearing, day 1");
  EXPECT_TRUE(json_of(updated)["language"].is_null());
  EXPECT_NE(updated.header("etag"), etag);

  // A second writer still holding the first version loses, and changes nothing.
  auto stale = call("PATCH", "/v1/videos/" + id, editor_a_, R"({"title":"lost update"})", {"If-Match: " + etag});
  EXPECT_EQ(stale.status, 412);
  EXPECT_EQ(stale.header("content-type"), "application/problem+json");
  EXPECT_EQ(json_of(stale)["code"], "precondition_failed");
  EXPECT_EQ(json_of(call("GET", "/v1/videos/" + id, viewer_a_))["title"], "Hearing, day 1");

  EXPECT_EQ(call("GET", "/v1/videos/" + id + "/sources", viewer_a_).status, 200);
  EXPECT_EQ(call("DELETE", "/v1/videos/" + id, editor_a_).status, 204);
  EXPECT_EQ(call("GET", "/v1/videos/" + id, viewer_a_).status, 404);
}

TEST_P(ApiTest, VideoPagesFollowTheCursorWithoutRepeatsOrGaps) {
  NARRALYTICA_API_TEST();
  for (int i = 0; i < 6; ++i) {
    ASSERT_EQ(call("POST", "/v1/videos", editor_a_, R"({"title":"v)" + std::to_string(i) + R"("})").status, 201);
  }
  std::vector<std::string> seen;
  std::string target = "/v1/videos?limit=3";
  for (int page = 0; page < 10; ++page) {
    auto answer = call("GET", target, viewer_a_);
    ASSERT_EQ(answer.status, 200) << answer.body;
    const json body = json_of(answer);
    for (const auto& v : body["items"]) seen.push_back(v["id"]);
    if (body["next_cursor"].is_null()) break;
    target = "/v1/videos?limit=3&cursor=" + body["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(seen.size(), 7u);  // the fixture's video and six new ones
  std::vector<std::string> unique = seen;
  std::sort(unique.begin(), unique.end());
  EXPECT_EQ(std::unique(unique.begin(), unique.end()), unique.end());
  EXPECT_EQ(call("GET", "/v1/videos?limit=0", viewer_a_).status, 422);
  EXPECT_EQ(call("GET", "/v1/videos?limit=1001", viewer_a_).status, 422);
  EXPECT_EQ(json_of(call("GET", "/v1/videos?cursor=bogus!", viewer_a_))["field"], "cursor");
}

TEST_P(ApiTest, SegmentsPageWithTimeWindowAndSpeakerFilter) {
  NARRALYTICA_API_TEST();
  const std::string base = "/v1/transcripts/" + transcript_a_.public_id.to_string();
  auto transcripts = call("GET", "/v1/videos/" + video_a_.public_id.to_string() + "/transcripts", viewer_a_);
  ASSERT_EQ(transcripts.status, 200);
  EXPECT_EQ(json_of(transcripts)["items"].size(), 1u);
  EXPECT_EQ(json_of(call("GET", base, viewer_a_))["segment_count"], 5);

  auto first = json_of(call("GET", base + "/segments?limit=2", viewer_a_));
  ASSERT_EQ(first["items"].size(), 2u);
  auto second = json_of(call("GET", base + "/segments?limit=2&cursor=" + first["next_cursor"].get<std::string>(), viewer_a_));
  ASSERT_EQ(second["items"].size(), 2u);
  EXPECT_EQ(second["items"][0]["ordinal"], first["items"][1]["ordinal"].get<int>() + 1);

  // Segments overlapping [1500, 3000): the ones at 1000-1900 and 2000-2900.
  auto window = json_of(call("GET", base + "/segments?from_ms=1500&to_ms=3000", viewer_a_));
  ASSERT_EQ(window["items"].size(), 2u);
  EXPECT_EQ(window["items"][0]["start_ms"], 1000);
  EXPECT_EQ(call("GET", base + "/segments?from_ms=3000&to_ms=1000", viewer_a_).status, 422);
  EXPECT_EQ(call("GET", base + "/segments?from_ms=abc", viewer_a_).status, 422);

  const std::string speaker = speakers_a_[0].public_id.to_string();
  auto by_speaker = json_of(call("GET", base + "/segments?speaker=" + speaker, viewer_a_));
  ASSERT_EQ(by_speaker["items"].size(), 3u);  // ordinals 0, 2, 4
  for (const auto& s : by_speaker["items"]) EXPECT_EQ(s["speaker_id"], speaker);
}

TEST_P(ApiTest, SpeakersRenameLinkAndMerge) {
  NARRALYTICA_API_TEST();
  const std::string video = "/v1/videos/" + video_a_.public_id.to_string();
  auto listed = json_of(call("GET", video + "/speakers", viewer_a_));
  ASSERT_EQ(listed["items"].size(), 2u);
  const std::string s0 = speakers_a_[0].public_id.to_string();
  const std::string s1 = speakers_a_[1].public_id.to_string();

  auto renamed = call("PATCH", "/v1/speakers/" + s0, editor_a_, R"({"display_name":"Ada"})");
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(json_of(renamed)["display_name"], "Ada");

  auto linked = call("POST", "/v1/speakers/" + s0 + "/link", editor_a_, R"({"person":"Ada Lovelace"})");
  ASSERT_EQ(linked.status, 200) << linked.body;
  EXPECT_FALSE(json_of(linked)["person_id"].is_null());
  auto unlinked = call("DELETE", "/v1/speakers/" + s0 + "/link", editor_a_);
  ASSERT_EQ(unlinked.status, 200) << unlinked.body;
  EXPECT_TRUE(json_of(unlinked)["person_id"].is_null());

  auto merged = call("POST", "/v1/speakers/" + s1 + "/merge", editor_a_, R"({"into":")" + s0 + R"("})");
  ASSERT_EQ(merged.status, 200) << merged.body;
  EXPECT_EQ(call("GET", "/v1/speakers/" + s1, viewer_a_).status, 404);
  auto all = json_of(call("GET", "/v1/transcripts/" + transcript_a_.public_id.to_string() + "/segments?speaker=" + s0,
                          viewer_a_));
  EXPECT_EQ(all["items"].size(), 5u);
  EXPECT_EQ(call("POST", "/v1/speakers/" + s0 + "/merge", editor_a_, R"({"into":")" + s0 + R"("})").status, 422);
}

// Segment pages are served from a cache while the tenant's event head is unchanged
// (docs/decisions/0008): a change that rewrites segments must show on the next read.
TEST_P(ApiTest, ACachedSegmentPageIsNotServedAfterASpeakerMerge) {
  NARRALYTICA_API_TEST();
  const std::string page = "/v1/transcripts/" + transcript_a_.public_id.to_string() + "/segments?limit=100";
  const std::string s0 = speakers_a_[0].public_id.to_string();
  const std::string s1 = speakers_a_[1].public_id.to_string();
  auto first = call("GET", page, viewer_a_);
  ASSERT_EQ(first.status, 200);
  auto cached = call("GET", page, viewer_a_);
  EXPECT_EQ(cached.body, first.body);
  ASSERT_NE(first.body.find(s1), std::string::npos) << "the page names the second speaker before the merge";

  ASSERT_EQ(call("POST", "/v1/speakers/" + s1 + "/merge", editor_a_, R"({"into":")" + s0 + R"("})").status, 200);
  auto after = call("GET", page, viewer_a_);
  ASSERT_EQ(after.status, 200);
  EXPECT_EQ(after.body.find(s1), std::string::npos) << "a stale cached page still names the merged speaker";
  const auto segments = json_of(after);
  for (const auto& segment : segments["items"]) EXPECT_EQ(segment["speaker_id"], s0);
  // Another tenant's token never gets A's cached page.
  EXPECT_EQ(call("GET", page, owner_b_).status, 404);
}

TEST_P(ApiTest, IdempotencyKeyReplaysTheFirstAnswer) {
  NARRALYTICA_API_TEST();
  const auto before = count("videos");
  const std::string body = R"({"title":"once"})";
  auto first = call("POST", "/v1/videos", editor_a_, body, {"Idempotency-Key: k-1"});
  ASSERT_EQ(first.status, 201) << first.body;
  auto again = call("POST", "/v1/videos", editor_a_, body, {"Idempotency-Key: k-1"});
  ASSERT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.header("location"), first.header("location"));
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  EXPECT_EQ(count("videos"), before + 1);

  // The same key on a different request is refused, not answered with the first response.
  auto other = call("POST", "/v1/videos", editor_a_, R"({"title":"twice"})", {"Idempotency-Key: k-1"});
  EXPECT_EQ(other.status, 422);
  EXPECT_EQ(json_of(other)["code"], "idempotency_key_reused");
  // Keys are per user: another user's identical key is a new request.
  auto owner = call("POST", "/v1/videos", owner_a_, body, {"Idempotency-Key: k-1"});
  EXPECT_EQ(owner.status, 201);
  EXPECT_NE(json_of(owner)["id"], json_of(first)["id"]);
  EXPECT_EQ(count("videos"), before + 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiTest, ::testing::Values(store::Backend::sqlite, store::Backend::postgres),
                         backend_name);

}  // namespace
}  // namespace narralytica::testing
