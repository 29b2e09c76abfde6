#include "api/openapi.hpp"

#include <stdexcept>

#include "api/detail/route.hpp"
#include "api/detail/schemas.hpp"
#include "store/page.hpp"

namespace narralytica::api {
namespace {

using nlohmann::json;

json field_schema(const Field& field);

json object_schema(std::span<const Field> fields) {
  json schema = {{"type", "object"}, {"additionalProperties", false}};
  json properties = json::object();
  json required = json::array();
  for (const Field& f : fields) {
    properties[std::string(f.name)] = field_schema(f);
    if (f.required) required.push_back(f.name);
  }
  schema["properties"] = properties;
  if (!required.empty()) schema["required"] = required;
  return schema;
}

json field_schema(const Field& field) {
  json schema;
  const char* type = "string";
  switch (field.type) {
    case FieldType::string: type = "string"; break;
    case FieldType::integer: type = "integer"; break;
    case FieldType::number: type = "number"; break;
    case FieldType::boolean: type = "boolean"; break;
    case FieldType::object: schema = field.items.empty() ? json{{"type", "object"}} : object_schema(field.items); break;
    case FieldType::object_array: schema = {{"type", "array"}, {"items", object_schema(field.items)}}; break;
    case FieldType::string_array:
      schema = {{"type", "array"}, {"items", {{"type", "string"}, {"maxLength", kStringArrayItemLengthMax}}}};
      break;
    case FieldType::any: schema = json::object(); break;
  }
  if (field.type != FieldType::object && field.type != FieldType::object_array &&
      field.type != FieldType::string_array && field.type != FieldType::any) {
    schema["type"] = field.nullable ? json::array({type, "null"}) : json(type);
  }
  if (field.type == FieldType::string && field.length_max) schema["maxLength"] = field.length_max;
  if ((field.type == FieldType::object_array || field.type == FieldType::string_array) && field.length_max) {
    schema["maxItems"] = field.length_max;
  }
  if (field.read_only) schema["readOnly"] = true;
  if (!field.description.empty()) schema["description"] = field.description;
  return schema;
}

json problem_response(std::string_view description) {
  return {{"description", description},
          {"content", {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}};
}

json operation(const Route& route) {
  json op = {{"operationId", route.operation_id}, {"summary", route.summary}};
  const std::string_view pattern = route.pattern;
  op["tags"] = json::array({pattern.starts_with("/v1/") ? std::string(pattern.substr(4, pattern.find('/', 4) - 4))
                                                         : std::string("operations")});
  json parameters = json::array();
  for (std::size_t open = pattern.find('{'); open != std::string_view::npos; open = pattern.find('{', open + 1)) {
    const auto close = pattern.find('}', open);
    const std::string name(pattern.substr(open + 1, close - open - 1));
    parameters.push_back({{"name", name}, {"in", "path"}, {"required", true},
                          {"schema", name == "key" ? json{{"type", "string"}} : json{{"type", "string"}, {"format", "uuid"}}}});
  }
  for (std::string_view q : route.query) {
    json schema = {{"type", "string"}};
    if (q == "limit") schema = {{"type", "integer"}, {"minimum", 1}, {"maximum", store::kPageLimitMax}};
    if (q == "from_ms" || q == "to_ms") schema = {{"type", "integer"}, {"minimum", 0}};
    parameters.push_back({{"name", q}, {"in", "query"}, {"required", false}, {"schema", schema}});
  }
  if (route.mutating() && route.access == Access::tenant) {
    if (route.method == "POST") {
      parameters.push_back({{"name", "Idempotency-Key"}, {"in", "header"}, {"required", false},
                            {"description", "The first answer to a request with this key is replayed for 24 hours"},
                            {"schema", {{"type", "string"}, {"maxLength", 255}}}});
    }
    if (route.method == "PATCH") {
      parameters.push_back({{"name", "If-Match"}, {"in", "header"}, {"required", false},
                            {"description", "The ETag of the version being changed; a newer version answers 412"},
                            {"schema", {{"type", "string"}}}});
    }
  }
  if (!parameters.empty()) op["parameters"] = parameters;
  if (route.body == BodyKind::json) {
    op["requestBody"] = {{"required", true}, {"content", {{"application/json", {{"schema", object_schema(route.fields)}}}}}};
  } else if (route.body == BodyKind::upload) {
    op["requestBody"] = {{"required", true},
                         {"content", {{"text/vtt", {{"schema", {{"type", "string"}}}}},
                                      {"application/x-subrip", {{"schema", {{"type", "string"}}}}},
                                      {"application/json", {{"schema", {{"type", "object"}}}}}}}};
  }
  json responses = json::object();
  const auto success_response = [&route](int status, std::string_view returns) {
    json success = {{"description", status == 204 ? "Done" : status == 304 ? "Not modified" : "Success"}};
    if (status == 204 || status == 304) return success;
    if (status >= 400) return problem_response("Refused; the summary says when");
    json schema = {{"type", "string"}};
    if (route.produces == "application/json") {
      schema = returns.empty() ? json{{"type", "object"}}
                               : json{{"$ref", "#/components/schemas/" + std::string(returns)}};
      if (!returns.empty() && !response_schemas().contains(std::string(returns))) {
        throw std::logic_error(std::string(route.operation_id) + " returns an unknown schema " + std::string(returns));
      }
    }
    success["content"] = json::object();
    success["content"][std::string(route.produces)] = {{"schema", schema}};
    for (std::string_view type : route.also_produces) {
      success["content"][std::string(type)] = {{"schema", {{"type", "string"}}}};
    }
    return success;
  };
  responses[std::to_string(route.status)] = success_response(route.status, route.returns);
  // Errors the HTTP layer and the dispatcher can answer on any route.
  responses["400"] = problem_response("A malformed request: HTTP, a header, the JSON body or the query");
  responses["422"] = problem_response("A field, query or path parameter is unknown, missing, of the wrong type or invalid");
  responses["429"] = problem_response("A rate limit is spent or the server is at capacity; Retry-After says when");
  responses["500"] = problem_response("An internal error; the request id is in the log");
  responses["503"] = problem_response("The database or a dependency is unavailable");
  if (route.access == Access::tenant) {
    op["security"] = json::array({{{"bearer", json::array()}}});
    op["x-permission"] = std::string(route.permission.action) + ":" + std::string(route.permission.resource);
    responses["401"] = problem_response("No, invalid, expired or revoked token");
    responses["403"] = problem_response("The caller's role lacks the permission");
    responses["404"] = problem_response("No such resource in the caller's tenant");
  } else {
    op["security"] = json::array();  // public: no token
    if (route.body == BodyKind::json) responses["401"] = problem_response("The credentials are wrong");
    if (pattern.find('{') != std::string_view::npos) responses["404"] = problem_response("No such resource");
  }
  if (route.body == BodyKind::json) responses["415"] = problem_response("Not application/json");
  if (route.body != BodyKind::none) responses["413"] = problem_response("The body is larger than the server's limit");
  if (route.mutating()) {
    responses["409"] = problem_response("Conflicts with existing data");
    responses["412"] = problem_response("A precondition of the change does not hold (If-Match names an older version)");
  }
  for (const Answer& answer : route.also) {
    const std::string status = std::to_string(answer.status);
    if (!responses.contains(status)) {
      responses[status] = success_response(answer.status, answer.returns.empty() ? route.returns : answer.returns);
    }
  }
  op["responses"] = responses;
  return op;
}

// The web UI's files are served outside the route table (web_ui.hpp); its entry page and assets
// are documented so the document lists every public path.
void add_web_ui(json& paths) {
  const json not_found = problem_response("No such file");
  const auto page = [&not_found](std::string_view id, std::string_view summary, std::string_view type) {
    return json{{"operationId", id}, {"summary", summary}, {"tags", json::array({"web-ui"})},
                {"security", json::array()},
                {"responses",
                 {{"200", {{"description", "The file"},
                           {"content", {{std::string(type), {{"schema", {{"type", "string"}}}}}}}}},
                  {"304", {{"description", "Not modified"}}},
                  {"404", not_found}}}};
  };
  paths["/"]["get"] = page("ui.index", "The web UI (index.html; every UI path without an extension answers it)",
                           "text/html");
  json asset = page("ui.asset", "A file of the web UI under its content-hashed name", "*/*");
  asset["parameters"] = json::array({{{"name", "file"}, {"in", "path"}, {"required", true},
                                      {"schema", {{"type", "string"}}}}});
  paths["/assets/{file}"]["get"] = asset;
}

std::string build() {
  json paths = json::object();
  for (const Route& route : all_routes()) {
    std::string method(route.method);
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    paths[std::string(route.pattern)][method] = operation(route);
  }
  add_web_ui(paths);
  json problem = {
      {"type", "object"},
      {"required", json::array({"type", "title", "status", "code", "detail"})},
      {"properties",
       {{"type", {{"type", "string"}}},
        {"title", {{"type", "string"}}},
        {"status", {{"type", "integer"}}},
        {"code", {{"type", "string"}, {"description", "Stable machine-readable error code"}}},
        {"detail", {{"type", "string"}}},
        {"field", {{"type", "string"}, {"description", "Path of the input at fault"}}},
        {"instance", {{"type", "string"}}},
        {"request_id", {{"type", "string"}}}}}};
  json schemas = response_schemas();
  schemas["Problem"] = problem;
  json document = {
      {"openapi", "3.1.0"},
      {"info", {{"title", "Narralytica API"}, {"version", "0.1.0"},
                {"description", "Videos, timecoded transcripts, segments and speakers, per tenant."},
                // The repository ships no LICENSE, its README names none and its npm packages are
                // private: no licence is granted, so the API is proprietary until the project
                // chooses one. An SPDX user-defined reference, as OpenAPI's `identifier` expects.
                {"license", {{"name", "Proprietary"}, {"identifier", "LicenseRef-Proprietary"}}}}},
      {"servers", json::array({{{"url", "/"}, {"description", "The server that serves this document"}}})},
      {"paths", paths},
      {"components",
       {{"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}},
        {"schemas", schemas}}}};
  return document.dump();
}

}  // namespace

std::string_view openapi_document() {
  static const std::string document = build();
  return document;
}

std::vector<std::pair<std::string, std::string>> route_list() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Route& route : all_routes()) out.emplace_back(route.method, route.pattern);
  return out;
}

}  // namespace narralytica::api
