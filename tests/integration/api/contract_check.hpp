// Every answer the API tests receive is checked against the operation the served
// /v1/openapi.json declares for it, so the document cannot drift from what the server does.
#pragma once

#include <string>

namespace narralytica::testing {

struct HttpResult;

// Checks one answer: the operation is found by method + path template (the target's query is
// ignored), the status must be one of its declared responses, the content type one the response
// declares, and a JSON body must validate against that response's schema. Returns "" when it
// conforms, else what is wrong, with the JSON path of a schema violation. `document` is the
// OpenAPI document text. A path no operation matches conforms only as a 404/405 problem document:
// that is what the server answers for a path or method it does not have.
std::string contract_violation(const std::string& document, const std::string& method, const std::string& target,
                               const HttpResult& result);

// The document served by the server on `port`, fetched once per test binary (it is built from
// the route table, so it is the same for every server in the binary).
const std::string& served_document(unsigned short port);

}  // namespace narralytica::testing
