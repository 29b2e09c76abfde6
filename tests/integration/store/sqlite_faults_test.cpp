// Proves what issue 17 asks of SQLite I/O errors and a full disk (docs/reliability.md): a VFS
// that fails the Nth write, sync or read (support/faulty_vfs.hpp), N swept over a whole
// transcript import (app::TranscriptService, as `narralytica import` and the upload route run it)
// and a whole transcript edit (app::EditService, as PATCH /v1/transcripts/{id} runs it), and over
// closing the database after it (the last connection checkpoints the log). For every N the
// operation either fails with an error or succeeds with all its data; then the
// database, closed and reopened without the fault, passes integrity_check and
// foreign_key_check, every transcript in it is whole, the transcript acknowledged before the
// fault is unchanged, a failed change left no event, and the failed operation, retried, succeeds.
// A full disk is reported as unavailable with words that say so. With group commit (the server),
// a COMMIT whose write fails makes every later write and wait fail, naming the restart that
// decision 0011 asks for.
//
// SQLite only: the VFS is SQLite's. Deterministic by construction: every run starts from a copy
// of the same file with a fresh pool, so a clean run and a faulty run make the same calls up to
// the fault. NARRALYTICA_FAULT_SWEEP_ALL=1 fails every call; by default the sweep steps so that
// at most kPointsPerKind calls of each kind are failed (the first and the last always).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "app/edit_service.hpp"
#include "app/transcript_edit.hpp"
#include "app/transcript_service.hpp"
#include "integration/store/fixtures.hpp"
#include "store/transaction.hpp"
#include "support/faulty_vfs.hpp"

namespace narralytica {
namespace {

using namespace narralytica::testing;
namespace fs = std::filesystem;

constexpr int kSegments = 300;
constexpr std::int64_t kPointsPerKind = 16;
constexpr FaultKind kKinds[] = {FaultKind::write, FaultKind::full, FaultKind::sync, FaultKind::read};

// An SRT file of `segments` cues, each with its own text.
std::string srt_file(int segments, const std::string& words) {
  std::string out;
  for (int i = 0; i < segments; ++i) {
    auto at = [](int ms) {
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "%02d:%02d:%02d,%03d", ms / 3'600'000, ms / 60'000 % 60, ms / 1000 % 60,
                    ms % 1000);
      return std::string(buffer);
    };
    out += std::to_string(i + 1) + "\n" + at(i * 1000) + " --> " + at(i * 1000 + 900) + "\n" + words + " " +
           std::to_string(i) + "\n\n";
  }
  return out;
}

// The fault points of a sweep over `total` calls: every one with NARRALYTICA_FAULT_SWEEP_ALL=1,
// else at most kPointsPerKind evenly spaced, the first and the last included.
std::vector<std::int64_t> fault_points(std::int64_t total) {
  const char* all = std::getenv("NARRALYTICA_FAULT_SWEEP_ALL");
  const bool every = all && std::string(all) == "1";
  const std::int64_t step = every ? 1 : std::max<std::int64_t>(1, (total + kPointsPerKind - 1) / kPointsPerKind);
  std::vector<std::int64_t> points;
  for (std::int64_t n = 1; n <= total; n += step) points.push_back(n);
  if (!points.empty() && points.back() != total) points.push_back(total);
  return points;
}

// The first column of every row of a query, as text.
std::vector<std::string> rows_of(store::Database& db, const std::string& sql) {
  std::vector<std::string> out;
  auto lease = db.acquire();
  EXPECT_TRUE(lease.ok()) << lease.error().describe();
  if (!lease.ok()) return out;
  auto statement = (*lease)->prepare(sql);
  EXPECT_TRUE(statement.ok()) << statement.error().describe();
  if (!statement.ok()) return out;
  while (true) {
    auto row = (*statement)->step();
    EXPECT_TRUE(row.ok()) << sql << ": " << row.error().describe();
    if (!row.ok() || !*row) break;
    out.push_back((*statement)->column_text(0));
  }
  (*statement)->reset();
  return out;
}

std::int64_t number(store::Database& db, const std::string& sql) {
  const auto rows = rows_of(db, sql);
  EXPECT_EQ(rows.size(), 1u) << sql;
  return rows.empty() ? -1 : std::stoll(rows.front());
}

std::unique_ptr<store::Database> open_file(const fs::path& path, bool group_commit = false) {
  store::DatabaseOptions options;
  options.url = path.string();
  options.group_commit = group_commit;
  auto db = store::Database::open(options);
  EXPECT_TRUE(db.ok()) << db.error().describe();
  return db.ok() ? std::move(db).value() : nullptr;
}

// What a sweep did with one kind of fault.
struct Swept {
  std::int64_t points = 0, failed = 0, succeeded = 0;
};

// One operation swept: `run` performs it on a database; `check` proves the database holds all of
// it (done) or none of it (not done).
struct Operation {
  std::function<Status(store::Database&, const fs::path& data_dir)> run;
  std::function<void(store::Database&, bool done)> check;
};

class SqliteFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = make_test_database(store::Backend::sqlite);
    if (!db_) GTEST_SKIP();
    create_tenant(db_->app(), "acme");
    // Acknowledged before any fault: it must come through every fault unchanged.
    app::TranscriptService service(db_->app(), data_dir_.path());
    app::ImportOptions options;
    options.language = "en";
    options.source_name = "before.srt";
    auto before = service.import(test_operator(), "acme", srt_file(40, "acknowledged before the fault"), options);
    ASSERT_TRUE(before.ok()) << before.error().describe();
    before_ = before->transcript;
    before_fingerprint_ = fingerprint(db_->owner(), before_.id);
    // Everything into the main file, so that a copy of that one file is the whole database.
    ASSERT_EQ(rows_of(db_->owner(), "PRAGMA wal_checkpoint(TRUNCATE)"), std::vector<std::string>{"0"});
    template_ = work_.path() / "template.db";
    fs::copy_file(fs::path(db_->url()), template_);
    events_before_ = count_rows(db_->owner(), "event_logs");
  }

  // The segments of transcript `id`, in order, as one string.
  static std::string fingerprint(store::Database& db, std::int64_t id) {
    const auto rows = rows_of(db, "SELECT group_concat(ordinal || ':' || start_ms || '-' || end_ms || ':' || text, "
                                  "'/') FROM (SELECT * FROM segments WHERE transcript_id = " +
                                      std::to_string(id) + " ORDER BY ordinal)");
    return rows.empty() ? "" : rows.front();
  }

  // A fresh copy of the template, its log and shared memory from an earlier run removed.
  fs::path fresh_copy() {
    const fs::path path = work_.path() / "run.db";
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path.string() + suffix);
    fs::copy_file(template_, path);
    return path;
  }

  // What every reopened database must show, whatever failed before.
  void check_consistent(store::Database& db) {
    EXPECT_EQ(rows_of(db, "PRAGMA integrity_check"), std::vector<std::string>{"ok"});
    EXPECT_TRUE(rows_of(db, "PRAGMA foreign_key_check").empty());
    EXPECT_EQ(number(db, "SELECT count(*) FROM transcripts t WHERE t.segment_count <> "
                         "(SELECT count(*) FROM segments s WHERE s.transcript_id = t.id)"),
              0)
        << "a transcript is not whole";
    EXPECT_EQ(fingerprint(db, before_.id), before_fingerprint_) << "the acknowledged transcript changed";
  }

  // Runs `operation` once without a fault through the faulty VFS and returns its call counts.
  std::vector<std::int64_t> clean_counts(const Operation& operation) {
    const fs::path path = fresh_copy();
    std::vector<std::int64_t> counts;
    {
      FaultyVfs::AsDefault faulty;
      auto db = open_file(path, group_commit_);
      if (!db) return counts;
      FaultyVfs::instance().reset();
      const Status done = operation.run(*db, data_dir_.path());
      EXPECT_TRUE(done.ok()) << done.error().describe();
      db.reset();  // closing checkpoints the log into the file: swept too
      for (FaultKind kind : kKinds) counts.push_back(FaultyVfs::instance().count(kind));
    }
    auto reopened = open_file(path);
    check_consistent(*reopened);
    operation.check(*reopened, true);
    return counts;
  }

  // Fails each fault point of each kind in turn and checks what is left; returns what happened
  // per kind, for the test's own checks.
  std::vector<Swept> sweep(const Operation& operation, const std::string& name,
                           const std::set<FaultKind>& kinds = {std::begin(kKinds), std::end(kKinds)}) {
    const auto counts = clean_counts(operation);
    std::vector<Swept> swept(std::size(kKinds));
    if (counts.size() != std::size(kKinds)) return swept;
    for (std::size_t k = 0; k < std::size(kKinds); ++k) {
      const FaultKind kind = kKinds[k];
      if (!kinds.contains(kind)) continue;
      EXPECT_GT(counts[k], 0) << name << " made no " << to_string(kind) << " call";
      for (const std::int64_t n : fault_points(counts[k])) {
        SCOPED_TRACE(name + ": " + to_string(kind) + " call " + std::to_string(n) + " of " + std::to_string(counts[k]));
        const fs::path path = fresh_copy();
        Status done = ok_status();
        {
          FaultyVfs::AsDefault faulty;
          auto db = open_file(path, group_commit_);
          if (!db) return swept;
          FaultyVfs::instance().arm(kind, n);
          const Status first = operation.run(*db, data_dir_.path());
          done = first.ok() || !group_commit_ ? first : again_after_failure(*db, operation, kind);
          db.reset();  // a fault past the operation's own calls hits the checkpoint at close
          EXPECT_TRUE(FaultyVfs::instance().fired()) << "the run did not reach the call the clean run made";
          FaultyVfs::instance().reset();
          ++swept[k].points;
          first.ok() ? ++swept[k].succeeded : ++swept[k].failed;
          if (!first.ok() && kind == FaultKind::full) {
            EXPECT_EQ(first.error().code, ErrorCode::unavailable) << first.error().describe();
            EXPECT_NE(first.error().message.find("disk is full"), std::string::npos) << first.error().describe();
          }
        }
        auto reopened = open_file(path);
        if (!reopened) return swept;
        check_consistent(*reopened);
        operation.check(*reopened, done.ok());
        if (!done.ok()) {
          const Status retried = operation.run(*reopened, data_dir_.path());
          EXPECT_TRUE(retried.ok()) << "retry: " << retried.error().describe();
          check_consistent(*reopened);
          operation.check(*reopened, true);
        }
      }
    }
    for (std::size_t k = 0; k < std::size(kKinds); ++k) {
      if (!kinds.contains(kKinds[k])) continue;
      std::printf("[ faults   ] %s: %s %lld calls, %lld swept, %lld failed, %lld succeeded\n", name.c_str(),
                  to_string(kKinds[k]), static_cast<long long>(counts[k]), static_cast<long long>(swept[k].points),
                  static_cast<long long>(swept[k].failed), static_cast<long long>(swept[k].succeeded));
    }
    return swept;
  }

  // Under group commit (decision 0011), the same process tries again without the fault. A failed
  // COMMIT (every write and full-disk fault: COMMIT is where the log is written) is final: the
  // try fails at once, as unavailable, and says to restart. Another failure (a read) was rolled
  // back, and the try succeeds. Returns the try's outcome.
  Status again_after_failure(store::Database& db, const Operation& operation, FaultKind kind) {
    Status again = operation.run(db, data_dir_.path());
    if (kind == FaultKind::write || kind == FaultKind::full) {
      EXPECT_FALSE(again.ok()) << "a change after a failed COMMIT was acknowledged";
    }
    if (!again.ok()) {
      EXPECT_EQ(again.error().code, ErrorCode::unavailable) << again.error().describe();
      EXPECT_NE(again.error().message.find("restart"), std::string::npos) << again.error().describe();
    }
    return again;
  }

  Operation import_operation() {
    return {
        [this](store::Database& db, const fs::path& data_dir) -> Status {
          app::TranscriptService service(db, data_dir);
          app::ImportOptions options;
          options.language = "en";
          options.source_name = "faults.srt";
          options.title = "imported under faults";
          auto imported = service.import(test_operator(), "acme", import_content_, options);
          if (!imported.ok()) return std::move(imported).error();
          EXPECT_TRUE(imported->created);
          EXPECT_EQ(imported->transcript.segment_count, kSegments);
          return ok_status();
        },
        [this](store::Database& db, bool done) {
          EXPECT_EQ(number(db, "SELECT count(*) FROM transcripts"), done ? 2 : 1);
          EXPECT_EQ(number(db, "SELECT count(*) FROM videos WHERE title = 'imported under faults'"), done ? 1 : 0);
          EXPECT_EQ(number(db, "SELECT count(*) FROM segments s JOIN transcripts t ON t.id = s.transcript_id "
                               "WHERE t.id <> " + std::to_string(before_.id)),
                    done ? kSegments : 0);
          EXPECT_EQ(number(db, "SELECT count(*) FROM event_logs WHERE event_type = 'transcript.created'"),
                    done ? 2 : 1)
              << "an event for a change that did not happen, or none for one that did";
        },
    };
  }

  Operation edit_operation() {
    return {
        [this](store::Database& db, const fs::path&) -> Status {
          app::EditRequest request;
          ASSIGN_OR_RETURN(request.operations, app::parse_edit(R"({"operations":[{"op":"delete","segment":5}]})"));
          request.expected_revision = 1;
          auto edited = app::EditService::edit(db, test_operator(), "acme", before_.public_id, request);
          if (!edited.ok()) return std::move(edited).error();
          EXPECT_TRUE(edited->created);
          EXPECT_EQ(edited->transcript.segment_count, 39);
          return ok_status();
        },
        [this](store::Database& db, bool done) {
          EXPECT_EQ(number(db, "SELECT count(*) FROM transcripts WHERE revision = 2"), done ? 1 : 0);
          EXPECT_EQ(number(db, "SELECT count(*) FROM segments WHERE transcript_id <> " + std::to_string(before_.id)),
                    done ? 39 : 0);
          EXPECT_EQ(number(db, "SELECT count(*) FROM event_logs WHERE event_type = 'transcript.edited'"), done ? 1 : 0)
              << "an event for a change that did not happen, or none for one that did";
          EXPECT_EQ(count_rows(db, "event_logs"), events_before_ + (done ? 1 : 0));
        },
    };
  }

  std::unique_ptr<TestDatabase> db_;
  TempDir work_;
  TempDir data_dir_;
  fs::path template_;
  store::Transcript before_;
  std::string before_fingerprint_;
  std::int64_t events_before_ = 0;
  bool group_commit_ = false;
  const std::string import_content_ = srt_file(kSegments, "imported under faults");
};

// Every fault kind must have hit the operation where it matters: some failed points must have
// failed the operation, or the sweep proved nothing. Points past the operation's own calls hit
// the checkpoint when the database closes, after the operation succeeded.
void expect_some_failed(const std::vector<Swept>& swept,
                        const std::set<FaultKind>& kinds = {std::begin(kKinds), std::end(kKinds)}) {
  for (std::size_t k = 0; k < swept.size(); ++k) {
    if (!kinds.contains(kKinds[k])) continue;
    EXPECT_GT(swept[k].succeeded, 0) << to_string(kKinds[k]) << ": no fault hit the checkpoint at close";
    EXPECT_GT(swept[k].failed, 0) << to_string(kKinds[k]) << ": no failed call failed the operation";
  }
}

TEST_F(SqliteFaultsTest, ATranscriptImportFailsWholeOrSucceedsWholeAtEveryFailedWriteSyncOrRead) {
  expect_some_failed(sweep(import_operation(), "import"));
}

TEST_F(SqliteFaultsTest, ATranscriptEditFailsWholeOrSucceedsWholeAtEveryFailedWriteSyncOrRead) {
  expect_some_failed(sweep(edit_operation(), "edit"));
}

// The server's way (decision 0011): commits only write the log, and GroupSync's own fdatasync,
// outside SQLite and so outside this VFS, makes them durable (its failure is
// AFailedGroupSyncIsAnsweredAsUnavailable in the API tests); SQLite itself syncs only at
// checkpoints, here the one at close, after the import was acknowledged.
TEST_F(SqliteFaultsTest, UnderGroupCommitAFailedCommitIsFinalUntilRestartAndLosesNothingAcknowledged) {
  group_commit_ = true;
  expect_some_failed(sweep(import_operation(), "group import"), {FaultKind::write, FaultKind::full, FaultKind::read});
}

}  // namespace
}  // namespace narralytica
