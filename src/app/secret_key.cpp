#include "app/secret_key.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "store/file_sync.hpp"

namespace narralytica::app {
namespace {

Error file_error(const std::string& what, const std::filesystem::path& file) {
  return make_error(ErrorCode::unavailable, what + ": " + std::strerror(errno), file.string());
}

// Writes a new random key to a temporary file and links it to `key_file` unless one is there
// already (link fails with EEXIST then, and the other process's key wins).
Status create_key(const std::filesystem::path& key_file) {
  const std::filesystem::path directory = store::directory_of(key_file);
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) return make_error(ErrorCode::unavailable, "cannot create the key's directory: " + ec.message(), directory.string());
  const std::filesystem::path temporary = key_file.string() + ".new-" + std::to_string(::getpid());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return file_error("cannot create the secret key", temporary);
  std::array<unsigned char, SecretBox::kKeyBytes> key{};
  SecureRandom::instance().fill(key.data(), key.size());
  const bool written = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!written) {
    ::unlink(temporary.c_str());
    errno = saved;
    return file_error("cannot write the secret key", temporary);
  }
  const int linked = ::link(temporary.c_str(), key_file.c_str());
  const int link_errno = errno;
  ::unlink(temporary.c_str());
  if (linked != 0 && link_errno != EEXIST) {
    errno = link_errno;
    return file_error("cannot create the secret key", key_file);
  }
  return store::sync_directory(directory);
}

}  // namespace

std::filesystem::path secret_key_file(const std::filesystem::path& data_dir) {
  const char* given = std::getenv(kSecretKeyFileVariable);
  if (given != nullptr && *given != '\0') return given;
  return data_dir / kSecretKeyFileName;
}

Result<SecretBox> load_or_create_secret_key(const std::filesystem::path& key_file) {
  std::error_code ec;
  if (!std::filesystem::exists(key_file, ec)) RETURN_IF_ERROR(create_key(key_file));
  const int fd = ::open(key_file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return file_error("cannot read the secret key", key_file);
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    ::close(fd);
    return file_error("cannot read the secret key", key_file);
  }
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    ::close(fd);
    return make_error(ErrorCode::invalid_argument,
                      "the secret key may be read by others: chmod 600 it (it unlocks every webhook secret)",
                      key_file.string());
  }
  std::array<unsigned char, SecretBox::kKeyBytes> key{};
  const ssize_t got = ::read(fd, key.data(), key.size());
  char extra = 0;
  const ssize_t more = ::read(fd, &extra, 1);
  ::close(fd);
  if (got != static_cast<ssize_t>(key.size()) || more != 0) {
    return make_error(ErrorCode::invalid_argument,
                      "the secret key must be exactly " + std::to_string(SecretBox::kKeyBytes) + " bytes",
                      key_file.string());
  }
  return SecretBox(key);
}

}  // namespace narralytica::app
