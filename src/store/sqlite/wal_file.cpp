#include "store/sqlite/wal_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "store/file_sync.hpp"

namespace narralytica::store {
namespace {

Error os_error(std::string_view what, const std::string& path) {
  return make_error(ErrorCode::unavailable, std::string(what) + ": " + std::strerror(errno), path);
}

}  // namespace

Result<WalFile> WalFile::open(sqlite3* db) {
  const std::string path = sqlite3_filename_wal(sqlite3_db_filename(db, "main"));
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return os_error("cannot open the write-ahead log", path);
  WalFile wal(fd, path);
  // SQLite may just have created the log: its directory entry is durable once the directory is.
  RETURN_IF_ERROR(sync_directory(directory_of(path)));
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
