#include "store/file_sync.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace narralytica::store {
namespace {

Status sync_path(const std::filesystem::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) {
    return make_error(ErrorCode::unavailable, std::string("cannot open to sync: ") + std::strerror(errno),
                      path.string());
  }
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  if (rc != 0) return make_error(ErrorCode::unavailable, std::string("cannot sync: ") + std::strerror(saved), path.string());
  return ok_status();
}

}  // namespace

Status sync_file(const std::filesystem::path& file) { return sync_path(file, O_RDONLY); }

Status sync_directory(const std::filesystem::path& directory) { return sync_path(directory, O_RDONLY | O_DIRECTORY); }

std::filesystem::path directory_of(const std::filesystem::path& file) {
  return file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
}

}  // namespace narralytica::store
