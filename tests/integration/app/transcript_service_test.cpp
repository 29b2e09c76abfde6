// Proves what a user of `narralytica import|export` relies on, on both backends: every format's
// sample imports (original file kept under the data directory); the same file, or the same
// content from another file, is a no-op naming the existing transcript; a different transcript
// for the same video is a conflict unless a new revision is asked for; a broken file or an import
// that fails just before COMMIT leaves nothing behind and names file:line:column; AssemblyAI
// layers are stored as versioned runs attached to the segments they overlap (idempotent per
// producer, parameters and content; deleted with their transcript; invisible to other tenants);
// export then import gives back the same content; a file that names no language takes the
// video's, else the tenant's default_language, else "und" with a warning; the same file imported
// to another video is stored there (deduplicated within the video named); and a video that does
// not know its duration learns it from its transcript in the same transaction.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "app/transcript_service.hpp"
#include "core/json_writer.hpp"
#include "integration/store/fixtures.hpp"
#include "store/layers/layer_repository.hpp"
#include "store/media/video_repository.hpp"
#include "store/tenancy/tenant_repository.hpp"

namespace narralytica {
namespace {

using store::Backend;
using namespace narralytica::testing;

std::string read_sample(const std::string& name) {
  std::ifstream in(std::string(NARRALYTICA_FORMATS_DATA_DIR) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

class TranscriptServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = make_test_database(GetParam());
    if (!db_) return;
    tenant_ = create_tenant(db_->app(), "acme");
    service_ = std::make_unique<app::TranscriptService>(db_->app(), data_dir_.path());
  }

  Result<app::ImportResult> import(const std::string& name, std::string_view content, app::ImportOptions options = {}) {
    options.source_name = name;
    if (!options.language) options.language = "en";
    return service_->import(test_operator(), "acme", content, options);
  }
  Result<app::ImportResult> import_sample(const std::string& name, app::ImportOptions options = {}) {
    return import(name, read_sample(name), std::move(options));
  }

  std::int64_t rows(const std::string& table) { return count_rows(db_->owner(), table); }

  // Every table an import writes to, with its row count.
  std::vector<std::pair<std::string, std::int64_t>> written_rows() {
    std::vector<std::pair<std::string, std::int64_t>> out;
    for (const char* table : {"videos", "video_sources", "attachments", "transcripts", "speakers", "segments", "layers",
                              "layer_items", "event_logs"}) {
      out.emplace_back(table, rows(table));
    }
    return out;
  }

  std::unique_ptr<TestDatabase> db_;
  TempDir data_dir_;
  store::Tenant tenant_;
  std::unique_ptr<app::TranscriptService> service_;
};

TEST_P(TranscriptServiceTest, EveryFormatSampleImportsAndKeepsTheOriginalFile) {
  if (!db_) return;
  const std::pair<const char*, std::int64_t> samples[] = {
      {"spec_dialogue.vtt", 10}, {"basic.srt", 4},       {"whisper_verbose.json", 0},
      {"whisperx.json", 2},      {"assemblyai.json", 3}, {"deepgram.json", 0}};
  std::int64_t segments = 0;
  for (const auto& [name, expected] : samples) {
    auto imported = import_sample(name);
    ASSERT_TRUE(imported.ok()) << name << ": " << imported.error().describe();
    EXPECT_TRUE(imported->created) << name;
    EXPECT_GT(imported->transcript.segment_count, 0) << name;
    if (expected) {
      EXPECT_EQ(imported->transcript.segment_count, expected) << name;
    }
    segments += imported->transcript.segment_count;
    EXPECT_EQ(imported->video.title, std::filesystem::path(name).stem().string());
  }
  EXPECT_EQ(rows("transcripts"), 6);
  EXPECT_EQ(rows("segments"), segments);
  EXPECT_EQ(rows("attachments"), 6);
  std::size_t kept = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(data_dir_.path())) {
    if (entry.is_regular_file()) ++kept;
  }
  EXPECT_EQ(kept, 6u) << "one original file per import under the data directory";
}

TEST_P(TranscriptServiceTest, SameFileOrSameContentAgainIsANoOpNamingTheTranscript) {
  if (!db_) return;
  auto first = import_sample("spec_dialogue.vtt");
  ASSERT_TRUE(first.ok()) << first.error().describe();
  const auto before = written_rows();

  auto again = import_sample("spec_dialogue.vtt");
  ASSERT_TRUE(again.ok()) << again.error().describe();
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->transcript.public_id, first->transcript.public_id);

  // Other bytes, same cues: a NOTE block and CRLF line ends change the file, not the content.
  std::string other = read_sample("spec_dialogue.vtt");
  other.insert(7, "\nNOTE exported again by another tool\n");
  app::ImportOptions same_video;
  same_video.video = first->video.public_id;
  auto same_content = import("copy.vtt", other, same_video);
  ASSERT_TRUE(same_content.ok()) << same_content.error().describe();
  EXPECT_FALSE(same_content->created);
  EXPECT_EQ(same_content->transcript.public_id, first->transcript.public_id);
  EXPECT_EQ(written_rows(), before) << "a no-op writes nothing";
}

TEST_P(TranscriptServiceTest, DifferentTranscriptConflictsUnlessANewRevisionIsAsked) {
  if (!db_) return;
  app::ImportOptions options;
  options.source_url = "https://example.org/talk";
  auto first = import_sample("spec_dialogue.vtt", options);
  ASSERT_TRUE(first.ok()) << first.error().describe();

  std::string edited = read_sample("spec_dialogue.vtt");
  edited.replace(edited.find("New York City"), 13, "New York");
  auto conflict = import("edited.vtt", edited, options);
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().code, ErrorCode::conflict);
  // Worded for every caller: the API has no command-line flags.
  EXPECT_NE(conflict.error().message.find("next revision"), std::string::npos) << conflict.error().message;
  EXPECT_EQ(conflict.error().message.find("--"), std::string::npos) << conflict.error().message;
  EXPECT_EQ(rows("transcripts"), 1);

  options.new_revision = true;
  auto second = import("edited.vtt", edited, options);
  ASSERT_TRUE(second.ok()) << second.error().describe();
  EXPECT_TRUE(second->created);
  EXPECT_EQ(second->video.public_id, first->video.public_id) << "the source URL finds the video again";
  EXPECT_EQ(second->transcript.revision, 2);
  EXPECT_EQ(second->transcript.previous_public_id, first->transcript.public_id);
}

TEST_P(TranscriptServiceTest, BrokenFileWritesNothingAndNamesLineAndColumn) {
  if (!db_) return;
  const auto before = written_rows();  // the tenant's own creation event, nothing else
  const std::string broken = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nfine\n\n00:00:03.000 --> soon\nbroken\n";
  app::ImportOptions strict;
  strict.strict = true;  // leniently, the broken cue is skipped with a warning (formats tests)
  auto imported = import("talk.vtt", broken, strict);
  ASSERT_FALSE(imported.ok());
  EXPECT_EQ(imported.error().code, ErrorCode::invalid_argument);
  EXPECT_TRUE(imported.error().field.starts_with("talk.vtt:6:")) << imported.error().describe();

  auto json = import("talk.json", R"({"segments": [{"start": 1.0, "end": "two", "text": "x"}]})");
  ASSERT_FALSE(json.ok());
  EXPECT_TRUE(json.error().describe().starts_with("talk.json:1:")) << json.error().describe();
  EXPECT_NE(json.error().describe().find("$.segments[0].end"), std::string::npos) << json.error().describe();
  EXPECT_EQ(written_rows(), before);
}

TEST_P(TranscriptServiceTest, ImportInterruptedBeforeCommitLeavesNothing) {
  if (!db_) return;
  const auto before = written_rows();
  service_->set_before_commit_for_testing(
      [] { return Status(make_error(ErrorCode::unavailable, "power cut just before COMMIT")); });
  auto imported = import_sample("assemblyai.json");
  ASSERT_FALSE(imported.ok());
  EXPECT_EQ(imported.error().message, "power cut just before COMMIT");
  EXPECT_EQ(written_rows(), before);

  // The same file then imports normally: nothing half-written is in the way.
  service_->set_before_commit_for_testing(nullptr);
  auto retried = import_sample("assemblyai.json");
  ASSERT_TRUE(retried.ok()) << retried.error().describe();
  EXPECT_TRUE(retried->created);
}

TEST_P(TranscriptServiceTest, AssemblyAiLayersAreStoredOnTheSegmentsTheyOverlap) {
  if (!db_) return;
  auto imported = import_sample("assemblyai.json");
  ASSERT_TRUE(imported.ok()) << imported.error().describe();
  ASSERT_EQ(imported->layers.size(), 4u);
  EXPECT_EQ(count_rows(db_->owner(), "event_logs", "event_type = 'layer.version.created'"), 4);

  auto tx = store::Transaction::begin(db_->app(), store::TxMode::read);
  ASSERT_TRUE(tx.ok());
  auto scope = operator_scope(*tx, tenant_);
  auto runs = store::LayerRepository::list_for_transcript(*tx, scope, imported->transcript);
  ASSERT_TRUE(runs.ok()) << runs.error().describe();
  std::map<std::string, store::LayerRun> by_kind;
  for (const auto& run : *runs) by_kind[run.kind] = run;
  ASSERT_EQ(by_kind.size(), 4u);
  for (const auto& [kind, run] : by_kind) {
    EXPECT_EQ(run.version, 1) << kind;
    EXPECT_EQ(run.producer_name, "assemblyai") << kind;
    EXPECT_EQ(run.producer_version, "best") << kind;
    EXPECT_EQ(run.transcript_content_hash, imported->transcript.content_hash) << kind;
  }
  auto items = [&](const std::string& kind) {
    store::LayerItemQuery query;
    auto page = store::LayerRepository::items(*tx, scope, by_kind.at(kind), query);
    EXPECT_TRUE(page.ok());
    return page->items;
  };
  // Utterances: 0 "Good morning." [250,1410], 1 "Hi, how are you doing?" [2000,4100], 2 "I am great." [5000,6200].
  auto sentiment = items("sentiment");
  ASSERT_EQ(sentiment.size(), 2u);
  EXPECT_EQ(sentiment[0].segment_ordinal_first, 0);
  EXPECT_EQ(sentiment[0].segment_ordinal_last, 0);
  EXPECT_EQ(sentiment[0].label, "positive") << "AssemblyAI sentiment is stored as the built-in sentiment";
  EXPECT_DOUBLE_EQ(sentiment[0].score.value_or(-1), 0.81);
  EXPECT_EQ(sentiment[1].segment_ordinal_first, 2);
  EXPECT_EQ(sentiment[1].start_ms, 5000);
  auto entities = items("x-assemblyai-entities");
  ASSERT_EQ(entities.size(), 1u);
  EXPECT_EQ(entities[0].segment_ordinal_first, 0);
  auto chapters = items("x-assemblyai-chapters");
  ASSERT_EQ(chapters.size(), 1u);
  EXPECT_EQ(chapters[0].segment_ordinal_first, 0);
  EXPECT_EQ(chapters[0].segment_ordinal_last, 2);
  auto topics = items("topics");
  ASSERT_EQ(topics.size(), 2u);
  EXPECT_EQ(topics[0].segment_ordinal_first, 1);
  EXPECT_EQ(topics[0].label, "Family&Relationships");
  EXPECT_DOUBLE_EQ(topics[0].score.value_or(-1), 0.9);
  EXPECT_FALSE(topics[1].segment_ordinal_first.has_value()) << "the topic summary is about the whole file";
}

TEST_P(TranscriptServiceTest, LayerRunsAreVersionedIdempotentAndGoWithTheirTranscript) {
  if (!db_) return;
  auto imported = import_sample("assemblyai.json");
  ASSERT_TRUE(imported.ok()) << imported.error().describe();
  const std::int64_t items_before = rows("layer_items");
  {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    ASSERT_TRUE(tx.ok());
    auto scope = operator_scope(*tx, tenant_);
    store::LayerRunDraft draft;
    draft.kind = "sentiment";
    draft.producer_name = "assemblyai";
    draft.producer_version = "best";
    draft.items.push_back({0, 0, 250, 1410, "positive", 0.81, R"({"label":"positive","score":0.81})"});
    // The run the import stored had the same producer and parameters over the same content.
    auto same = store::LayerRepository::create_run(*tx, scope, imported->transcript, draft);
    ASSERT_TRUE(same.ok()) << same.error().describe();
    EXPECT_FALSE(same->created);
    EXPECT_EQ(same->run.version, 1);

    draft.params_json = R"({"threshold":0.5})";
    auto next = store::LayerRepository::create_run(*tx, scope, imported->transcript, draft);
    ASSERT_TRUE(next.ok()) << next.error().describe();
    EXPECT_TRUE(next->created);
    EXPECT_EQ(next->run.version, 2);

    draft.items.push_back({3, 3, 0, 1, std::nullopt, std::nullopt, "{}"});
    draft.params_json = R"({"threshold":0.6})";
    auto past_end = store::LayerRepository::create_run(*tx, scope, imported->transcript, draft);
    ASSERT_FALSE(past_end.ok());
    EXPECT_EQ(past_end.error().field, "items[1].segment_ordinal_last");
    ASSERT_TRUE(tx->rollback().ok());
  }
  EXPECT_EQ(rows("layer_items"), items_before);

  {
    // Another tenant's scope sees none of this tenant's items.
    auto other = create_tenant(db_->app(), "other");
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::read);
    ASSERT_TRUE(tx.ok());
    auto scope = operator_scope(*tx, other);
    auto page = store::LayerRepository::items(*tx, scope, imported->layers[0], {});
    ASSERT_TRUE(page.ok()) << page.error().describe();
    EXPECT_TRUE(page->items.empty());
  }

  auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
  ASSERT_TRUE(tx.ok());
  auto scope = operator_scope(*tx, tenant_);
  ASSERT_TRUE(store::TranscriptRepository::remove(*tx, scope, imported->transcript.public_id).ok());
  ASSERT_TRUE(tx->commit().ok());
  EXPECT_EQ(rows("layers"), 0);
  EXPECT_EQ(rows("layer_items"), 0);
  EXPECT_EQ(rows("segments"), 0);
}

TEST_P(TranscriptServiceTest, ExportThenImportGivesTheSameContent) {
  if (!db_) return;
  struct Case {
    const char* sample;
    formats::Format format;
    bool speaker_prefix;
  };
  const Case cases[] = {{"spec_dialogue.vtt", formats::Format::webvtt, false},
                        {"basic.srt", formats::Format::srt, true},
                        {"whisperx.json", formats::Format::narralytica_json, false},
                        {"assemblyai.json", formats::Format::narralytica_json, false}};
  for (const Case& c : cases) {
    app::ImportOptions options;
    options.speaker_prefix = c.speaker_prefix;
    auto first = import_sample(c.sample, options);
    ASSERT_TRUE(first.ok()) << c.sample << ": " << first.error().describe();
    app::ExportOptions export_options;
    export_options.include_layers = true;
    auto exported = service_->export_transcript(test_operator(), "acme", first->transcript.public_id, c.format,
                                                export_options);
    ASSERT_TRUE(exported.ok()) << c.sample << ": " << exported.error().describe();

    auto second = import(std::string("exported-") + c.sample, exported->content, options);
    ASSERT_TRUE(second.ok()) << c.sample << ": " << second.error().describe() << "\n" << exported->content;
    EXPECT_TRUE(second->created) << "a new video (no --video, no URL)";
    EXPECT_NE(second->video.public_id, first->video.public_id);
    EXPECT_EQ(second->transcript.content_hash, first->transcript.content_hash) << c.sample << "\n" << exported->content;
    EXPECT_EQ(second->layers.size(), first->layers.size()) << c.sample;

    // And the layers come back out the same.
    auto again = service_->export_transcript(test_operator(), "", second->transcript.public_id, c.format,
                                             export_options);
    ASSERT_TRUE(again.ok()) << again.error().describe();
    if (c.format == formats::Format::narralytica_json) {
      EXPECT_EQ(again->content, exported->content) << c.sample;
    }
  }
}

// The CLI's path: prepare() (parse and hash, no database) then import_prepared(); the same
// outcomes as import(), including the no-op on the same file and the original file kept.
TEST_P(TranscriptServiceTest, PreparedImportStoresTheSameAsImport) {
  if (!db_) return;
  app::ImportOptions options;
  options.source_name = "whisperx.json";
  options.language = "en";
  const std::string content = read_sample("whisperx.json");
  auto prepared = app::TranscriptService::prepare(content, options);
  ASSERT_TRUE(prepared.ok()) << prepared.error().describe();
  EXPECT_EQ(prepared->file_sha256.size(), 32u);
  auto imported = service_->import_prepared(test_operator(), "acme", std::move(*prepared), options);
  ASSERT_TRUE(imported.ok()) << imported.error().describe();
  EXPECT_TRUE(imported->created);
  std::size_t kept = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(data_dir_.path())) {
    if (entry.is_regular_file()) {
      ++kept;
      EXPECT_EQ(entry.file_size(), content.size()) << "the whole original, not a temporary";
    }
  }
  EXPECT_EQ(kept, 1u);

  auto again = import("whisperx-copy.json", content);
  ASSERT_TRUE(again.ok()) << again.error().describe();
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->transcript.public_id, imported->transcript.public_id);

  // A broken file fails in prepare(), naming file, line and JSON path, before any transaction.
  options.source_name = "talk.json";
  auto broken = app::TranscriptService::prepare(R"({"segments": [{"start": 1.0, "end": "two", "text": "x"}]})", options);
  ASSERT_FALSE(broken.ok());
  EXPECT_TRUE(broken.error().describe().starts_with("talk.json:1:")) << broken.error().describe();
  EXPECT_NE(broken.error().describe().find("$.segments[0].end"), std::string::npos) << broken.error().describe();
}

constexpr const char* kNoLanguage = "WEBVTT\n\n00:00:01.000 --> 00:00:04.250\nhello\n";

TEST_P(TranscriptServiceTest, FileWithoutLanguageTakesTheVideosThenTheTenantsThenUnd) {
  if (!db_) return;
  const auto import_as_is = [&](const std::string& name, const std::string& content, app::ImportOptions options) {
    options.source_name = name;  // and no language: the file names none either
    return service_->import(test_operator(), "acme", content, options);
  };
  // Nothing to go by: "und", with a warning; the new video is left without a language.
  auto undetermined = import_as_is("a.vtt", kNoLanguage, {});
  ASSERT_TRUE(undetermined.ok()) << undetermined.error().describe();
  EXPECT_EQ(undetermined->transcript.language, "und");
  EXPECT_FALSE(undetermined->video.language.has_value());
  ASSERT_EQ(undetermined->warnings.size(), 1u);
  EXPECT_NE(undetermined->warnings[0].message.find("default_language"), std::string::npos);

  // The tenant's default.
  {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(store::TenantRepository::set_config(*tx, operator_scope(*tx, tenant_), "default_language", "\"fr\"").ok());
    ASSERT_TRUE(tx->commit().ok());
  }
  auto tenant_default = import_as_is("b.vtt", std::string(kNoLanguage) + "\n00:00:05.000 --> 00:00:06.000\nb\n", {});
  ASSERT_TRUE(tenant_default.ok()) << tenant_default.error().describe();
  EXPECT_EQ(tenant_default->transcript.language, "fr");
  EXPECT_EQ(tenant_default->video.language, "fr");
  EXPECT_TRUE(tenant_default->warnings.empty());

  // The video's language wins over the tenant's.
  app::ImportOptions german;
  german.language = "de";
  auto first = import_as_is("c.vtt", std::string(kNoLanguage) + "\n00:00:07.000 --> 00:00:08.000\nc\n", german);
  ASSERT_TRUE(first.ok()) << first.error().describe();
  app::ImportOptions to_video;
  to_video.video = first->video.public_id;
  to_video.new_revision = true;
  auto from_video = import_as_is("d.vtt", std::string(kNoLanguage) + "\n00:00:09.000 --> 00:00:10.000\nd\n", to_video);
  ASSERT_TRUE(from_video.ok()) << from_video.error().describe();
  EXPECT_EQ(from_video->transcript.language, "de");

  // A default that is not a language is named, and nothing is written.
  {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(store::TenantRepository::set_config(*tx, operator_scope(*tx, tenant_), "default_language", "42").ok());
    ASSERT_TRUE(tx->commit().ok());
  }
  const auto before = written_rows();
  auto bad = import_as_is("e.vtt", std::string(kNoLanguage) + "\n00:00:11.000 --> 00:00:12.000\ne\n", {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::precondition_failed);
  EXPECT_EQ(bad.error().field, "tenant_configs.default_language");
  EXPECT_EQ(written_rows(), before);
}

TEST_P(TranscriptServiceTest, SameFileOnAnotherVideoIsStoredThere) {
  if (!db_) return;
  auto on_a = import_sample("spec_dialogue.vtt");
  ASSERT_TRUE(on_a.ok()) << on_a.error().describe();
  auto other = import("other.vtt", kNoLanguage);
  ASSERT_TRUE(other.ok()) << other.error().describe();
  const Uuid video_b = other->video.public_id;
  ASSERT_NE(video_b, on_a->video.public_id);

  app::ImportOptions to_b;
  to_b.video = video_b;
  to_b.new_revision = true;  // B already has an English transcript
  auto on_b = import_sample("spec_dialogue.vtt", to_b);
  ASSERT_TRUE(on_b.ok()) << on_b.error().describe();
  EXPECT_TRUE(on_b->created) << "answered with the transcript of video " << on_b->video.public_id.to_string();
  EXPECT_EQ(on_b->video.public_id, video_b);
  EXPECT_EQ(on_b->transcript.video_public_id, video_b);

  // Within B it is then recognised; an import that creates its video still recognises the file.
  auto again_on_b = import_sample("spec_dialogue.vtt", to_b);
  ASSERT_TRUE(again_on_b.ok()) << again_on_b.error().describe();
  EXPECT_FALSE(again_on_b->created);
  EXPECT_EQ(again_on_b->transcript.public_id, on_b->transcript.public_id);
  auto again_anywhere = import_sample("spec_dialogue.vtt");
  ASSERT_TRUE(again_anywhere.ok()) << again_anywhere.error().describe();
  EXPECT_FALSE(again_anywhere->created);
}

TEST_P(TranscriptServiceTest, VideoWithoutDurationTakesTheTranscriptsInTheSameTransaction) {
  if (!db_) return;
  store::Video known, unknown;
  {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    ASSERT_TRUE(tx.ok());
    const store::TenantScope scope = operator_scope(*tx, tenant_);
    store::VideoDraft draft;
    draft.title = "unknown length";
    unknown = store::VideoRepository::create(*tx, scope, draft).value();
    draft.title = "known length";
    draft.duration_ms = 60'000;
    known = store::VideoRepository::create(*tx, scope, draft).value();
    ASSERT_TRUE(tx->commit().ok());
  }
  const auto stored_duration = [&](const Uuid& id) {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::read);
    return store::VideoRepository::get(*tx, operator_scope(*tx, tenant_), id).value().duration_ms;
  };

  // Interrupted before COMMIT: the duration is not half-written either.
  app::ImportOptions to_unknown;
  to_unknown.video = unknown.public_id;
  service_->set_before_commit_for_testing([] { return Status(make_error(ErrorCode::unavailable, "power cut")); });
  ASSERT_FALSE(import("talk.vtt", kNoLanguage, to_unknown).ok());
  EXPECT_EQ(stored_duration(unknown.public_id), std::nullopt);
  service_->set_before_commit_for_testing(nullptr);

  auto imported = import("talk.vtt", kNoLanguage, to_unknown);
  ASSERT_TRUE(imported.ok()) << imported.error().describe();
  EXPECT_EQ(imported->video.duration_ms, 4'250);  // the last segment's end
  EXPECT_EQ(stored_duration(unknown.public_id), 4'250);

  app::ImportOptions to_known;
  to_known.video = known.public_id;
  ASSERT_TRUE(import("talk.vtt", kNoLanguage, to_known).ok());
  EXPECT_EQ(stored_duration(known.public_id), 60'000);

  // A new video: from the file's declared duration (Whisper's "duration"), else the last end.
  auto whisper = import_sample("whisper_verbose.json");
  ASSERT_TRUE(whisper.ok()) << whisper.error().describe();
  EXPECT_EQ(whisper->video.duration_ms, 8'470);
}

INSTANTIATE_TEST_SUITE_P(Backends, TranscriptServiceTest, ::testing::Values(Backend::sqlite, Backend::postgres),
                         backend_name);

// encode_words() writes the bytes a JsonObject per word wrote (stored word timings, and so the
// content hashes of transcripts already stored, depend on them), for every kind of confidence.
TEST(EncodeWords, SameBytesAsAJsonObjectPerWord) {
  std::vector<formats::Word> words;
  const double confidences[] = {0.0, 1.0, 0.5, 0.899, 0.1, 1e-300, 0.123456789012345678, 2.0 / 3.0, 5e-324, 0.30000000000000004};
  std::int64_t t = 0;
  for (double c : confidences) {
    formats::Word w;
    w.text = "w\"o\\rd\n";
    w.start_ms = t;
    w.end_ms = t + 250;
    w.confidence = c;
    words.push_back(w);
    t += 300;
  }
  formats::Word plain;
  plain.text = "42";
  plain.start_ms = 9'000'000'000;
  plain.end_ms = 9'000'000'001;
  plain.timing = formats::WordTiming::interpolated;
  plain.speaker_label = "SPEAKER_01";
  words.push_back(plain);
  for (int i = 0; i < 2000; ++i) {  // a sweep of three-decimal scores, as WhisperX writes them
    formats::Word w;
    w.text = "x";
    w.confidence = i / 2000.0;
    words.push_back(w);
  }
  std::string expected = "[";
  for (std::size_t i = 0; i < words.size(); ++i) {
    const formats::Word& w = words[i];
    if (i) expected.push_back(',');
    JsonObject o;
    o.add("w", w.text).add("s", w.start_ms).add("e", w.end_ms);
    if (w.confidence) o.add("c", *w.confidence);
    if (w.timing == formats::WordTiming::interpolated) o.add("i", true);
    if (!w.speaker_label.empty()) o.add("sp", w.speaker_label);
    expected += o.str();
  }
  expected.push_back(']');
  EXPECT_EQ(app::encode_words(words), expected);
  auto decoded = app::decode_words(expected);
  ASSERT_TRUE(decoded.ok());
  ASSERT_EQ(decoded->size(), words.size());
  EXPECT_EQ((*decoded)[1].confidence, words[1].confidence);
  EXPECT_EQ((*decoded)[std::size(confidences)].timing, formats::WordTiming::interpolated);
}

}  // namespace
}  // namespace narralytica
