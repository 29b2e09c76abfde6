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

// A video as views.cpp writes it; the named schema (Video) must accept it, and refuse it with
// a member missing, of the wrong type, or one the schema does not list.
const std::string kVideo =
    R"({"id":"01a24c66-4e74-72aa-9b2c-1b09d0026327","title":"T","description":"","language":null,)"
    R"("duration_ms":null,"published_at":null,"status":"active","sources":[],)"
    R"("created_at":"2026-12-06T17:00:00Z","updated_at":"2026-12-06T17:00:00Z"})";

std::string check_video(const std::string& body) {
  return check("GET", "/v1/videos/01a24c66-4e74-72aa-9b2c-1b09d0026327", answer(200, "application/json", body));
}

TEST(ContractCheck, AVideoAsTheViewWritesItPasses) { EXPECT_EQ(check_video(kVideo), ""); }

TEST(ContractCheck, AVideoWithoutARequiredMemberIsReported) {
  std::string body = kVideo;
  body.replace(body.find(R"("title":"T",)"), 12, "");
  const std::string v = check_video(body);
  EXPECT_NE(v.find("title"), std::string::npos) << v;
}

TEST(ContractCheck, AVideoMemberOfTheWrongTypeIsReportedWithItsPath) {
  std::string body = kVideo;
  body.replace(body.find(R"("duration_ms":null)"), 18, R"("duration_ms":"90s")");
  const std::string v = check_video(body);
  EXPECT_NE(v.find("[duration_ms]"), std::string::npos) << v;
}

TEST(ContractCheck, AVideoMemberTheSchemaDoesNotListIsReported) {
  std::string body = kVideo;
  body.insert(1, R"("tenant_id":7,)");
  EXPECT_NE(check_video(body), "");
}

}  // namespace
}  // namespace narralytica::testing
