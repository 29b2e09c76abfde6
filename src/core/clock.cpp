#include "core/clock.hpp"

#include <cstdio>
#include <ctime>

#include <sodium.h>

#include <chrono>
#include <cstring>
#include <stdexcept>

namespace narralytica {

std::string format_rfc3339(UnixMicros us) {
  std::int64_t seconds = us / 1'000'000;
  std::int64_t micros = us % 1'000'000;
  if (micros < 0) {
    micros += 1'000'000;
    seconds -= 1;
  }
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", (tm.tm_year + 1900) % 10000,
                (tm.tm_mon + 1) % 100, tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100, tm.tm_sec % 100,
                static_cast<int>(micros) % 1000000);
  return buffer;
}

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
