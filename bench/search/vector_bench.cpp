// Semantic and hybrid search (issue 14's vector targets): 200,000 segments with a 384-dimension
// embedding each, in one tenant, stored and indexed as the product stores and indexes them, then
// 1,000 queries timed through app::SearchService::search (the tenant lookup and permission check
// in a read transaction, as a request pays), beside two baselines on the same vectors in the same
// run:
//
//   exact scan    brute-force cosine over every vector (a plain loop): the ground truth for
//                 recall@10, and what a query costs without an index
//   bare hnswlib  the engine alone, built and searched with the product's M, ef_construction and
//                 ef_search: the floor under the product's vector leg
//
// Targets: vector recall@10 >= 0.95 at p99 <= 10 ms; hybrid (RRF of BM25 and vector, 100
// candidates per leg) p99 <= 15 ms.
//
// Loading: transcripts through app::TranscriptService::import (Narralytica JSON, as `narralytica
// import`), then each transcript's embedding layer through app::LayerService::import (an NDJSON
// layer document of one item per segment, as `narralytica layers import` and a pipeline posting
// to POST /v1/transcripts/{id}/layers do): one batch per transcript. The index is then built
// with app::SearchService::reindex, the path of `narralytica reindex`.
//
//   vector_bench --db PATH|postgresql://… --work DIR [--segments 200000] [--per-video 500]
//                [--clusters 1000] [--queries 1000] [--seed N] [--reuse] [--reuse-index] [--build-only]
//
// --reuse keeps the database and index an earlier run filled in DIR (same parameters: the
// vectors are generated again from the seed, and checked against the stored count);
// --reuse-index also skips the rebuild; --build-only stops after the rebuild and its size (no
// queries: the figure a second backend adds).
#include <algorithm>
#include <cmath>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "app/layer_service.hpp"
#include "bare_hnswlib.hpp"
#include "app/search_service.hpp"
#include "app/transcript_service.hpp"
#include "common/timing.hpp"
#include "search/index_directory.hpp"
#include "search/vector_index.hpp"
#include "store/migrations.hpp"
#include "store/tenancy/tenant_repository.hpp"

using namespace narralytica;
using narralytica::bench::ms_since;
using narralytica::bench::percentile;
using narralytica::bench::Steady;

namespace {

constexpr const char* kTenantSlug = "vector-bench";
constexpr std::size_t kDims = 384;
constexpr std::size_t kTopK = 10;
// The product's hnswlib parameters (src/search/vector_index.cpp: kGraphM, kEfConstruction;
// vector_index.hpp: kVectorEfSearchDefault). The bare baseline uses the same.
constexpr std::size_t kGraphM = 16;
constexpr std::size_t kEfConstruction = 100;
constexpr std::size_t kEfSearch = search::kVectorEfSearchDefault;
// A stored vector's spread around its cluster's centre, per dimension: |noise| ~ 0.88, so a
// vector's cosine to its centre is ~0.75 and two vectors of one cluster ~0.56, about what
// sentence embeddings of one topic show. A query is a stored vector plus a smaller noise
// (cosine to its seed ~0.93): a paraphrase of something said.
constexpr float kClusterSpread = 0.045f;
constexpr float kQuerySpread = 0.02f;
constexpr std::size_t kTopicWords = 20;  // words each cluster's segments favour (hybrid's text leg)

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "error: %s\n", what.c_str());
  std::exit(1);
}
template <class T>
T check(Result<T> result) {
  if (!result.ok()) die(result.error().describe());
  return std::move(result).value();
}
void check(Status status) {
  if (!status.ok()) die(status.error().describe());
}

struct Args {
  std::string db;
  std::filesystem::path work;
  std::size_t segments = 200'000;
  std::size_t per_video = 500;
  std::size_t clusters = 1'000;
  std::size_t queries = 1'000;
  std::uint64_t seed = 20261206;
  bool reuse = false;
  bool reuse_index = false;
  bool build_only = false;  // stop after the load and the rebuild (the PostgreSQL build figure)
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) die(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--db") a.db = value();
    else if (arg == "--work") a.work = value();
    else if (arg == "--segments") a.segments = std::stoul(value());
    else if (arg == "--per-video") a.per_video = std::stoul(value());
    else if (arg == "--clusters") a.clusters = std::stoul(value());
    else if (arg == "--queries") a.queries = std::stoul(value());
    else if (arg == "--seed") a.seed = std::stoull(value());
    else if (arg == "--reuse") a.reuse = true;
    else if (arg == "--reuse-index") a.reuse = a.reuse_index = true;
    else if (arg == "--build-only") a.build_only = true;
    else die("unknown option " + arg);
  }
  if (a.db.empty() || a.work.empty() || a.segments == 0 || a.per_video == 0 || a.clusters == 0 || a.queries == 0) {
    std::fprintf(stderr,
                 "usage: vector_bench --db PATH|URL --work DIR [--segments N] [--per-video N] [--clusters N] "
                 "[--queries N] [--seed N] [--reuse] [--reuse-index] [--build-only]\n");
    std::exit(2);
  }
  return a;
}

// The corpus, generated from the seed: unit vectors in clusters, and each segment's words.
//
// Why clusters: uniform random vectors in 384 dimensions are all nearly orthogonal to each other
// (cosines within about +-0.15), so the "nearest" neighbours are barely nearer than any other
// vector and every approximate index looks bad on them; no real embedding looks like that.
// Sentence embeddings gather by topic, so the set is 1,000 gaussian clusters around random
// centres on the unit sphere, each vector normalised.
struct Corpus {
  std::vector<float> vectors;  // segments x kDims, unit length
  std::vector<std::string> texts;
  std::vector<std::vector<std::string>> query_words;  // per segment: the words a query may take
};

std::vector<std::string> vocabulary(std::mt19937_64& rng, std::size_t size) {
  static const char* onsets[] = {"b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "st", "tr"};
  static const char* vowels[] = {"a", "e", "i", "o", "u", "ai", "ou"};
  static const char* codas[] = {"", "n", "r", "s", "l", "m", "th"};
  std::set<std::string> taken;
  std::vector<std::string> words;
  while (words.size() < size) {
    std::string w;
    const int syllables = 1 + static_cast<int>(rng() % 3);
    for (int s = 0; s < syllables; ++s) w += std::string(onsets[rng() % 17]) + vowels[rng() % 7];
    w += codas[rng() % 7];
    if (w.size() > 2 && taken.insert(w).second) words.push_back(w);
  }
  return words;
}

Corpus generate(const Args& a) {
  std::mt19937_64 rng(a.seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> centres(a.clusters * kDims);
  for (std::size_t c = 0; c < a.clusters; ++c) {
    std::vector<float> centre(kDims);
    for (auto& x : centre) x = normal(rng);
    search::normalise(centre);
    std::copy(centre.begin(), centre.end(), centres.begin() + static_cast<std::ptrdiff_t>(c * kDims));
  }
  // Words: a 20,000-word Zipf vocabulary (exponent 1); the 50 most frequent play function words
  // and are never query words. Each cluster owns kTopicWords words of the middle ranks, and a
  // segment of the cluster uses two or three of them: its text is about its vector's topic.
  const auto words = vocabulary(rng, 20'000);
  std::vector<double> cumulative(words.size());
  double sum = 0;
  for (std::size_t r = 0; r < words.size(); ++r) cumulative[r] = sum += 1.0 / static_cast<double>(r + 1);
  std::uniform_real_distribution<double> uniform(0.0, sum);
  Corpus corpus;
  corpus.vectors.resize(a.segments * kDims);
  corpus.texts.resize(a.segments);
  corpus.query_words.resize(a.segments);
  for (std::size_t i = 0; i < a.segments; ++i) {
    const std::size_t cluster = rng() % a.clusters;
    std::vector<float> v(centres.begin() + static_cast<std::ptrdiff_t>(cluster * kDims),
                         centres.begin() + static_cast<std::ptrdiff_t>((cluster + 1) * kDims));
    for (auto& x : v) x += kClusterSpread * normal(rng);
    search::normalise(v);
    std::copy(v.begin(), v.end(), corpus.vectors.begin() + static_cast<std::ptrdiff_t>(i * kDims));
    const std::size_t count = 8 + rng() % 15;
    std::vector<std::string> chosen;
    for (std::size_t w = 0; w < count; ++w) {
      const std::size_t rank = static_cast<std::size_t>(
          std::lower_bound(cumulative.begin(), cumulative.end(), uniform(rng)) - cumulative.begin());
      chosen.push_back(words[std::min(rank, words.size() - 1)]);
      if (rank >= 50) corpus.query_words[i].push_back(chosen.back());
    }
    for (std::size_t t = 0, topical = 2 + rng() % 2; t < topical; ++t) {
      const std::size_t rank = 1'000 + (cluster * kTopicWords + rng() % kTopicWords) % 15'000;
      const std::size_t at = rng() % (chosen.size() + 1);
      chosen.insert(chosen.begin() + static_cast<std::ptrdiff_t>(at), words[rank]);
      corpus.query_words[i].push_back(words[rank]);
    }
    std::string text;
    for (const auto& w : chosen) text += (text.empty() ? "" : " ") + w;
    corpus.texts[i] = text + ".";
  }
  return corpus;
}

const float* vector_of(const Corpus& corpus, std::size_t i) { return corpus.vectors.data() + i * kDims; }

std::string number(float x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.7g", static_cast<double>(x));
  return buffer;
}

std::string fixed(double x, int digits) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, x);
  return buffer;
}

// One video's transcript in Narralytica JSON.
std::string transcript_json(const Corpus& corpus, std::size_t first, std::size_t last) {
  std::string out = R"({"format":"narralytica.transcript","version":1,"language":"en","segments":[)";
  std::int64_t t = 0;
  for (std::size_t i = first; i < last; ++i) {
    const std::int64_t end = t + 3'000;
    out += (i == first ? "" : ",");
    out += R"({"start_ms":)" + std::to_string(t) + R"(,"end_ms":)" + std::to_string(end) + R"(,"text":")" +
           corpus.texts[i] + R"(","speaker":"Speaker )" + std::to_string(i % 3) + "\"}";
    t = end + 200;
  }
  return out + "]}";
}

// The same video's embedding layer, NDJSON: the run, then one item per segment.
std::string embedding_ndjson(const Corpus& corpus, std::size_t first, std::size_t last) {
  std::string out = R"({"kind":"embedding","producer":{"name":"bench-minilm","version":"1"}})";
  out += "\n";
  for (std::size_t i = first; i < last; ++i) {
    out += R"({"segment":)" + std::to_string(i - first) + R"(,"value":{"dims":)" + std::to_string(kDims) +
           R"(,"vector":[)";
    const float* v = vector_of(corpus, i);
    for (std::size_t d = 0; d < kDims; ++d) out += (d ? "," : "") + number(v[d]);
    out += "]}}\n";
  }
  return out;
}

const store::Principal& op() {
  static const store::Principal principal = store::Principal::operator_cli("bench:vector");
  return principal;
}

// Imports every video and its embeddings; returns each video's transcript id, in order, which
// it also writes to `ids` for --reuse.
std::vector<Uuid> load(store::Database& db, const Corpus& corpus, const Args& a, const std::filesystem::path& data_dir,
                       const std::filesystem::path& ids) {
  {
    auto tx = check(store::Transaction::begin(db, store::TxMode::write));
    check(store::TenantRepository::create(tx, store::SystemScope::because(op().actor), kTenantSlug, "Vector bench"));
    check(tx.commit());
  }
  app::TranscriptService transcripts(db, data_dir);
  app::LayerService layers(db);
  std::vector<Uuid> transcript_ids;
  double transcript_ms = 0, layer_ms = 0;
  for (std::size_t first = 0; first < a.segments; first += a.per_video) {
    const std::size_t last = std::min(a.segments, first + a.per_video);
    app::ImportOptions options;
    options.title = "video " + std::to_string(first / a.per_video);
    options.source_name = options.title;
    auto start = Steady::now();
    auto imported = check(transcripts.import(op(), kTenantSlug, transcript_json(corpus, first, last), options));
    transcript_ms += ms_since(start);
    const std::string document = embedding_ndjson(corpus, first, last);
    start = Steady::now();
    check(layers.import(op(), kTenantSlug, imported.transcript.public_id, document, options.title + ".ndjson"));
    layer_ms += ms_since(start);
    transcript_ids.push_back(imported.transcript.public_id);
  }
  std::ofstream out(ids, std::ios::trunc);
  for (const auto& id : transcript_ids) out << id.to_string() << "\n";
  std::printf("load: %zu transcripts, %zu segments in %.1f s (%.0f segments/s)\n", transcript_ids.size(), a.segments,
              transcript_ms / 1000, static_cast<double>(a.segments) / (transcript_ms / 1000));
  std::printf("load: %zu embeddings of %zu dimensions, one layer run per transcript, in %.1f s (%.0f vectors/s)\n",
              a.segments, kDims, layer_ms / 1000, static_cast<double>(a.segments) / (layer_ms / 1000));
  return transcript_ids;
}

std::vector<Uuid> read_ids(const std::filesystem::path& ids) {
  std::ifstream in(ids);
  std::vector<Uuid> out;
  for (std::string line; std::getline(in, line);) {
    auto id = Uuid::parse(line);
    if (!id) die("not a transcript id in " + ids.string() + ": " + line);
    out.push_back(*id);
  }
  return out;
}

std::uint64_t bytes_under(const std::filesystem::path& dir) {
  std::uint64_t total = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) total += entry.file_size();
  }
  return total;
}

struct Query {
  std::size_t seed_segment = 0;
  std::vector<float> values;  // unit length
  std::string words;          // hybrid's text: two words of the seed segment
};

std::vector<Query> make_queries(const Corpus& corpus, const Args& a) {
  std::mt19937_64 rng(a.seed + 1);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<Query> queries(a.queries);
  for (auto& q : queries) {
    q.seed_segment = rng() % a.segments;
    const float* v = vector_of(corpus, q.seed_segment);
    q.values.assign(v, v + kDims);
    for (auto& x : q.values) x += kQuerySpread * normal(rng);
    search::normalise(q.values);
    const auto& pool = corpus.query_words[q.seed_segment];
    const std::string& first = pool[rng() % pool.size()];
    const std::string& second = pool[rng() % pool.size()];
    q.words = first == second ? first : first + " " + second;
  }
  return queries;
}

// Exact top-k by inner product (the vectors are unit length: cosine), a plain loop over all.
std::vector<std::size_t> exact_top(const Corpus& corpus, std::size_t count, const std::vector<float>& query) {
  std::vector<std::pair<float, std::size_t>> best;  // a min-heap of the k best so far
  best.reserve(kTopK + 1);
  for (std::size_t i = 0; i < count; ++i) {
    const float* v = vector_of(corpus, i);
    float dot[8] = {};
    for (std::size_t d = 0; d < kDims; d += 8) {
      for (std::size_t j = 0; j < 8; ++j) dot[j] += v[d + j] * query[d + j];
    }
    const float similarity = ((dot[0] + dot[1]) + (dot[2] + dot[3])) + ((dot[4] + dot[5]) + (dot[6] + dot[7]));
    if (best.size() < kTopK || similarity > best.front().first) {
      best.emplace_back(similarity, i);
      std::push_heap(best.begin(), best.end(), std::greater<>());
      if (best.size() > kTopK) {
        std::pop_heap(best.begin(), best.end(), std::greater<>());
        best.pop_back();
      }
    }
  }
  std::sort(best.begin(), best.end(), std::greater<>());
  std::vector<std::size_t> out;
  for (const auto& b : best) out.push_back(b.second);
  return out;
}

// Each call's wall time and its thread's CPU time: on a shared machine the wall time's tail is
// the scheduler's as much as the code's; the CPU time is what the call itself cost.
double thread_cpu_ms() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

struct Samples {
  std::vector<double> wall, cpu;
};

// Times `call` into `samples` (when not null); returns what it returns.
template <class Call>
auto measure(Samples* samples, Call call) {
  const auto start = Steady::now();
  const double cpu_start = thread_cpu_ms();
  auto result = call();
  if (samples) {
    samples->wall.push_back(ms_since(start));
    samples->cpu.push_back(thread_cpu_ms() - cpu_start);
  }
  return result;
}

struct Latency {
  double p50 = 0, p95 = 0, p99 = 0, max = 0, cpu_p50 = 0, cpu_p99 = 0;
};
Latency latency(const Samples& s) {
  return Latency{percentile(s.wall, 0.50), percentile(s.wall, 0.95), percentile(s.wall, 0.99),
                 *std::max_element(s.wall.begin(), s.wall.end()), percentile(s.cpu, 0.50), percentile(s.cpu, 0.99)};
}

void row(const char* name, const Latency& l, double recall, const std::string& note) {
  std::printf("%-22s %8.2f %8.2f %8.2f %8.2f   %8.2f %8.2f   %6.4f   %s\n", name, l.p50, l.p95, l.p99, l.max, l.cpu_p50,
              l.cpu_p99, recall, note.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each figure as soon as it is measured
  const Args args = parse(argc, argv);
  std::filesystem::create_directories(args.work);
  const auto data_dir = args.work / "data";
  const auto ids_path = args.work / "transcripts.txt";

  auto started = Steady::now();
  const Corpus corpus = generate(args);
  const auto queries = make_queries(corpus, args);
  std::printf("corpus: %zu segments x %zu dimensions in %zu clusters, %zu queries, seed %llu (generated in %.1f s)\n",
              args.segments, kDims, args.clusters, args.queries, static_cast<unsigned long long>(args.seed),
              ms_since(started) / 1000);

  {
    auto owner = check(store::Database::open(store::DatabaseOptions{args.db, store::ConnectRole::owner}));
    store::MigrationRunner runner(*owner, check(store::load_migrations(store::embedded_migrations(owner->backend()))));
    check(runner.apply());
  }
  auto db = check(store::Database::open(store::DatabaseOptions{args.db, store::ConnectRole::application}));
  const auto transcript_ids = args.reuse ? read_ids(ids_path) : load(*db, corpus, args, data_dir, ids_path);
  if (transcript_ids.size() != (args.segments + args.per_video - 1) / args.per_video) {
    die("the stored corpus does not match these parameters; run without --reuse on a new --work directory");
  }

  app::SearchService service(*db, data_dir);
  if (!args.reuse_index) {
    started = Steady::now();
    const auto reports = check(service.reindex(op(), kTenantSlug, 1));
    const double seconds = ms_since(started) / 1000;
    std::printf("reindex: %lld segments with their vectors in %.1f s (%.0f segments/s, one tenant: one thread)\n",
                static_cast<long long>(reports.front().documents), seconds,
                static_cast<double>(reports.front().documents) / seconds);
  }
  {
    // The generation searches use (an earlier one may linger until the next swap removes it).
    Uuid tenant;
    {
      auto tx = check(store::Transaction::begin(*db, store::TxMode::read));
      tenant = check(store::TenantRepository::find(tx, kTenantSlug)).public_id;
    }
    const auto generation = check(search::IndexDirectory(data_dir).current(tenant));
    if (!generation) die("the tenant has no index");
    const std::uint64_t total = bytes_under(*generation);
    const std::uint64_t vectors = bytes_under(*generation / "vectors");
    std::printf("index size: %.1f MiB (vectors: %.1f MiB: graph, keys and log; text: %.1f MiB); raw vectors %.1f MiB\n",
                static_cast<double>(total) / 1048576, static_cast<double>(vectors) / 1048576,
                static_cast<double>(total - vectors) / 1048576,
                static_cast<double>(args.segments * kDims * sizeof(float)) / 1048576);
  }
  if (args.build_only) return 0;

  // Exact scan: the ground truth, and the baseline without an index.
  std::vector<std::vector<std::size_t>> truth;
  Samples exact_samples;
  for (const auto& q : queries) {
    truth.push_back(measure(&exact_samples, [&] { return exact_top(corpus, args.segments, q.values); }));
  }
  auto recall_of = [&](std::size_t query, const std::vector<std::size_t>& found) {
    const std::set<std::size_t> expected(truth[query].begin(), truth[query].end());
    std::size_t hits = 0;
    for (auto i : found) hits += expected.count(i);
    return static_cast<double>(hits) / kTopK;
  };

  // Bare hnswlib: the same vectors, parameters and insertion order, one thread (as reindex builds).
  started = Steady::now();
  bench::BareHnsw graph(kDims, args.segments, kGraphM, kEfConstruction);
  for (std::size_t i = 0; i < args.segments; ++i) graph.add(vector_of(corpus, i), i);
  const double bare_build_s = ms_since(started) / 1000;
  graph.set_ef(kEfSearch);
  std::printf("bare hnswlib build: %.1f s (%.0f vectors/s, M %zu, ef_construction %zu, one thread)\n", bare_build_s,
              static_cast<double>(args.segments) / bare_build_s, kGraphM, kEfConstruction);
  Samples bare_samples;
  double bare_recall = 0;
  for (int pass = 0; pass < 2; ++pass) {  // a warm-up pass, then the timed one
    for (std::size_t qi = 0; qi < queries.size(); ++qi) {
      const auto labels = measure(pass == 1 ? &bare_samples : nullptr,
                                  [&] { return graph.search(queries[qi].values.data(), kTopK); });
      if (pass == 1) bare_recall += recall_of(qi, labels);
    }
  }
  bare_recall /= static_cast<double>(queries.size());

  // The product: vector mode, then hybrid, each a warm-up pass then a timed one.
  std::map<std::pair<Uuid, std::int64_t>, std::size_t> segment_of;
  for (std::size_t t = 0; t < transcript_ids.size(); ++t) {
    for (std::size_t o = 0; o < args.per_video && t * args.per_video + o < args.segments; ++o) {
      segment_of[{transcript_ids[t], static_cast<std::int64_t>(o)}] = t * args.per_video + o;
    }
  }
  // Per mode: recall@10 against the exact top 10, and the share of hits each leg's list had.
  struct Answers {
    double recall = 0, in_text_list = 0, in_vector_list = 0, first_ms = 0;
  };
  auto run = [&](search::SearchMode mode, Answers& answers) {
    Samples samples;
    for (int pass = 0; pass < 2; ++pass) {
      for (std::size_t qi = 0; qi < queries.size(); ++qi) {
        app::SearchQuery query;
        query.mode = mode;
        query.vector = search::VectorQuery{queries[qi].values, ""};
        if (mode == search::SearchMode::hybrid) query.q = queries[qi].words;
        query.limit = static_cast<int>(kTopK);
        const auto start = Steady::now();
        auto result = measure(pass == 1 ? &samples : nullptr,
                              [&] { return check(service.search(op(), kTenantSlug, query)); });
        if (pass == 0 && qi == 0) answers.first_ms = ms_since(start);
        if (pass == 0) continue;
        std::vector<std::size_t> found;
        for (const auto& hit : result.hits) {
          auto at = segment_of.find({hit.document.transcript_id, hit.document.ordinal});
          if (at == segment_of.end()) die("a hit outside the corpus");
          found.push_back(at->second);
          answers.in_text_list += hit.text_rank ? 1 : 0;
          answers.in_vector_list += hit.vector_rank ? 1 : 0;
        }
        answers.recall += recall_of(qi, found);
      }
    }
    const auto answered = static_cast<double>(queries.size());
    answers.recall /= answered;
    answers.in_text_list /= answered * kTopK / 100;
    answers.in_vector_list /= answered * kTopK / 100;
    return latency(samples);
  };
  Answers vector_answers, hybrid_answers;
  const Latency product = run(search::SearchMode::vector, vector_answers);
  const Latency hybrid = run(search::SearchMode::hybrid, hybrid_answers);
  const double vector_recall = vector_answers.recall;
  const Latency exact = latency(exact_samples);
  const Latency bare = latency(bare_samples);

  std::printf("\nfirst product query (loads the tenant's graph from its snapshot): %.0f ms\n", vector_answers.first_ms);
  std::printf("\n%zu queries, k = %zu, ef_search %zu; milliseconds of wall time, and of the thread's CPU time\n",
              queries.size(), kTopK, kEfSearch);
  std::printf("%-22s %8s %8s %8s %8s   %8s %8s   %6s\n", "", "p50", "p95", "p99", "max", "CPU p50", "CPU p99", "recall");
  row("exact scan (baseline)", exact, 1.0, "brute force over every vector, one thread");
  row("bare hnswlib (floor)", bare, bare_recall, "the engine alone");
  row("product, vector", product, vector_recall,
      "SearchService::search; p99 / bare hnswlib p99 " + fixed(product.p99 / bare.p99, 2) + "x");
  row("product, hybrid", hybrid, hybrid_answers.recall,
      "RRF k 60, 100 candidates a leg; hits in the text list " + fixed(hybrid_answers.in_text_list, 1) +
          "%, in the vector list " + fixed(hybrid_answers.in_vector_list, 1) + "%");
  std::printf("\ntargets: vector recall@10 >= 0.95: %s (%.4f); vector p99 <= 10 ms: %s (%.2f); hybrid p99 <= 15 ms: %s (%.2f)\n",
              vector_recall >= 0.95 ? "met" : "MISSED", vector_recall, product.p99 <= 10 ? "met" : "MISSED", product.p99,
              hybrid.p99 <= 15 ? "met" : "MISSED", hybrid.p99);
  return 0;
}
