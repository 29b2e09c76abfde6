// Baseline 2 of the search benchmark: PostgreSQL full-text search, one table for every tenant
// with a btree on tenant, a stored tsvector column (to_tsvector('english', text)) and a GIN index
// on it, over the same rows as the product. Measures the load (COPY), the build (the tsvector
// column, then the GIN and tenant indexes: what a rebuild of the search side costs), the GIN
// index's and the table's size, and each query (planned per call through PQexecParams, as an
// application would send it):
//
//   SELECT video, ordinal, start_ms, end_ms, speaker,
//          ts_headline('english', text, q, 'StartSel=<mark>, StopSel=</mark>, MaxWords=24, MinWords=8')
//   FROM (SELECT …, ts_rank(tsv, q) AS r FROM segments, <function>('english', $2) q
//         WHERE tenant = $1 AND tsv @@ q [AND speaker = $3] [AND end_ms >= $4 AND start_ms < $5]
//         ORDER BY r DESC LIMIT 20) top ORDER BY r DESC
//
// <function> per class: plainto_tsquery (words, AND of words), phraseto_tsquery (phrases),
// to_tsquery('pre:*') (prefixes). The headline is computed for the 20 rows only. Durability is the
// server's (fsync and synchronous_commit on in scripts/pg-test-cluster.sh).
#include <libpq-fe.h>

#include <string>
#include <vector>

#include "bench_io.hpp"
#include "search_bench.hpp"

namespace narralytica::bench {
namespace {

void exec(PGconn* pg, const std::string& sql) {
  PGresult* r = PQexec(pg, sql.c_str());
  const auto status = PQresultStatus(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    const std::string message = PQresultErrorMessage(r);
    PQclear(r);
    fail("postgres: " + message + " in: " + sql);
  }
  PQclear(r);
}

double scalar(PGconn* pg, const std::string& sql) {
  PGresult* r = PQexec(pg, sql.c_str());
  if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
    const std::string message = PQresultErrorMessage(r);
    PQclear(r);
    fail("postgres: " + message + " in: " + sql);
  }
  const double value = std::stod(PQgetvalue(r, 0, 0));
  PQclear(r);
  return value;
}

void copy_rows(PGconn* pg, const std::vector<SegmentRow>& rows) {
  PGresult* started = PQexec(pg, "COPY segments (tenant, video, ordinal, start_ms, end_ms, speaker, text) FROM STDIN");
  if (PQresultStatus(started) != PGRES_COPY_IN) fail(std::string("postgres COPY: ") + PQresultErrorMessage(started));
  PQclear(started);
  std::string buffer;
  auto flush = [&] {
    if (PQputCopyData(pg, buffer.data(), static_cast<int>(buffer.size())) != 1) {
      fail(std::string("postgres COPY: ") + PQerrorMessage(pg));
    }
    buffer.clear();
  };
  for (const SegmentRow& row : rows) {  // the generator writes no tab, newline or backslash in a field
    buffer += row.tenant + '\t' + row.video + '\t' + std::to_string(row.ordinal) + '\t' +
              std::to_string(row.start_ms) + '\t' + std::to_string(row.end_ms) + '\t' + row.speaker + '\t' +
              row.text + '\n';
    if (buffer.size() > (1 << 20)) flush();
  }
  flush();
  if (PQputCopyEnd(pg, nullptr) != 1) fail(std::string("postgres COPY: ") + PQerrorMessage(pg));
  PGresult* r = PQgetResult(pg);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) fail(std::string("postgres COPY: ") + PQresultErrorMessage(r));
  PQclear(r);
  while ((r = PQgetResult(pg)) != nullptr) PQclear(r);
}

void build(PGconn* pg, const std::string& segments_path) {
  exec(pg, "DROP TABLE IF EXISTS segments");
  exec(pg, "CREATE TABLE segments (id bigserial PRIMARY KEY, tenant text NOT NULL, video text NOT NULL, "
           "ordinal integer NOT NULL, start_ms bigint NOT NULL, end_ms bigint NOT NULL, speaker text, "
           "text text NOT NULL)");
  std::size_t count = 0;
  std::int64_t start = now_ns();
  {
    const auto rows = read_segments(segments_path);
    count = rows.size();
    start = now_ns();
    copy_rows(pg, rows);
  }
  figure("pg_copy_s", seconds_since(start));
  start = now_ns();
  exec(pg, "ALTER TABLE segments ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED");
  figure("pg_tsvector_s", seconds_since(start));
  start = now_ns();
  exec(pg, "CREATE INDEX segments_tsv ON segments USING gin (tsv)");
  exec(pg, "CREATE INDEX segments_tenant ON segments (tenant)");
  figure("pg_index_s", seconds_since(start));
  exec(pg, "VACUUM ANALYZE segments");
  figure("pg_build_rows", static_cast<double>(count));
  figure("pg_gin_bytes", scalar(pg, "SELECT pg_relation_size('segments_tsv')"));
  figure("pg_table_bytes", scalar(pg, "SELECT pg_total_relation_size('segments')"));
}

}  // namespace

int run_postgres(const PostgresOptions& options) {
  const auto queries = read_queries(options.queries);
  PGconn* pg = PQconnectdb(options.url.c_str());
  if (PQstatus(pg) != CONNECTION_OK) fail(std::string("postgres: ") + PQerrorMessage(pg));
  exec(pg, "SET client_min_messages = warning");
  build(pg, options.segments);

  std::size_t headline_bytes = 0;
  time_queries("postgres", queries, [&](const BenchQuery& q) {
    std::string inner = "SELECT video, ordinal, start_ms, end_ms, speaker, text, q, ts_rank(tsv, q) AS r "
                        "FROM segments, " + q.pg_function + "('english', $2) q WHERE tenant = $1 AND tsv @@ q";
    std::vector<const char*> values = {q.tenant.c_str(), q.pg_text.c_str()};
    const std::string from = std::to_string(q.from_ms), to = std::to_string(q.to_ms);
    if (!q.speaker.empty()) {
      values.push_back(q.speaker.c_str());
      inner += " AND speaker = $" + std::to_string(values.size());
    }
    if (q.from_ms >= 0) {
      values.push_back(from.c_str());
      inner += " AND end_ms >= $" + std::to_string(values.size()) + "::bigint";
      values.push_back(to.c_str());
      inner += " AND start_ms < $" + std::to_string(values.size()) + "::bigint";
    }
    const std::string sql = "SELECT video, ordinal, start_ms, end_ms, speaker, ts_headline('english', text, q, "
                            "'StartSel=<mark>, StopSel=</mark>, MaxWords=24, MinWords=8') FROM (" + inner +
                            " ORDER BY r DESC LIMIT 20) top ORDER BY r DESC";
    PGresult* r = PQexecParams(pg, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                               nullptr, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      fail("postgres query " + q.pg_text + ": " + PQresultErrorMessage(r));
    }
    const int hits = PQntuples(r);
    for (int i = 0; i < hits; ++i) headline_bytes += static_cast<std::size_t>(PQgetlength(r, i, 5));
    PQclear(r);
    return hits;
  }, options.out);
  PQfinish(pg);
  figure("pg_headline_bytes", static_cast<double>(headline_bytes));
  return 0;
}

}  // namespace narralytica::bench
