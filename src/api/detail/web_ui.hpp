// The web UI's static files, compiled into the binary (cmake/WebUi.cmake) and served at every
// GET path that is not an API route: /assets/<name> as stored (hashed names, cached for a year),
// anything else without a file extension as index.html (the UI routes /videos/{id} and the like
// itself). Every answer carries a Content-Security-Policy that allows only this origin's scripts,
// styles and API, so nothing is fetched from another network at run time.
#pragma once

#include <optional>

#include "api/http_message.hpp"

namespace narralytica::api {

// The answer to `request` from the UI's files, or nullopt when the request is not for the UI (not
// a GET, or an API path under /v1/). A missing asset or file is answered 404 as a problem document.
std::optional<HttpResponse> web_ui_answer(const HttpRequest& request);

}  // namespace narralytica::api
