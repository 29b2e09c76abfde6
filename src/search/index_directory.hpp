// Where the search indexes live on disk, and how a rebuilt one replaces the old one atomically.
//
//   <data_dir>/search/<tenant public id>/
//       CURRENT        the name of the generation searches use (written to a temporary file,
//                      fsynced, renamed: a reader sees the old name or the new one, never half)
//       write.lock     flock()ed by whoever writes the tenant's index (the feed pipeline in any
//                      process, or reindex while it catches up and swaps)
//       g<micros>/     one Xapian database per generation
//
// One directory per tenant is the isolation: a tenant's searches open only its own database.
// Thread-safe (stateless apart from the root path).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/uuid.hpp"

namespace narralytica::search {

// An exclusive, cross-process lock on one tenant's index; released on destruction.
class TenantWriteLock {
 public:
  TenantWriteLock(TenantWriteLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  TenantWriteLock& operator=(TenantWriteLock&&) = delete;
  TenantWriteLock(const TenantWriteLock&) = delete;
  ~TenantWriteLock();

 private:
  friend class IndexDirectory;
  explicit TenantWriteLock(int fd) : fd_(fd) {}
  int fd_;
};

class IndexDirectory {
 public:
  explicit IndexDirectory(std::filesystem::path data_dir) : root_(std::move(data_dir) / "search") {}

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path tenant_dir(const Uuid& tenant) const { return root_ / tenant.to_string(); }

  // The generation searches use now; nullopt when the tenant has no index yet.
  // Errors: unavailable when CURRENT cannot be read.
  Result<std::optional<std::filesystem::path>> current(const Uuid& tenant) const;
  // A new, empty generation directory for a rebuild. Errors: unavailable.
  Result<std::filesystem::path> new_generation(const Uuid& tenant) const;
  // Makes `generation` current: syncs its files to disk, swaps the pointer (atomic rename,
  // directory fsynced), and removes every other generation but the one it replaces (a search
  // that opened it just before the swap finishes on it; the next swap removes it).
  // Errors: unavailable.
  Status publish(const Uuid& tenant, const std::filesystem::path& generation) const;
  // Waits for and takes the tenant's write lock (creating the tenant directory).
  // Errors: unavailable.
  Result<TenantWriteLock> lock(const Uuid& tenant) const;
  // Tenants that have an index directory.
  std::vector<Uuid> tenants() const;

 private:
  std::filesystem::path root_;
};

}  // namespace narralytica::search
