// Reading gen_search_corpus.py's TSV files and timing queries for every engine alike
// (bench_io.hpp).
#include "bench_io.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string_view>

namespace narralytica::bench {
namespace {

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t begin = 0;
  for (;;) {
    const std::size_t tab = line.find('\t', begin);
    fields.emplace_back(line, begin, tab == std::string::npos ? std::string::npos : tab - begin);
    if (tab == std::string::npos) return fields;
    begin = tab + 1;
  }
}

std::int64_t to_int(const std::string& text, const std::string& where) {
  char* end = nullptr;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0') fail(where + ": expected an integer, found \"" + text + "\"");
  return value;
}

template <class Row, class Parse>
std::vector<Row> read_tsv(const std::string& path, std::size_t columns, Parse parse) {
  std::ifstream in(path);
  if (!in) fail("cannot read " + path);
  std::vector<Row> rows;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    auto fields = split_tabs(line);
    const std::string where = path + ":" + std::to_string(number);
    if (fields.size() != columns) fail(where + ": expected " + std::to_string(columns) + " tab-separated fields");
    rows.push_back(parse(fields, where));
  }
  return rows;
}

}  // namespace

void fail(const std::string& message) {
  std::fprintf(stderr, "search_bench: %s\n", message.c_str());
  std::exit(1);
}

std::vector<SegmentRow> read_segments(const std::string& path) {
  return read_tsv<SegmentRow>(path, 7, [](std::vector<std::string>& f, const std::string& where) {
    return SegmentRow{std::move(f[0]), std::move(f[1]), to_int(f[2], where), to_int(f[3], where),
                      to_int(f[4], where), std::move(f[5]), std::move(f[6])};
  });
}

std::vector<BenchQuery> read_queries(const std::string& path) {
  return read_tsv<BenchQuery>(path, 10, [](std::vector<std::string>& f, const std::string& where) {
    BenchQuery q;
    q.id = static_cast<int>(to_int(f[0], where));
    q.query_class = std::move(f[1]);
    q.tenant = std::move(f[2]);
    q.product = std::move(f[3]);
    q.fts5 = std::move(f[4]);
    q.pg_function = std::move(f[5]);
    q.pg_text = std::move(f[6]);
    q.speaker = std::move(f[7]);
    if (!f[8].empty()) q.from_ms = to_int(f[8], where);
    if (!f[9].empty()) q.to_ms = to_int(f[9], where);
    if (q.pg_function != "plainto_tsquery" && q.pg_function != "phraseto_tsquery" && q.pg_function != "to_tsquery") {
      fail(where + ": unknown PostgreSQL function " + q.pg_function);
    }
    return q;
  });
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

double seconds_since(std::int64_t start_ns) { return static_cast<double>(now_ns() - start_ns) / 1e9; }

void time_queries(const std::string& engine, const std::vector<BenchQuery>& queries,
                  const std::function<int(const BenchQuery&)>& run, const std::string& out_path) {
  for (const BenchQuery& q : queries) run(q);  // warm-up: caches, pooled connections, prepared statements
  std::vector<std::pair<double, int>> measured;
  measured.reserve(queries.size());
  for (const BenchQuery& q : queries) {
    const std::int64_t start = now_ns();
    const int hits = run(q);
    measured.emplace_back(static_cast<double>(now_ns() - start) / 1e6, hits);
  }
  FILE* out = std::fopen(out_path.c_str(), "a");
  if (!out) fail("cannot write " + out_path);
  for (std::size_t i = 0; i < queries.size(); ++i) {
    std::fprintf(out, "%s\t%d\t%s\t%.4f\t%d\n", engine.c_str(), queries[i].id, queries[i].query_class.c_str(),
                 measured[i].first, measured[i].second);
  }
  if (std::fclose(out) != 0) fail("cannot write " + out_path);
}

void figure(const std::string& key, double value) {
  std::printf("%s=%.10g\n", key.c_str(), value);
  std::fflush(stdout);
}

}  // namespace narralytica::bench
