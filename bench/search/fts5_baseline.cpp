// Baseline 1 of the search benchmark: bare SQLite FTS5, one FTS5 table per tenant (the fastest
// FTS5 layout in ../shared/BASELINES.md), over the same rows as the product. Measures the build
// (rows/s, one thread: one SQLite file has one writer), the file's size, and each query:
//
//   SELECT video, ordinal, start_ms, end_ms, speaker, snippet(t, 0, '<mark>', '</mark>', '…', 16)
//   FROM t WHERE t MATCH ?1 [AND speaker = ?2] [AND end_ms >= ?3 AND start_ms < ?4]
//   ORDER BY rank LIMIT 20
//
// rank is FTS5's BM25. Tokenizer: porter over unicode61 with diacritics removed, the closest to
// the product's folding and stemming. Settings as BASELINES.md: WAL, synchronous=NORMAL, a commit
// every 10,000 rows; no prefix index (the table as `CREATE VIRTUAL TABLE … USING fts5` makes it).
#include <sqlite3.h>

#include <map>
#include <string>
#include <vector>

#include "bench_io.hpp"
#include "search_bench.hpp"

namespace narralytica::bench {
namespace {

constexpr int kCommitEvery = 10'000;

void exec(sqlite3* db, const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "?";
    sqlite3_free(message);
    fail("sqlite: " + text + " in: " + sql);
  }
}

sqlite3_stmt* prepare(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v3(db, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr) != SQLITE_OK) {
    fail(std::string("sqlite: ") + sqlite3_errmsg(db) + " in: " + sql);
  }
  return statement;
}

std::string table_of(const std::string& tenant) {
  std::string name = "fts_" + tenant;
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

void bind_text(sqlite3_stmt* s, int index, const std::string& text) {
  sqlite3_bind_text(s, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}

void build(sqlite3* db, const std::vector<SegmentRow>& rows) {
  const std::int64_t start = now_ns();
  std::map<std::string, sqlite3_stmt*> inserts;
  exec(db, "BEGIN");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const SegmentRow& row = rows[i];
    auto it = inserts.find(row.tenant);
    if (it == inserts.end()) {
      const std::string table = table_of(row.tenant);
      exec(db, "CREATE VIRTUAL TABLE " + table +
                   " USING fts5(text, video UNINDEXED, ordinal UNINDEXED, start_ms UNINDEXED, end_ms UNINDEXED, "
                   "speaker UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2')");
      it = inserts.emplace(row.tenant, prepare(db, "INSERT INTO " + table +
                                                       " (text, video, ordinal, start_ms, end_ms, speaker) "
                                                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")).first;
    }
    sqlite3_stmt* s = it->second;
    bind_text(s, 1, row.text);
    bind_text(s, 2, row.video);
    sqlite3_bind_int64(s, 3, row.ordinal);
    sqlite3_bind_int64(s, 4, row.start_ms);
    sqlite3_bind_int64(s, 5, row.end_ms);
    bind_text(s, 6, row.speaker);
    if (sqlite3_step(s) != SQLITE_DONE) fail(std::string("sqlite insert: ") + sqlite3_errmsg(db));
    sqlite3_reset(s);
    if ((i + 1) % kCommitEvery == 0) exec(db, "COMMIT; BEGIN");
  }
  exec(db, "COMMIT");
  const double seconds = seconds_since(start);
  for (auto& [tenant, s] : inserts) sqlite3_finalize(s);
  exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
  figure("fts5_build_rows", static_cast<double>(rows.size()));
  figure("fts5_build_s", seconds);
}

}  // namespace

int run_fts5(const Fts5Options& options) {
  const auto queries = read_queries(options.queries);
  std::remove(options.db.c_str());
  std::remove((options.db + "-wal").c_str());
  std::remove((options.db + "-shm").c_str());
  sqlite3* db = nullptr;
  if (sqlite3_open(options.db.c_str(), &db) != SQLITE_OK) fail("cannot open " + options.db);
  exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL");
  {
    const auto rows = read_segments(options.segments);
    build(db, rows);
  }
  sqlite3_stmt* size = prepare(db, "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()");
  if (sqlite3_step(size) != SQLITE_ROW) fail("sqlite: cannot read the database size");
  figure("fts5_size_bytes", static_cast<double>(sqlite3_column_int64(size, 0)));
  sqlite3_finalize(size);

  // One statement per tenant and filter shape, prepared on first use (the warm-up pass).
  std::map<std::string, sqlite3_stmt*> statements;
  auto statement_for = [&](const BenchQuery& q) {
    const std::string key = q.tenant + (q.speaker.empty() ? "" : "+speaker") + (q.from_ms < 0 ? "" : "+time");
    auto it = statements.find(key);
    if (it != statements.end()) return it->second;
    const std::string t = table_of(q.tenant);
    std::string sql = "SELECT video, ordinal, start_ms, end_ms, speaker, snippet(" + t +
                      ", 0, '<mark>', '</mark>', '…', 16) FROM " + t + " WHERE " + t + " MATCH ?1";
    if (!q.speaker.empty()) sql += " AND speaker = ?2";
    if (q.from_ms >= 0) sql += " AND end_ms >= ?3 AND start_ms < ?4";
    sql += " ORDER BY rank LIMIT 20";
    return statements.emplace(key, prepare(db, sql)).first->second;
  };
  std::size_t snippet_bytes = 0;
  time_queries("fts5", queries, [&](const BenchQuery& q) {
    sqlite3_stmt* s = statement_for(q);
    bind_text(s, 1, q.fts5);
    if (!q.speaker.empty()) bind_text(s, 2, q.speaker);
    if (q.from_ms >= 0) {
      sqlite3_bind_int64(s, 3, q.from_ms);
      sqlite3_bind_int64(s, 4, q.to_ms);
    }
    int hits = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      snippet_bytes += static_cast<std::size_t>(sqlite3_column_bytes(s, 5));
      ++hits;
    }
    if (rc != SQLITE_DONE) fail(std::string("sqlite query ") + q.fts5 + ": " + sqlite3_errmsg(db));
    sqlite3_reset(s);
    return hits;
  }, options.out);
  for (auto& [key, s] : statements) sqlite3_finalize(s);
  sqlite3_close(db);
  figure("fts5_snippet_bytes", static_cast<double>(snippet_bytes));
  return 0;
}

}  // namespace narralytica::bench
