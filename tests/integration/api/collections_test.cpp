// Proves collections and tags as a client sees them, over real HTTP on both backends: a
// collection's life (create, a second of the same name refused with 409 naming "name", rename,
// add videos one at a time and in a batch, list its videos, delete it while its videos stay);
// tags normalised by the documented rule ("  Flood  DEFENCES " is "flood defences"), refused with
// 422 naming "tag"; the video list filtered by ?tag= and ?collection= (id or name); and an event
// and audit record for every change and none for a change that changed nothing.
#include "api_fixture.hpp"

namespace narralytica::testing {
namespace {

using nlohmann::json;

class CollectionsTest : public ApiTest {
 protected:
  std::string new_video(const std::string& title) {
    auto created = call("POST", "/v1/videos", editor_a_, R"({"title":")" + title + "\"}");
    EXPECT_EQ(created.status, 201) << created.body;
    return json_of(created)["id"];
  }
  std::vector<std::string> titles(const std::string& target) {
    auto answer = call("GET", target, viewer_a_);
    EXPECT_EQ(answer.status, 200) << answer.body;
    std::vector<std::string> out;
    const json page = json_of(answer);
    for (const auto& v : page["items"]) out.push_back(v["title"]);
    return out;
  }
  std::int64_t events(const std::string& type) { return count("event_logs", "event_type = '" + type + "'"); }
};

TEST_P(CollectionsTest, CollectionLifecycle) {
  NARRALYTICA_API_TEST();
  const std::string v1 = new_video("one");
  const std::string v2 = new_video("two");
  const std::string v3 = new_video("three");
  auto created = call("POST", "/v1/collections", editor_a_, R"({"name":"Council 2025","description":"meetings"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = json_of(created)["id"];
  EXPECT_EQ(created.header("location"), "/v1/collections/" + id);
  EXPECT_EQ(json_of(created)["video_count"], 0);

  auto duplicate = call("POST", "/v1/collections", editor_a_, R"({"name":"Council 2025"})");
  EXPECT_EQ(duplicate.status, 409) << duplicate.body;
  EXPECT_EQ(json_of(duplicate)["field"], "name");
  auto blank = call("POST", "/v1/collections", editor_a_, R"({"name":"   "})");
  EXPECT_EQ(blank.status, 422) << blank.body;
  EXPECT_EQ(json_of(blank)["field"], "name");
  EXPECT_EQ(call("POST", "/v1/collections", viewer_a_, R"({"name":"viewer's"})").status, 403);

  auto put = call("PUT", "/v1/collections/" + id + "/videos/" + v1, editor_a_);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(json_of(put)["added"], true);
  EXPECT_EQ(json_of(call("PUT", "/v1/collections/" + id + "/videos/" + v1, editor_a_))["added"], false);
  auto batch = call("POST", "/v1/collections/" + id + "/videos", editor_a_,
                    R"({"add":[")" + v2 + "\",\"" + v3 + "\",\"" + v1 + R"("],"remove":[")" + v3 + "\"]}");
  ASSERT_EQ(batch.status, 200) << batch.body;
  EXPECT_EQ(json_of(batch)["added"], 2);
  EXPECT_EQ(json_of(batch)["removed"], 1);
  EXPECT_EQ(json_of(batch)["collection"]["video_count"], 2);
  auto bad_id = call("POST", "/v1/collections/" + id + "/videos", editor_a_, R"({"add":["not-an-id"]})");
  EXPECT_EQ(bad_id.status, 422);
  EXPECT_EQ(json_of(bad_id)["field"], "add[0]");

  EXPECT_EQ(titles("/v1/collections/" + id + "/videos"), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(titles("/v1/videos?collection=" + id), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(titles("/v1/videos?collection=Council%202025"), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(call("GET", "/v1/videos?collection=nothing-by-that-name", viewer_a_).status, 404);

  auto renamed = call("PATCH", "/v1/collections/" + id, editor_a_, R"({"name":"Council"})");
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(json_of(call("GET", "/v1/collections/" + id, viewer_a_))["name"], "Council");
  EXPECT_EQ(json_of(call("GET", "/v1/collections", viewer_a_))["items"].size(), 1u);

  EXPECT_EQ(call("DELETE", "/v1/collections/" + id + "/videos/" + v2, editor_a_).status, 204);
  EXPECT_EQ(call("DELETE", "/v1/collections/" + id + "/videos/" + v2, editor_a_).status, 404);
  // Deleting a video takes it out of its collections.
  EXPECT_EQ(call("DELETE", "/v1/videos/" + v1, editor_a_).status, 204);
  EXPECT_EQ(json_of(call("GET", "/v1/collections/" + id, viewer_a_))["video_count"], 0);

  EXPECT_EQ(call("DELETE", "/v1/collections/" + id, editor_a_).status, 204);
  EXPECT_EQ(call("GET", "/v1/collections/" + id, viewer_a_).status, 404);
  EXPECT_EQ(call("GET", "/v1/videos/" + v2, viewer_a_).status, 200);  // the videos stay

  EXPECT_EQ(events("collection.created"), 1);
  EXPECT_EQ(events("collection.updated"), 1);
  EXPECT_EQ(events("collection.videos_added"), 2);  // the second PUT changed nothing
  EXPECT_EQ(events("collection.videos_removed"), 2);
  EXPECT_EQ(events("collection.deleted"), 1);
  EXPECT_EQ(count("audit_logs", "action LIKE 'collection.%' AND outcome = 'allowed'"), 7);
}

TEST_P(CollectionsTest, TagsAreNormalisedAndFilterTheVideoList) {
  NARRALYTICA_API_TEST();
  const std::string v1 = new_video("one");
  const std::string v2 = new_video("two");
  auto tagged = call("PUT", "/v1/videos/" + v1 + "/tags/%20%20Flood%20%20DEFENCES%20", editor_a_);
  ASSERT_EQ(tagged.status, 200) << tagged.body;
  EXPECT_EQ(json_of(tagged)["tag"], "flood defences");
  EXPECT_EQ(json_of(tagged)["added"], true);
  // The same tag spelled otherwise (decomposed É, upper case) is the same tag: no change.
  auto again = call("PUT", "/v1/videos/" + v1 + "/tags/flood%20defences", editor_a_);
  EXPECT_EQ(json_of(again)["added"], false);
  ASSERT_EQ(call("PUT", "/v1/videos/" + v1 + "/tags/E%CC%81t%C3%A9", editor_a_).status, 200);
  auto composed = call("PUT", "/v1/videos/" + v2 + "/tags/%C3%A9t%C3%A9", editor_a_);
  ASSERT_EQ(composed.status, 200);
  EXPECT_EQ(json_of(composed)["tag"], "\xC3\xA9t\xC3\xA9");
  ASSERT_EQ(call("PUT", "/v1/videos/" + v2 + "/tags/c++", editor_a_).status, 200);

  EXPECT_EQ(json_of(call("GET", "/v1/videos/" + v1 + "/tags", viewer_a_))["tags"],
            json::parse("[\"flood defences\",\"\xC3\xA9t\xC3\xA9\"]"));
  EXPECT_EQ(titles("/v1/videos?tag=%C3%89T%C3%89"), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(titles("/v1/videos?tag=c%2B%2B"), (std::vector<std::string>{"two"}));
  EXPECT_EQ(titles("/v1/videos?tag=nothing"), (std::vector<std::string>{}));
  const auto all = json_of(call("GET", "/v1/tags", viewer_a_))["items"];
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2]["tag"], "\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(all[2]["videos"], 2);

  for (const char* bad : {"%20%20", "a%2Cb", "%01x", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}) {
    auto refused = call("PUT", "/v1/videos/" + v1 + "/tags/" + bad, editor_a_);
    EXPECT_EQ(refused.status, 422) << bad << refused.body;
    EXPECT_EQ(json_of(refused)["field"], "tag") << bad;
  }
  auto bad_filter = call("GET", "/v1/videos?tag=a,b", viewer_a_);
  EXPECT_EQ(bad_filter.status, 422);
  EXPECT_EQ(json_of(bad_filter)["field"], "tag");

  EXPECT_EQ(call("DELETE", "/v1/videos/" + v2 + "/tags/C%2B%2B", editor_a_).status, 204);
  EXPECT_EQ(call("DELETE", "/v1/videos/" + v2 + "/tags/c++", editor_a_).status, 404);
  EXPECT_EQ(call("PUT", "/v1/videos/" + v2 + "/tags/x", viewer_a_).status, 403);
  EXPECT_EQ(events("video.tagged"), 4);
  EXPECT_EQ(events("video.untagged"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, CollectionsTest,
                         ::testing::Values(store::Backend::sqlite, store::Backend::postgres), backend_name);

}  // namespace
}  // namespace narralytica::testing
