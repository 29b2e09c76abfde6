#include "core/secrets.hpp"

#include <sodium.h>

#include "core/hashing.hpp"

namespace narralytica {

Result<std::string> hash_password(std::string_view password) {
  if (password.size() < kPasswordLengthMin || password.size() > kPasswordLengthMax) {
    return make_error(ErrorCode::invalid_argument,
                      "a password must be " + std::to_string(kPasswordLengthMin) + " to " +
                          std::to_string(kPasswordLengthMax) + " characters long",
                      "password");
  }
  if (sodium_init() < 0) return make_error(ErrorCode::internal, "libsodium failed to initialise");
  char out[crypto_pwhash_STRBYTES];
  // INTERACTIVE limits: ~64 MiB and well under a second, fit for a login request.
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return make_error(ErrorCode::resource_exhausted, "out of memory while hashing a password");
  }
  return std::string(out);
}

bool verify_password(std::string_view password, std::string_view stored_hash) {
  if (stored_hash.empty() || stored_hash.size() >= crypto_pwhash_STRBYTES) return false;
  std::string terminated(stored_hash);
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

NewToken generate_token(Random& random) {
  unsigned char key[32];
  random.fill(key, sizeof key);
  char encoded[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(encoded, sizeof encoded, key, sizeof key, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(key, sizeof key);
  unsigned char prefix_bytes[4];
  random.fill(prefix_bytes, sizeof prefix_bytes);
  NewToken token;
  token.prefix = to_hex(std::string_view(reinterpret_cast<char*>(prefix_bytes), sizeof prefix_bytes));
  token.secret = "nla_" + token.prefix + "_" + encoded;
  token.hash = hash_token(token.secret);
  return token;
}

std::string hash_token(std::string_view secret) { return sha256(secret); }

}  // namespace narralytica
