#include "core/hashing.hpp"

#include <sodium.h>

#include <cstdint>

namespace narralytica {

static_assert(sizeof(crypto_hash_sha256_state) <= 128, "Sha256 state buffer too small");

std::string sha256(std::string_view data) {
  std::string out(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(out.data()),
                     reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return out;
}

Sha256::Sha256() { crypto_hash_sha256_init(reinterpret_cast<crypto_hash_sha256_state*>(state_)); }
Sha256::~Sha256() { sodium_memzero(state_, sizeof state_); }

void Sha256::update(std::string_view data) {
  crypto_hash_sha256_update(reinterpret_cast<crypto_hash_sha256_state*>(state_),
                            reinterpret_cast<const unsigned char*>(data.data()), data.size());
}

void Sha256::update_field(std::string_view data) {
  unsigned char length[8];
  std::uint64_t n = data.size();
  for (int i = 0; i < 8; ++i) length[i] = static_cast<unsigned char>(n >> (56 - 8 * i));
  crypto_hash_sha256_update(reinterpret_cast<crypto_hash_sha256_state*>(state_), length, 8);
  update(data);
}

std::string Sha256::finish() {
  std::string out(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256_final(reinterpret_cast<crypto_hash_sha256_state*>(state_),
                           reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 0x0f]);
  }
  return out;
}

bool from_hex(std::string_view hex, std::string& out) {
  if (hex.size() % 2 != 0) return false;
  out.assign(hex.size() / 2, '\0');
  std::size_t bin_len = 0;
  return sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(),
                        hex.size(), nullptr, &bin_len, nullptr) == 0 &&
         bin_len == out.size();
}

}  // namespace narralytica
