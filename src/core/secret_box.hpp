// Secrets the server must be able to read back (a webhook's signing secret: HMAC needs the key
// itself, so a hash will not do) are stored sealed: encrypted and authenticated with libsodium's
// secretbox (XSalsa20-Poly1305) under a 256-bit server key that is never in the database. A dump
// or backup of the database alone reveals none of them (docs/security.md).
//
// The key is loaded from a file by app/secret_key.hpp (core does no I/O). Immutable, so
// thread-safe.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace narralytica {

// What sealed text starts with: a version, so the format can change without guessing.
inline constexpr std::string_view kSealedPrefix = "nlbox1.";

class SecretBox {
 public:
  static constexpr std::size_t kKeyBytes = 32;

  explicit SecretBox(const std::array<unsigned char, kKeyBytes>& key) : key_(key) {}

  // "nlbox1." + base64(nonce || MAC || ciphertext), with a fresh random nonce from `random`.
  // Errors: internal when libsodium cannot initialise.
  Result<std::string> seal(std::string_view plaintext, Random& random) const;
  // The plaintext of seal()'s output. Errors: invalid_argument for text that is not sealed;
  // precondition_failed when it does not open with this key (another key, or altered).
  Result<std::string> open(std::string_view sealed) const;

  static bool is_sealed(std::string_view text) { return text.starts_with(kSealedPrefix); }

 private:
  std::array<unsigned char, kKeyBytes> key_{};
};

}  // namespace narralytica
