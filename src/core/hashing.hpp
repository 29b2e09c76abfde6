// Content hashes (SHA-256) and their hex form. Used for migration checksums, transcript content
// hashes, token hashes and the audit chain.
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
  alignas(16) unsigned char state_[128];
};

std::string to_hex(std::string_view bytes);
// Empty optional-like failure: returns false when `hex` is not an even-length hex string.
bool from_hex(std::string_view hex, std::string& out);

}  // namespace narralytica
