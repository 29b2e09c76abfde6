#include "search/index_directory.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <system_error>

namespace narralytica::search {
namespace {

namespace fs = std::filesystem;

Error io_error(const std::string& what, const fs::path& path, int error_number) {
  return make_error(ErrorCode::unavailable, what + ": " + std::strerror(error_number), path.string());
}

// fsync of a file or a directory (open_flags O_DIRECTORY); `what` names it in the error.
Status sync_path(const fs::path& path, int open_flags, const std::string& what) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | open_flags);
  if (fd < 0) return io_error("cannot open " + what, path, errno);
  const int rc = ::fsync(fd);
  const int error_number = errno;
  ::close(fd);
  if (rc != 0) return io_error("cannot sync " + what, path, error_number);
  return ok_status();
}

Status sync_directory(const fs::path& directory) { return sync_path(directory, O_DIRECTORY, "the index directory"); }

// Every file and directory under `root`, then `root` itself: a generation written without
// syncing (WriteMode::unpublished_generation) is on disk before anything points at it.
Status sync_tree(const fs::path& root) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_directory()) {
      RETURN_IF_ERROR(sync_directory(it->path()));
    } else if (it->is_regular_file()) {
      RETURN_IF_ERROR(sync_path(it->path(), 0, "an index file"));
    }
  }
  if (ec) return make_error(ErrorCode::unavailable, "cannot list the index generation: " + ec.message(), root.string());
  return sync_directory(root);
}

Status ensure_directory(const fs::path& directory) {
  std::error_code ec;
  fs::create_directories(directory, ec);
  if (ec) return make_error(ErrorCode::unavailable, "cannot create the index directory: " + ec.message(), directory.string());
  return ok_status();
}

// g<micros> -> micros; -1 for any other name.
std::int64_t generation_number(const std::string& name) {
  if (name.size() < 2 || name[0] != 'g') return -1;
  std::int64_t value = 0;
  for (std::size_t i = 1; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9' || value > 1'000'000'000'000'000'000LL) return -1;
    value = value * 10 + (name[i] - '0');
  }
  return value;
}

}  // namespace

TenantWriteLock::~TenantWriteLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the flock
}

Result<std::optional<fs::path>> IndexDirectory::current(const Uuid& tenant) const {
  const fs::path pointer = tenant_dir(tenant) / "CURRENT";
  std::ifstream in(pointer);
  if (!in) {
    if (errno == ENOENT || !fs::exists(pointer)) return std::optional<fs::path>();
    return io_error("cannot read the index pointer", pointer, errno);
  }
  std::string name;
  std::getline(in, name);
  if (name.empty() || name.find('/') != std::string::npos) {
    return make_error(ErrorCode::unavailable, "the index pointer is damaged; run `narralytica reindex`",
                      pointer.string());
  }
  return std::optional<fs::path>(tenant_dir(tenant) / name);
}

Result<fs::path> IndexDirectory::new_generation(const Uuid& tenant) const {
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  for (int attempt = 0; attempt < 1000; ++attempt) {
    const fs::path generation = tenant_dir(tenant) / ("g" + std::to_string(micros + attempt));
    RETURN_IF_ERROR(ensure_directory(tenant_dir(tenant)));
    if (::mkdir(generation.c_str(), 0755) == 0) return generation;
    if (errno != EEXIST) return io_error("cannot create an index generation", generation, errno);
  }
  return make_error(ErrorCode::unavailable, "cannot find a free index generation name", tenant_dir(tenant).string());
}

Status IndexDirectory::publish(const Uuid& tenant, const fs::path& generation) const {
  const fs::path directory = tenant_dir(tenant);
  RETURN_IF_ERROR(sync_tree(generation));
  ASSIGN_OR_RETURN(auto previous, current(tenant));
  const fs::path pointer = directory / "CURRENT";
  const fs::path temporary = directory / "CURRENT.tmp";
  {
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return io_error("cannot write the index pointer", temporary, errno);
    const std::string line = generation.filename().string() + "\n";
    const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
    const int error_number = errno;
    ::close(fd);
    if (!written) return io_error("cannot write the index pointer", temporary, error_number);
  }
  if (::rename(temporary.c_str(), pointer.c_str()) != 0) return io_error("cannot swap the index pointer", pointer, errno);
  RETURN_IF_ERROR(sync_directory(directory));
  std::int64_t oldest_kept = generation_number(generation.filename().string());
  if (previous) oldest_kept = std::min(oldest_kept, generation_number(previous->filename().string()));
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(directory, ec)) {
    const fs::path path = entry.path();
    const std::string name = path.filename().string();
    if (!entry.is_directory() || name.empty() || name[0] != 'g') continue;
    // Only generations older than both kept ones: a newer one may be a rebuild still running.
    if (generation_number(name) >= oldest_kept) continue;
    fs::remove_all(path, ec);  // best effort: a leftover generation only costs disk
  }
  return ok_status();
}

Result<TenantWriteLock> IndexDirectory::lock(const Uuid& tenant) const {
  RETURN_IF_ERROR(ensure_directory(tenant_dir(tenant)));
  const fs::path path = tenant_dir(tenant) / "write.lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("cannot open the index lock", path, errno);
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    const int error_number = errno;
    ::close(fd);
    return io_error("cannot lock the index", path, error_number);
  }
  return TenantWriteLock(fd);
}

std::vector<Uuid> IndexDirectory::tenants() const {
  std::vector<Uuid> tenants;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root_, ec)) {
    if (auto id = Uuid::parse(entry.path().filename().string()); id && entry.is_directory()) tenants.push_back(*id);
  }
  return tenants;
}

}  // namespace narralytica::search
