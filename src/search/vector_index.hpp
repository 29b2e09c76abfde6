// Semantic search: per tenant and per embedding producer, an approximate nearest-neighbour index
// (hnswlib, cosine similarity over L2-normalised vectors) of the segments' current `embedding`
// layer vectors, kept beside the tenant's full-text index in the same generation directory:
//
//   <generation>/vectors/log              append-only: "video V's vectors are now these", with a
//                                         commit record carrying the feed position after each batch
//   <generation>/vectors/snapshot.meta    the log offset a snapshot reflects, and its producers
//   <generation>/vectors/<producer>.hnsw  hnswlib's graph (saveIndex), one file per producer
//   <generation>/vectors/<producer>.keys  which segment each of the graph's labels is
//
// The feed pipeline appends to the log (IndexWriter, inside the same commit as the text index);
// `reindex` writes a fresh log and a snapshot of it. A reader loads the snapshot and replays the
// log past it, then applies what the log gained before each query, so a change reaches vector
// search as it reaches text search. hnswlib stays behind this header.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/uuid.hpp"

namespace narralytica::search {

inline constexpr std::size_t kVectorDimsMax = 4096;
inline constexpr int kVectorCandidatesMax = 1000;  // nearest neighbours one query may ask for
inline constexpr int kVectorEfSearchDefault = 128; // hnswlib's ef at query time (recall vs speed)

struct SegmentVector {
  std::string producer;  // "name@version" of the embedding layer's producer
  Uuid video;
  Uuid transcript;
  std::int64_t ordinal = 0;
  std::vector<float> values;
};

struct VectorHit {
  Uuid transcript;
  std::int64_t ordinal = 0;
  float similarity = 0;  // cosine similarity, 1 = same direction
};

// Appends a generation's vector changes; used by IndexWriter. Not thread-safe.
class VectorLog {
 public:
  // Opens (creating) the log of `generation`, dropping a tail that no commit record closes
  // (written by a batch that crashed before its commit). Errors: unavailable.
  static Result<std::unique_ptr<VectorLog>> open(const std::filesystem::path& generation);
  ~VectorLog();
  VectorLog(const VectorLog&) = delete;
  VectorLog& operator=(const VectorLog&) = delete;

  // Buffered until commit: every vector of `video` is replaced by `vectors` (all of that video).
  void replace_video(const Uuid& video, const std::vector<SegmentVector>& vectors);
  bool has_pending() const;
  // Writes the buffered changes and a commit record for `position`, and syncs them.
  Status commit(std::int64_t position);

 private:
  VectorLog(int fd, std::filesystem::path path);
  int fd_;
  std::filesystem::path path_;
  std::string pending_;
};

// The vector indexes of one generation, in memory. Thread-safe: queries run in parallel; a
// refresh that applies new log records waits for them and they for it.
class VectorIndexSet {
 public:
  // Loads the snapshot (if any) and replays the log after it. Errors: unavailable; internal for
  // a damaged snapshot or log (reindex repairs it).
  static Result<std::unique_ptr<VectorIndexSet>> load(const std::filesystem::path& generation);
  ~VectorIndexSet();

  // Applies records the log gained since the last load or refresh (committed ones only).
  Status refresh();
  // Writes a snapshot of the current state (reindex does, once the log is complete).
  Status save_snapshot();

  // The producers indexed, with their dimensions.
  std::vector<std::pair<std::string, std::size_t>> producers() const;
  // The `k` segments nearest `query` among the producer's vectors, most similar first (fewer
  // when the producer has fewer). Callers that filter ask again with a larger k when too few
  // pass. Errors: not_found for an unknown producer; invalid_argument when the query's
  // dimensions differ from the producer's (naming both) or it is all zeros.
  Result<std::vector<VectorHit>> search(const std::string& producer, const std::vector<float>& query,
                                        std::size_t k) const;
  // How many vectors the producer has (0 when unknown).
  std::size_t size(const std::string& producer) const;

 private:
  struct Impl;
  explicit VectorIndexSet(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Scales `values` to unit length (cosine similarity becomes an inner product). False for a zero
// or non-finite vector, which has no direction.
bool normalise(std::vector<float>& values);

}  // namespace narralytica::search
