#include "core/hashing.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

namespace narralytica {

namespace {

EVP_MD_CTX* context_of(void* p) { return static_cast<EVP_MD_CTX*>(p); }

// libcrypto fails these only when it cannot allocate; carrying on would yield a wrong digest.
void require(int ok) {
  if (ok != 1) throw std::bad_alloc();
}

}  // namespace

std::string sha256(std::string_view data) {
  std::string out(32, '\0');
  unsigned int size = 0;
  require(EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &size,
                     EVP_sha256(), nullptr));
  return out;
}

Sha256::Sha256() : context_(EVP_MD_CTX_new()) {
  if (!context_) throw std::bad_alloc();
  if (EVP_DigestInit_ex(context_of(context_), EVP_sha256(), nullptr) != 1) {
    EVP_MD_CTX_free(context_of(context_));  // no destructor runs for a constructor that throws
    throw std::bad_alloc();
  }
}

Sha256::~Sha256() {
  EVP_MD_CTX_free(context_of(context_));  // cleanses the hash state
  sodium_memzero(pending_, sizeof pending_);
}

void Sha256::flush() {
  require(EVP_DigestUpdate(context_of(context_), pending_, pending_size_));
  pending_size_ = 0;
}

void Sha256::update(std::string_view data) {
  if (data.empty()) return;  // an empty view may have a null data(), which memcpy must not get
  if (pending_size_ + data.size() > sizeof pending_) {
    flush();
    if (data.size() >= sizeof pending_) {
      require(EVP_DigestUpdate(context_of(context_), data.data(), data.size()));
      return;
    }
  }
  std::memcpy(pending_ + pending_size_, data.data(), data.size());
  pending_size_ += data.size();
}

void Sha256::update_field(std::string_view data) {
  char length[8];
  std::uint64_t n = data.size();
  for (int i = 0; i < 8; ++i) length[i] = static_cast<char>(n >> (56 - 8 * i));
  update(std::string_view(length, sizeof length));
  update(data);
}

std::string Sha256::finish() {
  flush();
  std::string out(32, '\0');
  unsigned int size = 0;
  require(EVP_DigestFinal_ex(context_of(context_), reinterpret_cast<unsigned char*>(out.data()), &size));
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

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

bool base64_decode(std::string_view text, std::string& out) {
  if (text.size() % 4 != 0) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
                          c == '/';
    const bool padding = c == '=' && i + 2 >= text.size() && (i + 1 == text.size() || text[i + 1] == '=');
    if (!alphabet && !padding) return false;
  }
  out.assign(3 * text.size() / 4, '\0');
  // EVP_DecodeBlock counts padding as zero bytes: those are taken off below.
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return false;
  std::size_t size = static_cast<std::size_t>(n);
  if (text.ends_with("==")) size -= 2;
  else if (text.ends_with("=")) size -= 1;
  out.resize(size);
  return true;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &length);
  return std::string(reinterpret_cast<const char*>(out), length);
}

bool equal_in_constant_time(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string secure_random_bytes(std::size_t count) {
  std::string out(count, '\0');
  if (sodium_init() < 0) std::abort();  // idempotent; unseeded randomness must never sign anything
  randombytes_buf(out.data(), count);
  return out;
}

}  // namespace narralytica
