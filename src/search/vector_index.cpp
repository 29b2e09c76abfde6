#include "search/vector_index.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <sstream>

#include "core/hashing.hpp"

namespace narralytica::search {
namespace {

namespace fs = std::filesystem;

constexpr std::uint8_t kReplaceVideo = 1;
constexpr std::uint8_t kCommit = 2;
constexpr std::size_t kFrameHeader = 5;          // type, payload length
constexpr std::size_t kGraphM = 16;              // hnswlib: links per node
constexpr std::size_t kEfConstruction = 100;     // hnswlib: build-time beam
constexpr std::size_t kInitialCapacity = 1024;

fs::path vectors_dir(const fs::path& generation) { return generation / "vectors"; }
fs::path log_path(const fs::path& generation) { return vectors_dir(generation) / "log"; }
fs::path committed_note_path(const fs::path& generation) { return vectors_dir(generation) / "log.committed"; }

Error vector_io_error(const std::string& what, const fs::path& path, int error_number) {
  return make_error(ErrorCode::unavailable, what + ": " + std::strerror(error_number), path.string());
}

Error damaged(const fs::path& path, const std::string& what) {
  return make_error(ErrorCode::internal, "the vector index is damaged (" + what + "); run `narralytica reindex`",
                    path.string());
}

template <class T>
void put(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

template <class T>
bool take(std::string_view& in, T& value) {
  if (in.size() < sizeof value) return false;
  std::memcpy(&value, in.data(), sizeof value);
  in.remove_prefix(sizeof value);
  return true;
}

bool take_uuid(std::string_view& in, Uuid& id) {
  if (in.size() < 16) return false;
  auto parsed = Uuid::from_bytes(in.substr(0, 16));
  in.remove_prefix(16);
  if (!parsed) return false;
  id = *parsed;
  return true;
}

// A file name for a producer ("name@version" may hold any character).
std::string producer_file_key(const std::string& producer) {
  Sha256 hash;
  hash.update(producer);
  return to_hex(hash.finish()).substr(0, 24);
}

// One decoded log record.
struct Replacement {
  Uuid video;
  std::vector<SegmentVector> vectors;
};

// Parses frames from `bytes`; returns the groups closed by a commit record and how many bytes
// they span. A frame cut short (a writer mid-append, or a crash) ends the parse.
Result<std::pair<std::vector<Replacement>, std::size_t>> parse_committed(std::string_view bytes, const fs::path& path) {
  std::vector<Replacement> committed;
  std::vector<Replacement> group;
  std::size_t consumed = 0;
  std::size_t at = 0;
  while (bytes.size() - at >= kFrameHeader) {
    const auto type = static_cast<std::uint8_t>(bytes[at]);
    std::uint32_t length = 0;
    std::memcpy(&length, bytes.data() + at + 1, sizeof length);
    if (bytes.size() - at - kFrameHeader < length) break;
    std::string_view payload = bytes.substr(at + kFrameHeader, length);
    at += kFrameHeader + length;
    if (type == kCommit) {
      for (auto& r : group) committed.push_back(std::move(r));
      group.clear();
      consumed = at;
      continue;
    }
    if (type != kReplaceVideo) return damaged(path, "unknown record type");
    Replacement r;
    std::uint32_t count = 0;
    if (!take_uuid(payload, r.video) || !take(payload, count)) return damaged(path, "short record");
    for (std::uint32_t i = 0; i < count; ++i) {
      SegmentVector v;
      v.video = r.video;
      std::uint16_t producer_length = 0;
      std::uint32_t dims = 0;
      if (!take(payload, producer_length) || payload.size() < producer_length) return damaged(path, "short record");
      v.producer = std::string(payload.substr(0, producer_length));
      payload.remove_prefix(producer_length);
      if (!take_uuid(payload, v.transcript) || !take(payload, v.ordinal) || !take(payload, dims) ||
          dims > kVectorDimsMax || payload.size() < dims * sizeof(float)) {
        return damaged(path, "short record");
      }
      v.values.resize(dims);
      std::memcpy(v.values.data(), payload.data(), dims * sizeof(float));
      payload.remove_prefix(dims * sizeof(float));
      r.vectors.push_back(std::move(v));
    }
    group.push_back(std::move(r));
  }
  return std::make_pair(std::move(committed), consumed);
}

Result<std::string> read_from(const fs::path& path, std::uint64_t offset) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!fs::exists(path)) return std::string();
    return vector_io_error("cannot read the vector log", path, errno);
  }
  in.seekg(static_cast<std::streamoff>(offset));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace

// Outside the anonymous namespace because VectorIndexSet::Impl (a class with linkage) holds them.
struct VectorKey {
  Uuid video;
  Uuid transcript;
  std::int64_t ordinal = 0;
  auto operator<=>(const VectorKey&) const = default;
};

struct ProducerIndex {
  std::size_t dims = 0;
  std::unique_ptr<hnswlib::InnerProductSpace> space;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph;
  std::vector<VectorKey> keys;         // by label
  std::vector<bool> live;        // by label: not deleted
  std::map<std::pair<Uuid, std::int64_t>, std::size_t> label_of;  // (transcript, ordinal) -> label
  std::size_t live_count = 0;

  void create(std::size_t dimensions) {
    dims = dimensions;
    space = std::make_unique<hnswlib::InnerProductSpace>(dims);
    graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(space.get(), kInitialCapacity, kGraphM, kEfConstruction);
    graph->setEf(kVectorEfSearchDefault);
  }
};

bool normalise(std::vector<float>& values) {
  double sum = 0;
  for (float v : values) sum += static_cast<double>(v) * v;
  if (!(sum > 0) || !std::isfinite(sum)) return false;
  const auto scale = static_cast<float>(1.0 / std::sqrt(sum));
  for (float& v : values) v *= scale;
  return true;
}

// ---- VectorLog ---------------------------------------------------------------------------------

VectorLog::VectorLog(int fd, fs::path path) : fd_(fd), path_(std::move(path)) {}
VectorLog::~VectorLog() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<VectorLog>> VectorLog::open(const fs::path& generation) {
  std::error_code ec;
  fs::create_directories(vectors_dir(generation), ec);
  if (ec) return make_error(ErrorCode::unavailable, "cannot create the vector index directory: " + ec.message(),
                            vectors_dir(generation).string());
  const fs::path path = log_path(generation);
  // The size the last commit left, noted beside the log after its sync: when the log still has
  // it, nothing needs reading (the pipeline opens the log at every batch, and a log of 200,000
  // vectors is hundreds of MiB). Otherwise a batch died mid-write, or the note was lost: find
  // the last commit record and drop what follows it.
  std::uint64_t committed = 0;
  std::error_code size_error;
  const auto size = fs::exists(path) ? fs::file_size(path, size_error) : 0;
  std::ifstream note(committed_note_path(generation));
  if (!(note >> committed) || size_error || committed != size) {
    ASSIGN_OR_RETURN(std::string bytes, read_from(path, 0));
    ASSIGN_OR_RETURN(auto parsed, parse_committed(bytes, path));
    committed = parsed.second;
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return vector_io_error("cannot open the vector log", path, errno);
  if (::ftruncate(fd, static_cast<off_t>(committed)) != 0 || ::lseek(fd, static_cast<off_t>(committed), SEEK_SET) < 0) {
    const int error_number = errno;
    ::close(fd);
    return vector_io_error("cannot trim the vector log", path, error_number);
  }
  return std::unique_ptr<VectorLog>(new VectorLog(fd, path));
}

void VectorLog::replace_video(const Uuid& video, const std::vector<SegmentVector>& vectors) {
  std::string payload;
  payload.append(video.byte_view());
  put(payload, static_cast<std::uint32_t>(vectors.size()));
  for (const auto& v : vectors) {
    put(payload, static_cast<std::uint16_t>(v.producer.size()));
    payload.append(v.producer);
    payload.append(v.transcript.byte_view());
    put(payload, v.ordinal);
    put(payload, static_cast<std::uint32_t>(v.values.size()));
    payload.append(reinterpret_cast<const char*>(v.values.data()), v.values.size() * sizeof(float));
  }
  pending_ += static_cast<char>(kReplaceVideo);
  put(pending_, static_cast<std::uint32_t>(payload.size()));
  pending_ += payload;
}

bool VectorLog::has_pending() const { return !pending_.empty(); }

Status VectorLog::commit(std::int64_t position) {
  if (pending_.empty()) return ok_status();
  pending_ += static_cast<char>(kCommit);
  put(pending_, static_cast<std::uint32_t>(sizeof position));
  put(pending_, position);
  std::size_t written = 0;
  while (written < pending_.size()) {
    const ssize_t n = ::write(fd_, pending_.data() + written, pending_.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return vector_io_error("cannot write the vector log", path_, errno);
    written += static_cast<std::size_t>(n);
  }
  if (::fdatasync(fd_) != 0) return vector_io_error("cannot sync the vector log", path_, errno);
  pending_.clear();
  // Not synced: a lost note only costs the next open a scan of the log.
  const off_t end = ::lseek(fd_, 0, SEEK_CUR);
  std::ofstream note(committed_note_path(path_.parent_path().parent_path()), std::ios::trunc);
  note << end << "\n";
  return ok_status();
}

// ---- VectorIndexSet ----------------------------------------------------------------------------

struct VectorIndexSet::Impl {
  fs::path generation;
  std::map<std::string, ProducerIndex> producers;
  std::map<Uuid, std::vector<std::pair<std::string, std::size_t>>> by_video;  // video -> (producer, label)
  std::uint64_t applied = 0;  // log bytes applied
  mutable std::shared_mutex mutex;

  void apply(Replacement& r) {
    auto& previous = by_video[r.video];
    for (const auto& [producer, label] : previous) {
      ProducerIndex& p = producers.at(producer);
      if (p.live[label]) {
        p.graph->markDelete(label);
        p.live[label] = false;
        --p.live_count;
      }
    }
    previous.clear();
    for (auto& v : r.vectors) {
      if (v.values.empty() || !normalise(v.values)) continue;
      ProducerIndex& p = producers[v.producer];
      if (!p.graph) p.create(v.values.size());
      if (v.values.size() != p.dims) continue;  // a producer's vectors all have its first dimensions
      const auto key = std::make_pair(v.transcript, v.ordinal);
      auto found = p.label_of.find(key);
      std::size_t label = 0;
      if (found == p.label_of.end()) {
        label = p.keys.size();
        p.keys.push_back(VectorKey{r.video, v.transcript, v.ordinal});
        p.live.push_back(false);
        p.label_of.emplace(key, label);
        if (p.keys.size() > p.graph->max_elements_) p.graph->resizeIndex(p.graph->max_elements_ * 2);
      } else {
        label = found->second;
        p.keys[label].video = r.video;
      }
      p.graph->addPoint(v.values.data(), label);  // an existing label is updated and undeleted
      if (!p.live[label]) {
        p.live[label] = true;
        ++p.live_count;
      }
      previous.emplace_back(v.producer, label);
    }
  }

  Status replay_log() {
    const fs::path path = log_path(generation);
    ASSIGN_OR_RETURN(std::string bytes, read_from(path, applied));
    if (bytes.empty()) return ok_status();
    ASSIGN_OR_RETURN(auto parsed, parse_committed(bytes, path));
    for (auto& r : parsed.first) apply(r);
    applied += parsed.second;
    return ok_status();
  }

  Status load_snapshot() {
    const fs::path meta_path = vectors_dir(generation) / "snapshot.meta";
    std::ifstream meta(meta_path);
    if (!meta) return ok_status();  // no snapshot: the log holds everything
    if (!(meta >> applied)) return damaged(meta_path, "unreadable snapshot header");
    std::string key;
    std::size_t dims = 0;
    std::size_t count = 0;
    while (meta >> key >> dims >> count) {
      std::string producer;
      meta.ignore(1);
      std::getline(meta, producer);
      ProducerIndex& p = producers[producer];
      p.dims = dims;
      p.space = std::make_unique<hnswlib::InnerProductSpace>(dims);
      try {
        p.graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(
            p.space.get(), (vectors_dir(generation) / (key + ".hnsw")).string(), false,
            std::max<std::size_t>(count + count / 4, kInitialCapacity));
      } catch (const std::exception& e) {
        return damaged(vectors_dir(generation) / (key + ".hnsw"), e.what());
      }
      p.graph->setEf(kVectorEfSearchDefault);
      std::ifstream keys(vectors_dir(generation) / (key + ".keys"), std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(keys)), std::istreambuf_iterator<char>());
      std::string_view in = bytes;
      for (std::size_t label = 0; label < count; ++label) {
        VectorKey k;
        std::uint8_t live = 0;
        if (!take_uuid(in, k.video) || !take_uuid(in, k.transcript) || !take(in, k.ordinal) || !take(in, live)) {
          return damaged(vectors_dir(generation) / (key + ".keys"), "short key file");
        }
        p.keys.push_back(k);
        p.live.push_back(live != 0);
        p.label_of.emplace(std::make_pair(k.transcript, k.ordinal), label);
        if (live) {
          ++p.live_count;
          by_video[k.video].emplace_back(producer, label);
        }
      }
    }
    return ok_status();
  }
};

VectorIndexSet::VectorIndexSet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VectorIndexSet::~VectorIndexSet() = default;

Result<std::unique_ptr<VectorIndexSet>> VectorIndexSet::load(const fs::path& generation) {
  auto impl = std::make_unique<Impl>();
  impl->generation = generation;
  RETURN_IF_ERROR(impl->load_snapshot());
  RETURN_IF_ERROR(impl->replay_log());
  return std::unique_ptr<VectorIndexSet>(new VectorIndexSet(std::move(impl)));
}

Status VectorIndexSet::refresh() {
  struct stat st {};
  if (::stat(log_path(impl_->generation).c_str(), &st) != 0) return ok_status();
  {
    std::shared_lock lock(impl_->mutex);
    if (static_cast<std::uint64_t>(st.st_size) <= impl_->applied) return ok_status();
  }
  std::unique_lock lock(impl_->mutex);
  return impl_->replay_log();
}

Status VectorIndexSet::save_snapshot() {
  std::unique_lock lock(impl_->mutex);
  const fs::path dir = vectors_dir(impl_->generation);
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::ostringstream meta;
  meta << impl_->applied << "\n";
  for (const auto& [producer, p] : impl_->producers) {
    const std::string key = producer_file_key(producer);
    try {
      p.graph->saveIndex((dir / (key + ".hnsw")).string());
    } catch (const std::exception& e) {
      return make_error(ErrorCode::unavailable, std::string("cannot save the vector index: ") + e.what(), dir.string());
    }
    std::string keys;
    for (std::size_t label = 0; label < p.keys.size(); ++label) {
      keys.append(p.keys[label].video.byte_view());
      keys.append(p.keys[label].transcript.byte_view());
      put(keys, p.keys[label].ordinal);
      put(keys, static_cast<std::uint8_t>(p.live[label] ? 1 : 0));
    }
    std::ofstream out(dir / (key + ".keys"), std::ios::binary | std::ios::trunc);
    out.write(keys.data(), static_cast<std::streamsize>(keys.size()));
    if (!out) return vector_io_error("cannot write the vector keys", dir / (key + ".keys"), errno);
    meta << key << " " << p.dims << " " << p.keys.size() << " " << producer << "\n";
  }
  // The meta file last, by rename: a reader sees the old snapshot or the whole new one.
  const fs::path temporary = dir / "snapshot.meta.tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << meta.str();
    out.flush();
    if (!out) return vector_io_error("cannot write the vector snapshot", temporary, errno);
  }
  fs::rename(temporary, dir / "snapshot.meta", ec);
  if (ec) return make_error(ErrorCode::unavailable, "cannot publish the vector snapshot: " + ec.message(), dir.string());
  return ok_status();
}

std::vector<std::pair<std::string, std::size_t>> VectorIndexSet::producers() const {
  std::shared_lock lock(impl_->mutex);
  std::vector<std::pair<std::string, std::size_t>> out;
  for (const auto& [producer, p] : impl_->producers) {
    if (p.live_count > 0) out.emplace_back(producer, p.dims);
  }
  return out;
}

Result<std::vector<VectorHit>> VectorIndexSet::search(const std::string& producer, const std::vector<float>& query,
                                                      std::size_t k) const {
  std::shared_lock lock(impl_->mutex);
  auto found = impl_->producers.find(producer);
  if (found == impl_->producers.end() || found->second.live_count == 0) {
    return make_error(ErrorCode::not_found, "no embeddings of producer \"" + producer + "\" are indexed", "producer");
  }
  const ProducerIndex& p = found->second;
  if (query.size() != p.dims) {
    return make_error(ErrorCode::invalid_argument,
                      "the vector has " + std::to_string(query.size()) + " dimensions; the embeddings of \"" +
                          producer + "\" have " + std::to_string(p.dims),
                      "vector");
  }
  std::vector<float> unit = query;
  if (!normalise(unit)) return make_error(ErrorCode::invalid_argument, "the vector has no direction (all zero)", "vector");
  // ef stays as set at load (hnswlib's setEf is not safe beside concurrent searches); searchKnn
  // widens it to k by itself.
  auto queue = p.graph->searchKnn(unit.data(), std::min(k, p.live_count));
  std::vector<VectorHit> hits(queue.size());
  for (std::size_t i = queue.size(); i-- > 0;) {
    const auto [distance, label] = queue.top();  // inner-product distance: 1 - similarity
    queue.pop();
    hits[i] = VectorHit{p.keys[label].transcript, p.keys[label].ordinal, 1.0f - distance};
  }
  return hits;
}

std::size_t VectorIndexSet::size(const std::string& producer) const {
  std::shared_lock lock(impl_->mutex);
  auto found = impl_->producers.find(producer);
  return found == impl_->producers.end() ? 0 : found->second.live_count;
}

}  // namespace narralytica::search
