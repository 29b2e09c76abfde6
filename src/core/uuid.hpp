// Public identifiers: UUIDv7 (RFC 9562), time-ordered so that new rows land at the right edge of
// the unique index. Only public ids leave the process; internal integer keys never do.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace narralytica {

class Uuid {
 public:
  Uuid() = default;  // the nil UUID
  explicit Uuid(const std::array<std::uint8_t, 16>& bytes) : bytes_(bytes) {}

  // A new version-7 UUID: 48 bits of milliseconds from `clock`, then random bits from `random`.
  static Uuid v7(const Clock& clock, Random& random);
  // Parses the canonical 8-4-4-4-12 hex form (either case). Returns nullopt on anything else.
  static std::optional<Uuid> parse(std::string_view text);
  // From 16 raw bytes (as SQLite stores it); nullopt when the size is wrong.
  static std::optional<Uuid> from_bytes(std::string_view bytes);

  std::string to_string() const;  // lower-case canonical form
  const std::array<std::uint8_t, 16>& bytes() const { return bytes_; }
  std::string_view byte_view() const {
    return {reinterpret_cast<const char*>(bytes_.data()), bytes_.size()};
  }
  bool is_nil() const;

  auto operator<=>(const Uuid&) const = default;

 private:
  std::array<std::uint8_t, 16> bytes_{};
};

}  // namespace narralytica
