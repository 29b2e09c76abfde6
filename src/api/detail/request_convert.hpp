// From a request as Boost.Beast parsed it to the plain HttpRequest the handlers see. Internal to
// src/api (it names Beast types): the server and the fuzz target of the HTTP request
// (tests/fuzz/fuzz_http_request.cpp) are its only users.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <string_view>

#include "api/http_message.hpp"

namespace narralytica::api {

inline constexpr std::size_t kRequestIdLengthMax = 128;

// An X-Request-Id a client may choose: 1 to 128 visible ASCII characters without quotes or
// backslashes, so it can be logged and echoed in a header and a JSON string as it is.
bool valid_request_id(std::string_view id);

// Method, path and query split at the first '?', header names lower-cased, the body moved out of
// `message`. request_id is the client's X-Request-Id when valid, else empty (the server draws one).
HttpRequest to_http_request(boost::beast::http::request<boost::beast::http::string_body>& message,
                            std::string_view client_address);

}  // namespace narralytica::api
