// Request bodies checked against their route's declared fields (detail/schema.hpp) before the
// handler runs.
#include "api/detail/body_schema.hpp"

#include <algorithm>
#include <cctype>

#include "api/problem.hpp"
#include "core/json_depth.hpp"

namespace narralytica::api {
namespace body_schema_impl {

std::string describe_type(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::boolean: return "a boolean";
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::number_float: return "a number";
    default: return "an integer";
  }
}

const char* expected(FieldType type) {
  switch (type) {
    case FieldType::string: return "a string";
    case FieldType::integer: return "an integer";
    case FieldType::number: return "a number";
    case FieldType::boolean: return "a boolean";
    case FieldType::object: return "an object";
    case FieldType::object_array: return "an array of objects";
    case FieldType::string_array: return "an array of strings";
    case FieldType::any: return "any JSON value";
  }
  return "a value";
}

bool has_type(const nlohmann::json& value, FieldType type) {
  switch (type) {
    case FieldType::string: return value.is_string();
    case FieldType::integer: return value.is_number_integer();
    case FieldType::number: return value.is_number();
    case FieldType::boolean: return value.is_boolean();
    case FieldType::object: return value.is_object();
    case FieldType::object_array: return value.is_array();
    case FieldType::string_array:
      return value.is_array() && std::all_of(value.begin(), value.end(), [](const auto& item) { return item.is_string(); });
    case FieldType::any: return true;
  }
  return false;
}

struct Invalid {
  std::string code;  // unknown_field, read_only_field, missing_field, wrong_type, too_long
  std::string detail;
  std::string field;
};

std::optional<Invalid> validate(const nlohmann::json& object, std::span<const Field> fields, const std::string& path) {
  if (!object.is_object()) return Invalid{"wrong_type", "expected a JSON object, found " + describe_type(object), path.empty() ? "$" : path};
  for (const auto& [name, value] : object.items()) {
    const std::string where = path.empty() ? name : path + "." + name;
    const Field* field = nullptr;
    for (const Field& f : fields) {
      if (f.name == name) field = &f;
    }
    if (!field) return Invalid{"unknown_field", "unknown field \"" + name + "\"", where};
    if (field->read_only) return Invalid{"read_only_field", "\"" + name + "\" is read-only", where};
    if (value.is_null()) {
      if (!field->nullable) return Invalid{"wrong_type", std::string("expected ") + expected(field->type) + ", found null", where};
      continue;
    }
    if (!has_type(value, field->type)) {
      return Invalid{"wrong_type", std::string("expected ") + expected(field->type) + ", found " + describe_type(value), where};
    }
    if (field->type == FieldType::string && field->length_max && value.get_ref<const std::string&>().size() > field->length_max) {
      return Invalid{"too_long", "at most " + std::to_string(field->length_max) + " bytes", where};
    }
    if (field->type == FieldType::object_array) {
      if (field->length_max && value.size() > field->length_max) {
        return Invalid{"too_long", "at most " + std::to_string(field->length_max) + " items", where};
      }
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (auto bad = validate(value[i], field->items, where + "[" + std::to_string(i) + "]")) return bad;
      }
    } else if (field->type == FieldType::string_array) {
      if (field->length_max && value.size() > field->length_max) {
        return Invalid{"too_long", "at most " + std::to_string(field->length_max) + " items", where};
      }
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i].get_ref<const std::string&>().size() > kStringArrayItemLengthMax) {
          return Invalid{"too_long", "at most " + std::to_string(kStringArrayItemLengthMax) + " bytes",
                         where + "[" + std::to_string(i) + "]"};
        }
      }
    } else if (field->type == FieldType::object && !field->items.empty()) {
      if (auto bad = validate(value, field->items, where)) return bad;
    }
  }
  for (const Field& f : fields) {
    if (f.required && !object.contains(f.name)) {
      const std::string where = path.empty() ? std::string(f.name) : path + "." + std::string(f.name);
      return Invalid{"missing_field", "\"" + std::string(f.name) + "\" is required", where};
    }
  }
  return std::nullopt;
}

bool is_json_media_type(std::string_view content_type) {
  const auto semicolon = content_type.find(';');
  std::string_view media = content_type.substr(0, semicolon);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  if (media.size() != 16) return false;
  constexpr std::string_view kJson = "application/json";
  for (std::size_t i = 0; i < media.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(media[i])) != kJson[i]) return false;
  }
  return true;
}

}  // namespace body_schema_impl

std::optional<HttpResponse> read_body(const Route& route, Call& call) {
  const HttpRequest& request = call.request;
  if (route.body != BodyKind::json) return std::nullopt;
  if (!body_schema_impl::is_json_media_type(request.header("content-type"))) {
    return problem(415, "unsupported_media_type", "send the body as application/json", "Content-Type", request);
  }
  // Nesting deeper than any route accepts is refused before parsing (core/json_depth.hpp).
  if (json_nesting_beyond(request.body, kJsonDepthMax) != std::string_view::npos) {
    return problem(400, "malformed_json", "JSON nested deeper than " + std::to_string(kJsonDepthMax) + " levels", "",
                   request);
  }
  call.body = nlohmann::json::parse(request.body, nullptr, false);
  if (call.body.is_discarded()) return problem(400, "malformed_json", "the body is not valid JSON", "", request);
  if (auto bad = body_schema_impl::validate(call.body, route.fields, "")) {
    return problem(422, bad->code, bad->detail, bad->field, request);
  }
  return std::nullopt;
}

}  // namespace narralytica::api
