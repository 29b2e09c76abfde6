#include "contract_check.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "http_client.hpp"

namespace narralytica::testing {
namespace {

using nlohmann::json;

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 1;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string::npos ? path.size() : slash;
    parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// The template matching `path` with the most literal segments (/v1/videos/search beats
// /v1/videos/{id}); "" when none matches.
std::string match_template(const json& paths, const std::string& path) {
  const auto segments = split_path(path);
  std::string best;
  int best_literals = -1;
  for (auto it = paths.begin(); it != paths.end(); ++it) {
    const auto parts = split_path(it.key());
    if (parts.size() != segments.size()) continue;
    int literals = 0;
    bool ok = true;
    for (std::size_t i = 0; i < parts.size() && ok; ++i) {
      if (parts[i].starts_with('{') && parts[i].ends_with('}')) {
        ok = !segments[i].empty();
      } else {
        ok = parts[i] == segments[i];
        ++literals;
      }
    }
    if (ok && literals > best_literals) {
      best = it.key();
      best_literals = literals;
    }
  }
  return best;
}

std::string media_type(const HttpResult& result) {
  std::string type = result.header("content-type");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  return type;
}

// Parsed schemas, by document and JSON pointer of the response content; parsing is the slow part.
struct SchemaCache {
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<valijson::Schema>> schemas;
};

std::shared_ptr<valijson::Schema> parsed_schema(const json& doc, const json& schema, const std::string& key) {
  static SchemaCache cache;
  std::lock_guard lock(cache.mutex);
  auto& slot = cache.schemas[key];
  if (slot) return slot;
  // $refs point into #/components: give the schema the document's components as its root's.
  json root = schema;
  if (root.is_object()) root["components"] = doc.at("components");
  auto parsed = std::make_shared<valijson::Schema>();
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
  valijson::adapters::NlohmannJsonAdapter adapter(root);
  parser.populateSchema(adapter, *parsed);
  slot = parsed;
  return slot;
}

std::string validate_body(const json& doc, const json& schema, const std::string& key, const std::string& body) {
  const json value = json::parse(body, nullptr, false);
  if (value.is_discarded()) return "the body is not JSON: " + body.substr(0, 200);
  const auto parsed = parsed_schema(doc, schema, key);
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(value);
  if (validator.validate(*parsed, target, &results)) return "";
  std::ostringstream out;
  out << "the body breaks the schema " << key << ":";
  valijson::ValidationResults::Error error;
  int shown = 0;
  while (results.popError(error) && shown++ < 8) {
    std::string where;
    for (const auto& part : error.context) where += part;
    out << "\n  at " << where << ": " << error.description;
  }
  out << "\n  body: " << body.substr(0, 400);
  return out.str();
}

const json& parsed_document(const std::string& document) {
  static std::mutex mutex;
  static std::map<std::string, json> documents;
  std::lock_guard lock(mutex);
  auto it = documents.find(document);
  if (it == documents.end()) it = documents.emplace(document, json::parse(document)).first;
  return it->second;
}

}  // namespace

std::string contract_violation(const std::string& document, const std::string& method, const std::string& target,
                               const HttpResult& result) {
  if (result.status == 0) return "";  // no answer: the test itself checks for that
  const json& doc = parsed_document(document);
  const std::string path = target.substr(0, target.find('?'));
  const std::string where = method + " " + path + " answered " + std::to_string(result.status);
  const std::string templ = match_template(doc.at("paths"), path);
  std::string lower = method;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "head") lower = "get";
  const json* operation = nullptr;
  if (!templ.empty() && doc["paths"][templ].contains(lower)) operation = &doc["paths"][templ][lower];
  if (!operation) {
    // The web UI answers every other extensionless GET path with its index page (its own routes).
    if (method == "GET" && !path.starts_with("/v1/") && result.status == 200 && media_type(result) == "text/html") {
      return "";
    }
    if (result.status != 404 && result.status != 405) return where + ": no operation in the document";
    const json problem = {{"$ref", "#/components/schemas/Problem"}};
    const std::string violation = validate_body(doc, problem, "#/components/schemas/Problem", result.body);
    return violation.empty() ? "" : where + ": " + violation;
  }
  const std::string status = std::to_string(result.status);
  const json& responses = operation->at("responses");
  if (!responses.contains(status)) return where + ": status not declared for " + templ;
  const json& response = responses.at(status);
  if (!response.contains("content") || method == "HEAD") {
    if (!result.body.empty() && method != "HEAD") return where + ": declared without a body, but has one";
    return "";
  }
  const std::string type = media_type(result);
  const json& content = response["content"];
  if (!content.contains(type) && (content.contains("*/*") || content.contains(type.substr(0, type.find('/')) + "/*"))) {
    return "";
  }
  if (!content.contains(type)) return where + ": content type '" + type + "' not declared";
  const json& media = response["content"][type];
  if (type != "application/json" && type != "application/problem+json") return "";
  if (!media.contains("schema")) return "";
  const std::string key = "#/paths/" + templ + "/" + lower + "/responses/" + status + "/content/" + type;
  const std::string violation = validate_body(doc, media["schema"], key, result.body);
  return violation.empty() ? "" : where + ": " + violation;
}

const std::string& served_document(unsigned short port) {
  static std::mutex mutex;
  static std::string document;
  std::lock_guard lock(mutex);
  if (document.empty()) {
    HttpConnection connection(port, HttpConnection::unchecked);
    const HttpResult result = connection.request("GET", "/v1/openapi.json");
    if (result.status == 200) document = result.body;
  }
  return document;
}

}  // namespace narralytica::testing
