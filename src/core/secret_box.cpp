#include "core/secret_box.hpp"

#include <sodium.h>

#include "core/hashing.hpp"

namespace narralytica {

namespace {

// sodium_init is idempotent and thread-safe; it fails only when the system has no randomness.
Status sodium_ready() {
  if (sodium_init() < 0) return make_error(ErrorCode::internal, "libsodium failed to initialise");
  return ok_status();
}

}  // namespace

Result<std::string> SecretBox::seal(std::string_view plaintext, Random& random) const {
  RETURN_IF_ERROR(sodium_ready());
  std::string sealed(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size(), '\0');
  auto* out = reinterpret_cast<unsigned char*>(sealed.data());
  random.fill(out, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char*>(plaintext.data()),
                        plaintext.size(), out, key_.data());
  return std::string(kSealedPrefix) + base64_encode(sealed);
}

Result<std::string> SecretBox::open(std::string_view sealed) const {
  RETURN_IF_ERROR(sodium_ready());
  std::string bytes;
  if (!is_sealed(sealed) || !base64_decode(sealed.substr(kSealedPrefix.size()), bytes) ||
      bytes.size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return make_error(ErrorCode::invalid_argument, "not a sealed secret");
  }
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t cipher_size = bytes.size() - crypto_secretbox_NONCEBYTES;
  std::string plaintext(cipher_size - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plaintext.data()), in + crypto_secretbox_NONCEBYTES,
                                 cipher_size, in, key_.data()) != 0) {
    return make_error(ErrorCode::precondition_failed,
                      "a sealed secret does not open with this server's key (another key file, or altered)");
  }
  return plaintext;
}

}  // namespace narralytica
