#include "store/sqlite/wal_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

namespace narralytica::store {
namespace {

Error os_error(std::string_view what, const std::string& path) {
  return make_error(ErrorCode::unavailable, std::string(what) + ": " + std::strerror(errno), path);
}

// A new file's directory entry is durable only once the directory is synced.
Status sync_directory(const std::filesystem::path& directory) {
  const std::string name = directory.empty() ? "." : directory.string();
  const int fd = ::open(name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return os_error("cannot open", name);
  if (::fsync(fd) != 0) {
    Error error = os_error("fsync failed", name);
    ::close(fd);
    return error;
  }
  ::close(fd);
  return ok_status();
}

}  // namespace

Result<WalFile> WalFile::open(sqlite3* db) {
  const std::string path = sqlite3_filename_wal(sqlite3_db_filename(db, "main"));
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return os_error("cannot open the write-ahead log", path);
  WalFile wal(fd, path);
  // SQLite may just have created the log.
  RETURN_IF_ERROR(sync_directory(std::filesystem::path(path).parent_path()));
  return wal;
}

WalFile::WalFile(WalFile&& other) noexcept : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

WalFile::~WalFile() {
  if (fd_ >= 0) ::close(fd_);
}

Status WalFile::sync() const {
  if (::fdatasync(fd_) == 0) return ok_status();
  return os_error("fdatasync failed", path_);
}

}  // namespace narralytica::store
