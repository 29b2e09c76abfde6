// The engine's floor under the narrative timeline (issue 18): what bare Xapian costs to see every
// match of a query once, which the timeline must do to count matches per bucket exactly. Opens a
// search index the product built (a tenant's generation directory) and times, for the query:
//   (a) get_mset(0, 0, doccount) with no match spy: the matcher alone;
//   (b) a spy that reads one value slot per match (the published date): the least a bucketed
//       count can read;
//   (c) a spy that reads each match's document data: what a count by a field kept only in the
//       data costs.
// Usage: xapian_timeline_floor INDEX_DIR 'QUERY' [REPS]   (QUERY in Xapian's QueryParser syntax,
// e.g. '"of the"'; the product's parser makes the same phrase of unstemmed terms)
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

class ValueSpy : public Xapian::MatchSpy {
 public:
  explicit ValueSpy(Xapian::valueno slot) : slot_(slot) {}
  void operator()(const Xapian::Document& document, double) override { bytes += document.get_value(slot_).size(); }
  std::size_t bytes = 0;

 private:
  Xapian::valueno slot_;
};

class DataSpy : public Xapian::MatchSpy {
 public:
  void operator()(const Xapian::Document& document, double) override { bytes += document.get_data().size(); }
  std::size_t bytes = 0;
};

template <class Run>
void time(const char* name, int reps, Run run) {
  std::vector<double> ms;
  Xapian::doccount matches = 0;
  for (int i = 0; i < reps + 1; ++i) {
    const auto start = std::chrono::steady_clock::now();
    matches = run();
    const double elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (i > 0) ms.push_back(elapsed);  // the first run warms the page cache
  }
  std::sort(ms.begin(), ms.end());
  const auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * ms.size()))]; };
  std::printf("%-34s matches %8u   p50 %8.2f ms   p99 %8.2f ms\n", name, matches, at(0.5), at(0.99));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: xapian_timeline_floor INDEX_DIR 'QUERY' [REPS]\n");
    return 2;
  }
  const int reps = argc > 3 ? std::atoi(argv[3]) : 20;
  Xapian::Database db(argv[1]);
  Xapian::QueryParser parser;
  parser.set_database(db);
  const Xapian::Query query = parser.parse_query(argv[2], Xapian::QueryParser::FLAG_PHRASE);
  std::printf("%s: %u documents, query %s\n", argv[1], db.get_doccount(), query.get_description().c_str());
  auto count = [&](Xapian::MatchSpy* spy) {
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    if (spy) enquire.add_matchspy(spy);
    return enquire.get_mset(0, 0, db.get_doccount()).get_matches_estimated();
  };
  time("(a) matcher alone", reps, [&] { return count(nullptr); });
  time("(b) + one value slot per match", reps, [&] {
    ValueSpy spy(2);
    return count(&spy);
  });
  time("(c) + document data per match", reps, [&] {
    DataSpy spy;
    return count(&spy);
  });
  return 0;
}
