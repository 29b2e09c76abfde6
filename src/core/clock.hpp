// Time and randomness are injected so that leases, backoff, expiry and id generation can be
// tested without sleeping and reproduced from a seed.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>

namespace narralytica {

// Microseconds since the Unix epoch, UTC. Every timestamp column stores this unit.
using UnixMicros = std::int64_t;

// "2026-11-24T08:42:04.123456Z": how timestamps leave the process (API, CLI, exports).
std::string format_rfc3339(UnixMicros us);

class Clock {
 public:
  virtual ~Clock() = default;
  virtual UnixMicros now_us() const = 0;
};

// The real wall clock. Thread-safe.
class SystemClock final : public Clock {
 public:
  UnixMicros now_us() const override;
  static SystemClock& instance();
};

// A clock that only moves when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(UnixMicros start_us) : now_(start_us) {}
  UnixMicros now_us() const override { return now_.load(); }
  void advance_us(std::int64_t delta_us) { now_.fetch_add(delta_us); }
  void set_us(UnixMicros value) { now_.store(value); }

 private:
  std::atomic<UnixMicros> now_;
};

// Source of random bytes. Thread-safe.
class Random {
 public:
  virtual ~Random() = default;
  virtual void fill(void* buffer, std::size_t size) = 0;
  std::uint64_t next_u64();
};

// Cryptographically secure (libsodium's randombytes). Use for ids, tokens and salts.
class SecureRandom final : public Random {
 public:
  void fill(void* buffer, std::size_t size) override;
  static SecureRandom& instance();
};

// Deterministic, for tests: the same seed gives the same bytes.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(std::uint64_t seed) : engine_(seed) {}
  void fill(void* buffer, std::size_t size) override;

 private:
  std::mutex mutex_;
  std::mt19937_64 engine_;
};

}  // namespace narralytica
