// Every success answer with a JSON body has a named schema in /v1/openapi.json: a route added
// without Route::returns (documented as a bare {"type":"object"}) fails here, so the contract the
// API tests validate against cannot quietly lose its types again.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "api/openapi.hpp"

namespace narralytica::testing {
namespace {

using nlohmann::json;

bool json_media_type(const std::string& type) { return type == "application/json" || type.ends_with("+json"); }

// A $ref to a component, or an inline schema that lists its members.
bool typed(const json& schema) { return schema.contains("$ref") || schema.contains("properties"); }

// "METHOD path status type" of each 2xx JSON answer of `document` whose schema is untyped.
std::vector<std::string> untyped_success_answers(const json& document) {
  std::vector<std::string> out;
  for (const auto& [path, operations] : document.at("paths").items()) {
    for (const auto& [method, operation] : operations.items()) {
      for (const auto& [status, response] : operation.at("responses").items()) {
        if (!status.starts_with('2') || !response.contains("content")) continue;
        for (const auto& [type, media] : response["content"].items()) {
          if (!json_media_type(type)) continue;
          if (!media.contains("schema") || !typed(media["schema"])) {
            out.push_back(method + " " + path + " " + status + " " + type);
          }
        }
      }
    }
  }
  return out;
}

TEST(OpenApiSchemas, EverySuccessJsonAnswerNamesItsSchema) {
  const json document = json::parse(api::openapi_document());
  const auto untyped = untyped_success_answers(document);
  std::string list;
  for (const std::string& answer : untyped) list += "\n  " + answer;
  EXPECT_TRUE(untyped.empty()) << "success answers documented without a named schema:" << list;
}

TEST(OpenApiSchemas, ABareObjectAnswerIsReported) {
  const json document = json::parse(R"({"paths":{"/v1/things":{"get":{"responses":{
      "200":{"description":"Success","content":{"application/json":{"schema":{"type":"object"}}}},
      "201":{"description":"Success","content":{"application/json":{"schema":{"$ref":"#/components/schemas/T"}}}},
      "204":{"description":"Done"},
      "404":{"description":"No","content":{"application/problem+json":{"schema":{"type":"object"}}}}}}}}})");
  EXPECT_EQ(untyped_success_answers(document), std::vector<std::string>{"get /v1/things 200 application/json"});
}

TEST(OpenApiSchemas, TheDocumentDeclaresItsLicense) {
  const json document = json::parse(api::openapi_document());
  ASSERT_TRUE(document["info"].contains("license"));
  EXPECT_FALSE(document["info"]["license"].value("name", "").empty());
}

}  // namespace
}  // namespace narralytica::testing
