#include "api/detail/request_convert.hpp"

#include <cctype>
#include <string>

namespace narralytica::api {

bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > kRequestIdLengthMax) return false;
  for (char c : id) {
    if (c <= ' ' || c > '~' || c == '"' || c == '\\') return false;
  }
  return true;
}

HttpRequest to_http_request(boost::beast::http::request<boost::beast::http::string_body>& message,
                            std::string_view client_address) {
  HttpRequest request;
  request.method = std::string(message.method_string());
  const std::string_view target = message.target();
  const auto question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
  request.headers.reserve(8);
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  request.body = std::move(message.body());
  request.client_address = std::string(client_address);
  const std::string_view given = request.header("x-request-id");
  if (valid_request_id(given)) request.request_id = std::string(given);
  return request;
}

}  // namespace narralytica::api
