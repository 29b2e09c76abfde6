// Code of the shapes that make GCC 12 report -Wrestrict, -Warray-bounds or -Wstringop-* inside
// std::string at -O3 (GCC bugs 105329, 105651): a string literal before a temporary string, as in
// src/app/search_service.cpp's cursor and src/api/detail/io.cpp's ETag, and a moved pair of
// strings, as in HttpResponse::with_header. The release_build_quiet test compiles it with the
// flags an optimized build uses and -Werror: it passes only while those flags keep the Release
// build free of these false positives.
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace {
std::string encode_cursor(int offset) { return "o" + std::to_string(offset); }
}  // namespace

std::string page_json(std::optional<int> next) {
  std::string out = "{";
  if (next) out += encode_cursor(*next);
  return out + "}";
}

std::string etag_of(long version) { return "\"" + std::to_string(version) + "\""; }

struct Response {
  std::vector<std::pair<std::string, std::string>> headers;
  Response& with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

Response unauthorized(int status) {
  Response response;
  if (status == 401) response.with_header("WWW-Authenticate", "Bearer realm=\"narralytica\"");
  return response;
}
