// A JSON request body checked against its route's declared fields (detail/schema.hpp) before the
// handler runs, for open and tenant routes alike. Internal to src/api.
#pragma once

#include <optional>

#include "api/detail/route.hpp"

namespace narralytica::api {

// For a BodyKind::json route: the media type must be application/json, the body nested at most
// kJsonDepthMax levels, valid JSON (parsed into call.body) and of the route's fields. nullopt when
// it is acceptable or the route takes no JSON body; else the problem to answer: 415
// unsupported_media_type, 400 malformed_json, or 422 (unknown_field, read_only_field,
// missing_field, wrong_type, too_long) naming the field's path ("speakers[2].label").
std::optional<HttpResponse> read_body(const Route& route, Call& call);

}  // namespace narralytica::api
