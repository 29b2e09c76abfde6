// Proves the AI layer routes over HTTP, on both backends: a run posted as JSON or NDJSON is
// stored once (201, then 200), a bad value is refused with its JSON path and writes nothing;
// versions are listed with current/pinned flags and read page by page; pinning and unpinning
// move the current version and emit events; a diff names the changed segments; segments come
// with their layers attached; the tenant-wide filter and the analytics answer; a viewer cannot
// write.
#include <gtest/gtest.h>

#include <map>

#include "api_fixture.hpp"

namespace narralytica::testing {
namespace {

std::string sentiment_run(const std::string& version, const std::vector<const char*>& labels) {
  std::string doc = R"({"kind":"sentiment","producer":{"name":"acme","version":")" + version + R"("},"items":[)";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i) doc += ',';
    doc += R"({"segment":)" + std::to_string(i) + R"(,"value":{"label":")" + labels[i] + R"(","score":0.75}})";
  }
  return doc + "]}";
}

TEST_P(ApiTest, LayerRunsAreWrittenVersionedPinnedAndDiffed) {
  if (!db_) return;
  const std::string base = "/v1/transcripts/" + transcript_a_.public_id.to_string() + "/layers";
  const std::string v1 = sentiment_run("1", {"negative", "neutral", "positive", "neutral", "negative"});
  auto created = call("POST", base, editor_a_, v1, {"Content-Type: application/json"});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(json_of(created)["version"], 1);
  EXPECT_EQ(json_of(created)["item_count"], 5);
  auto again = call("POST", base, editor_a_, v1, {"Content-Type: application/json"});
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(json_of(again)["id"], json_of(created)["id"]);

  // Version 2 as NDJSON: the head line, then one item a line.
  const std::string ndjson = "{\"kind\":\"sentiment\",\"producer\":{\"name\":\"acme\",\"version\":\"2\"}}\n"
                             "{\"segment\":0,\"value\":{\"label\":\"negative\",\"score\":0.75}}\n"
                             "{\"segment\":1,\"value\":{\"label\":\"negative\",\"score\":0.5}}\n";
  auto streamed = call("POST", base, editor_a_, ndjson, {"Content-Type: application/x-ndjson"});
  ASSERT_EQ(streamed.status, 201) << streamed.body;
  EXPECT_EQ(json_of(streamed)["version"], 2);

  const auto items_before = count("layer_items");
  auto bad = call("POST", base, editor_a_, sentiment_run("3", {"negative", "furious"}));
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(json_of(bad)["field"], "body: $.items[1].value.label") << bad.body;
  EXPECT_EQ(call("POST", base, viewer_a_, sentiment_run("4", {"neutral"})).status, 403);
  EXPECT_EQ(count("layer_items"), items_before);

  auto list = json_of(call("GET", base, viewer_a_));
  ASSERT_EQ(list["items"].size(), 2u);
  EXPECT_FALSE(list["items"][0]["current"]);
  EXPECT_TRUE(list["items"][1]["current"]);
  EXPECT_FALSE(list["items"][1]["stale"]);

  // Version 1, two items a page.
  auto page = json_of(call("GET", base + "/sentiment?version=1&limit=2", viewer_a_));
  EXPECT_EQ(page["run"]["version"], 1);
  ASSERT_EQ(page["items"].size(), 2u);
  EXPECT_EQ(page["items"][0]["segment"], 0);
  EXPECT_EQ(page["items"][0]["value"]["label"], "negative");
  ASSERT_TRUE(page["next_cursor"].is_string());
  auto rest = json_of(call("GET", base + "/sentiment?version=1&limit=10&cursor=" + page["next_cursor"].get<std::string>(),
                           viewer_a_));
  EXPECT_EQ(rest["items"].size(), 3u);
  EXPECT_TRUE(rest["next_cursor"].is_null());
  EXPECT_EQ(call("GET", base + "/sentiment?version=9", viewer_a_).status, 404);
  EXPECT_EQ(call("GET", base + "/topics", viewer_a_).status, 404);

  auto pinned = call("PUT", base + "/sentiment/current", editor_a_, R"({"version":1})");
  ASSERT_EQ(pinned.status, 200) << pinned.body;
  EXPECT_EQ(json_of(pinned)["version"], 1);
  EXPECT_TRUE(json_of(pinned)["pinned"]);
  EXPECT_EQ(json_of(call("GET", base + "/sentiment", viewer_a_))["run"]["version"], 1);
  EXPECT_EQ(call("PUT", base + "/sentiment/current", viewer_a_, R"({"version":2})").status, 403);
  auto unpinned = call("PUT", base + "/sentiment/current", editor_a_, R"({"version":null})");
  ASSERT_EQ(unpinned.status, 200) << unpinned.body;
  EXPECT_EQ(json_of(unpinned)["version"], 2);

  auto diff = json_of(call("GET", base + "/sentiment/diff?from=1&to=2", viewer_a_));
  EXPECT_EQ(diff["changed"], 1);    // segment 1: neutral -> negative
  EXPECT_EQ(diff["removed"], 3);    // segments 2..4 have no item in version 2
  EXPECT_EQ(diff["unchanged"], 1);  // segment 0
  EXPECT_EQ(diff["changed_segments"], nlohmann::json::parse("[[1,4]]"));
  ASSERT_EQ(diff["items"].size(), 4u);
  EXPECT_EQ(diff["items"][0]["change"], "changed");
  EXPECT_EQ(diff["items"][0]["from"]["label"], "neutral");
  EXPECT_EQ(diff["items"][0]["to"]["label"], "negative");
  EXPECT_EQ(call("GET", base + "/sentiment/diff?from=1", viewer_a_).status, 422);

  auto events = json_of(call("GET", "/v1/events?after=0&limit=1000", viewer_a_));
  int created_events = 0;
  int current_events = 0;
  for (const auto& event : events["items"]) {
    created_events += event["type"] == "layer.version.created" ? 1 : 0;
    current_events += event["type"] == "layer.current.changed" ? 1 : 0;
  }
  EXPECT_EQ(created_events, 2);
  EXPECT_EQ(current_events, 2);
}

TEST_P(ApiTest, SegmentsComeWithLayersAndCanBeFilteredAndCounted) {
  if (!db_) return;
  const std::string transcript = transcript_a_.public_id.to_string();
  ASSERT_EQ(call("POST", "/v1/transcripts/" + transcript + "/layers", editor_a_,
                 sentiment_run("1", {"negative", "neutral", "positive", "neutral", "negative"}))
                .status,
            201);
  ASSERT_EQ(call("POST", "/v1/transcripts/" + transcript + "/layers", editor_a_,
                 R"({"kind":"topics","producer":{"name":"acme","version":"1"},"items":[)"
                 R"({"segments":[0,1],"value":[{"label":"economy","score":0.9}]}]})")
                .status,
            201);

  auto segments = json_of(call("GET", "/v1/transcripts/" + transcript + "/segments?layers=sentiment,topics", viewer_a_));
  ASSERT_EQ(segments["items"].size(), 5u);
  EXPECT_EQ(segments["items"][0]["layers"]["sentiment"][0]["label"], "negative");
  EXPECT_EQ(segments["items"][1]["layers"]["topics"][0][0]["label"], "economy") << "a two-segment item covers both";
  EXPECT_TRUE(segments["items"][2]["layers"]["topics"].empty());
  EXPECT_EQ(segments["layers"]["sentiment"]["version"], 1);
  EXPECT_EQ(call("GET", "/v1/transcripts/" + transcript + "/segments?layers=mood", viewer_a_).status, 422);

  auto negative = json_of(call("GET", "/v1/segments?where=sentiment.label=negative", viewer_a_));
  ASSERT_EQ(negative["items"].size(), 2u);
  EXPECT_EQ(negative["items"][0]["segment"]["ordinal"], 0);
  EXPECT_EQ(negative["items"][1]["segment"]["ordinal"], 4);
  EXPECT_EQ(negative["items"][0]["video"], video_a_.public_id.to_string());
  auto economy = json_of(call("GET", "/v1/segments?where=topics.label=economy;sentiment.label!=negative", viewer_a_));
  ASSERT_EQ(economy["items"].size(), 1u);
  EXPECT_EQ(economy["items"][0]["segment"]["ordinal"], 1);
  EXPECT_EQ(call("GET", "/v1/segments?where=sentiment.mood=sad", viewer_a_).status, 422);
  EXPECT_EQ(call("GET", "/v1/segments?where=score>0.5", viewer_a_).status, 422);
  // from_chars reads "nan" and "inf"; no score compares with them (and SQLite binds NaN as NULL).
  for (const char* number : {"nan", "inf", "-infinity"}) {
    auto refused = call("GET", std::string("/v1/segments?where=sentiment.label=negative;sentiment.score<") + number, viewer_a_);
    EXPECT_EQ(refused.status, 422) << number;
    EXPECT_EQ(json_of(refused)["field"], "where[1]") << number;
  }
  // Another tenant sees nothing of A's, and cannot name A's video.
  EXPECT_TRUE(json_of(call("GET", "/v1/segments?where=sentiment.label=negative", owner_b_))["items"].empty());
  EXPECT_EQ(call("GET", "/v1/segments?where=sentiment.label=negative&video=" + video_a_.public_id.to_string(), owner_b_)
                .status,
            404);

  auto analytics = json_of(call("GET", "/v1/analytics/layers?kind=sentiment&by=video&bucket=1h", viewer_a_));
  EXPECT_EQ(analytics["bucket_ms"], 3'600'000);
  std::int64_t total = 0;
  for (const auto& row : analytics["items"]) {
    total += row["count"].get<std::int64_t>();
    EXPECT_DOUBLE_EQ(row["mean_score"].get<double>(), 0.75);
    EXPECT_EQ(row["video"], video_a_.public_id.to_string());
  }
  EXPECT_EQ(total, 5);
  EXPECT_EQ(analytics["items"].size(), 3u) << "one row per label";
  // By speaker: the fixture's segments alternate SPEAKER_00 (three) and SPEAKER_01 (two).
  auto by_speaker = json_of(call("GET", "/v1/analytics/layers?kind=sentiment&by=speaker", viewer_a_));
  EXPECT_TRUE(by_speaker["bucket_ms"].is_null());
  std::map<std::string, std::int64_t> per_label;
  for (const auto& row : by_speaker["items"]) {
    EXPECT_TRUE(row["speaker"].is_string()) << row;
    EXPECT_FALSE(row.contains("video")) << "not grouped by video";
    per_label[row["speaker_label"].get<std::string>()] += row["count"].get<std::int64_t>();
  }
  EXPECT_EQ(per_label, (std::map<std::string, std::int64_t>{{"SPEAKER_00", 3}, {"SPEAKER_01", 2}}));
  EXPECT_EQ(call("GET", "/v1/analytics/layers?kind=sentiment&bucket=5parsecs", viewer_a_).status, 422);
  EXPECT_EQ(call("GET", "/v1/analytics/layers?kind=sentiment&by=mood", viewer_a_).status, 422);
  EXPECT_TRUE(json_of(call("GET", "/v1/analytics/layers?kind=sentiment", owner_b_))["items"].empty());
}

}  // namespace
}  // namespace narralytica::testing
