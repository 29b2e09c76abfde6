// The contract check every API test's answers go through must catch drift: these hand-made
// answers break the document in one way each, and each must be reported (with where it broke).
#include "contract_check.hpp"

#include <gtest/gtest.h>

#include "api/openapi.hpp"
#include "http_client.hpp"

namespace narralytica::testing {
namespace {

HttpResult answer(int status, const std::string& type, const std::string& body) {
  HttpResult result;
  result.status = status;
  result.headers["content-type"] = type;
  result.body = body;
  return result;
}

std::string check(const std::string& method, const std::string& target, const HttpResult& result) {
  return contract_violation(std::string(api::openapi_document()), method, target, result);
}

const std::string kProblem =
    R"({"type":"about:blank","title":"Not Found","status":404,"code":"not_found","detail":"no such video"})";

TEST(ContractCheck, AConformingProblemPasses) {
  EXPECT_EQ(check("GET", "/v1/videos/7b0c?x=1", answer(404, "application/problem+json", kProblem)), "");
}

TEST(ContractCheck, AnUndeclaredStatusIsReported) {
  const std::string v = check("GET", "/v1/videos/7b0c", answer(418, "application/problem+json", kProblem));
  EXPECT_NE(v.find("status not declared for /v1/videos/{id}"), std::string::npos) << v;
}

TEST(ContractCheck, AProblemWithoutItsCodeIsReported) {
  const std::string body = R"({"type":"about:blank","title":"Not Found","status":404,"detail":"no such video"})";
  const std::string v = check("GET", "/v1/videos/7b0c", answer(404, "application/problem+json", body));
  EXPECT_NE(v.find("code"), std::string::npos) << v;
}

TEST(ContractCheck, AMemberOfTheWrongTypeIsReportedWithItsPath) {
  const std::string body =
      R"({"type":"about:blank","title":"Not Found","status":"404","code":"not_found","detail":"no such video"})";
  const std::string v = check("GET", "/v1/videos/7b0c", answer(404, "application/problem+json", body));
  EXPECT_NE(v.find("[status]"), std::string::npos) << v;
}

TEST(ContractCheck, AnUndeclaredContentTypeIsReported) {
  const std::string v = check("GET", "/v1/openapi.json", answer(200, "text/plain", "{}"));
  EXPECT_NE(v.find("content type 'text/plain' not declared"), std::string::npos) << v;
}

TEST(ContractCheck, ABodyThatIsNotJsonIsReported) {
  const std::string v = check("GET", "/v1/openapi.json", answer(200, "application/json", "<html>"));
  EXPECT_NE(v.find("not JSON"), std::string::npos) << v;
}

TEST(ContractCheck, AnAnswerForAPathWithNoOperationIsReported) {
  const std::string v = check("POST", "/v1/nowhere", answer(200, "application/json", "{}"));
  EXPECT_NE(v.find("no operation in the document"), std::string::npos) << v;
}

}  // namespace
}  // namespace narralytica::testing
