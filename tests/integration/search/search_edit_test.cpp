// Proves search follows edits, on both backends: after a transcript is edited (PATCH's and the
// CLI's use case), the feed pipeline re-projects the video from the new revision, so a search
// finds the new text, at the new revision, and no longer the old text; the index then agrees with
// a fresh projection (verify).
#include "app/edit_service.hpp"
#include "integration/search/search_fixture.hpp"

namespace narralytica {
namespace {

using namespace narralytica::testing;

class SearchEditTest : public SearchFixture {};

TEST_P(SearchEditTest, ASearchAfterAnEditFindsTheNewTextAndNotTheOld) {
  auto video = create_video(tenant_a_, "Council hearing");
  auto transcript = add_transcript(tenant_a_, video, {{"the flood defences failed", "SPEAKER_00"},
                                                      {"we need a new budget", "SPEAKER_01"}});
  sync();
  ASSERT_EQ(texts(tenant_a_, "flood"), std::vector<std::string>{"the flood defences failed"});

  app::EditRequest request;
  auto operations = app::parse_edit(R"({"operations":[
      {"op":"set_text","segment":0,"text":"the harbour defences held"},
      {"op":"delete","segment":1}]})");
  ASSERT_TRUE(operations.ok()) << operations.error().describe();
  request.operations = *operations;
  request.expected_revision = transcript.revision;
  auto edited = app::EditService::edit(db_->app(), test_operator(), tenant_a_.slug, transcript.public_id, request);
  ASSERT_TRUE(edited.ok()) << edited.error().describe();
  sync();

  EXPECT_TRUE(texts(tenant_a_, "flood").empty()) << "the old revision's text is no longer found";
  EXPECT_TRUE(texts(tenant_a_, "budget").empty()) << "a deleted segment is no longer found";
  auto hit = search(tenant_a_, "harbour");
  ASSERT_TRUE(hit.ok()) << hit.error().describe();
  ASSERT_EQ(hit->hits.size(), 1u);
  EXPECT_EQ(hit->hits[0].document.text, "the harbour defences held");
  EXPECT_EQ(hit->hits[0].document.revision, 2);
  EXPECT_EQ(hit->hits[0].document.transcript_id, edited->transcript.public_id);

  auto reports = service_->verify(test_operator(), tenant_a_.slug, 1);
  ASSERT_TRUE(reports.ok()) << reports.error().describe();
  ASSERT_EQ(reports->size(), 1u);
  for (const auto& drift : (*reports)[0].drift) ADD_FAILURE() << drift.transcript.to_string() << ": " << drift.what;
}

INSTANTIATE_TEST_SUITE_P(Backends, SearchEditTest, ::testing::Values(store::Backend::sqlite, store::Backend::postgres),
                         backend_name);

}  // namespace
}  // namespace narralytica
