// The one place where an ErrorCode becomes an HTTP status and a stable problem code.
#pragma once

#include "core/result.hpp"

namespace narralytica::api {

// 422 invalid_argument, 404 not_found, 409 conflict, 412 precondition_failed, 403
// permission_denied, 401 unauthenticated, 429 resource_exhausted, 503 unavailable, 500 internal.
int http_status(ErrorCode code) noexcept;
// The machine-readable `code` of a problem body for `code`; stable across releases.
const char* problem_code(ErrorCode code) noexcept;
// The reason phrase for a status ("Not Found").
const char* status_title(int status) noexcept;

}  // namespace narralytica::api
