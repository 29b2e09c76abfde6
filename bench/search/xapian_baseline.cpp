// Baseline 3 of the search benchmark: bare Xapian, one database per tenant, on the same rows and
// queries: the engine's floor under the product's search. The product's index holds more per
// segment (filter terms for video, transcript, language, speaker, person and labels; value slots;
// its structured document data), so the ratios product / bare Xapian say what that costs.
//
// Build: one database per tenant, the tenants spread over --threads threads largest first (as
// `narralytica reindex --threads N` does); with --batch N a commit every N documents, unsynced,
// and every file synced at the end (the product's rebuild policy), with --batch 0 Xapian's
// default flushing and a synced commit at the end. Each segment: its text through Xapian's TermGenerator
// (positions, plus Z-prefixed English stems, as the product indexes words), the text as the
// document data, the speaker as a boolean term and start/end as value slots (for the filtered
// queries).
// Query: Xapian's QueryParser (default operator AND, phrases, prefix wildcards, English stems on
// unquoted words), BM25, top 20, each hit with Xapian's own snippet (<mark>, 320 bytes, no
// background model). Filters: the speaker term and a value range on the times, under OP_FILTER.
#include <fcntl.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "bench_io.hpp"
#include "search_bench.hpp"

namespace narralytica::bench {
namespace {

constexpr Xapian::valueno kStartSlot = 0;
constexpr Xapian::valueno kEndSlot = 1;
constexpr std::size_t kSnippetBytes = 320;

std::uint64_t directory_bytes(const std::filesystem::path& root) {
  std::uint64_t bytes = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) bytes += entry.file_size();
  }
  return bytes;
}

void sync_files(const std::filesystem::path& root) {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    const int fd = ::open(entry.path().c_str(), O_RDONLY | (entry.is_directory() ? O_DIRECTORY : 0));
    if (fd < 0 || ::fsync(fd) != 0) fail("cannot sync " + entry.path().string());
    ::close(fd);
  }
}

// batch 0: Xapian's default flushing, every commit synced. batch N: the product's rebuild policy
// (search::kBulkCommitDocuments): a commit every N documents without syncing, then every file
// synced at the end.
void build(const std::filesystem::path& root, const std::vector<SegmentRow>& rows, int threads, int batch) {
  const int flush_flags = batch > 0 ? Xapian::DB_NO_SYNC : 0;
  std::map<std::string, std::vector<const SegmentRow*>> by_tenant;
  for (const auto& row : rows) by_tenant[row.tenant].push_back(&row);
  std::vector<std::pair<std::string, const std::vector<const SegmentRow*>*>> order;
  for (const auto& [tenant, list] : by_tenant) order.emplace_back(tenant, &list);
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.second->size() > b.second->size(); });
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root);
  const std::int64_t start = now_ns();
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    Xapian::TermGenerator generator;
    generator.set_stemmer(Xapian::Stem("english"));
    generator.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    for (std::size_t i = next++; i < order.size(); i = next++) {
      const std::filesystem::path path = root / order[i].first;
      Xapian::WritableDatabase db(path.string(), Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_BACKEND_GLASS | flush_flags);
      int pending = 0;
      for (const SegmentRow* row : *order[i].second) {
        Xapian::Document doc;
        doc.set_data(row->text);
        generator.set_document(doc);
        generator.index_text(row->text);
        doc.add_boolean_term("S" + row->speaker);
        doc.add_value(kStartSlot, Xapian::sortable_serialise(static_cast<double>(row->start_ms)));
        doc.add_value(kEndSlot, Xapian::sortable_serialise(static_cast<double>(row->end_ms)));
        db.add_document(doc);
        if (batch > 0 && ++pending >= batch) {
          db.commit();
          pending = 0;
        }
      }
      db.commit();
      if (batch > 0) {
        db.close();
        sync_files(path);  // what DB_NO_SYNC left unsynced, as the product's publish does
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& thread : pool) thread.join();
  figure("xapian_build_rows", static_cast<double>(rows.size()));
  figure("xapian_build_s", seconds_since(start));
  figure("xapian_build_threads", threads);
  figure("xapian_build_batch", batch);
  figure("xapian_size_bytes", static_cast<double>(directory_bytes(root)));
}

// The words of a query in QueryParser's syntax, from the PostgreSQL columns (which hold the words
// without the product's filter syntax): plain words, a "phrase", or a prefix*.
std::string query_text(const BenchQuery& q) {
  if (q.pg_function == "phraseto_tsquery") return "\"" + q.pg_text + "\"";
  if (q.pg_function == "to_tsquery") {
    std::string text = q.pg_text;
    if (text.ends_with(":*")) text.replace(text.size() - 2, 2, "*");
    return text;
  }
  return q.pg_text;
}

}  // namespace

int run_xapian(const XapianOptions& options) {
  const auto queries = read_queries(options.queries);
  const std::filesystem::path root = options.dir;
  build(root, read_segments(options.segments), options.threads, options.batch);
  std::map<std::string, Xapian::Database> databases;
  const Xapian::Stem stemmer("english");
  Xapian::QueryParser parser;
  parser.set_stemmer(stemmer);
  parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  parser.set_default_op(Xapian::Query::OP_AND);
  std::size_t snippet_bytes = 0;
  time_queries("xapian", queries, [&](const BenchQuery& q) {
    auto it = databases.find(q.tenant);
    if (it == databases.end()) it = databases.emplace(q.tenant, Xapian::Database((root / q.tenant).string())).first;
    Xapian::Database& db = it->second;
    parser.set_database(db);
    Xapian::Query query = parser.parse_query(
        query_text(q), Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_WILDCARD);
    std::vector<Xapian::Query> filters;
    if (!q.speaker.empty()) filters.emplace_back("S" + q.speaker);
    if (q.from_ms >= 0) {
      filters.emplace_back(Xapian::Query::OP_VALUE_GE, kEndSlot, Xapian::sortable_serialise(static_cast<double>(q.from_ms)));
      filters.emplace_back(Xapian::Query::OP_VALUE_LE, kStartSlot, Xapian::sortable_serialise(static_cast<double>(q.to_ms - 1)));
    }
    if (!filters.empty()) {
      query = Xapian::Query(Xapian::Query::OP_FILTER, query,
                            Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end()));
    }
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    const Xapian::MSet mset = enquire.get_mset(0, 20);
    for (auto hit = mset.begin(); hit != mset.end(); ++hit) {
      snippet_bytes += mset.snippet(hit.get_document().get_data(), kSnippetBytes, stemmer, 0, "<mark>", "</mark>", "…").size();
    }
    return static_cast<int>(mset.size());
  }, options.out);
  figure("xapian_snippet_bytes", static_cast<double>(snippet_bytes));
  return 0;
}

}  // namespace narralytica::bench
