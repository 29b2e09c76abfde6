// The engines search_bench measures side by side (issue 14's benchmark): the product's search
// (app::SearchService, in process), and the bare baselines SQLite FTS5, PostgreSQL tsvector + GIN
// and Xapian (the engine under the product).
// Each runs the same queries.tsv through bench_io.hpp's time_queries and prints its build figures
// as key=value lines; run.sh collects them and report.py prints the tables.
#pragma once

#include <string>

namespace narralytica::bench {

struct ProductOptions {
  std::string db, data_dir, queries, out;
};
struct Fts5Options {
  std::string db, segments, queries, out;
};
struct PostgresOptions {
  std::string url, segments, queries, out;
};
struct XapianOptions {
  std::string dir, segments, queries, out;
  int threads = 2;
  int batch = 0;  // documents per commit (0: Xapian's default flushing)
};

int run_product(const ProductOptions& options);
int run_fts5(const Fts5Options& options);
int run_postgres(const PostgresOptions& options);
int run_xapian(const XapianOptions& options);

}  // namespace narralytica::bench
