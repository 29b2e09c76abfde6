// Proves people over real HTTP on both backends: create with external ids, read with ETag, a lost
// update refused, speakers of two videos linked to one person, appearances and segments across
// videos with their figures, merge (the merged id answers 308 to the survivor and refuses
// changes), split, link by name (ambiguous names refused), delete (speakers stay), and one event
// per change.
#include "api_fixture.hpp"

namespace narralytica::testing {
namespace {

using nlohmann::json;

class PeopleApi : public ApiTest {
 protected:
  // A second video whose transcript has two voices: Ada speaks 0-2 s and 4-7 s, Bob 2-4 s.
  void SetUp() override {
    ApiTest::SetUp();
    if (!db_) return;
    auto video = call("POST", "/v1/videos", editor_a_, R"({"title":"Second hearing","published_at":"2025-03-01T00:00:00Z"})");
    ASSERT_EQ(video.status, 201) << video.body;
    second_video_ = json_of(video)["id"];
    const std::string vtt =
        "WEBVTT\n\n00:00.000 --> 00:02.000\n<v Ada>The budget is late.\n\n"
        "00:02.000 --> 00:04.000\n<v Bob>Why is it late?\n\n"
        "00:04.000 --> 00:07.000\n<v Ada>The flood defences cost more.\n";
    auto imported = call("POST", "/v1/videos/" + second_video_ + "/transcripts?format=vtt", editor_a_, vtt,
                         {"Content-Type: text/vtt"});
    ASSERT_EQ(imported.status, 201) << imported.body;
    const json speakers = json_of(call("GET", "/v1/videos/" + second_video_ + "/speakers", viewer_a_));
    for (const auto& s : speakers["items"]) {
      (s["label"] == "Ada" ? ada_ : bob_) = s["id"];
    }
    ASSERT_FALSE(ada_.empty());
    ASSERT_FALSE(bob_.empty());
  }

  std::string create_person(const std::string& body) {
    auto created = call("POST", "/v1/people", editor_a_, body);
    EXPECT_EQ(created.status, 201) << created.body;
    return json_of(created)["id"];
  }

  void link(const std::string& person, const std::string& speaker) {
    auto linked = call("POST", "/v1/people/" + person + "/speakers", editor_a_, R"({"speaker":")" + speaker + "\"}");
    ASSERT_EQ(linked.status, 200) << linked.body;
    EXPECT_EQ(json_of(linked)["person_id"], person);
  }

  std::string second_video_, ada_, bob_;
};

TEST_P(PeopleApi, CreateReadUpdateWithExternalIdsAndIfMatch) {
  NARRALYTICA_API_TEST();
  auto created = call("POST", "/v1/people", editor_a_,
                      R"({"name":"Ada Lovelace","external_ids":{"wikidata":"Q7259","orcid":"x-1"},"notes":"chair"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const json person = json_of(created);
  const std::string id = person["id"];
  EXPECT_EQ(person["external_ids"], json({{"orcid", "x-1"}, {"wikidata", "Q7259"}}));
  EXPECT_EQ(person["notes"], "chair");
  EXPECT_EQ(person["speaker_count"], 0);
  EXPECT_TRUE(person["merged_into"].is_null());

  auto got = call("GET", "/v1/people/" + id, viewer_a_);
  ASSERT_EQ(got.status, 200);
  const std::string etag = got.header("etag");
  ASSERT_FALSE(etag.empty());
  auto updated = call("PATCH", "/v1/people/" + id, editor_a_, R"({"name":"Augusta Ada King","notes":null})",
                      {"If-Match: " + etag});
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(json_of(updated)["name"], "Augusta Ada King");
  EXPECT_TRUE(json_of(updated)["notes"].is_null());
  EXPECT_EQ(json_of(updated)["external_ids"]["wikidata"], "Q7259");  // untouched
  auto stale = call("PATCH", "/v1/people/" + id, editor_a_, R"({"name":"lost update"})", {"If-Match: " + etag});
  EXPECT_EQ(stale.status, 412);
  EXPECT_EQ(json_of(call("GET", "/v1/people/" + id, viewer_a_))["name"], "Augusta Ada King");

  // Bad input names the field and stores nothing.
  const auto people_before = count("people");
  auto blank = call("POST", "/v1/people", editor_a_, R"({"name":"   "})");
  EXPECT_EQ(blank.status, 422);
  EXPECT_EQ(json_of(blank)["field"], "name");
  auto not_strings = call("POST", "/v1/people", editor_a_, R"({"name":"X","external_ids":{"wikidata":42}})");
  EXPECT_EQ(not_strings.status, 422);
  EXPECT_EQ(json_of(not_strings)["field"], "external_ids.wikidata");
  EXPECT_EQ(count("people"), people_before);
  EXPECT_EQ(call("POST", "/v1/people", viewer_a_, R"({"name":"Y"})").status, 403);

  auto listed = json_of(call("GET", "/v1/people?q=ada", viewer_a_));
  ASSERT_EQ(listed["items"].size(), 1u);
  EXPECT_EQ(listed["items"][0]["id"], id);
  EXPECT_TRUE(json_of(call("GET", "/v1/people?q=nobody", viewer_a_))["items"].empty());
}

TEST_P(PeopleApi, AppearancesAndSegmentsSpanVideos) {
  NARRALYTICA_API_TEST();
  const std::string person = create_person(R"({"name":"Ada"})");
  link(person, ada_);
  link(person, speakers_a_[0].public_id.to_string());  // SPEAKER_00 of the fixture's video

  auto appearances = call("GET", "/v1/people/" + person + "/appearances", viewer_a_);
  ASSERT_EQ(appearances.status, 200) << appearances.body;
  const json items = json_of(appearances)["items"];
  ASSERT_EQ(items.size(), 2u);
  // The dated video first; Ada speaks 2 s and 3 s there, from 0 to 7 s.
  EXPECT_EQ(items[0]["video"]["id"], second_video_);
  EXPECT_EQ(items[0]["segment_count"], 2);
  EXPECT_EQ(items[0]["speaking_ms"], 5000);
  EXPECT_EQ(items[0]["first_ms"], 0);
  EXPECT_EQ(items[0]["last_ms"], 7000);
  EXPECT_EQ(items[0]["speakers"], json::array({"Ada"}));
  EXPECT_EQ(items[1]["video"]["id"], video_a_.public_id.to_string());

  // Every segment of the person, two at a time, none repeated.
  std::vector<std::string> texts;
  std::string target = "/v1/people/" + person + "/segments?limit=2";
  for (int page = 0; page < 10; ++page) {
    const json answer = json_of(call("GET", target, viewer_a_));
    for (const auto& s : answer["items"]) texts.push_back(s["segment"]["text"]);
    if (answer["next_cursor"].is_null()) break;
    target = "/v1/people/" + person + "/segments?limit=2&cursor=" + answer["next_cursor"].get<std::string>();
  }
  const std::int64_t fixture_segments = count("segments", "speaker_id = " + std::to_string(speakers_a_[0].id));
  EXPECT_EQ(static_cast<std::int64_t>(texts.size()), 2 + fixture_segments);
  std::set<std::string> unique(texts.begin(), texts.end());
  EXPECT_EQ(unique.size(), texts.size());

  // A time window within each video: Ada's second-video segment from 4 s on, and none of Bob's.
  auto windowed = json_of(call("GET", "/v1/people/" + person + "/segments?from_ms=4500&to_ms=6000", viewer_a_));
  bool found_defences = false;
  for (const auto& s : windowed["items"]) {
    EXPECT_LT(s["segment"]["start_ms"].get<std::int64_t>(), 6000);
    EXPECT_GE(s["segment"]["end_ms"].get<std::int64_t>(), 4500);
    EXPECT_NE(s["segment"]["speaker"], "Bob");
    if (s["segment"]["text"] == "The flood defences cost more.") found_defences = true;
  }
  EXPECT_TRUE(found_defences);
  EXPECT_EQ(call("GET", "/v1/people/" + person + "/segments?from_ms=9&to_ms=1", viewer_a_).status, 422);
  EXPECT_EQ(call("GET", "/v1/people/" + person + "/segments?cursor=garbage", viewer_a_).status, 422);
}

TEST_P(PeopleApi, MergeRedirectsSplitUndoesAndDeleteKeepsSpeakers) {
  NARRALYTICA_API_TEST();
  const std::string ada = create_person(R"({"name":"Ada","external_ids":{"wikidata":"Q7259"}})");
  const std::string countess = create_person(R"({"name":"Countess of Lovelace","external_ids":{"viaf":"v1"}})");
  link(ada, ada_);
  link(countess, speakers_a_[0].public_id.to_string());

  auto merged = call("POST", "/v1/people/" + countess + "/merge", editor_a_, R"({"into":")" + ada + "\"}");
  ASSERT_EQ(merged.status, 200) << merged.body;
  EXPECT_EQ(json_of(merged)["speaker_count"], 2);
  auto gone = call("GET", "/v1/people/" + countess, viewer_a_);
  EXPECT_EQ(gone.status, 308);
  EXPECT_EQ(gone.header("location"), "/v1/people/" + ada);
  EXPECT_EQ(json_of(gone)["merged_into"], ada);
  EXPECT_EQ(call("GET", "/v1/people/" + countess + "/appearances", viewer_a_).header("location"),
            "/v1/people/" + ada + "/appearances");
  auto refused = call("PATCH", "/v1/people/" + countess, editor_a_, R"({"name":"zombie"})");
  EXPECT_EQ(refused.status, 409);
  EXPECT_NE(json_of(refused)["detail"].get<std::string>().find(ada), std::string::npos);
  EXPECT_EQ(call("POST", "/v1/people/" + ada + "/merge", editor_a_, R"({"into":")" + ada + "\"}").status, 422);
  // The list shows the survivor only.
  EXPECT_EQ(json_of(call("GET", "/v1/people", viewer_a_))["items"].size(), 1u);

  // Split undoes the merge: the moved speaker goes to a new person.
  auto split = call("POST", "/v1/people/" + ada + "/split", editor_a_,
                    R"({"speakers":[")" + speakers_a_[0].public_id.to_string() + R"("],"name":"Countess of Lovelace"})");
  ASSERT_EQ(split.status, 201) << split.body;
  const std::string revived = json_of(split)["id"];
  EXPECT_EQ(json_of(split)["speaker_count"], 1);
  EXPECT_EQ(json_of(call("GET", "/v1/people/" + ada, viewer_a_))["speaker_count"], 1);
  auto not_linked = call("POST", "/v1/people/" + ada + "/split", editor_a_,
                         R"({"speakers":[")" + bob_ + R"("],"name":"Nobody"})");
  EXPECT_EQ(not_linked.status, 422);
  EXPECT_EQ(json_of(not_linked)["field"], "speakers[0]");

  // Deleting a person keeps its speakers, unlinked.
  EXPECT_EQ(call("DELETE", "/v1/people/" + revived, editor_a_).status, 204);
  EXPECT_EQ(call("GET", "/v1/people/" + revived, viewer_a_).status, 404);
  auto speaker = json_of(call("GET", "/v1/speakers/" + speakers_a_[0].public_id.to_string(), viewer_a_));
  EXPECT_TRUE(speaker["person_id"].is_null());

  for (const char* type : {"person.created", "person.merged", "person.split", "person.deleted", "speaker.linked"}) {
    EXPECT_GE(count("event_logs", std::string("event_type = '") + type + "'"), 1) << type;
  }
  EXPECT_EQ(count("event_logs", "event_type = 'person.merged'"), 1);
}

TEST_P(PeopleApi, LinkingByNameFindsCreatesOrRefusesAmbiguity) {
  NARRALYTICA_API_TEST();
  auto first = call("POST", "/v1/speakers/" + ada_ + "/link", editor_a_, R"({"person":"Ada Lovelace"})");
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string person = json_of(first)["person_id"];
  EXPECT_EQ(json_of(first)["person_name"], "Ada Lovelace");
  auto second = call("POST", "/v1/speakers/" + speakers_a_[0].public_id.to_string() + "/link", editor_a_,
                     R"({"person":"Ada Lovelace"})");
  EXPECT_EQ(json_of(second)["person_id"], person);  // the same person, not a second one
  EXPECT_EQ(count("people"), 1);

  create_person(R"({"name":"Ada Lovelace"})");  // a namesake
  auto ambiguous = call("POST", "/v1/speakers/" + bob_ + "/link", editor_a_, R"({"person":"Ada Lovelace"})");
  EXPECT_EQ(ambiguous.status, 409);
  auto by_id = call("POST", "/v1/speakers/" + bob_ + "/link", editor_a_, R"({"person":")" + person + "\"}");
  EXPECT_EQ(by_id.status, 200) << by_id.body;

  auto unlinked = call("DELETE", "/v1/people/" + person + "/speakers/" + bob_, editor_a_);
  EXPECT_EQ(unlinked.status, 200) << unlinked.body;
  EXPECT_EQ(call("DELETE", "/v1/people/" + person + "/speakers/" + bob_, editor_a_).status, 404);
  EXPECT_EQ(json_of(call("GET", "/v1/people/" + person + "/speakers", viewer_a_))["items"].size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, PeopleApi, ::testing::Values(store::Backend::sqlite, store::Backend::postgres),
                         backend_name);

}  // namespace
}  // namespace narralytica::testing
