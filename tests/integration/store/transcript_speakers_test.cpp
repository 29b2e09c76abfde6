// Proves what decision 0010 (segments refer to their speaker through transcript_speakers) must
// keep, on both backends: a merge moves every segment of the merged speaker and leaves it in no
// transcript, with the count it reports; deleting a video takes its transcripts, speakers and their
// links with it; the database refuses a segment whose speaker is not one of its transcript's
// speakers, and a speaker that still has segments cannot leave the transcript; and the look-ups that
// deleting or merging a speaker needs are index searches, not a scan of every segment.
#include <gtest/gtest.h>

#include <algorithm>

#include "fixtures.hpp"
#include "store/media/speaker_repository.hpp"

namespace narralytica {
namespace {

using store::Backend;
using namespace narralytica::testing;

class TranscriptSpeakersTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = make_test_database(GetParam());
    if (!db_) return;
    tenant_ = create_tenant(db_->app(), "speakers");
  }

  // A video with one transcript per language, each from sample_transcript (SPEAKER_00 and _01).
  store::Video create_video(const std::string& title, std::initializer_list<const char*> languages) {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    auto scope = operator_scope(*tx, tenant_);
    auto video = store::VideoRepository::create(*tx, scope, store::VideoDraft{title, "", "en", 60'000, {}, {}});
    EXPECT_TRUE(video.ok());
    for (const char* language : languages) {
      auto t = store::TranscriptRepository::create(*tx, scope, *video, sample_transcript(7, language));
      EXPECT_TRUE(t.ok()) << t.error().describe();
    }
    EXPECT_TRUE(tx->commit().ok());
    return *video;
  }

  // A video whose English transcript (sample_transcript: SPEAKER_00 and _01) does not use
  // SPEAKER_02, the only speaker of its German one. Returns the video and the English transcript.
  std::pair<store::Video, store::Transcript> video_with_a_third_speaker(const std::string& title, int segments) {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    auto scope = operator_scope(*tx, tenant_);
    auto video = store::VideoRepository::create(*tx, scope, store::VideoDraft{title, "", "en", 60'000, {}, {}});
    EXPECT_TRUE(video.ok());
    auto en = store::TranscriptRepository::create(*tx, scope, *video, sample_transcript(segments, "en"));
    auto draft = sample_transcript(segments, "de");
    for (auto& s : draft.segments) s.speaker_label = "SPEAKER_02";
    auto de = store::TranscriptRepository::create(*tx, scope, *video, draft);
    EXPECT_TRUE(en.ok() && de.ok());
    EXPECT_TRUE(tx->commit().ok());
    return {*video, en->transcript};
  }

  store::Speaker speaker_labelled(const store::Video& video, const std::string& label) {
    const auto speakers = speakers_of(video);
    auto found = std::find_if(speakers.begin(), speakers.end(), [&](const auto& s) { return s.label == label; });
    EXPECT_NE(found, speakers.end()) << label;
    return found == speakers.end() ? store::Speaker{} : *found;
  }

  std::vector<store::Speaker> speakers_of(const store::Video& video) {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::read);
    auto scope = operator_scope(*tx, tenant_);
    auto speakers = store::TranscriptRepository::speakers(*tx, scope, video);
    EXPECT_TRUE(speakers.ok());
    return *speakers;
  }

  std::int64_t count(const std::string& table, const std::string& where) {
    return count_rows(db_->owner(), table, where);
  }

  Status raw(const std::string& sql) {
    auto lease = db_->owner().acquire();
    return (*lease)->execute_script(sql);
  }

  // The plan of `sql` as one string (SQLite's EXPLAIN QUERY PLAN details, PostgreSQL's EXPLAIN
  // lines with sequential scans off, so an index that can serve the query is chosen whatever the
  // table sizes).
  std::string plan(const std::string& sql) {
    auto lease = db_->owner().acquire();
    const bool sqlite = GetParam() == Backend::sqlite;
    if (!sqlite) {
      EXPECT_TRUE((*lease)->execute_script("SET enable_seqscan = off").ok());
    }
    auto s = (*lease)->prepare((sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + sql);
    EXPECT_TRUE(s.ok()) << s.error().describe();
    std::string out;
    while (true) {
      auto row = (*s)->step();
      EXPECT_TRUE(row.ok()) << row.error().describe();
      if (!row.ok() || !*row) break;
      out += (*s)->column_text(sqlite ? 3 : 0);
      out += '\n';
    }
    (*s)->reset();
    if (!sqlite) {
      EXPECT_TRUE((*lease)->execute_script("RESET enable_seqscan").ok());
    }
    return out;
  }

  std::unique_ptr<TestDatabase> db_;
  store::Tenant tenant_;
};

#define REQUIRE_DB() \
  if (!db_) return

TEST_P(TranscriptSpeakersTest, TranscriptListsTheSpeakersItsSegmentsUse) {
  REQUIRE_DB();
  const auto video = create_video("Panel", {"en", "fr"});
  const auto speakers = speakers_of(video);
  ASSERT_EQ(speakers.size(), 2u);
  const std::string of_video = "transcript_id IN (SELECT id FROM transcripts WHERE video_id = " +
                               std::to_string(video.id) + ")";
  EXPECT_EQ(count("transcript_speakers", of_video), 4);  // two transcripts, two speakers each
}

TEST_P(TranscriptSpeakersTest, MergeMovesEverySegmentAndLeavesTheSpeakerInNoTranscript) {
  REQUIRE_DB();
  const auto video = create_video("Interview", {"en", "fr"});
  create_video("Other", {"en"});
  const auto into = speaker_labelled(video, "SPEAKER_00"), from = speaker_labelled(video, "SPEAKER_01");
  const std::string from_id = std::to_string(from.id), into_id = std::to_string(into.id);
  const std::int64_t from_segments = count("segments", "speaker_id = " + from_id);
  const std::int64_t into_segments = count("segments", "speaker_id = " + into_id);
  ASSERT_EQ(from_segments, 6);  // 3 odd ordinals of 7, in two transcripts
  const std::int64_t other_rows = count("transcript_speakers", "speaker_id NOT IN (" + from_id + ", " + into_id + ")");

  auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
  auto scope = operator_scope(*tx, tenant_);
  auto merged = store::SpeakerRepository::merge(*tx, scope, from.public_id, into.public_id);
  ASSERT_TRUE(merged.ok()) << merged.error().describe();
  ASSERT_TRUE(tx->commit().ok());

  EXPECT_EQ(count("segments", "speaker_id = " + from_id), 0);
  EXPECT_EQ(count("segments", "speaker_id = " + into_id), from_segments + into_segments);
  EXPECT_EQ(count("transcript_speakers", "speaker_id = " + from_id), 0);
  EXPECT_EQ(count("transcript_speakers", "speaker_id = " + into_id), 2);
  EXPECT_EQ(count("speakers", "id = " + from_id), 0);
  EXPECT_EQ(count("transcript_speakers", "speaker_id NOT IN (" + from_id + ", " + into_id + ")"), other_rows)
      << "another video's transcripts keep their speakers";
  const std::string moved = GetParam() == Backend::sqlite ? "json_extract(payload, '$.segments_moved')"
                                                          : "(payload ->> 'segments_moved')::bigint";
  EXPECT_EQ(count("event_logs", "event_type = 'speaker.merged' AND " + moved + " = " + std::to_string(from_segments)), 1);
}

TEST_P(TranscriptSpeakersTest, MergeIntoASpeakerAbsentFromATranscriptAddsIt) {
  REQUIRE_DB();
  // SPEAKER_02 speaks only in the German transcript; merging SPEAKER_00 into it must add it to the English one.
  const auto [video, en] = video_with_a_third_speaker("Debate", 4);
  const auto from = speaker_labelled(video, "SPEAKER_00"), into = speaker_labelled(video, "SPEAKER_02");

  auto merge_tx = store::Transaction::begin(db_->app(), store::TxMode::write);
  auto merge_scope = operator_scope(*merge_tx, tenant_);
  auto merged = store::SpeakerRepository::merge(*merge_tx, merge_scope, from.public_id, into.public_id);
  ASSERT_TRUE(merged.ok()) << merged.error().describe();
  ASSERT_TRUE(merge_tx->commit().ok());
  EXPECT_EQ(count("segments", "speaker_id = " + std::to_string(into.id)), 6);
  EXPECT_EQ(count("transcript_speakers", "speaker_id = " + std::to_string(into.id)), 2);
}

TEST_P(TranscriptSpeakersTest, DeletingAVideoTakesItsTranscriptSpeakersWithIt) {
  REQUIRE_DB();
  const auto doomed = create_video("Doomed", {"en", "fr"});
  const auto kept = create_video("Kept", {"en"});
  const std::int64_t kept_rows = count("transcript_speakers", "");
  ASSERT_EQ(kept_rows, 6);
  auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
  auto scope = operator_scope(*tx, tenant_);
  auto removed = store::VideoRepository::remove(*tx, scope, doomed.public_id);
  ASSERT_TRUE(removed.ok()) << removed.error().describe();
  ASSERT_TRUE(tx->commit().ok());
  EXPECT_EQ(count("transcript_speakers", ""), 2);
  EXPECT_EQ(count("segments", ""), 7);
  EXPECT_EQ(count("speakers", "video_id = " + std::to_string(doomed.id)), 0);
  EXPECT_EQ(count("speakers", "video_id = " + std::to_string(kept.id)), 2);
}

TEST_P(TranscriptSpeakersTest, SegmentSpeakerMustBeOneOfItsTranscriptsSpeakers) {
  REQUIRE_DB();
  // The video's SPEAKER_02 exists, but only the German transcript uses it.
  const auto [video, en] = video_with_a_third_speaker("Talk", 2);
  const auto third = speaker_labelled(video, "SPEAKER_02");
  const std::string tenant = std::to_string(tenant_.id), transcript = std::to_string(en.id);
  const std::string insert =
      "INSERT INTO segments (tenant_id, transcript_id, ordinal, start_ms, end_ms, speaker_id, text, created_at, "
      "updated_at) VALUES (" + tenant + ", " + transcript + ", 50, 0, 10, " + std::to_string(third.id) +
      ", 'x', 1700000000000000, 1700000000000000)";
  EXPECT_FALSE(raw(insert).ok()) << "a segment of a speaker its transcript does not list";
  EXPECT_FALSE(raw("DELETE FROM transcript_speakers WHERE transcript_id = " + transcript).ok())
      << "a speaker that still has segments in the transcript cannot leave it";
  ASSERT_TRUE(raw("INSERT INTO transcript_speakers (tenant_id, transcript_id, speaker_id) VALUES (" + tenant + ", " +
                  transcript + ", " + std::to_string(third.id) + ")")
                  .ok());
  const auto accepted = raw(insert);
  EXPECT_TRUE(accepted.ok()) << accepted.error().describe();
}

TEST_P(TranscriptSpeakersTest, SpeakerDeletesAndMergesSearchIndexesNotEverySegment) {
  REQUIRE_DB();
  const std::string sqlite_pk = "PRIMARY KEY (tenant_id=? AND transcript_id=?)";
  // The FK check when a transcript_speakers row goes (merge, cascade): one transcript's segments.
  const std::string child = plan("SELECT 1 FROM segments WHERE tenant_id = 1 AND transcript_id = 2 AND speaker_id = 3");
  // The FK check when a speaker is deleted: its rows in transcript_speakers.
  const std::string parent = plan("SELECT 1 FROM transcript_speakers WHERE tenant_id = 1 AND speaker_id = 3");
  // The merge's UPDATE, as SpeakerRepository::merge runs it.
  const std::string merge = plan(
      "UPDATE segments SET speaker_id = 4, updated_at = 5 WHERE tenant_id = 1 AND transcript_id IN "
      "(SELECT transcript_id FROM transcript_speakers WHERE tenant_id = 1 AND speaker_id = 3) AND speaker_id = 3");
  if (GetParam() == Backend::sqlite) {
    EXPECT_NE(child.find("SEARCH segments USING " + sqlite_pk), std::string::npos) << child;
    EXPECT_NE(parent.find("USING COVERING INDEX transcript_speakers_speaker (tenant_id=? AND speaker_id=?)"),
              std::string::npos)
        << parent;
    EXPECT_NE(merge.find("SEARCH segments USING " + sqlite_pk), std::string::npos) << merge;
    EXPECT_NE(merge.find("transcript_speakers_speaker"), std::string::npos) << merge;
  } else {
    EXPECT_NE(child.find("segments_pkey"), std::string::npos) << child;
    EXPECT_NE(parent.find("transcript_speakers_speaker"), std::string::npos) << parent;
    EXPECT_NE(merge.find("segments_pkey"), std::string::npos) << merge;
  }
  for (const std::string* p : {&child, &parent, &merge}) {
    EXPECT_EQ(p->find("SCAN segments"), std::string::npos) << *p;
    EXPECT_EQ(p->find("Seq Scan"), std::string::npos) << *p;
  }
  if (GetParam() == Backend::sqlite) {
    EXPECT_EQ(count("sqlite_master", "type = 'index' AND name = 'segments_speaker'"), 0);
  } else {
    EXPECT_EQ(count("pg_indexes", "indexname = 'segments_speaker'"), 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, TranscriptSpeakersTest, ::testing::Values(Backend::sqlite, Backend::postgres),
                         testing::backend_name);

}  // namespace
}  // namespace narralytica
