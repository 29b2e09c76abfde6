// Proves editing as revisions on both backends, as `narralytica transcript edit` and the API run
// it: a WhisperX transcript edited (a name fixed, a filler word deleted, a speaker reassigned, two
// segments merged, one split) becomes revision 2 with origin "edit", one event and one audit
// record, while revision 1 stays readable; every word the edit left alone keeps its time
// exactly, and the changed word's interpolated time lies between its neighbours; an edit of a
// revision that is no longer current, or with a stale expected revision, writes nothing; an
// edit whose operation is refused writes nothing; revisions list the chain and the diff names
// what changed; layers over the old revision are reported stale; the JSON export keeps where
// each word's time came from.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "app/edit_service.hpp"
#include "app/transcript_service.hpp"
#include "app/word_alignment.hpp"
#include "core/hashing.hpp"
#include "integration/store/fixtures.hpp"
#include "store/layers/layer_repository.hpp"
#include "store/media/video_repository.hpp"

namespace narralytica {
namespace {

using store::Backend;
using namespace narralytica::testing;
using formats::Word;
using formats::WordTiming;

std::string read_edit_sample(const std::string& name) {
  std::ifstream in(std::string(NARRALYTICA_EDITING_DATA_DIR) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

class EditServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = make_test_database(GetParam());
    if (!db_) GTEST_SKIP();
    tenant_ = create_tenant(db_->app(), "acme");
    transcripts_ = std::make_unique<app::TranscriptService>(db_->app(), data_dir_.path());
    app::ImportOptions options;
    options.source_name = "whisperx_interview.json";
    auto imported = transcripts_->import(test_operator(), "acme", read_edit_sample("whisperx_interview.json"), options);
    ASSERT_TRUE(imported.ok()) << imported.error().describe();
    base_ = imported->transcript;
    video_ = imported->video;
  }

  std::vector<store::Segment> segments_of(const store::Transcript& transcript) {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::read);
    EXPECT_TRUE(tx.ok());
    auto scope = operator_scope(*tx, tenant_);
    store::SegmentQuery query;
    query.limit = store::kPageLimitMax;
    auto page = store::TranscriptRepository::segments(*tx, scope, transcript, query);
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->items : std::vector<store::Segment>{};
  }

  static std::vector<Word> words_in(const store::Segment& segment) {
    if (!segment.words_json) return {};
    auto words = app::decode_words(*segment.words_json);
    EXPECT_TRUE(words.ok());
    return words.ok() ? *words : std::vector<Word>{};
  }

  std::vector<Word> all_words(const store::Transcript& transcript) {
    std::vector<Word> words;
    for (const auto& segment : segments_of(transcript)) {
      for (Word& w : words_in(segment)) words.push_back(std::move(w));
    }
    return words;
  }

  std::optional<Uuid> speaker_id(const std::string& label) {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::read);
    auto scope = operator_scope(*tx, tenant_);
    auto speakers = store::TranscriptRepository::speakers(*tx, scope, video_);
    EXPECT_TRUE(speakers.ok());
    for (const auto& s : *speakers) {
      if (s.label == label) return s.public_id;
    }
    return std::nullopt;
  }

  Result<app::EditResult> edit(const store::Transcript& transcript, const std::string& json,
                               std::optional<int> expected) {
    app::EditRequest request;
    ASSIGN_OR_RETURN(request.operations, app::parse_edit(json));
    request.expected_revision = expected;
    return app::EditService::edit(db_->app(), test_operator(), "acme", transcript.public_id, request);
  }

  // The issue's edit: fix a name, reassign a speaker, delete a filler word, merge two segments,
  // split one. Indexes follow the operations before them.
  std::string issue_edit() {
    return R"({"operations":[
      {"op":"set_text","segment":0,"text":"Welcome back, I'm here with John Smith."},
      {"op":"set_speaker","segment":1,"speaker_id":")" +
           speaker_id("SPEAKER_00")->to_string() + R"("},
      {"op":"set_text","segment":2,"text":"So, tell us about the project."},
      {"op":"merge","segment":3},
      {"op":"split","segment":4,"at_word":3}]})";
  }

  std::vector<std::pair<std::string, std::int64_t>> table_rows() {
    std::vector<std::pair<std::string, std::int64_t>> out;
    for (const char* table : {"transcripts", "segments", "speakers", "transcript_speakers", "event_logs", "audit_logs"}) {
      out.emplace_back(table, count_rows(db_->owner(), table));
    }
    return out;
  }

  std::unique_ptr<TestDatabase> db_;
  TempDir data_dir_;
  store::Tenant tenant_;
  std::unique_ptr<app::TranscriptService> transcripts_;
  store::Transcript base_;
  store::Video video_;
};

TEST_P(EditServiceTest, AnEditOfAWhisperXTranscriptKeepsTheTimeOfEveryWordItLeftAlone) {
  const auto before = table_rows();
  const auto edits_before = count_rows(db_->owner(), "event_logs", "event_type = 'transcript.edited'");
  auto edited = edit(base_, issue_edit(), 1);
  ASSERT_TRUE(edited.ok()) << edited.error().describe();
  ASSERT_TRUE(edited->created);
  const store::Transcript& revision = edited->transcript;
  EXPECT_EQ(revision.revision, 2);
  EXPECT_EQ(revision.origin, "edit");
  EXPECT_EQ(revision.previous_public_id, base_.public_id);
  EXPECT_EQ(revision.segment_count, 6);  // 6, one merge (-1), one split (+1)
  EXPECT_EQ(count_rows(db_->owner(), "event_logs", "event_type = 'transcript.edited'"), edits_before + 1);
  const auto after = table_rows();
  EXPECT_EQ(after[4].second, before[4].second + 1) << "one event";
  EXPECT_EQ(after[5].second, before[5].second + 1) << "one audit record";

  // Revision 1 is still there, unchanged.
  const auto old_segments = segments_of(base_);
  ASSERT_EQ(old_segments.size(), 6u);
  EXPECT_EQ(old_segments[0].text, "Welcome back, I'm here with Jon Smith.");

  const auto new_segments = segments_of(revision);
  ASSERT_EQ(new_segments.size(), 6u);
  EXPECT_EQ(new_segments[0].text, "Welcome back, I'm here with John Smith.");
  EXPECT_EQ(new_segments[1].speaker_label, "SPEAKER_00");
  EXPECT_EQ(new_segments[2].text, "So, tell us about the project.");
  EXPECT_EQ(new_segments[3].text, "It started in 2019. We had no budget at all.");
  EXPECT_EQ(new_segments[3].start_ms, old_segments[3].start_ms);
  EXPECT_EQ(new_segments[3].end_ms, old_segments[4].end_ms);
  EXPECT_EQ(new_segments[4].text, "That sounds hard.");
  EXPECT_EQ(new_segments[5].text, "What changed after that?");
  EXPECT_EQ(new_segments[4].end_ms, new_segments[5].start_ms);

  // Every word but the fixed name and the deleted filler, in order, with identical times,
  // confidence and source (the reader's interpolated "2019." included).
  std::vector<Word> old_kept;
  for (Word& w : all_words(base_)) {
    if (w.text != "Jon" && w.text != "um,") old_kept.push_back(std::move(w));
  }
  std::vector<Word> new_kept;
  const std::vector<Word> new_words = all_words(revision);
  for (const Word& w : new_words) {
    if (w.text != "John") new_kept.push_back(w);
  }
  ASSERT_EQ(new_kept.size(), old_kept.size());
  bool saw_reader_interpolation = false;
  for (std::size_t i = 0; i < old_kept.size(); ++i) {
    EXPECT_EQ(new_kept[i].text, old_kept[i].text) << i;
    EXPECT_EQ(new_kept[i].start_ms, old_kept[i].start_ms) << new_kept[i].text;
    EXPECT_EQ(new_kept[i].end_ms, old_kept[i].end_ms) << new_kept[i].text;
    EXPECT_EQ(new_kept[i].confidence, old_kept[i].confidence) << new_kept[i].text;
    EXPECT_EQ(new_kept[i].timing, old_kept[i].timing) << new_kept[i].text;
    saw_reader_interpolation |= new_kept[i].timing == WordTiming::interpolated;
  }
  EXPECT_TRUE(saw_reader_interpolation) << "the fixture's untimed \"2019.\" is kept as the reader interpolated it";

  // The one changed word is interpolated between its neighbours in its segment.
  const std::vector<Word> first = words_in(new_segments[0]);
  std::size_t interpolated = 0;
  for (std::size_t i = 0; i < first.size(); ++i) {
    if (first[i].timing != WordTiming::interpolated) continue;
    ++interpolated;
    EXPECT_EQ(first[i].text, "John");
    ASSERT_GT(i, 0u);
    ASSERT_LT(i + 1, first.size());
    EXPECT_LE(first[i - 1].end_ms, first[i].start_ms);
    EXPECT_LE(first[i].start_ms, first[i].end_ms);
    EXPECT_LE(first[i].end_ms, first[i + 1].start_ms);
  }
  EXPECT_EQ(interpolated, 1u);
  EXPECT_EQ(edited->stats.words_interpolated, 2) << "John, and the reader's 2019. in the merged segment";
}

TEST_P(EditServiceTest, AStaleRevisionOrExpectedRevisionWritesNothing) {
  auto first = edit(base_, R"({"operations":[{"op":"delete","segment":5}]})", 1);
  ASSERT_TRUE(first.ok()) << first.error().describe();
  const auto before = table_rows();

  // Revision 1 is no longer current: editing it again would drop revision 2's change.
  auto stale = edit(base_, R"({"operations":[{"op":"delete","segment":4}]})", 1);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::precondition_failed);
  EXPECT_EQ(stale.error().field, "If-Match");
  // The current revision with an expected revision that is not its own.
  auto wrong = edit(first->transcript, R"({"operations":[{"op":"delete","segment":4}]})", 1);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::precondition_failed);
  // A refused operation, after valid ones: nothing of the valid ones is stored either.
  auto refused = edit(first->transcript,
                      R"({"operations":[{"op":"delete","segment":0},{"op":"set_times","segment":0,"end_ms":1}]})", 2);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "operations[1].end_ms");
  EXPECT_EQ(table_rows(), before);

  // Operations that change nothing store nothing and name the current revision.
  auto same = edit(first->transcript, R"({"operations":[{"op":"set_times","segment":0,"start_ms":500}]})", 2);
  ASSERT_TRUE(same.ok()) << same.error().describe();
  EXPECT_FALSE(same->created);
  EXPECT_EQ(same->transcript.public_id, first->transcript.public_id);
  EXPECT_EQ(table_rows(), before);
}

TEST_P(EditServiceTest, RevisionsListTheChainAndTheDiffNamesWhatChanged) {
  auto edited = edit(base_, issue_edit(), 1);
  ASSERT_TRUE(edited.ok()) << edited.error().describe();
  auto tx = store::Transaction::begin(db_->app(), store::TxMode::read);
  ASSERT_TRUE(tx.ok());
  auto scope = operator_scope(*tx, tenant_);
  auto chain = app::EditService::revisions_in(*tx, scope, base_.public_id);
  ASSERT_TRUE(chain.ok()) << chain.error().describe();
  ASSERT_EQ(chain->size(), 2u);
  EXPECT_EQ((*chain)[0].public_id, base_.public_id);
  EXPECT_EQ((*chain)[1].public_id, edited->transcript.public_id);

  auto diff = app::EditService::diff_in(*tx, scope, edited->transcript.public_id, std::nullopt, std::nullopt);
  ASSERT_TRUE(diff.ok()) << diff.error().describe();
  EXPECT_EQ(diff->from.revision, 1);
  EXPECT_EQ(diff->to.revision, 2);
  // Segment 0 (the name), 1 (the speaker), 2 (the filler), 3 and 4 merged (one changed, one
  // removed), 5 split (one changed, one added).
  EXPECT_EQ(diff->counts.segments_changed, 5);
  EXPECT_EQ(diff->counts.segments_removed, 1);
  EXPECT_EQ(diff->counts.segments_added, 1);
  const app::SegmentChange& name = diff->segments.front();
  EXPECT_EQ(name.kind, app::ChangeKind::changed);
  ASSERT_EQ(name.words.size(), 1u);
  EXPECT_EQ(name.words[0].kind, app::ChangeKind::changed);
  EXPECT_EQ(name.words[0].from->text, "Jon");
  EXPECT_EQ(name.words[0].to->text, "John");
  EXPECT_EQ(name.words[0].to->timing, WordTiming::interpolated);
  const app::SegmentChange& speaker = diff->segments[1];
  EXPECT_EQ(speaker.fields, std::vector<std::string>{"speaker"});
  const app::SegmentChange& filler = diff->segments[2];
  ASSERT_EQ(filler.words.size(), 1u);
  EXPECT_EQ(filler.words[0].kind, app::ChangeKind::removed);
  EXPECT_EQ(filler.words[0].from->text, "um,");

  auto missing = app::EditService::diff_in(*tx, scope, base_.public_id, 1, 7);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().field, "to");
}

TEST_P(EditServiceTest, LayersOverTheOldRevisionAreStaleAndTheExportKeepsTimingSources) {
  {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    ASSERT_TRUE(tx.ok());
    auto scope = operator_scope(*tx, tenant_);
    store::LayerRunDraft run;
    run.kind = "x-notes";
    run.producer_name = "test";
    run.producer_version = "1";
    store::LayerItemDraft item;
    item.segment_ordinal_first = 0;
    item.segment_ordinal_last = 0;
    item.payload_json = R"({"note":"intro"})";
    item.link_by_time = false;
    run.items.push_back(item);
    ASSERT_TRUE(store::LayerRepository::create_run(*tx, scope, base_, run).ok());
    ASSERT_TRUE(tx->commit().ok());
  }
  auto edited = edit(base_, issue_edit(), 1);
  ASSERT_TRUE(edited.ok()) << edited.error().describe();
  {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::read);
    auto scope = operator_scope(*tx, tenant_);
    auto runs = store::LayerRepository::list_for_transcript(*tx, scope, base_);
    ASSERT_TRUE(runs.ok()) << runs.error().describe();
    ASSERT_EQ(runs->size(), 1u);
    EXPECT_TRUE(runs->front().stale);
  }
  auto exported = transcripts_->export_transcript(test_operator(), "acme", edited->transcript.public_id,
                                                  formats::Format::narralytica_json);
  ASSERT_TRUE(exported.ok()) << exported.error().describe();
  // The export is pretty-printed: a word's members are on the lines up to its closing brace.
  const auto john = exported->content.find(R"("text": "John")");
  ASSERT_NE(john, std::string::npos) << exported->content;
  const auto word_end = exported->content.find('}', john);
  const auto word_begin = exported->content.rfind('{', john);
  EXPECT_NE(exported->content.substr(word_begin, word_end - word_begin).find(R"("interpolated": true)"),
            std::string::npos)
      << "the export says the changed word's time is interpolated";
}

// The segments an edit leaves alone are copied inside the database, not written from the
// process: over a long transcript edited in many places (more untouched runs than one copy
// statement takes), each comes out exactly as stored, words byte for byte and the same speaker,
// at its place after the deletes, inserts, splits and merges before it; and the new revision's
// content hash is the hash of what it holds, read back.
TEST_P(EditServiceTest, UntouchedSegmentsAreCopiedExactlyToTheirNewPlaces) {
  constexpr int kSegments = 400;
  store::Transcript long_base;
  {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    ASSERT_TRUE(tx.ok());
    auto scope = operator_scope(*tx, tenant_);
    store::VideoDraft video;
    video.title = "A long hearing";
    auto created = store::VideoRepository::create(*tx, scope, video);
    ASSERT_TRUE(created.ok()) << created.error().describe();
    store::TranscriptDraft draft;
    draft.language = "en";
    draft.origin = "asr";
    for (int i = 0; i < kSegments; ++i) {
      store::SegmentDraft segment;
      segment.start_ms = i * 1000;
      segment.end_ms = i * 1000 + 900;
      segment.text = "segment " + std::to_string(i) + " says this";
      segment.speaker_label = i % 3 ? "SPEAKER_01" : "SPEAKER_00";
      if (i % 7) segment.confidence = 0.5 + (i % 10) / 20.0;
      std::vector<Word> words;
      for (int w = 0; w < 4; ++w) {
        Word word;
        word.text = w == 0 ? "segment" : w == 1 ? std::to_string(i) : w == 2 ? "says" : "this";
        word.start_ms = i * 1000 + w * 200;
        word.end_ms = word.start_ms + 150;
        word.confidence = 0.25 + w / 10.0;
        words.push_back(word);
      }
      segment.words_json = app::encode_words(words);
      draft.segments.push_back(std::move(segment));
    }
    auto written = store::TranscriptRepository::create(*tx, scope, *created, draft);
    ASSERT_TRUE(written.ok()) << written.error().describe();
    long_base = written->transcript;
    ASSERT_TRUE(tx->commit().ok());
  }
  // Where each segment of the result comes from (an ordinal of the base; -1: changed), followed
  // through the same operations.
  std::vector<int> origin(kSegments);
  for (int i = 0; i < kSegments; ++i) origin[static_cast<std::size_t>(i)] = i;
  auto at = [&](int i) { return origin.begin() + i; };
  std::string ops = R"({"op":"delete","segment":10},)";
  origin.erase(at(10));
  ops += R"({"op":"insert","segment":50,"start_ms":50950,"end_ms":50990,"text":"an aside"},)";
  origin.insert(at(50), -1);
  ops += R"({"op":"split","segment":100,"at_word":2},)";
  origin[100] = -1;
  origin.insert(at(101), -1);
  ops += R"({"op":"merge","segment":150},)";
  origin[150] = -1;
  origin.erase(at(151));
  ops += R"({"op":"set_speaker","segment":200,"speaker_label":"SPEAKER_02"},)";
  origin[200] = -1;
  ops += R"({"op":"set_times","segment":250,"end_ms":250950},)";
  origin[250] = -1;
  for (int i = 300; i < kSegments; i += 2) {  // 50 more runs: two copy statements
    ops += R"({"op":"set_text","segment":)" + std::to_string(i) + R"(,"text":"changed )" + std::to_string(i) + R"("},)";
    origin[static_cast<std::size_t>(i)] = -1;
  }
  ops.pop_back();
  auto edited = edit(long_base, R"({"operations":[)" + ops + "]}", 1);
  ASSERT_TRUE(edited.ok()) << edited.error().describe();
  ASSERT_TRUE(edited->created);

  const auto old_segments = segments_of(long_base);
  const auto new_segments = segments_of(edited->transcript);
  ASSERT_EQ(old_segments.size(), static_cast<std::size_t>(kSegments));
  ASSERT_EQ(new_segments.size(), origin.size());
  EXPECT_EQ(edited->transcript.segment_count, static_cast<std::int64_t>(origin.size()));
  std::size_t copied = 0;
  for (std::size_t i = 0; i < new_segments.size(); ++i) {
    const store::Segment& now = new_segments[i];
    EXPECT_EQ(now.ordinal, static_cast<std::int64_t>(i));
    if (origin[i] < 0) continue;
    ++copied;
    const store::Segment& was = old_segments[static_cast<std::size_t>(origin[i])];
    EXPECT_EQ(now.start_ms, was.start_ms) << i;
    EXPECT_EQ(now.end_ms, was.end_ms) << i;
    EXPECT_EQ(now.text, was.text) << i;
    EXPECT_EQ(now.speaker_public_id, was.speaker_public_id) << i;
    EXPECT_EQ(now.confidence, was.confidence) << i;
    EXPECT_EQ(now.words_json, was.words_json) << i;
  }
  EXPECT_GT(copied, 300u);
  EXPECT_EQ(new_segments[200].speaker_label, "SPEAKER_02");
  EXPECT_EQ(new_segments[50].text, "an aside");

  store::TranscriptDraft held;
  held.language = "en";
  for (const store::Segment& segment : new_segments) {
    store::SegmentDraft d;
    d.start_ms = segment.start_ms;
    d.end_ms = segment.end_ms;
    d.speaker_label = segment.speaker_label.value_or("");
    d.text = segment.text;
    d.words_json = segment.words_json.value_or("");
    held.segments.push_back(std::move(d));
  }
  EXPECT_EQ(edited->transcript.content_hash, to_hex(store::transcript_content_hash(held)));
}

INSTANTIATE_TEST_SUITE_P(Backends, EditServiceTest, ::testing::Values(Backend::sqlite, Backend::postgres),
                         backend_name);

}  // namespace
}  // namespace narralytica
