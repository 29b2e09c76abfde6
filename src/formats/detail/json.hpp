// Internal JSON helpers for the JSON readers: parsing with positioned errors, typed member access
// that reports "expected X, found Y" at a JSON path, and the path's line:column in the file.
// This header includes nlohmann/json.hpp, so only .cpp files of src/formats include it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace narralytica::formats::detail {

using Json = nlohmann::json;

// A JSON path built on the stack as the readers descend; turned into text ("$.segments[3].start")
// only when an error is reported, so reading allocates nothing for it. A path points at its
// parent: never keep one built from a temporary (`a.member("x").at(0)` stored in a variable).
struct JsonPath {
  const JsonPath* parent = nullptr;
  std::string_view key;  // member name; empty for an array index or the root
  std::size_t index = 0;
  bool is_index = false;

  JsonPath member(std::string_view name) const { return JsonPath{this, name, 0, false}; }
  JsonPath at(std::size_t i) const { return JsonPath{this, {}, i, true}; }
  std::string str() const;
};

// What the readers need to report an error: the raw text (for line:column) and its name.
struct JsonSource {
  std::string_view content;
  std::string_view source;
};

// Parses `content` as one JSON value. Refuses input over limits::json_input_bytes_max or nested
// deeper than limits::json_depth_max (resource_exhausted) and malformed JSON (invalid_argument,
// "source:line:column").
Result<Json> parse_json(const JsonSource& src);

// "expected <expected>, found <what value is>" at "source:line:column: $.path"; `found` null
// means the member is missing.
Error json_error(const JsonSource& src, const JsonPath& path, std::string_view expected,
                 const Json* found);

// Short description of a value for "found ...": string "abc", number -1, an object, null.
std::string describe_json(const Json& value);

// Member lookup: nullptr when `object` is not an object, lacks the member, or it is null
// (engines write null for "not computed"; it is treated like an absent member).
const Json* find(const Json& object, std::string_view key);

Result<const Json*> require_object(const JsonSource& src, const Json& value, const JsonPath& path);
// The array member, or nullptr when absent (refused when required).
Result<const Json*> array_member(const JsonSource& src, const Json& object, std::string_view key,
                                 const JsonPath& path, bool required);
Result<double> number_member(const JsonSource& src, const Json& object, std::string_view key,
                             const JsonPath& path);
Result<std::optional<double>> optional_number_member(const JsonSource& src, const Json& object,
                                                     std::string_view key, const JsonPath& path);
// A string member; "" when absent unless required. Numbers are accepted and printed (engines
// disagree on whether a speaker is 0 or "0").
Result<std::string> string_member(const JsonSource& src, const Json& object, std::string_view key,
                                  const JsonPath& path, bool required);
// Seconds (number) to milliseconds, refused when negative, not finite or past the limit.
Result<int64_t> seconds_member(const JsonSource& src, const Json& object, std::string_view key,
                               const JsonPath& path);
Result<std::optional<int64_t>> optional_seconds_member(const JsonSource& src, const Json& object,
                                                       std::string_view key, const JsonPath& path);
// Milliseconds (number, rounded when fractional), same checks.
Result<int64_t> ms_member(const JsonSource& src, const Json& object, std::string_view key,
                          const JsonPath& path);
Result<std::optional<int64_t>> optional_ms_member(const JsonSource& src, const Json& object,
                                                  std::string_view key, const JsonPath& path);
// A confidence in [0, 1]; absent stays absent.
Result<std::optional<double>> confidence_member(const JsonSource& src, const Json& object,
                                                std::string_view key, const JsonPath& path);

// ok when end_ms >= start_ms; otherwise the error "an end at or after the start" at the object's
// `end_key` member (every reader refuses an item that ends before it starts the same way).
Status check_time_order(const JsonSource& src, const JsonPath& path, const Json& object,
                        int64_t start_ms, int64_t end_ms, std::string_view end_key = "end");

// Byte offset in `content` of the value at `path` (or of the deepest part of it that exists);
// nullopt when the text cannot be walked. Used only when reporting an error.
std::optional<std::size_t> locate_json_path(std::string_view content, const JsonPath& path);

}  // namespace narralytica::formats::detail
