// Declared request bodies: each route names the JSON fields it accepts, once, and that one
// declaration both validates requests (unknown, read-only, missing or mistyped fields are refused
// with 422 and the field path before a handler runs) and documents them in the OpenAPI document.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace narralytica::api {

enum class FieldType { string, integer, number, boolean, object, object_array, string_array, any };

struct Field {
  std::string_view name{};
  FieldType type = FieldType::string;
  bool required = false;
  bool nullable = false;
  bool read_only = false;       // shown in responses; refused in requests
  std::size_t length_max = 0;   // strings: most bytes (0: no limit); arrays: most items (string_array: of
                                // at most 200 bytes each)
  std::span<const Field> items{};  // object_array / object: the members' fields
  std::string_view description{};
};

inline constexpr std::size_t kJsonDepthMax = 32;
inline constexpr std::size_t kStringArrayItemLengthMax = 200;

}  // namespace narralytica::api
