// The request and response as the API's handlers see them: plain strings, no Beast types, so the
// handler files neither depend on nor recompile with the HTTP library.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace narralytica::api {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // the target without the query string, as sent
  std::string query;   // the raw query string after '?', may be empty
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string client_address;
  std::string request_id;

  // The first header named `name` (lower-case), or an empty view.
  std::string_view header(std::string_view name) const;
  bool has_header(std::string_view name) const;
  // The percent-decoded value of query parameter `name`, or nullopt when absent.
  std::optional<std::string> query_param(std::string_view name) const;
};

// %XY sequences decoded (a malformed one is kept as sent); '+' becomes a space when
// `plus_is_space` (a query string's form encoding), and stays '+' in a path segment.
std::string percent_decode(std::string_view text, bool plus_is_space);

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // When set, the body is this instead of `body`: an immutable one shared with a cache, sent
  // without a copy.
  std::shared_ptr<const std::string> shared_body;
  std::vector<std::pair<std::string, std::string>> headers;

  std::string_view body_view() const { return shared_body ? std::string_view(*shared_body) : std::string_view(body); }

  HttpResponse& with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

}  // namespace narralytica::api
