// Content hashes (SHA-256) and their hex form. Used for migration checksums, transcript content
// hashes, token hashes, kept files and the audit chain. Computed by OpenSSL's libcrypto, which uses
// the CPU's SHA extensions: 3.4x libsodium's portable SHA-256 here, and hashing a transcript's
// content was 40% of the instructions of storing it (docs/performance.md, issue 2).
#pragma once

#include <string>
#include <string_view>

namespace narralytica {

// The 32 raw bytes of SHA-256(data).
std::string sha256(std::string_view data);

// Incremental SHA-256, for hashing many pieces without concatenating them. Not copyable.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view data);
  // Length-prefixed, so that ("ab","c") and ("a","bc") hash differently.
  void update_field(std::string_view data);
  std::string finish();  // 32 raw bytes; the object must not be updated after

 private:
  void flush();
  void* context_;  // EVP_MD_CTX, kept out of this header
  // Pieces are gathered here and handed to libcrypto in blocks: a call per 8-byte length prefix
  // and per short field would cost more than hashing them.
  unsigned char pending_[4096];
  std::size_t pending_size_ = 0;
};

// HMAC-SHA256(key, data): 32 raw bytes (signed media URLs, api/detail/media_url.hpp).
std::string hmac_sha256(std::string_view key, std::string_view data);
// Constant-time equality of two byte strings (false for different lengths).
bool equal_in_constant_time(std::string_view a, std::string_view b);
// `count` bytes from the operating system's cryptographic random source.
std::string secure_random_bytes(std::size_t count);

// Standard base64 (RFC 4648 section 4, with padding): webhook secrets and signatures.
std::string base64_encode(std::string_view bytes);
// False when `text` is not padded standard base64.
bool base64_decode(std::string_view text, std::string& out);

std::string to_hex(std::string_view bytes);
// Empty optional-like failure: returns false when `hex` is not an even-length hex string.
bool from_hex(std::string_view hex, std::string& out);

}  // namespace narralytica
