#include "core/uuid.hpp"

#include <algorithm>

#include "core/ascii.hpp"

namespace narralytica {

Uuid Uuid::v7(const Clock& clock, Random& random) {
  std::array<std::uint8_t, 16> b{};
  random.fill(b.data(), b.size());
  const auto ms = static_cast<std::uint64_t>(clock.now_us() / 1000);
  for (int i = 0; i < 6; ++i) b[i] = static_cast<std::uint8_t>(ms >> (40 - 8 * i));
  b[6] = static_cast<std::uint8_t>(0x70 | (b[6] & 0x0f));  // version 7
  b[8] = static_cast<std::uint8_t>(0x80 | (b[8] & 0x3f));  // RFC 9562 variant
  return Uuid(b);
}

std::optional<Uuid> Uuid::parse(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  std::array<std::uint8_t, 16> b{};
  std::size_t out = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    int hi = ascii_hex_value(text[i]);
    int lo = ascii_hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    b[out++] = static_cast<std::uint8_t>(hi * 16 + lo);
    i += 2;
  }
  return Uuid(b);
}

std::optional<Uuid> Uuid::from_bytes(std::string_view bytes) {
  if (bytes.size() != 16) return std::nullopt;
  std::array<std::uint8_t, 16> b{};
  std::copy(bytes.begin(), bytes.end(), b.begin());
  return Uuid(b);
}

std::string Uuid::to_string() const {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(digits[bytes_[i] >> 4]);
    s.push_back(digits[bytes_[i] & 0x0f]);
  }
  return s;
}

bool Uuid::is_nil() const {
  return std::all_of(bytes_.begin(), bytes_.end(), [](std::uint8_t x) { return x == 0; });
}

}  // namespace narralytica
