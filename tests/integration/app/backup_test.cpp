// Backups under write load, restore, rebuild of derived data (issue 17 "Backups"), on both
// backends: a thread keeps importing and editing transcripts through the product while
// BackupService::backup runs; the backup restored into a fresh database and reindexed holds every
// write acknowledged before the backup began, answers the same searches as the source for them,
// and its audit chains verify. Also: what restore refuses (a database in use, a damaged backup,
// a newer schema, a PostgreSQL database that has tables) and the SQLite copy's snapshot.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <thread>

#include "app/audit_service.hpp"
#include "app/backup_service.hpp"
#include "app/edit_service.hpp"
#include "app/search_service.hpp"
#include "app/transcript_service.hpp"
#include "integration/store/fixtures.hpp"
#include "store/sqlite/sqlite_backup.hpp"

namespace narralytica::testing {
namespace {

constexpr int kSegments = 12;

// A word no other write uses: the search for it finds exactly that write's segment.
std::string marker(const std::string& prefix, int n) {
  std::string word = prefix;
  for (int i = 0; i < 4; ++i) {
    word += static_cast<char>('a' + n % 26);
    n /= 26;
  }
  return word;
}

std::string webvtt(const std::string& word) {
  std::string vtt = "WEBVTT\n\n";
  for (int i = 0; i < kSegments; ++i) {
    const int start = i * 5;
    vtt += "00:00:" + std::string(start < 10 ? "0" : "") + std::to_string(start) + ".000 --> 00:00:" +
           std::string(start + 4 < 10 ? "0" : "") + std::to_string(start + 4) + ".000\n";
    vtt += i == 0 ? "The river " + word + " rose overnight.\n\n" : "Segment " + std::to_string(i) + " of the report.\n\n";
  }
  return vtt;
}

// What one acknowledged write left behind: the word that finds it.
struct Acknowledged {
  std::string word;
};

class BackupTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    // Opened as `serve` opens it: grouped commits and write batches on SQLite.
    db_ = make_test_database(GetParam(), true, /*group_commit=*/true);
    if (!db_) GTEST_SKIP();
    create_tenant(db_->app(), "acme");
    transcripts_ = std::make_unique<app::TranscriptService>(db_->app(), source_data_.path());
  }

  Result<app::ImportResult> import(const std::string& word) {
    app::ImportOptions options;
    options.title = "Report " + word;
    options.source_name = word + ".vtt";
    return transcripts_->import(test_operator(), "acme", webvtt(word), options);
  }

  // The second segment's text replaced: a new revision (PATCH /v1/transcripts/{id}).
  Result<app::EditResult> edit(const Uuid& transcript, const std::string& word) {
    app::EditRequest request;
    app::EditOperation op;
    op.kind = app::EditOpKind::set_text;
    op.segment = 1;
    op.text = "Corrected " + word + " figures.";
    request.operations.push_back(op);
    return app::EditService::edit(db_->app(), test_operator(), "acme", transcript, request);
  }

  // What a hit shows that an edit after the backup (a new revision of another segment) leaves be.
  struct Hit {
    Uuid video;
    std::int64_t ordinal = 0;
    std::int64_t start_ms = 0;
    std::string text;
    bool operator==(const Hit&) const = default;
  };

  std::vector<Hit> hits(app::SearchService& service, const std::string& word) {
    app::SearchQuery query;
    query.q = word;
    query.limit = 20;
    auto result = service.search(test_operator(), "acme", query);
    EXPECT_TRUE(result.ok()) << word << ": " << result.error().describe();
    std::vector<Hit> out;
    if (result.ok()) {
      for (const auto& hit : result->hits) {
        out.push_back({hit.document.video_id, hit.document.ordinal, hit.document.start_ms, hit.document.text});
      }
    }
    return out;
  }

  // A fresh, empty database to restore into: a new file (SQLite), a new database (PostgreSQL).
  std::string fresh_target() {
    if (GetParam() == store::Backend::sqlite) return (restore_dir_.path() / "restored.db").string();
    target_ = make_test_database(GetParam(), /*migrate=*/false);
    return target_ ? target_->url() : std::string();
  }

  static std::unique_ptr<store::Database> open_url(const std::string& url) {
    store::DatabaseOptions options;
    options.url = url;
    auto database = store::Database::open(options);
    EXPECT_TRUE(database.ok()) << database.error().describe();
    return database.ok() ? std::move(database).value() : nullptr;
  }

  std::filesystem::path backup_file() const {
    return backup_dir_.path() / (GetParam() == store::Backend::sqlite ? "narralytica.backup" : "narralytica.dump");
  }

  std::unique_ptr<TestDatabase> db_;
  TempDir source_data_;
  TempDir backup_dir_;
  TempDir restore_dir_;
  std::unique_ptr<TestDatabase> target_;  // PostgreSQL: the database restored into
  std::unique_ptr<app::TranscriptService> transcripts_;
};

TEST_P(BackupTest, BackupUnderWriteLoadRestoresEveryAcknowledgedWrite) {
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(import(marker("seed", i)).ok());

  // The writer: imports, and edits each import once right after the next one.
  std::mutex mutex;
  std::vector<Acknowledged> acknowledged;
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::thread writer([&] {
    std::optional<Uuid> previous;
    for (int n = 0; !stop.load(); ++n) {
      const std::string word = marker("load", n);
      auto imported = import(word);
      if (!imported.ok()) {
        ++failures;
        ADD_FAILURE() << imported.error().describe();
        return;
      }
      {
        std::lock_guard lock(mutex);
        acknowledged.push_back({word});
      }
      if (previous) {
        const std::string edit_word = marker("edit", n);
        auto edited = edit(*previous, edit_word);
        if (!edited.ok()) {
          ++failures;
          ADD_FAILURE() << edited.error().describe();
          return;
        }
        std::lock_guard lock(mutex);
        acknowledged.push_back({edit_word});
      }
      previous = imported->transcript.public_id;
    }
  });
  auto acknowledged_count = [&] {
    std::lock_guard lock(mutex);
    return acknowledged.size();
  };
  while (acknowledged_count() < 6 && failures.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));

  std::vector<Acknowledged> before;
  {
    std::lock_guard lock(mutex);
    before = acknowledged;
  }
  auto backup = app::BackupService::backup(db_->app(), db_->url(), backup_file(), test_operator());
  const std::size_t acknowledged_after_backup = acknowledged_count();
  stop = true;
  writer.join();
  ASSERT_EQ(failures.load(), 0);
  ASSERT_TRUE(backup.ok()) << backup.error().describe();
  EXPECT_GT(backup->bytes, 0);
  RecordProperty("writes_acknowledged_during_backup", static_cast<int>(acknowledged_after_backup - before.size()));

  // A fresh database, restored and its derived data rebuilt.
  const std::string target = fresh_target();
  ASSERT_FALSE(target.empty());
  auto restored = app::BackupService::restore(target, backup_file(), test_operator());
  ASSERT_TRUE(restored.ok()) << restored.error().describe();
  EXPECT_EQ(restored->migrations_pending, 0);
  auto restored_db = open_url(target);
  ASSERT_TRUE(restored_db);
  TempDir restored_data;
  auto derived = app::BackupService::rebuild_derived(*restored_db, restored_data.path(), test_operator(), 1);
  ASSERT_TRUE(derived.ok()) << derived.error().describe();
  ASSERT_EQ(derived->search.size(), 1u);
  EXPECT_GE(derived->transcripts_measured, 20);

  // The source's own index, rebuilt too, to compare answers.
  app::SearchService source_search(db_->app(), source_data_.path());
  ASSERT_TRUE(source_search.reindex(test_operator(), "", 1).ok());
  app::SearchService restored_search(*restored_db, restored_data.path());
  for (int i = 0; i < 20; ++i) before.push_back({marker("seed", i)});
  for (const Acknowledged& write : before) {
    const auto found = hits(restored_search, write.word);
    ASSERT_EQ(found.size(), 1u) << write.word << " was acknowledged before the backup began";
    EXPECT_EQ(found, hits(source_search, write.word)) << write.word;
  }

  auto chains = app::AuditService::verify_all(*restored_db, test_operator(), std::nullopt);
  ASSERT_TRUE(chains.ok()) << chains.error().describe();
  for (const app::ChainReport& chain : *chains) {
    EXPECT_FALSE(chain.verification.first_broken) << chain.chain;
    EXPECT_GT(chain.verification.records, 0) << chain.chain;
  }
}

TEST_P(BackupTest, RestoreRefusesADatabaseThatIsInUseOrHasTables) {
  ASSERT_TRUE(import(marker("seed", 1)).ok());
  ASSERT_TRUE(app::BackupService::backup(db_->app(), db_->url(), backup_file(), test_operator()).ok());
  // db_ is open (SQLite) and has tables (PostgreSQL): either way, nothing is overwritten.
  auto refused = app::BackupService::restore(db_->url(), backup_file(), test_operator());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code,
            GetParam() == store::Backend::sqlite ? ErrorCode::unavailable : ErrorCode::conflict)
      << refused.error().describe();
  app::SearchService search(db_->app(), source_data_.path());
  ASSERT_TRUE(search.reindex(test_operator(), "", 1).ok());
  EXPECT_EQ(hits(search, marker("seed", 1)).size(), 1u);
}

TEST_P(BackupTest, BackupRefusesAnExistingFileAndAnyoneButTheOperator) {
  { std::ofstream(backup_file()) << "keep me"; }
  auto exists = app::BackupService::backup(db_->app(), db_->url(), backup_file(), test_operator());
  ASSERT_FALSE(exists.ok());
  EXPECT_EQ(exists.error().code, ErrorCode::invalid_argument);
  std::ifstream in(backup_file());
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "keep me");

  store::Principal user;
  user.kind = store::Principal::Kind::user;
  auto denied = app::BackupService::backup(db_->app(), db_->url(), backup_dir_.path() / "other", user);
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().code, ErrorCode::permission_denied);
  auto denied_restore = app::BackupService::restore(db_->url(), backup_file(), user);
  ASSERT_FALSE(denied_restore.ok());
  EXPECT_EQ(denied_restore.error().code, ErrorCode::permission_denied);
}

INSTANTIATE_TEST_SUITE_P(Backends, BackupTest, ::testing::Values(store::Backend::sqlite, store::Backend::postgres),
                         backend_name);

// SQLite only: the file checks a restore makes first, and the copy's snapshot.
class SqliteBackupTest : public BackupTest {};

// Runs one statement on the SQLite file at `path` outside the product.
void sqlite_exec(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

TEST_P(SqliteBackupTest, RestoreRefusesANewerSchemaAndADamagedFile) {
  ASSERT_TRUE(import(marker("seed", 1)).ok());
  ASSERT_TRUE(app::BackupService::backup(db_->app(), db_->url(), backup_file(), test_operator()).ok());
  const std::string target = fresh_target();

  const auto newer = backup_dir_.path() / "newer.backup";
  std::filesystem::copy_file(backup_file(), newer);
  sqlite_exec(newer, "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (9999, 'x', 'x', 0)");
  auto refused = app::BackupService::restore(target, newer, test_operator());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::precondition_failed) << refused.error().describe();
  EXPECT_NE(refused.error().message.find("9999"), std::string::npos) << refused.error().message;

  // A page of the b-tree overwritten: integrity_check fails, and the target is left alone.
  const auto damaged = backup_dir_.path() / "damaged.backup";
  std::filesystem::copy_file(backup_file(), damaged);
  const auto size = std::filesystem::file_size(damaged);
  ASSERT_GT(size, 8u * 4096u);
  {
    std::fstream file(damaged, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(size / 2 / 4096 * 4096));
    const std::string garbage(4096, '\x5a');
    file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  auto broken = app::BackupService::restore(target, damaged, test_operator());
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().code, ErrorCode::invalid_argument) << broken.error().describe();

  auto missing = app::BackupService::restore(target, backup_dir_.path() / "none", test_operator());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
}

TEST_P(SqliteBackupTest, CopyIsOneSnapshotWhileAnotherConnectionCommits) {
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(import(marker("seed", i)).ok());
  const std::filesystem::path file = db_->url();
  int commits = 0;
  store::SqliteCopyOptions options;
  options.pages_per_step = 2;  // many steps, a commit after each
  options.after_step = [&] {
    sqlite_exec(file, "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (" +
                          std::to_string(100000 + commits) + ", 'during', 'x', 0)");
    ++commits;
  };
  auto copy = store::sqlite_copy_online(file, backup_file(), options);
  ASSERT_TRUE(copy.ok()) << copy.error().describe();
  EXPECT_GT(copy->steps, 10);
  EXPECT_EQ(commits, copy->steps - 1);
  auto check = store::sqlite_check_file(backup_file());
  ASSERT_TRUE(check.ok()) << check.error().describe();
  // Nothing committed after the copy began is in it; everything before is.
  EXPECT_LT(check->schema_version, 100000);
  auto source = store::sqlite_check_file(file);
  ASSERT_TRUE(source.ok());
  EXPECT_EQ(source->schema_version, 100000 + commits - 1);
  EXPECT_FALSE(std::filesystem::exists(backup_file().string() + "-wal"));
}

INSTANTIATE_TEST_SUITE_P(Sqlite, SqliteBackupTest, ::testing::Values(store::Backend::sqlite), backend_name);

}  // namespace
}  // namespace narralytica::testing
