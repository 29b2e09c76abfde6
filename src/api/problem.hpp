// RFC 9457 problem details (application/problem+json): every error the API answers has this
// shape, with a stable `code`, a human `detail`, the `field` path when one input is to blame,
// and the request id so a user can quote it.
#pragma once

#include <string_view>

#include "api/http_message.hpp"
#include "core/result.hpp"

namespace narralytica::api {

// A problem for a protocol-level failure (malformed JSON, wrong content type, ...).
HttpResponse problem(int status, std::string_view code, std::string_view detail, std::string_view field,
                     const HttpRequest& request);
// A problem for an error from a use case or repository; the status comes from error_status.cpp.
HttpResponse problem(const Error& error, const HttpRequest& request);

}  // namespace narralytica::api
