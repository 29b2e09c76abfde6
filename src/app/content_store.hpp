// Content-addressed file storage for attachments (original transcript files): the bytes are kept
// under the data directory at attachments/<tenant>/<aa>/<sha256>, written atomically (temporary
// file, fsync, rename), so a crash leaves either the whole file or none, and the same content is
// stored once. A file written for a transaction that then rolls back stays as an unreferenced,
// harmless blob, reused if the same content is imported again.
#pragma once

#include <filesystem>
#include <future>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/uuid.hpp"

namespace narralytica::app {

struct StoredBlob {
  std::string sha256;       // 32 raw bytes
  std::int64_t size_bytes = 0;
  std::string storage_uri;  // "file:attachments/<tenant>/<aa>/<hex>", relative to the data directory
};

class ContentStore {
 public:
  explicit ContentStore(std::filesystem::path data_dir) : data_dir_(std::move(data_dir)) {}

  // Storing a blob comes in two halves, so the write (and its two fsyncs) can run while the
  // caller's transaction does its own work. locate() names the blob without touching the disk;
  // `digest` is the 32-byte SHA-256 of the bytes: callers already hash the file to look it up,
  // so it is passed in rather than computed twice.
  StoredBlob locate(const Uuid& tenant, std::int64_t size_bytes, std::string_view digest) const;
  // Stores the bytes durably (file and directory fsynced), once: a no-op when already stored.
  // Errors: unavailable when the directory cannot be created or written (named).
  Status write(const StoredBlob& blob, std::string_view bytes) const;
  // write() on another thread. `bytes` must outlive the future (whose destructor waits), and the
  // caller must get() it before committing anything that references the blob.
  std::future<Status> write_async(const StoredBlob& blob, std::string_view bytes) const;
  // The bytes behind a storage_uri from locate(). Errors: not_found.
  Result<std::string> get(std::string_view storage_uri) const;
  // The size of the stored file. Errors: not_found.
  Result<std::int64_t> size_of(std::string_view storage_uri) const;
  // `length` bytes from `offset` (fewer at the end of the file): ranges of a media file, which may
  // be far larger than what a request should hold in memory. Errors: not_found.
  Result<std::string> read_range(std::string_view storage_uri, std::int64_t offset, std::int64_t length) const;

 private:
  // The file behind a storage_uri from locate(). Errors: not_found for another kind of URI.
  Result<std::filesystem::path> path_of(std::string_view storage_uri) const;

  std::filesystem::path data_dir_;
};

// The data directory used when none is given: beside a SQLite file, else ./narralytica-data.
std::filesystem::path default_data_dir(std::string_view database_url);

}  // namespace narralytica::app
