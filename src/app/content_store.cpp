#include "app/content_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/hashing.hpp"

namespace narralytica::app {
namespace {

constexpr std::string_view kUriPrefix = "file:";

Error io_error(const std::string& what, const std::filesystem::path& path) {
  return make_error(ErrorCode::unavailable, what + ": " + std::strerror(errno) + " (check the data directory)",
                    path.string());
}

Status write_all(int fd, std::string_view bytes, const std::filesystem::path& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("cannot write attachment", path);
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return ok_status();
}

}  // namespace

StoredBlob ContentStore::locate(const Uuid& tenant, std::int64_t size_bytes, std::string_view digest) const {
  StoredBlob blob;
  blob.sha256 = std::string(digest);
  blob.size_bytes = size_bytes;
  const std::string hex = to_hex(blob.sha256);
  const std::filesystem::path relative = std::filesystem::path("attachments") / tenant.to_string() / hex.substr(0, 2) / hex;
  blob.storage_uri = std::string(kUriPrefix) + relative.string();
  return blob;
}

Status ContentStore::write(const StoredBlob& blob, std::string_view bytes) const {
  const std::filesystem::path target = data_dir_ / std::filesystem::path(blob.storage_uri.substr(kUriPrefix.size()));
  if (std::filesystem::exists(target)) return ok_status();  // content-addressed: already stored

  std::error_code ec;
  std::filesystem::create_directories(target.parent_path(), ec);
  if (ec) {
    return make_error(ErrorCode::unavailable, "cannot create directory: " + ec.message() + " (check the data directory)",
                      target.parent_path().string());
  }
  // The thread id as well as the process id: two threads of one process (the API's) may store
  // the same content at once.
  const std::filesystem::path temporary = target.string() + ".tmp." + std::to_string(::getpid()) + "." +
                                          std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()));
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("cannot create attachment", temporary);
  Status written = write_all(fd, bytes, temporary);
  if (written.ok() && ::fsync(fd) != 0) written = io_error("cannot flush attachment", temporary);
  ::close(fd);
  if (!written.ok()) {
    std::filesystem::remove(temporary, ec);
    return written;
  }
  if (::rename(temporary.c_str(), target.c_str()) != 0) {
    Error error = io_error("cannot move attachment into place", target);
    std::filesystem::remove(temporary, ec);
    return error;
  }
  // The rename is durable only once its directory is flushed.
  const int dir = ::open(target.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return ok_status();
}

std::future<Status> ContentStore::write_async(const StoredBlob& blob, std::string_view bytes) const {
  // A thread per blob: starting one costs microseconds, the two fsyncs it waits on milliseconds.
  return std::async(std::launch::async, [this, blob, bytes] { return write(blob, bytes); });
}

Result<std::filesystem::path> ContentStore::path_of(std::string_view storage_uri) const {
  if (!storage_uri.starts_with(kUriPrefix)) {
    return make_error(ErrorCode::not_found, "not a file attachment", std::string(storage_uri));
  }
  return data_dir_ / std::filesystem::path(storage_uri.substr(kUriPrefix.size()));
}

Result<std::string> ContentStore::get(std::string_view storage_uri) const {
  ASSIGN_OR_RETURN(const std::filesystem::path path, path_of(storage_uri));
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::not_found, "attachment file is missing", path.string());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

Result<std::int64_t> ContentStore::size_of(std::string_view storage_uri) const {
  ASSIGN_OR_RETURN(const std::filesystem::path path, path_of(storage_uri));
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return make_error(ErrorCode::not_found, "attachment file is missing", path.string());
  return static_cast<std::int64_t>(size);
}

Result<std::string> ContentStore::read_range(std::string_view storage_uri, std::int64_t offset,
                                             std::int64_t length) const {
  ASSIGN_OR_RETURN(const std::filesystem::path path, path_of(storage_uri));
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::not_found, "attachment file is missing", path.string());
  in.seekg(offset);
  std::string bytes(static_cast<std::size_t>(std::max<std::int64_t>(length, 0)), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  return bytes;
}

std::filesystem::path default_data_dir(std::string_view database_url) {
  std::string_view path = database_url;
  if (path.starts_with("postgres")) return "narralytica-data";
  if (path.starts_with("sqlite:")) path.remove_prefix(7);
  const std::filesystem::path file(path);
  return (file.has_parent_path() ? file.parent_path() : std::filesystem::path(".")) / "narralytica-data";
}

}  // namespace narralytica::app
