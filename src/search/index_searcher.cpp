// IndexSearcher: the parsed query -> a Xapian query with filters, ranked hits with snippets, and
// the pool of open databases per tenant.
#include <sys/stat.h>

#include <algorithm>
#include <mutex>
#include <sstream>
#include <unordered_map>

#include "search/detail/index_schema.hpp"
#include "search/detail/snippet.hpp"
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

struct TenantPool {
  std::filesystem::path generation;
  struct timespec pointer_mtime {};
  ino_t pointer_inode = 0;
  std::vector<std::unique_ptr<Xapian::Database>> idle;
};

}  // namespace

struct IndexSearcher::Impl {
  explicit Impl(IndexDirectory d) : directory(std::move(d)) {}
  IndexDirectory directory;
  std::mutex mutex;
  std::unordered_map<std::string, TenantPool> pools;  // by tenant id

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
};

IndexSearcher::IndexSearcher(IndexDirectory directory) : impl_(std::make_unique<Impl>(std::move(directory))) {}
IndexSearcher::~IndexSearcher() = default;

namespace {

Result<SearchResult> run_search(Xapian::Database& db, const SearchRequest& request) {
  SearchResult result;
  const std::string position = db.get_metadata(kPositionKey);
  result.indexed_through = position.empty() ? 0 : std::stoll(position);
  std::vector<std::string> languages;
  std::istringstream stored(db.get_metadata(kLanguagesKey));
  for (std::string language; stored >> language;) languages.push_back(language);
  Stemmers stemmers;
  Highlight highlight;
  Xapian::Query query = Xapian::Query::MatchAll;
  if (request.query.text) query = QueryBuilder(languages, stemmers).build(*request.query.text, highlight);
  const Xapian::Query filters = filter_query(request.query.filters);
  if (!filters.empty()) query = Xapian::Query(Xapian::Query::OP_FILTER, query, filters);

  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  if (request.query.text) {
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
  const Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(request.offset),
                                             static_cast<Xapian::doccount>(wanted), kExactTotalBound);
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
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    auto document = deserialize(it.get_document().get_data());
    if (!document.ok()) return document.error();
    SearchHit hit;
    hit.score = it.get_weight();
    hit.snippet_html = make_snippet(document->text, highlight,
                                    stemmers.for_language(primary_language(document->language)), kSnippetBytesMax);
    hit.document = std::move(*document);
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
  const int returned = static_cast<int>(mset.size());
  if (returned == wanted && request.offset + returned < static_cast<int>(mset.get_matches_estimated()) &&
      request.offset + returned <= kSearchOffsetMax) {
    result.next_offset = request.offset + returned;
  }
  return result;
}

}  // namespace

Result<SearchResult> IndexSearcher::search(const Uuid& tenant, const SearchRequest& request) {
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
  ASSIGN_OR_RETURN(auto acquired, impl_->acquire(tenant));
  auto& [db, generation] = acquired;
  if (!db) return SearchResult{};
  // A commit by the indexer since this database was opened is picked up here; a search that
  // races a commit that recycles the blocks it reads is retried once on the new revision.
  for (int attempt = 0;; ++attempt) {
    try {
      db->reopen();
      auto result = run_search(*db, request);
      if (result.ok()) impl_->release(tenant, std::move(db), generation);
      return result;
    } catch (const Xapian::DatabaseModifiedError&) {
      if (attempt > 0) return make_error(ErrorCode::unavailable, "the search index changed during the search; try again");
    } catch (const Xapian::Error& e) {
      return make_error(ErrorCode::unavailable, "search index: " + e.get_description(), generation.string());
    }
  }
}

}  // namespace narralytica::search
