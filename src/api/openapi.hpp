// The OpenAPI 3.1 document of every route, generated from the route table the server dispatches
// on, so the two cannot drift apart.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace narralytica::api {

// The document as JSON text; built once, then shared. Thread-safe.
std::string_view openapi_document();
// (method, path pattern) of every route the server answers, for tests.
std::vector<std::pair<std::string, std::string>> route_list();

}  // namespace narralytica::api
