// Proves editing over HTTP on both backends: GET names a transcript's revision in its ETag; PATCH
// without If-Match answers 428 and with a stale one 412, writing nothing but the refusal's audit
// record; a good edit answers 201 with the new revision (Location, ETag, origin edit) while the
// old one stays readable; a refused operation answers 422 naming "operations[i].field"; the
// revisions list and the diff describe the chain.
#include "api_fixture.hpp"

namespace narralytica::testing {
namespace {

class TranscriptEditApi : public ApiTest {
 protected:
  std::string target() const { return "/v1/transcripts/" + transcript_a_.public_id.to_string(); }

  std::vector<std::int64_t> rows() {
    return {count("transcripts"), count("segments"), count("event_logs"), count("audit_logs", "outcome = 'allowed'")};
  }
};

constexpr const char* kFixFirst = R"({"operations":[{"op":"set_text","segment":0,"text":"A-only fixed words 0"}]})";

TEST_P(TranscriptEditApi, PatchNeedsTheCurrentRevisionAndStoresTheNext) {
  NARRALYTICA_API_TEST();
  auto got = call("GET", target(), viewer_a_);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.header("etag"), "\"1\"");

  const auto before = rows();
  const auto failed_before = count("audit_logs", "outcome = 'failed'");
  auto unconditional = call("PATCH", target(), editor_a_, kFixFirst);
  EXPECT_EQ(unconditional.status, 428) << unconditional.body;
  EXPECT_EQ(json_of(unconditional)["code"], "precondition_required");
  EXPECT_EQ(json_of(unconditional)["field"], "If-Match");
  EXPECT_EQ(rows(), before);

  auto edited = call("PATCH", target(), editor_a_, kFixFirst, {"If-Match: \"1\""});
  ASSERT_EQ(edited.status, 201) << edited.body;
  const auto body = json_of(edited);
  EXPECT_EQ(body["revision"], 2);
  EXPECT_EQ(body["origin"], "edit");
  EXPECT_EQ(body["previous_id"], transcript_a_.public_id.to_string());
  EXPECT_EQ(body["edit"]["operations"], 1);
  EXPECT_EQ(edited.header("etag"), "\"2\"");
  const std::string revision_2 = body["id"];
  EXPECT_EQ(edited.header("location"), "/v1/transcripts/" + revision_2);
  const auto after_edit = rows();
  EXPECT_EQ(after_edit[0], before[0] + 1);
  EXPECT_EQ(after_edit[1], before[1] + 5);
  EXPECT_EQ(after_edit[2], before[2] + 1) << "one event";
  EXPECT_EQ(after_edit[3], before[3] + 1) << "one audit record";

  // The old revision is readable as it was; its segments say the old text.
  auto old_segments = call("GET", target() + "/segments", viewer_a_);
  ASSERT_EQ(old_segments.status, 200);
  EXPECT_EQ(json_of(old_segments)["items"][0]["text"], "A-only secret words 0");
  auto new_segments = call("GET", "/v1/transcripts/" + revision_2 + "/segments", viewer_a_);
  EXPECT_EQ(json_of(new_segments)["items"][0]["text"], "A-only fixed words 0");

  // Stale: revision 1 again, or revision 2 with If-Match naming 1. Nothing is written but the
  // audit record of the refusal.
  for (const std::string& stale_target : {target(), "/v1/transcripts/" + revision_2}) {
    auto stale = call("PATCH", stale_target, editor_a_, kFixFirst, {"If-Match: \"1\""});
    EXPECT_EQ(stale.status, 412) << stale.body;
    EXPECT_EQ(json_of(stale)["code"], "precondition_failed");
  }
  EXPECT_EQ(rows(), after_edit);
  EXPECT_EQ(count("audit_logs", "outcome = 'failed'"), failed_before + 3);
  // Not a revision: negative, or 2 plus 2^32 (which a 32-bit revision would read as 2).
  for (const char* tag : {"\"4294967298\"", "\"-2\""}) {
    auto wrong = call("PATCH", "/v1/transcripts/" + revision_2, editor_a_, kFixFirst, {std::string("If-Match: ") + tag});
    EXPECT_EQ(wrong.status, 412) << tag << " " << wrong.body;
  }
  EXPECT_EQ(rows(), after_edit);
}

TEST_P(TranscriptEditApi, ARefusedOperationNamesItsIndexAndField) {
  NARRALYTICA_API_TEST();
  const auto before = rows();
  const std::pair<const char*, const char*> cases[] = {
      {R"({"operations":[{"op":"delete","segment":0},{"op":"set_text","segment":7,"text":"x"}]})",
       "operations[1].segment"},
      {R"({"operations":[{"op":"set_times","segment":2,"start_ms":100,"end_ms":200}]})", "operations[0].start_ms"},
      {R"({"operations":[{"op":"set_text","segment":0,"text":"x","colour":"red"}]})", "operations[0].colour"},
      {R"({"operations":[{"op":"split","segment":0,"at_word":9}]})", "operations[0].at_word"},
      {R"({"operations":[{"op":"undo","segment":0}]})", "operations[0].op"},
      {R"({"operations":[{"op":"set_text","text":"x"}]})", "operations[0].segment"},
  };
  for (const auto& [json, field] : cases) {
    auto refused = call("PATCH", target(), editor_a_, json, {"If-Match: \"1\""});
    EXPECT_EQ(refused.status, 422) << json << " " << refused.body;
    EXPECT_EQ(json_of(refused)["field"], field) << json;
  }
  EXPECT_EQ(rows(), before);
}

TEST_P(TranscriptEditApi, RevisionsAndDiffDescribeTheChain) {
  NARRALYTICA_API_TEST();
  auto edited = call("PATCH", target(), editor_a_,
                     R"({"operations":[{"op":"set_text","segment":0,"text":"A-only fixed words 0"},)"
                     R"({"op":"merge","segment":3}]})",
                     {"If-Match: \"1\""});
  ASSERT_EQ(edited.status, 201) << edited.body;
  const std::string revision_2 = json_of(edited)["id"];

  auto revisions = json_of(call("GET", target() + "/revisions", viewer_a_));
  ASSERT_EQ(revisions["items"].size(), 2u);
  EXPECT_EQ(revisions["items"][0]["revision"], 1);
  EXPECT_EQ(revisions["items"][1]["id"], revision_2);
  EXPECT_EQ(revisions["current_id"], revision_2);

  auto diff = call("GET", "/v1/transcripts/" + revision_2 + "/diff?from=1&to=2", viewer_a_);
  ASSERT_EQ(diff.status, 200) << diff.body;
  const auto d = json_of(diff);
  EXPECT_EQ(d["counts"]["segments_changed"], 2);
  EXPECT_EQ(d["counts"]["segments_removed"], 1);
  EXPECT_EQ(d["counts"]["words_changed"], 1);
  EXPECT_EQ(d["segments"][0]["change"], "changed");
  EXPECT_EQ(d["segments"][0]["words"][0]["from"]["text"], "secret");
  EXPECT_EQ(d["segments"][0]["words"][0]["to"]["text"], "fixed");
  EXPECT_EQ(call("GET", "/v1/transcripts/" + revision_2 + "/diff", viewer_a_).body, diff.body)
      << "the default compares a revision with the one before it";
  auto missing = call("GET", target() + "/diff?from=1&to=5", viewer_a_);
  EXPECT_EQ(missing.status, 422);
  EXPECT_EQ(json_of(missing)["field"], "to");
}

INSTANTIATE_TEST_SUITE_P(Backends, TranscriptEditApi, ::testing::Values(store::Backend::sqlite, store::Backend::postgres),
                         backend_name);

}  // namespace
}  // namespace narralytica::testing
