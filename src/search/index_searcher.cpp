// IndexSearcher: the parsed query -> a Xapian query with filters, ranked hits with snippets, and
// the pool of open databases per tenant.
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <set>
#include <sstream>
#include <unordered_map>

#include "search/detail/index_schema.hpp"
#include "search/detail/snippet.hpp"
#include "search/detail/timeline_spy.hpp"
#include "search/search_index.hpp"

namespace narralytica::search {
namespace {

using namespace detail;
using Kind = QueryNode::Kind;

constexpr std::size_t kIdleDatabasesMax = 8;  // per tenant

// Turns the parsed tree into Xapian's, knowing which stemmers the tenant's documents used.
class QueryBuilder {
 public:
  QueryBuilder(const std::vector<std::string>& languages, Stemmers& stemmers)
      : languages_(languages), stemmers_(stemmers) {}

  Xapian::Query build(const QueryNode& node, Highlight& highlight) {
    switch (node.kind) {
      case Kind::word:
        highlight.words.insert(node.words[0]);
        return stemmed(node.words[0]);
      case Kind::phrase:
        highlight.words.insert(node.words.begin(), node.words.end());
        return phrase(node.words);
      case Kind::prefix:
        highlight.prefixes.push_back(node.words[0]);
        return Xapian::Query(Xapian::Query::OP_WILDCARD, node.words[0], kPrefixExpansionMax,
                             Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
      case Kind::near: {
        std::vector<Xapian::Query> parts;
        for (const auto& child : node.children) {
          if (child.kind == Kind::word) {
            highlight.words.insert(child.words[0]);
            parts.emplace_back(child.words[0]);
          } else {
            highlight.words.insert(child.words.begin(), child.words.end());
            parts.push_back(phrase(child.words));
          }
        }
        return Xapian::Query(Xapian::Query::OP_NEAR, parts.begin(), parts.end(),
                             static_cast<Xapian::termcount>(node.window + static_cast<int>(parts.size()) - 1));
      }
      case Kind::any_of: {
        std::vector<Xapian::Query> parts;
        for (const auto& child : node.children) parts.push_back(build(child, highlight));
        return Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
      }
      case Kind::all_of: {
        std::vector<Xapian::Query> positive;
        std::vector<Xapian::Query> excluded;
        std::vector<std::string> plain_words;
        Highlight ignored;
        for (const auto& child : node.children) {
          if (child.kind == Kind::exclude) {
            excluded.push_back(build(child.children[0], ignored));
          } else {
            if (child.kind == Kind::word) plain_words.push_back(child.words[0]);
            positive.push_back(build(child, highlight));
          }
        }
        Xapian::Query query = positive.empty() ? Xapian::Query::MatchAll
                                               : Xapian::Query(Xapian::Query::OP_AND, positive.begin(), positive.end());
        // The exact-phrase boost: plain words that also stand as typed score their phrase again.
        if (plain_words.size() >= 2 && plain_words.size() == positive.size()) {
          query = Xapian::Query(Xapian::Query::OP_AND_MAYBE, query, phrase(plain_words));
        }
        if (!excluded.empty()) {
          query = Xapian::Query(Xapian::Query::OP_AND_NOT, query,
                                Xapian::Query(Xapian::Query::OP_OR, excluded.begin(), excluded.end()));
        }
        return query;
      }
      case Kind::exclude:
        break;  // only inside all_of
    }
    return Xapian::Query::MatchNothing;
  }

 private:
  // A word matches every stem it has in the tenant's languages.
  Xapian::Query stemmed(const std::string& word) {
    std::vector<std::string> terms;
    for (const auto& language : languages_) {
      std::string term = std::string(kStemPrefix) + stemmers_.for_language(language)(word);
      if (std::find(terms.begin(), terms.end(), term) == terms.end()) terms.push_back(std::move(term));
    }
    if (terms.empty()) terms.push_back(std::string(kStemPrefix) + word);
    if (terms.size() == 1) return Xapian::Query(terms[0]);
    return Xapian::Query(Xapian::Query::OP_SYNONYM, terms.begin(), terms.end());
  }

  static Xapian::Query phrase(const std::vector<std::string>& words) {
    if (words.size() == 1) return Xapian::Query(words[0]);
    return Xapian::Query(Xapian::Query::OP_PHRASE, words.begin(), words.end(),
                         static_cast<Xapian::termcount>(words.size()));
  }

  const std::vector<std::string>& languages_;
  Stemmers& stemmers_;
};

Xapian::Query any_term(std::string_view prefix, const std::vector<std::string>& values) {
  std::vector<Xapian::Query> terms;
  for (const auto& value : values) terms.emplace_back(std::string(prefix) + value);
  return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

Xapian::Query filter_query(const SearchFilters& f) {
  std::vector<Xapian::Query> all;
  if (!f.speakers.empty()) all.push_back(any_term(kSpeakerPrefix, f.speakers));
  if (!f.videos.empty()) {
    std::vector<std::string> ids;
    for (const auto& id : f.videos) ids.push_back(id.to_string());
    all.push_back(any_term(kVideoPrefix, ids));
  }
  if (!f.languages.empty()) all.push_back(any_term(kLanguagePrefix, f.languages));
  if (!f.topics.empty()) all.push_back(any_term(label_prefix("topics"), f.topics));
  if (!f.sentiments.empty()) all.push_back(any_term(label_prefix("sentiment"), f.sentiments));
  if (!f.entities.empty()) all.push_back(any_term(label_prefix("entities"), f.entities));
  if (!f.keywords.empty()) all.push_back(any_term(label_prefix("keywords"), f.keywords));
  auto value = [](std::int64_t v) { return Xapian::sortable_serialise(static_cast<double>(v)); };
  if (f.from_ms) all.emplace_back(Xapian::Query::OP_VALUE_GE, kEndSlot, value(*f.from_ms));
  if (f.to_ms) all.emplace_back(Xapian::Query::OP_VALUE_LE, kStartSlot, value(*f.to_ms - 1));
  if (f.published_after) all.emplace_back(Xapian::Query::OP_VALUE_GE, kPublishedSlot, value(*f.published_after));
  if (f.published_before) all.emplace_back(Xapian::Query::OP_VALUE_LE, kPublishedSlot, value(*f.published_before - 1));
  if (all.empty()) return Xapian::Query();
  return Xapian::Query(Xapian::Query::OP_AND, all.begin(), all.end());
}

}  // namespace

// Outside the anonymous namespace because Impl (a class with linkage) holds them.
struct TenantPool {
  std::filesystem::path generation;
  struct timespec pointer_mtime {};
  ino_t pointer_inode = 0;
  std::vector<std::unique_ptr<Xapian::Database>> idle;
};

struct TenantVectors {
  std::mutex load_mutex;  // one load per generation, not one per concurrent first query
  std::filesystem::path generation;
  std::shared_ptr<VectorIndexSet> set;
};

struct IndexSearcher::Impl {
  explicit Impl(IndexDirectory d) : directory(std::move(d)) {}
  IndexDirectory directory;
  std::mutex mutex;
  std::unordered_map<std::string, TenantPool> pools;  // by tenant id
  std::unordered_map<std::string, std::shared_ptr<TenantVectors>> vectors;  // by tenant id

  // The generation's vector indexes, loaded once and brought up to date with its log.
  Result<std::shared_ptr<VectorIndexSet>> vectors_of(const Uuid& tenant, const std::filesystem::path& generation) {
    std::shared_ptr<TenantVectors> entry;
    {
      std::lock_guard lock(mutex);
      auto& slot = vectors[tenant.to_string()];
      if (!slot) slot = std::make_shared<TenantVectors>();
      entry = slot;
    }
    std::lock_guard load(entry->load_mutex);
    if (!entry->set || entry->generation != generation) {
      ASSIGN_OR_RETURN(auto loaded, VectorIndexSet::load(generation));
      entry->set = std::move(loaded);
      entry->generation = generation;
    } else {
      RETURN_IF_ERROR(entry->set->refresh());
    }
    return entry->set;
  }

  // A database on the tenant's current generation (nullptr: no index yet), and that generation.
  Result<std::pair<std::unique_ptr<Xapian::Database>, std::filesystem::path>> acquire(const Uuid& tenant) {
    const std::filesystem::path pointer = directory.tenant_dir(tenant) / "CURRENT";
    struct stat st {};
    if (::stat(pointer.c_str(), &st) != 0) return std::make_pair(std::unique_ptr<Xapian::Database>(), std::filesystem::path());
    std::filesystem::path generation;
    {
      std::lock_guard lock(mutex);
      TenantPool& pool = pools[tenant.to_string()];
      const bool unchanged = pool.pointer_inode == st.st_ino && pool.pointer_mtime.tv_sec == st.st_mtim.tv_sec &&
                             pool.pointer_mtime.tv_nsec == st.st_mtim.tv_nsec && !pool.generation.empty();
      if (unchanged && !pool.idle.empty()) {
        auto db = std::move(pool.idle.back());
        pool.idle.pop_back();
        return std::make_pair(std::move(db), pool.generation);
      }
      if (unchanged) generation = pool.generation;
    }
    if (generation.empty()) {
      ASSIGN_OR_RETURN(auto current, directory.current(tenant));
      if (!current) return std::make_pair(std::unique_ptr<Xapian::Database>(), std::filesystem::path());
      generation = *current;
      std::lock_guard lock(mutex);
      TenantPool& pool = pools[tenant.to_string()];
      if (pool.generation != generation) pool.idle.clear();
      pool.generation = generation;
      pool.pointer_inode = st.st_ino;
      pool.pointer_mtime = st.st_mtim;
    }
    try {
      return std::make_pair(std::make_unique<Xapian::Database>(generation.string()), generation);
    } catch (const Xapian::Error& e) {
      return make_error(ErrorCode::unavailable, "search index: " + e.get_description(), generation.string());
    }
  }

  void release(const Uuid& tenant, std::unique_ptr<Xapian::Database> db, const std::filesystem::path& generation) {
    std::lock_guard lock(mutex);
    TenantPool& pool = pools[tenant.to_string()];
    if (pool.generation == generation && pool.idle.size() < kIdleDatabasesMax) pool.idle.push_back(std::move(db));
  }

  // Runs `work(db, generation)` -> Result<T> on the tenant's current index (T{} when it has none
  // yet). A commit by the indexer since the database was opened is picked up here; a read that
  // races a commit that recycles the blocks it reads is retried once on the new revision.
  template <class T, class Work>
  Result<T> run(const Uuid& tenant, Work&& work) {
    ASSIGN_OR_RETURN(auto acquired, acquire(tenant));
    auto& [db, generation] = acquired;
    if (!db) return T{};
    for (int attempt = 0;; ++attempt) {
      try {
        db->reopen();
        Result<T> result = work(*db, generation);
        if (result.ok()) release(tenant, std::move(db), generation);
        return result;
      } catch (const Xapian::DatabaseModifiedError&) {
        if (attempt > 0) return make_error(ErrorCode::unavailable, "the search index changed during the search; try again");
      } catch (const Xapian::Error& e) {
        return make_error(ErrorCode::unavailable, "search index: " + e.get_description(), generation.string());
      }
    }
  }
};

IndexSearcher::IndexSearcher(IndexDirectory directory) : impl_(std::make_unique<Impl>(std::move(directory))) {}
IndexSearcher::~IndexSearcher() = default;

namespace {

// What every mode shares: the index's position, its languages' stemmers, the words to mark.
struct Prepared {
  SearchResult result;
  std::uint64_t generation = 0;  // the generation directory's number ("g<number>"), for ResumeKey
  Stemmers stemmers;
  Highlight highlight;
  std::optional<Xapian::Query> text;  // the words, when the query has any
  Xapian::Query filters;              // empty when none
};

Prepared prepare(Xapian::Database& db, const ParsedQuery& query, const std::filesystem::path& generation = {}) {
  Prepared p;
  const std::string name = generation.filename().string();
  if (name.size() > 1) p.generation = std::strtoull(name.c_str() + 1, nullptr, 10);
  const std::string position = db.get_metadata(kPositionKey);
  p.result.indexed_through = position.empty() ? 0 : std::stoll(position);
  std::vector<std::string> languages;
  std::istringstream stored(db.get_metadata(kLanguagesKey));
  for (std::string language; stored >> language;) languages.push_back(language);
  if (query.text) p.text = QueryBuilder(languages, p.stemmers).build(*query.text, p.highlight);
  p.filters = filter_query(query.filters);
  return p;
}

Result<SearchHit> make_hit(Prepared& p, const Xapian::Document& document, double score) {
  auto decoded = deserialize(document.get_data());
  if (!decoded.ok()) return decoded.error();
  SearchHit hit;
  hit.score = score;
  hit.snippet_html = make_snippet(decoded->text, p.highlight,
                                  p.stemmers.for_language(primary_language(decoded->language)), kSnippetBytesMax);
  hit.document = std::move(*decoded);
  return hit;
}

// The words (or every document) within the filters. The caller sets the weighting.
Xapian::Enquire filtered_enquire(Xapian::Database& db, const Prepared& p) {
  Xapian::Query query = p.text.value_or(Xapian::Query::MatchAll);
  if (!p.filters.empty()) query = Xapian::Query(Xapian::Query::OP_FILTER, query, p.filters);
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  return enquire;
}

using Ranked = std::vector<std::pair<Xapian::docid, double>>;  // best first

// Where the page after `request.resume_after` starts in `ranked`, whose first entry is at absolute
// position `first`: right after that hit when this generation still holds it, else at the first
// hit ranked below its score; when neither is in `ranked`, at the request's offset.
std::size_t resume_index(const Ranked& ranked, std::size_t first, const SearchRequest& request,
                         std::uint64_t generation) {
  const std::size_t by_offset = std::min(ranked.size(), static_cast<std::size_t>(request.offset) - first);
  if (!request.resume_after) return by_offset;
  const ResumeKey& key = *request.resume_after;
  const bool same_generation = key.generation == generation;
  if (same_generation) {
    for (std::size_t i = 0; i < ranked.size(); ++i) {
      if (ranked[i].first == key.docid) return i + 1;
    }
  }
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    const auto& [docid, score] = ranked[i];
    if (score < key.score || (same_generation && score == key.score && docid > key.docid)) return i;
  }
  return by_offset;
}

Result<SearchResult> text_search(Xapian::Database& db, const SearchRequest& request, Prepared p) {
  Xapian::Enquire enquire = filtered_enquire(db, p);
  if (p.text) {
    enquire.set_weighting_scheme(Xapian::BM25Weight());
  } else {
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    enquire.set_docid_order(Xapian::Enquire::ASCENDING);
  }
  Xapian::ValueCountMatchSpy per_video(kVideoSlot);
  int wanted = request.limit;
  if (request.group_by_video) {
    enquire.set_collapse_key(kVideoSlot, static_cast<Xapian::doccount>(request.hits_per_video));
    enquire.add_matchspy(&per_video);
    wanted = request.limit * request.hits_per_video;
  }
  // Resuming after a hit: the window reaches kResumeSlack hits either side of the page's offset.
  const int window_first = request.resume_after ? std::max(0, request.offset - kResumeSlack) : request.offset;
  const int window_size = wanted + (request.offset - window_first) + (request.resume_after ? kResumeSlack : 0);
  const Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(window_first),
                                             static_cast<Xapian::doccount>(window_size), kExactTotalBound);
  Ranked window;
  for (auto it = mset.begin(); it != mset.end(); ++it) window.emplace_back(*it, it.get_weight());
  const std::size_t start = resume_index(window, static_cast<std::size_t>(window_first), request, p.generation);
  const std::size_t end = std::min(window.size(), start + static_cast<std::size_t>(wanted));
  SearchResult& result = p.result;
  if (request.group_by_video) {
    result.total = mset.get_uncollapsed_matches_estimated();
    result.total_exact = mset.get_uncollapsed_matches_lower_bound() == mset.get_uncollapsed_matches_upper_bound();
  } else {
    result.total = mset.get_matches_estimated();
    result.total_exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
  }
  std::map<std::string, std::int64_t> video_counts;
  if (request.group_by_video) {
    for (auto it = per_video.values_begin(); it != per_video.values_end(); ++it) video_counts[*it] = it.get_termfreq();
  }
  std::map<std::string, std::size_t> group_of;
  for (std::size_t i = start; i < end; ++i) {
    const auto it = mset[static_cast<Xapian::doccount>(i)];
    ASSIGN_OR_RETURN(SearchHit hit, make_hit(p, it.get_document(), it.get_weight()));
    if (!request.group_by_video) {
      result.hits.push_back(std::move(hit));
      continue;
    }
    const std::string key(hit.document.video_id.byte_view());
    auto [slot, added] = group_of.emplace(key, result.groups.size());
    if (added) {
      VideoGroup group;
      group.video_id = hit.document.video_id;
      group.video_title = hit.document.video_title;
      group.hits = video_counts.count(key) ? video_counts[key] : 1;
      group.hits_exact = result.total_exact;
      result.groups.push_back(std::move(group));
    }
    result.groups[slot->second].items.push_back(std::move(hit));
  }
  const int returned = static_cast<int>(end - start);
  const int next = window_first + static_cast<int>(end);
  if (returned == wanted && next < static_cast<int>(mset.get_matches_estimated()) && next <= kSearchOffsetMax) {
    result.next_offset = next;
    result.next_after = ResumeKey{p.generation, window[end - 1].first, window[end - 1].second};
  }
  return std::move(result);
}

// The BM25 leg of a hybrid search (and retrieval's text hits): the best `candidates` documents
// with their weights, and no count of the rest.
std::vector<std::pair<Xapian::docid, double>> text_leg(Xapian::Database& db, const Prepared& p, int candidates) {
  Xapian::Enquire enquire = filtered_enquire(db, p);
  enquire.set_weighting_scheme(Xapian::BM25Weight());
  const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(candidates));
  std::vector<std::pair<Xapian::docid, double>> ranked;
  for (auto it = mset.begin(); it != mset.end(); ++it) ranked.emplace_back(*it, it.get_weight());
  return ranked;
}

std::string unique_term(const Uuid& transcript, std::int64_t ordinal) {
  return id_term(kUniquePrefix, transcript) + ":" + std::to_string(ordinal);
}

Result<std::string> resolve_producer(const VectorIndexSet& vectors, const VectorQuery& query) {
  if (!query.producer.empty()) return query.producer;
  std::vector<std::string> matching;
  std::string known;
  for (const auto& [producer, dims] : vectors.producers()) {
    if (dims == query.values.size()) matching.push_back(producer);
    known += (known.empty() ? "" : ", ") + producer + " (" + std::to_string(dims) + " dimensions)";
  }
  if (matching.size() == 1) return matching[0];
  if (matching.empty()) {
    return make_error(ErrorCode::invalid_argument,
                      "no indexed embeddings have " + std::to_string(query.values.size()) + " dimensions" +
                          (known.empty() ? " (this tenant has no embedding layers indexed)" : "; indexed: " + known),
                      "vector");
  }
  return make_error(ErrorCode::invalid_argument, "several producers have embeddings of this size; name one: " + known,
                    "producer");
}

// The vector leg: the `candidates` nearest segments that pass the query's filters, most similar
// first. Too few passing widens the search (4x at a time) until enough pass or none are left.
struct VectorLeg {
  std::vector<std::pair<Xapian::docid, float>> ranked;  // looked up in the text index, with similarity
  std::size_t unresolved = 0;  // nearer-ranked hits after `ranked`, counted but not looked up
};

// Each hit's document is found through its segment's unique term (a B-tree descent in Xapian,
// which costs more than the graph search itself), so without filters only the first `resolve`
// are looked up: a vector query needs the documents of its page, not of all its candidates.
// With filters every candidate is looked up (the filters decide on documents); hybrid fusion
// passes resolve = candidates.
Result<VectorLeg> vector_leg(Xapian::Database& db, const Prepared& p, const VectorIndexSet& vectors,
                             const VectorQuery& query, int candidates, std::size_t resolve) {
  ASSIGN_OR_RETURN(std::string producer, resolve_producer(vectors, query));
  const std::size_t available = vectors.size(producer);
  const auto wanted = static_cast<std::size_t>(candidates);
  std::size_t fetch = wanted * (p.filters.empty() ? 1 : 4);
  while (true) {
    ASSIGN_OR_RETURN(auto hits, vectors.search(producer, query.values, fetch));
    VectorLeg leg;
    std::vector<std::string> terms;
    for (const auto& hit : hits) {
      if (p.filters.empty() && leg.ranked.size() >= resolve) {
        ++leg.unresolved;
        continue;
      }
      const std::string term = unique_term(hit.transcript, hit.ordinal);
      auto posting = db.postlist_begin(term);
      if (posting == db.postlist_end(term)) continue;  // not (yet) in the text index
      leg.ranked.emplace_back(*posting, hit.similarity);
      terms.push_back(term);
    }
    if (!p.filters.empty() && !leg.ranked.empty()) {
      // One boolean query decides which candidates pass the filters.
      Xapian::Enquire enquire(db);
      enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER,
                                      Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()), p.filters));
      enquire.set_weighting_scheme(Xapian::BoolWeight());
      const Xapian::MSet passing = enquire.get_mset(0, static_cast<Xapian::doccount>(leg.ranked.size()));
      std::set<Xapian::docid> allowed(passing.begin(), passing.end());
      std::erase_if(leg.ranked, [&](const auto& entry) { return !allowed.count(entry.first); });
    }
    if (leg.ranked.size() + leg.unresolved >= wanted || fetch >= available ||
        fetch >= static_cast<std::size_t>(kFusionCandidatesMax) * 16) {
      if (leg.ranked.size() > wanted) leg.ranked.resize(wanted);
      leg.unresolved = std::min(leg.unresolved, wanted - leg.ranked.size());
      return leg;
    }
    fetch *= 4;
  }
}

Result<SearchResult> fused_search(Xapian::Database& db, const SearchRequest& request, Prepared p,
                                  const VectorIndexSet& vectors) {
  const int candidates = std::max(request.candidates, request.offset + request.limit);
  // Resuming after a hit may move the page by up to kResumeSlack: those are looked up too.
  const auto page_end = static_cast<std::size_t>(request.offset + request.limit +
                                                 (request.resume_after ? kResumeSlack : 0));
  ASSIGN_OR_RETURN(VectorLeg leg, vector_leg(db, p, vectors, *request.vector, candidates,
                                             request.mode == SearchMode::vector ? page_end
                                                                                : static_cast<std::size_t>(candidates)));
  const auto& nearest = leg.ranked;
  struct Fused {
    Xapian::docid docid = 0;
    double score = 0;
    std::optional<int> text_rank, vector_rank;
  };
  std::vector<Fused> fused;
  if (request.mode == SearchMode::vector) {
    for (std::size_t i = 0; i < nearest.size(); ++i) {
      fused.push_back(Fused{nearest[i].first, nearest[i].second, std::nullopt, static_cast<int>(i) + 1});
    }
  } else {
    std::map<Xapian::docid, Fused> by_doc;
    const auto text = text_leg(db, p, candidates);
    for (std::size_t i = 0; i < text.size(); ++i) {
      auto& entry = by_doc[text[i].first];
      entry.docid = text[i].first;
      entry.text_rank = static_cast<int>(i) + 1;
      entry.score += 1.0 / (request.rrf_k + static_cast<double>(i + 1));
    }
    for (std::size_t i = 0; i < nearest.size(); ++i) {
      auto& entry = by_doc[nearest[i].first];
      entry.docid = nearest[i].first;
      entry.vector_rank = static_cast<int>(i) + 1;
      entry.score += 1.0 / (request.rrf_k + static_cast<double>(i + 1));
    }
    for (auto& [docid, entry] : by_doc) fused.push_back(entry);
    std::stable_sort(fused.begin(), fused.end(), [](const Fused& a, const Fused& b) {
      return a.score != b.score ? a.score > b.score : a.docid < b.docid;
    });
  }
  SearchResult& result = p.result;
  // The hits not looked up (vector mode, past the page) count towards the total and the next page.
  result.total = static_cast<std::int64_t>(fused.size() + leg.unresolved);
  result.total_exact = false;
  Ranked order;
  for (const auto& entry : fused) order.emplace_back(entry.docid, entry.score);
  const std::size_t first = resume_index(order, 0, request, p.generation);
  const std::size_t last = std::min(fused.size(), first + static_cast<std::size_t>(request.limit));
  for (std::size_t i = first; i < last; ++i) {
    ASSIGN_OR_RETURN(SearchHit hit, make_hit(p, db.get_document(fused[i].docid), fused[i].score));
    hit.text_rank = fused[i].text_rank;
    hit.vector_rank = fused[i].vector_rank;
    result.hits.push_back(std::move(hit));
  }
  if (last < fused.size() + leg.unresolved && last > first) {
    result.next_offset = static_cast<int>(last);
    result.next_after = ResumeKey{p.generation, fused[last - 1].docid, fused[last - 1].score};
  }
  return std::move(result);
}

std::vector<TimelineCount> sorted_counts(std::vector<TimelineCount> counts) {
  std::sort(counts.begin(), counts.end(), [](const TimelineCount& a, const TimelineCount& b) {
    return a.count != b.count ? a.count > b.count : a.key < b.key;
  });
  return counts;
}

// Counts every match by bucket (and series), then reads the few documents worth showing.
Result<TimelineResult> timeline_pass(Xapian::Database& db, const TimelineRequest& request, Prepared p) {
  Xapian::Enquire enquire = filtered_enquire(db, p);
  if (p.text) enquire.set_weighting_scheme(Xapian::BM25Weight());
  else enquire.set_weighting_scheme(Xapian::BoolWeight());
  detail::TimelineSpy spy(request.bucket, request.by, request.top);
  enquire.add_matchspy(&spy);
  enquire.get_mset(0, 0, db.get_doccount());  // no hits wanted: the spy sees every match
  if (spy.failure()) return make_error(ErrorCode::internal, "search index: " + *spy.failure());

  TimelineResult result;
  result.indexed_through = p.result.indexed_through;
  result.total = spy.total();
  result.undated = spy.undated();
  const auto& labels = spy.series();
  for (const auto& [key, entry] : labels) {
    result.series.push_back({detail::TimelineSpy::key_text(key), entry.first, entry.second});
  }
  result.series = sorted_counts(std::move(result.series));
  std::int64_t peak_count = 0;
  for (const auto& [start, counted] : spy.buckets()) {
    TimelineBucket bucket;
    bucket.start = start;
    bucket.count = counted.count;
    for (const auto& [key, count] : counted.series) {
      bucket.series.push_back({detail::TimelineSpy::key_text(key), labels.at(key).first, count});
    }
    bucket.series = sorted_counts(std::move(bucket.series));
    std::vector<detail::TimelineSpy::Moment> best = counted.top;
    std::sort(best.begin(), best.end(), std::greater<>());
    for (const auto& moment : best) {
      ASSIGN_OR_RETURN(SearchHit hit, make_hit(p, db.get_document(moment.id), moment.weight));
      bucket.top.push_back(std::move(hit));
    }
    if (bucket.count > peak_count) {
      peak_count = bucket.count;
      result.peak = start;
    }
    result.buckets.push_back(std::move(bucket));
  }
  if (const auto& first = spy.first()) {
    ASSIGN_OR_RETURN(SearchHit hit, make_hit(p, db.get_document(std::get<2>(*first)), 0));
    result.first_mention = std::move(hit);
  }
  return result;
}

Status check_request(const SearchRequest& request) {
  if (request.limit < 1 || request.limit > kSearchLimitMax) {
    return make_error(ErrorCode::invalid_argument, "limit must be between 1 and " + std::to_string(kSearchLimitMax), "limit");
  }
  if (request.offset < 0 || request.offset > kSearchOffsetMax) {
    return make_error(ErrorCode::invalid_argument, "the cursor is out of range", "cursor");
  }
  if (request.hits_per_video < 1 || request.hits_per_video > kHitsPerVideoMax) {
    return make_error(ErrorCode::invalid_argument,
                      "hits_per_video must be between 1 and " + std::to_string(kHitsPerVideoMax), "hits_per_video");
  }
  if (request.mode == SearchMode::text) return ok_status();
  if (!request.vector || request.vector->values.empty()) {
    return make_error(ErrorCode::invalid_argument, "vector and hybrid search need a vector", "vector");
  }
  if (request.vector->values.size() > kVectorDimsMax) {
    return make_error(ErrorCode::invalid_argument, "a vector has at most " + std::to_string(kVectorDimsMax) + " dimensions",
                      "vector");
  }
  if (request.mode == SearchMode::hybrid && !request.query.text) {
    return make_error(ErrorCode::invalid_argument, "hybrid search needs words in q as well as a vector", "q");
  }
  if (request.group_by_video) {
    return make_error(ErrorCode::invalid_argument, "grouping by video works with text search only", "group");
  }
  if (request.rrf_k < 1 || request.rrf_k > 1000) {
    return make_error(ErrorCode::invalid_argument, "rrf_k must be between 1 and 1000", "rrf_k");
  }
  if (request.candidates < kFusionCandidatesDefault || request.candidates > kFusionCandidatesMax) {
    return make_error(ErrorCode::invalid_argument,
                      "candidates must be between " + std::to_string(kFusionCandidatesDefault) + " and " +
                          std::to_string(kFusionCandidatesMax),
                      "candidates");
  }
  if (request.offset + request.limit > kFusionCandidatesMax) {
    return make_error(ErrorCode::invalid_argument, "vector and hybrid results page through the first " +
                                                       std::to_string(kFusionCandidatesMax) + " candidates only",
                      "cursor");
  }
  return ok_status();
}

}  // namespace

Result<SearchResult> IndexSearcher::search(const Uuid& tenant, const SearchRequest& request) {
  RETURN_IF_ERROR(check_request(request));
  return impl_->run<SearchResult>(
      tenant, [&](Xapian::Database& db, const std::filesystem::path& generation) -> Result<SearchResult> {
        Prepared prepared = prepare(db, request.query, generation);
        if (request.mode == SearchMode::text) return text_search(db, request, std::move(prepared));
        ASSIGN_OR_RETURN(auto vectors, impl_->vectors_of(tenant, generation));
        return fused_search(db, request, std::move(prepared), *vectors);
      });
}

Result<RetrievalResult> IndexSearcher::retrieve(const Uuid& tenant, const RetrievalRequest& request) {
  SearchRequest probe = request.search;
  probe.limit = 1;
  probe.offset = 0;
  probe.group_by_video = false;
  RETURN_IF_ERROR(check_request(probe));
  RETURN_IF_ERROR(check_passage_options(request.passages));
  return impl_->run<RetrievalResult>(
      tenant, [&](Xapian::Database& db, const std::filesystem::path& generation) -> Result<RetrievalResult> {
        std::shared_ptr<VectorIndexSet> vectors;
        if (request.search.mode != SearchMode::text) {
          ASSIGN_OR_RETURN(vectors, impl_->vectors_of(tenant, generation));
        }
        RetrievalResult out;
        auto ranked_hits = [&](int n) -> Result<std::vector<RankedSegment>> {
          probe.limit = n;
          Prepared prepared = prepare(db, probe.query);
          out.indexed_through = prepared.result.indexed_through;
          std::vector<RankedSegment> ranked;
          if (probe.mode == SearchMode::text) {
            for (const auto& [docid, weight] : text_leg(db, prepared, n)) {
              ASSIGN_OR_RETURN(SegmentDocument document, deserialize(db.get_document(docid).get_data()));
              ranked.push_back({std::move(document), weight});
            }
            return ranked;
          }
          ASSIGN_OR_RETURN(auto found, fused_search(db, probe, std::move(prepared), *vectors));
          for (auto& hit : found.hits) ranked.push_back({std::move(hit.document), hit.score});
          return ranked;
        };
        auto segment_at = [&](const Uuid& transcript, std::int64_t ordinal) -> Result<std::optional<SegmentDocument>> {
          const std::string term = unique_term(transcript, ordinal);
          auto posting = db.postlist_begin(term);
          if (posting == db.postlist_end(term)) return std::optional<SegmentDocument>();
          ASSIGN_OR_RETURN(SegmentDocument document, deserialize(db.get_document(*posting).get_data()));
          return std::optional<SegmentDocument>(std::move(document));
        };
        ASSIGN_OR_RETURN(out.passages, rank_passages(request.passages, ranked_hits, segment_at));
        return out;
      });
}

Result<TimelineResult> IndexSearcher::timeline(const Uuid& tenant, const TimelineRequest& request) {
  if (request.top < 0 || request.top > kTimelineTopMax) {
    return make_error(ErrorCode::invalid_argument, "top must be between 0 and " + std::to_string(kTimelineTopMax), "top");
  }
  return impl_->run<TimelineResult>(tenant, [&](Xapian::Database& db, const std::filesystem::path&) {
    return timeline_pass(db, request, prepare(db, request.query));
  });
}

}  // namespace narralytica::search
