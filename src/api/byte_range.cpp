#include "api/detail/byte_range.hpp"

#include <algorithm>
#include <charconv>

namespace narralytica::api {

std::optional<std::optional<ByteRange>> parse_range(std::string_view header, std::int64_t size) {
  constexpr std::string_view kUnit = "bytes=";
  if (!header.starts_with(kUnit) || header.find(',') != std::string_view::npos) return std::nullopt;
  header.remove_prefix(kUnit.size());
  const auto dash = header.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto number = [](std::string_view text, std::int64_t& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size() && out >= 0;
  };
  const std::string_view first_text = header.substr(0, dash);
  const std::string_view last_text = header.substr(dash + 1);
  ByteRange range;
  if (first_text.empty()) {
    std::int64_t suffix = 0;
    if (!number(last_text, suffix)) return std::nullopt;
    if (suffix == 0 || size == 0) return std::optional<ByteRange>();
    range.first = std::max<std::int64_t>(0, size - suffix);
    range.last = size - 1;
    return std::optional<ByteRange>(range);
  }
  if (!number(first_text, range.first)) return std::nullopt;
  range.last = size - 1;
  if (!last_text.empty()) {
    if (!number(last_text, range.last) || range.last < range.first) return std::nullopt;
    range.last = std::min(range.last, size - 1);
  }
  if (range.first >= size) return std::optional<ByteRange>();
  return std::optional<ByteRange>(range);
}

}  // namespace narralytica::api
