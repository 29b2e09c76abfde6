#include "api/problem.hpp"

#include "api/error_status.hpp"
#include "core/json_writer.hpp"

namespace narralytica::api {

HttpResponse problem(int status, std::string_view code, std::string_view detail, std::string_view field,
                     const HttpRequest& request) {
  JsonObject body;
  body.add("type", "https://narralytica.dev/problems/" + std::string(code))
      .add("title", status_title(status))
      .add("status", status)
      .add("code", code)
      .add("detail", detail);
  if (!field.empty()) body.add("field", field);
  body.add("instance", request.path).add("request_id", request.request_id);
  HttpResponse response;
  response.status = status;
  response.content_type = "application/problem+json";
  response.body = body.str();
  if (status == 401) response.with_header("WWW-Authenticate", "Bearer realm=\"narralytica\"");
  return response;
}

HttpResponse problem(const Error& error, const HttpRequest& request) {
  // Internal failures keep their details in the server log, not in the answer.
  const bool internal = error.code == ErrorCode::internal;
  return problem(http_status(error.code), problem_code(error.code),
                 internal ? "an internal error occurred; quote the request id when reporting it" : error.message,
                 internal ? std::string_view{} : std::string_view(error.field), request);
}

}  // namespace narralytica::api
