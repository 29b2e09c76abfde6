// The Range header of a media file request (GET /media/{tenant}/{sha256}). Internal to src/api;
// its own file so that the fuzz target (tests/fuzz/fuzz_http_request.cpp) reaches it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace narralytica::api {

struct ByteRange {
  std::int64_t first = 0;
  std::int64_t last = 0;  // inclusive
};

// "bytes=FIRST-[LAST]" or "bytes=-SUFFIX" against a file of `size` bytes. nullopt: no usable
// single range (absent, several ranges, or not bytes), answered with the whole file. An empty
// range (first past the end) is unsatisfiable: 416. A range returned lies within the file:
// 0 <= first <= last < size.
std::optional<std::optional<ByteRange>> parse_range(std::string_view header, std::int64_t size);

}  // namespace narralytica::api
