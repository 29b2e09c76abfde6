#include "core/clock.hpp"

#include <sodium.h>

#include <chrono>
#include <cstring>
#include <stdexcept>

namespace narralytica {

UnixMicros SystemClock::now_us() const {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

SystemClock& SystemClock::instance() {
  static SystemClock clock;
  return clock;
}

std::uint64_t Random::next_u64() {
  std::uint64_t value = 0;
  fill(&value, sizeof value);
  return value;
}

void SecureRandom::fill(void* buffer, std::size_t size) { randombytes_buf(buffer, size); }

SecureRandom& SecureRandom::instance() {
  // sodium_init is idempotent and thread-safe; without it randombytes may not be seeded.
  static SecureRandom random = [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    return SecureRandom{};
  }();
  return random;
}

void SeededRandom::fill(void* buffer, std::size_t size) {
  std::lock_guard lock(mutex_);
  auto* out = static_cast<unsigned char*>(buffer);
  while (size > 0) {
    std::uint64_t word = engine_();
    std::size_t n = size < sizeof word ? size : sizeof word;
    std::memcpy(out, &word, n);
    out += n;
    size -= n;
  }
}

}  // namespace narralytica
