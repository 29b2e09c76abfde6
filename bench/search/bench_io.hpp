// The search benchmark's shared plumbing (issue 14): reading the rows and queries that
// gen_search_corpus.py wrote, timing every query the same way for every engine (one warm-up pass
// over the whole list, then one measured pass), and writing what was measured for report.py.
// Keeping this in one place is what makes the product's and the baselines' figures comparable.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace narralytica::bench {

struct SegmentRow {  // a line of segments.tsv
  std::string tenant, video;
  std::int64_t ordinal = 0, start_ms = 0, end_ms = 0;
  std::string speaker, text;
};

struct BenchQuery {  // a line of queries.tsv
  int id = 0;
  std::string query_class, tenant;
  std::string product;      // the product's query language
  std::string fts5;         // an FTS5 MATCH expression
  std::string pg_function;  // plainto_tsquery | phraseto_tsquery | to_tsquery
  std::string pg_text;
  std::string speaker;      // filter, empty for none
  std::int64_t from_ms = -1, to_ms = -1;  // filter, -1 for none
};

[[noreturn]] void fail(const std::string& message);

std::vector<SegmentRow> read_segments(const std::string& path);
std::vector<BenchQuery> read_queries(const std::string& path);

// Runs `run` (which returns the number of hits) for every query once to warm up, then once more
// timing each call, and appends "engine<TAB>id<TAB>class<TAB>ms<TAB>hits" lines to `out_path`.
void time_queries(const std::string& engine, const std::vector<BenchQuery>& queries,
                  const std::function<int(const BenchQuery&)>& run, const std::string& out_path);

double seconds_since(std::int64_t start_ns);
std::int64_t now_ns();

// A "key=value" line on stdout, collected by run.sh into figures.txt for report.py.
void figure(const std::string& key, double value);

}  // namespace narralytica::bench
