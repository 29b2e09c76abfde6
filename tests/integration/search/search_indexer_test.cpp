// Proves the search index is a faithful, rebuildable projection of canonical data, on both
// backends: the feed pipeline follows every change that affects search (transcript imported,
// revised and deleted; video renamed and deleted; speaker renamed, linked to a person and merged;
// layer version created and pinned); a tenant's query never returns another tenant's segment;
// an index that committed a batch whose checkpoint did not (a crash in between) neither loses nor
// doubles anything; reindex swaps in a new index while searches keep answering; and verify finds
// an index that was damaged on purpose.
#include <atomic>
#include <thread>

#include "integration/search/search_fixture.hpp"
#include "search/search_index.hpp"
#include "search/search_indexer.hpp"
#include "store/layers/layer_repository.hpp"
#include "store/media/people_repository.hpp"
#include "store/media/speaker_repository.hpp"

namespace narralytica {
namespace {

using namespace narralytica::testing;

class SearchIndexerTest : public SearchFixture {
 protected:
  // What a fresh index built from canonical data would hold equals what the pipeline built.
  void expect_verified(const store::Tenant& tenant) {
    auto reports = service_->verify(test_operator(), tenant.slug, 1);
    ASSERT_TRUE(reports.ok()) << reports.error().describe();
    ASSERT_EQ(reports->size(), 1u);
    EXPECT_FALSE((*reports)[0].index_missing);
    for (const auto& drift : (*reports)[0].drift) ADD_FAILURE() << drift.transcript.to_string() << ": " << drift.what;
  }

  store::TenantScope scope_a(store::Transaction& tx) { return operator_scope(tx, tenant_a_); }
};

TEST_P(SearchIndexerTest, FollowsEveryChangeThatAffectsSearch) {
  auto video = create_video(tenant_a_, "Council hearing");
  auto transcript = add_transcript(tenant_a_, video, {{"the flood defences failed", "SPEAKER_00"},
                                                      {"we need a new budget", "SPEAKER_01"}});
  EXPECT_TRUE(texts(tenant_a_, "flood").empty()) << "nothing is indexed before the pipeline runs";
  sync();
  EXPECT_EQ(texts(tenant_a_, "flood"), std::vector<std::string>{"the flood defences failed"});
  auto hit = search(tenant_a_, "budget");
  ASSERT_TRUE(hit.ok() && hit->hits.size() == 1);
  EXPECT_EQ(hit->hits[0].document.video_title, "Council hearing");
  EXPECT_EQ(hit->hits[0].document.start_ms, 10'000);
  EXPECT_GT(hit->indexed_through, 0);

  {  // video renamed
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    store::VideoPatch patch;
    patch.title = "Budget committee";
    ASSERT_TRUE(store::VideoRepository::update(*tx, scope_a(*tx), video.public_id, patch).ok());
    ASSERT_TRUE(tx->commit().ok());
  }
  sync();
  hit = search(tenant_a_, "budget");
  ASSERT_TRUE(hit.ok() && hit->hits.size() == 1);
  EXPECT_EQ(hit->hits[0].document.video_title, "Budget committee");

  std::optional<Uuid> speaker_00, speaker_01;
  {  // speaker renamed
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    auto speakers = store::TranscriptRepository::speakers(*tx, scope_a(*tx), video);
    ASSERT_TRUE(speakers.ok());
    for (const auto& s : *speakers) (s.label == "SPEAKER_00" ? speaker_00 : speaker_01) = s.public_id;
    ASSERT_TRUE(store::TranscriptRepository::rename_speaker(*tx, scope_a(*tx), *speaker_00, "Ada Lovelace").ok());
    ASSERT_TRUE(tx->commit().ok());
  }
  sync();
  EXPECT_EQ(texts(tenant_a_, "speaker:\"ada lovelace\""), std::vector<std::string>{"the flood defences failed"});
  EXPECT_EQ(texts(tenant_a_, "speaker:SPEAKER_00"), std::vector<std::string>{"the flood defences failed"});

  std::optional<Uuid> person;
  {  // speaker linked to a person
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    auto created = store::PeopleRepository::create(*tx, scope_a(*tx), store::PersonDraft{"Charles Babbage", "{}", std::nullopt});
    ASSERT_TRUE(created.ok()) << created.error().describe();
    person = created->public_id;
    ASSERT_TRUE(store::PeopleRepository::link(*tx, scope_a(*tx), *person, *speaker_01).ok());
    ASSERT_TRUE(tx->commit().ok());
  }
  sync();
  EXPECT_EQ(texts(tenant_a_, "speaker:\"Charles Babbage\""), std::vector<std::string>{"we need a new budget"});

  {  // the person renamed: the speaker filter follows the person's name
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    store::PersonChange change;
    change.name = "Charles B.";
    ASSERT_TRUE(store::PeopleRepository::update(*tx, scope_a(*tx), *person, change).ok());
    ASSERT_TRUE(tx->commit().ok());
  }
  sync();
  EXPECT_EQ(texts(tenant_a_, "speaker:\"Charles B.\""), std::vector<std::string>{"we need a new budget"});
  EXPECT_TRUE(texts(tenant_a_, "speaker:\"Charles Babbage\"").empty());

  {  // speakers merged: the merged speaker's person passes to the one that keeps the segments
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    ASSERT_TRUE(store::SpeakerRepository::merge(*tx, scope_a(*tx), *speaker_01, *speaker_00).ok());
    ASSERT_TRUE(tx->commit().ok());
  }
  sync();
  EXPECT_EQ(texts(tenant_a_, "speaker:\"ada lovelace\"").size(), 2u);
  EXPECT_EQ(texts(tenant_a_, "speaker:\"Charles B.\"").size(), 2u);

  {  // the person deleted: its name leaves every video it was linked in
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    ASSERT_TRUE(store::PeopleRepository::remove(*tx, scope_a(*tx), *person).ok());
    ASSERT_TRUE(tx->commit().ok());
  }
  sync();
  EXPECT_TRUE(texts(tenant_a_, "speaker:\"Charles B.\"").empty());
  EXPECT_EQ(texts(tenant_a_, "speaker:\"ada lovelace\"").size(), 2u);

  {  // two topic versions; the newest is current, then version 1 is pinned
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    for (const char* label : {"infrastructure", "finance"}) {
      store::LayerRunDraft run;
      run.kind = "topics";
      run.producer_name = "test";
      run.producer_version = label;
      store::LayerItemDraft item;
      item.segment_ordinal_first = 0;
      item.segment_ordinal_last = 0;
      item.label = label;
      run.items.push_back(item);
      ASSERT_TRUE(store::LayerRepository::create_run(*tx, scope_a(*tx), transcript, run).ok());
    }
    ASSERT_TRUE(tx->commit().ok());
  }
  sync();
  EXPECT_EQ(texts(tenant_a_, "topic:finance"), std::vector<std::string>{"the flood defences failed"});
  EXPECT_TRUE(texts(tenant_a_, "topic:infrastructure").empty());
  {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    ASSERT_TRUE(store::LayerRepository::set_current(*tx, scope_a(*tx), transcript, "topics", 1).ok());
    ASSERT_TRUE(tx->commit().ok());
  }
  sync();
  EXPECT_EQ(texts(tenant_a_, "topic:infrastructure"), std::vector<std::string>{"the flood defences failed"});
  expect_verified(tenant_a_);

  // A new revision replaces the old one in search.
  {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    store::TranscriptDraft draft;
    draft.language = "en";
    store::SegmentDraft s;
    s.start_ms = 0;
    s.end_ms = 1000;
    s.text = "the levees held after all";
    draft.segments.push_back(s);
    auto revised = store::TranscriptRepository::create(*tx, scope_a(*tx), video, draft);
    ASSERT_TRUE(revised.ok()) << revised.error().describe();
    ASSERT_TRUE(tx->commit().ok());
    transcript = revised->transcript;
  }
  sync();
  EXPECT_TRUE(texts(tenant_a_, "flood").empty());
  EXPECT_EQ(texts(tenant_a_, "levees"), std::vector<std::string>{"the levees held after all"});
  expect_verified(tenant_a_);

  {  // transcript deleted: the previous revision is current again
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    ASSERT_TRUE(store::TranscriptRepository::remove(*tx, scope_a(*tx), transcript.public_id).ok());
    ASSERT_TRUE(tx->commit().ok());
  }
  sync();
  EXPECT_TRUE(texts(tenant_a_, "levees").empty());
  EXPECT_EQ(texts(tenant_a_, "flood").size(), 1u);

  {  // video deleted
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    ASSERT_TRUE(store::VideoRepository::remove(*tx, scope_a(*tx), video.public_id).ok());
    ASSERT_TRUE(tx->commit().ok());
  }
  sync();
  EXPECT_TRUE(texts(tenant_a_, "flood OR budget OR levees").empty());
  expect_verified(tenant_a_);
}

TEST_P(SearchIndexerTest, ATenantNeverSeesAnotherTenantsSegments) {
  auto mine = create_video(tenant_a_, "Acme all-hands");
  auto theirs = create_video(tenant_b_, "Globex all-hands");
  add_transcript(tenant_a_, mine, {{"the quarterly numbers are confidential"}});
  add_transcript(tenant_b_, theirs, {{"the quarterly numbers are confidential"}});
  sync();
  auto a = search(tenant_a_, "\"quarterly numbers\"");
  auto b = search(tenant_b_, "\"quarterly numbers\"");
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->hits.size(), 1u);
  ASSERT_EQ(b->hits.size(), 1u);
  EXPECT_EQ(a->hits[0].document.video_id, mine.public_id);
  EXPECT_EQ(b->hits[0].document.video_id, theirs.public_id);
  // Naming the other tenant's video in a filter finds nothing rather than their segment.
  EXPECT_TRUE(texts(tenant_a_, "quarterly video:" + theirs.public_id.to_string()).empty());
}

TEST_P(SearchIndexerTest, ACrashBetweenTheIndexCommitAndTheCheckpointNeitherLosesNorDoubles) {
  auto video = create_video(tenant_a_, "Hearing");
  add_transcript(tenant_a_, video, {{"first words"}, {"second words"}});
  sync();
  auto second = create_video(tenant_a_, "Second hearing");
  add_transcript(tenant_a_, second, {{"third words"}});
  // The index applies the next batch and commits, then the process dies before the checkpoint
  // moves: the same batch is offered again.
  {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::read);
    const auto scope = store::SystemScope::because(test_operator().actor);
    auto checkpoint = store::CheckpointRepository::find(*tx, scope, app::kSearchPipeline, std::nullopt);
    ASSERT_TRUE(checkpoint.ok() && checkpoint->has_value());
    auto page = store::EventFeed::read(*tx, scope, (*checkpoint)->position, 100);
    ASSERT_TRUE(page.ok());
    ASSERT_FALSE(page->events.empty());
    ASSERT_TRUE(service_->apply_events((*checkpoint)->position, page->events, false).ok());
  }
  sync();  // the replay
  auto words = search(tenant_a_, "words");
  ASSERT_TRUE(words.ok());
  EXPECT_EQ(words->total, 3);
  EXPECT_TRUE(words->total_exact);
  expect_verified(tenant_a_);
}

TEST_P(SearchIndexerTest, ReindexSwapsInANewIndexWhileSearchesKeepAnswering) {
  for (int v = 0; v < 6; ++v) {
    auto video = create_video(tenant_a_, "Video " + std::to_string(v));
    std::vector<SegmentSpec> segments;
    for (int s = 0; s < 40; ++s) segments.push_back({"common words of segment " + std::to_string(s)});
    add_transcript(tenant_a_, video, segments);
  }
  sync();
  std::atomic<bool> done{false};
  std::atomic<int> searches{0};
  std::atomic<int> failures{0};
  std::thread searcher([&] {
    while (!done) {
      auto result = search(tenant_a_, "common");
      if (!result.ok() || result->total != 240) ++failures;
      ++searches;
    }
  });
  for (int round = 0; round < 3; ++round) {
    auto reports = service_->reindex(test_operator(), "acme", 2);
    ASSERT_TRUE(reports.ok()) << reports.error().describe();
    ASSERT_EQ(reports->size(), 1u);
    EXPECT_EQ((*reports)[0].documents, 240);
  }
  done = true;
  searcher.join();
  EXPECT_GT(searches.load(), 0);
  EXPECT_EQ(failures.load(), 0) << "every search during the rebuilds answered in full";
  // Only the current generation and the one it replaced are kept on disk.
  int generations = 0;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir_.path() / "search" / tenant_a_.public_id.to_string())) {
    if (entry.is_directory()) ++generations;
  }
  EXPECT_LE(generations, 2);
  // The pipeline continues on the new index.
  add_transcript(tenant_a_, create_video(tenant_a_, "Late"), {{"common late words"}});
  sync();
  auto after = search(tenant_a_, "common");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->total, 241);
  expect_verified(tenant_a_);
}

TEST_P(SearchIndexerTest, ARebuildLargerThanOneBulkCommitIsWholeAndStartsWithTheLargestTenant) {
  // globex: more documents than one bulk commit holds, so the rebuild commits on its own midway.
  constexpr int kSegmentsPerVideo = 900;
  for (int v = 0; v < 3; ++v) {
    std::vector<SegmentSpec> segments;
    for (int s = 0; s < kSegmentsPerVideo; ++s) segments.push_back({"bulk words " + std::to_string(v * 1000 + s)});
    add_transcript(tenant_b_, create_video(tenant_b_, "Long " + std::to_string(v)), segments);
  }
  add_transcript(tenant_a_, create_video(tenant_a_, "Short"), {{"bulk words"}});
  static_assert(3 * kSegmentsPerVideo > search::kBulkCommitDocuments);

  search::SearchIndexer indexer(db_->app(), data_dir_.path());
  auto tenants = indexer.tenants();
  ASSERT_TRUE(tenants.ok());
  ASSERT_EQ(tenants->size(), 2u);
  EXPECT_EQ((*tenants)[0].slug, "acme") << "listed in creation order";
  ASSERT_TRUE(indexer.order_largest_first(*tenants).ok());
  EXPECT_EQ((*tenants)[0].slug, "globex");
  EXPECT_EQ((*tenants)[1].slug, "acme");

  auto reports = service_->reindex(test_operator(), "", 2);
  ASSERT_TRUE(reports.ok()) << reports.error().describe();
  ASSERT_EQ(reports->size(), 2u);
  EXPECT_EQ((*reports)[0].slug, "acme") << "reported in the listing's order, whatever order they were built in";
  EXPECT_EQ((*reports)[1].slug, "globex");
  EXPECT_EQ((*reports)[1].documents, 3 * kSegmentsPerVideo);
  auto all = search(tenant_b_, "bulk");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->total, 3 * kSegmentsPerVideo);
  expect_verified(tenant_b_);
  expect_verified(tenant_a_);
}

TEST_P(SearchIndexerTest, VerifyFindsADeliberatelyCorruptedIndex) {
  auto video = create_video(tenant_a_, "Hearing");
  auto transcript = add_transcript(tenant_a_, video, {{"alpha"}, {"beta"}});
  auto other = create_video(tenant_a_, "Other");
  auto kept = add_transcript(tenant_a_, other, {{"gamma"}});
  sync();
  expect_verified(tenant_a_);
  search::IndexDirectory directory(data_dir_.path());
  auto current = directory.current(tenant_a_.public_id);
  ASSERT_TRUE(current.ok() && current->has_value());
  {  // drop one video's documents and alter another's text, behind the pipeline's back
    auto writer = search::IndexWriter::open(**current);
    ASSERT_TRUE(writer.ok());
    const auto position = (*writer)->position();
    ASSERT_TRUE((*writer)->remove_video(video.public_id).ok());
    search::SegmentDocument forged;
    forged.video_id = other.public_id;
    forged.transcript_id = kept.public_id;
    forged.language = "en";
    forged.text = "forged";
    forged.video_title = "Other";
    ASSERT_TRUE((*writer)->replace_video(other.public_id, {forged}).ok());
    ASSERT_TRUE((*writer)->commit(position).ok());
  }
  auto reports = service_->verify(test_operator(), "acme", 1);
  ASSERT_TRUE(reports.ok());
  const auto& drift = (*reports)[0].drift;
  ASSERT_EQ(drift.size(), 2u);
  std::set<Uuid> drifted{drift[0].transcript, drift[1].transcript};
  EXPECT_TRUE(drifted.count(transcript.public_id));
  EXPECT_TRUE(drifted.count(kept.public_id));
  // A rebuild repairs it.
  ASSERT_TRUE(service_->reindex(test_operator(), "acme", 1).ok());
  expect_verified(tenant_a_);
}

TEST_P(SearchIndexerTest, ATenantWhoseEventsWerePrunedIsStillBuilt) {
  add_transcript(tenant_a_, create_video(tenant_a_, "Old hearing"), {{"archived words"}});
  add_transcript(tenant_b_, create_video(tenant_b_, "Newer"), {{"other words"}});
  {  // retention prunes every event but the newest, which is tenant B's
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    const auto scope = store::SystemScope::because(test_operator().actor);
    auto pruned = store::EventFeed::prune(*tx, scope, tx->now_us() + 3'600'000'000LL, store::kEventPruneBatchMax);
    ASSERT_TRUE(pruned.ok()) << pruned.error().describe();
    ASSERT_TRUE(tx->commit().ok());
  }
  auto built = service_->reindex(test_operator(), "acme", 1);
  ASSERT_TRUE(built.ok()) << built.error().describe();
  EXPECT_EQ(texts(tenant_a_, "archived"), std::vector<std::string>{"archived words"});
  sync();  // the pipeline, behind the horizon, rebuilds what exists and goes on
  EXPECT_EQ(texts(tenant_a_, "archived"), std::vector<std::string>{"archived words"});
  expect_verified(tenant_a_);
}

TEST_P(SearchIndexerTest, OnlyTheOperatorRebuilds) {
  store::Principal user;
  user.kind = store::Principal::Kind::user;
  auto refused = service_->reindex(user, "acme", 1);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::permission_denied);
}

INSTANTIATE_TEST_SUITE_P(Backends, SearchIndexerTest,
                         ::testing::Values(store::Backend::sqlite, store::Backend::postgres), backend_name);

}  // namespace
}  // namespace narralytica
