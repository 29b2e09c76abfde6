// The JSON Schemas of the API's success answers, one named component per shape (Video,
// Transcript, Segment, SearchPage, ...), written once in schemas.cpp beside the view code that
// writes that JSON (views.cpp, and the app's search, layer and webhook writers). A route names
// its answer's component in Route::returns; the OpenAPI document references it, and the API
// tests validate every answer they receive against it, so a view cannot drift from its schema.
// Internal to src/api (only openapi.cpp includes it).
#pragma once

#include <nlohmann/json_fwd.hpp>

namespace narralytica::api {

// Every component by name: an object schema with `required` members and the types the writers
// emit (["T", "null"] where they can write null), no members beyond those it lists; a
// "<Name>Page" is {items: [<Name>], next_cursor: string | null}.
const nlohmann::json& response_schemas();

}  // namespace narralytica::api
