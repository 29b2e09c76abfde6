// search_bench: issue 14's search benchmark, one engine per invocation so that run.sh can time the
// product and its baselines on the same rows and the same queries (see bench/search/README.md):
//
//   search_bench product  --db DB --data-dir DIR --queries queries.tsv --out latencies.tsv
//   search_bench fts5     --db FILE --segments segments.tsv --queries queries.tsv --out latencies.tsv
//   search_bench postgres --url URL --segments segments.tsv --queries queries.tsv --out latencies.tsv
//   search_bench xapian   --dir DIR --threads N [--batch N] --segments segments.tsv --queries queries.tsv --out latencies.tsv
//
// Each appends one line per measured query to --out and prints its build figures as key=value.
#include <CLI/CLI.hpp>

#include "search_bench.hpp"

using namespace narralytica::bench;

namespace {

// The options every engine takes: the rows (baselines only), the queries and the latencies file.
void add_io(CLI::App* engine, std::string* segments, std::string& queries, std::string& out) {
  if (segments) engine->add_option("--segments", *segments, "segments.tsv")->required();
  engine->add_option("--queries", queries, "queries.tsv")->required();
  engine->add_option("--out", out, "Latencies file (appended)")->required();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Search benchmark: the product and its baselines on the same rows (issue 14)"};
  app.require_subcommand(1);
  ProductOptions product;
  auto* p = app.add_subcommand("product", "app::SearchService over the indexes `narralytica reindex` built");
  p->add_option("--db", product.db, "The canonical database (SQLite path or postgresql:// URL)")->required();
  p->add_option("--data-dir", product.data_dir, "The data directory holding search/")->required();
  add_io(p, nullptr, product.queries, product.out);
  Fts5Options fts5;
  auto* f = app.add_subcommand("fts5", "Bare SQLite FTS5, one table per tenant: build, then query");
  f->add_option("--db", fts5.db, "The SQLite file to create (replaced)")->required();
  add_io(f, &fts5.segments, fts5.queries, fts5.out);
  PostgresOptions pg;
  auto* g = app.add_subcommand("postgres", "PostgreSQL tsvector + GIN, one table: load, build, then query");
  g->add_option("--url", pg.url, "A database to fill (its table `segments` is replaced)")->required();
  add_io(g, &pg.segments, pg.queries, pg.out);
  XapianOptions xapian;
  auto* x = app.add_subcommand("xapian", "Bare Xapian, one database per tenant: build on N threads, then query");
  x->add_option("--dir", xapian.dir, "The directory to fill with one database per tenant (replaced)")->required();
  x->add_option("--threads", xapian.threads, "Tenants built at once (as reindex --threads)")->check(CLI::Range(1, 64));
  x->add_option("--batch", xapian.batch, "Documents per unsynced commit, all synced at the end (0: Xapian's default)");
  add_io(x, &xapian.segments, xapian.queries, xapian.out);
  CLI11_PARSE(app, argc, argv);
  if (p->parsed()) return run_product(product);
  if (f->parsed()) return run_fts5(fts5);
  if (x->parsed()) return run_xapian(xapian);
  return run_postgres(pg);
}
