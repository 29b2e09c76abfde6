// Secrets are stored only as hashes: passwords with argon2id (slow, salted), API tokens with
// SHA-256 (they are 256-bit random values, so a fast hash is enough and lookup by hash works).
#pragma once

#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace narralytica {

// Longest password accepted; argon2id's cost does not depend on it, but a bound keeps requests sane.
inline constexpr std::size_t kPasswordLengthMax = 1024;
inline constexpr std::size_t kPasswordLengthMin = 8;

// An argon2id hash in libsodium's self-describing string form (algorithm, cost and salt included).
// Errors: invalid_argument for a password outside the length bounds.
Result<std::string> hash_password(std::string_view password);
// Constant-time check of `password` against a stored hash.
bool verify_password(std::string_view password, std::string_view stored_hash);

struct NewToken {
  std::string secret;  // shown to the user once: "nla_" + prefix + "_" + 43 chars of base64url
  std::string prefix;  // stored and shown in listings to tell tokens apart
  std::string hash;    // 32 raw bytes stored in api_tokens.secret_hash
};

NewToken generate_token(Random& random);
// The hash under which `secret` would be stored (for lookup on authentication).
std::string hash_token(std::string_view secret);

}  // namespace narralytica
