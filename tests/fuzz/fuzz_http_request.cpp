// libFuzzer target for the HTTP request line and headers as the server reads them: the raw bytes
// go through Boost.Beast's request_parser with the server's limits (api::ServerOptions), then
// through the server's conversion (api/detail/request_convert.hpp) and the header and query
// handling the API does: the Authorization bearer, Content-Type, Idempotency-Key and If-Match
// inside the real dispatch (in process, api_harness.hpp; TOKEN, VIDEO_ID... stand for the
// fixture owner's token and ids, so that inputs get past authentication), X-Request-Id, query parameters,
// Range for media and signed media URLs. Checks: every answer 2xx-4xx with a problem body for a
// 4xx (a 5xx for a client's bytes is a bug), a Range within the file, no unsigned media URL
// accepted.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "api/detail/byte_range.hpp"
#include "api/detail/io.hpp"
#include "api/detail/media_url.hpp"
#include "api/detail/request_convert.hpp"
#include "api/server.hpp"
#include "api_harness.hpp"

namespace {

using namespace narralytica;
namespace http = boost::beast::http;
using fuzz::require;

// Parses as Session::read does; nullopt when the bytes are not one whole request.
std::optional<http::request<http::string_body>> parse(std::string_view bytes) {
  const api::ServerOptions limits;
  http::request_parser<http::string_body> parser;
  parser.body_limit(limits.body_bytes_max);
  parser.header_limit(static_cast<std::uint32_t>(limits.header_bytes_max));
  parser.eager(true);
  boost::beast::error_code ec;
  while (!bytes.empty() && !parser.is_done()) {
    const std::size_t used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
    if (ec == http::error::need_more) break;
    if (ec) return std::nullopt;
    if (used == 0) break;
    bytes.remove_prefix(used);
  }
  if (!parser.is_done()) {
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return std::nullopt;
  }
  return parser.release();
}

void check_headers(const api::HttpRequest& request) {
  for (const auto& [name, value] : request.headers) {
    for (char c : name) require(!(c >= 'A' && c <= 'Z'), "header names are lower-case");
  }
  if (!request.request_id.empty()) {
    require(api::valid_request_id(request.request_id), "a kept X-Request-Id is valid");
    require(request.request_id == request.header("x-request-id"), "the X-Request-Id kept is the client's");
  }
  for (std::string_view name : {"cursor", "limit", "q", "where", "format", "type", "expires", "sig"}) {
    (void)request.query_param(name);
  }
  if (auto etag = api::version_of_etag(request.header("if-match"))) {
    require(api::version_of_etag(api::etag_of(*etag)) == etag, "an ETag's version reads back");
  }
  for (std::int64_t size : {std::int64_t{0}, std::int64_t{1}, std::int64_t{4096}, std::int64_t{1} << 40}) {
    auto range = api::parse_range(request.header("range"), size);
    if (range && *range) {
      require((*range)->first >= 0 && (*range)->first <= (*range)->last && (*range)->last < size,
              "a range lies within the file");
    }
  }
  const auto query = [&](std::string_view name) { return request.query_param(name).value_or(""); };
  require(!api::verify_media_url("fuzz key", query("tenant"), query("sha256"), query("type"), query("expires"),
                                 query("sig"), 0),
          "an unsigned media URL is refused");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto message = parse(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!message) return 0;
  api::HttpRequest request = api::to_http_request(*message, "127.0.0.1");
  check_headers(request);
  fuzz::ApiHarness& harness = fuzz::ApiHarness::instance();
  for (auto& [name, value] : request.headers) value = harness.substitute(std::move(value));
  request.path = harness.substitute(std::move(request.path));
  request.query = harness.substitute(std::move(request.query));
  request.body = harness.substitute(std::move(request.body));
  if (request.request_id.empty()) request.request_id = "fuzz";
  const api::Dispatched answer = harness.dispatch(request);
  fuzz::check_answer(answer.response, request.method + " " + request.path);
  if (answer.route >= 0) harness.restore_after(api::all_routes()[static_cast<std::size_t>(answer.route)], answer.response.status);
  return 0;
}
