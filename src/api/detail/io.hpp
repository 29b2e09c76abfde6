// Small conversions every handler file needs: RFC 3339 timestamps, opaque pagination cursors,
// ids from the path, numbers from the query, and JSON arrays built without a DOM (responses are
// written straight into a string: a page of 100 segments should cost one allocation pattern,
// not a tree).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/detail/cursor.hpp"
#include "api/detail/route.hpp"
#include "core/clock.hpp"
#include "core/time_text.hpp"
#include "core/result.hpp"
#include "core/uuid.hpp"

namespace narralytica::api {

// "2024-05-01T12:00:00.123456Z".
std::string rfc3339(UnixMicros us);
// parse_rfc3339 is core's (core/time_text.hpp).

// The path parameter `name` as a public id. An id that does not parse is answered like one that
// does not exist (not_found), so malformed and foreign ids look the same.
Result<Uuid> path_id(const Call& call, std::string_view name, std::string_view what);

// An integer query parameter within [min, max]; nullopt when absent. Errors: invalid_argument.
Result<std::optional<std::int64_t>> query_int(const HttpRequest& request, std::string_view name, std::int64_t min,
                                              std::int64_t max);
// `limit` with the store's default and maximum.
Result<int> page_limit(const HttpRequest& request);

// "[a,b,c]" from raw JSON values.
class JsonArray {
 public:
  JsonArray() : text_("[") {}
  JsonArray& add_raw(std::string_view json) {
    if (text_.size() > 1) text_ += ',';
    text_ += json;
    return *this;
  }
  std::string str() const { return text_ + "]"; }

 private:
  std::string text_;
};

HttpResponse json_response(int status, std::string body);
// A strong ETag from a version number.
std::string etag_of(std::int64_t version);
// Parses an If-Match/If-None-Match value written by etag_of; nullopt for "*" or another form.
std::optional<std::int64_t> version_of_etag(std::string_view etag);
// The string member `name` of a JSON body; nullopt when absent or null (the body was validated
// against the route's fields, so a present member has the declared type).
std::optional<std::string> optional_string(const nlohmann::json& body, const char* name);
// The version an If-Match header names; nullopt when it is absent or "*". Errors:
// precondition_failed when it names no version of the `what` (field "If-Match").
Result<std::optional<std::int64_t>> if_match_version(const HttpRequest& request, std::string_view what);

}  // namespace narralytica::api
