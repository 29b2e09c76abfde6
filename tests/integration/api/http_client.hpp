// A minimal blocking HTTP/1.1 client for the API tests: plain POSIX sockets, so the tests talk to
// the server exactly as an outside client does and share no HTTP code with it. One Connection is
// one keep-alive TCP connection.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace narralytica::testing {

struct HttpResult {
  int status = 0;            // 0: the connection failed or closed before an answer
  std::map<std::string, std::string> headers;  // names lower-case
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class HttpConnection {
 public:
  // Answers to request() are checked against the served OpenAPI document (contract_check.hpp)
  // and a test fails on any that does not conform; `unchecked` is for fetching that document.
  enum Checking { checked, unchecked };
  explicit HttpConnection(std::uint16_t port, Checking checking = checked);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Sends a request and reads its answer. `headers` are "Name: value" lines.
  HttpResult request(const std::string& method, const std::string& target, const std::string& body = "",
                     const std::vector<std::string>& headers = {});
  // Sends raw bytes and reads one answer (for malformed requests; not checked: the request may
  // not name an operation at all).
  HttpResult raw(const std::string& bytes);
  // True when the server closed the connection (reads EOF within `timeout_ms`).
  bool closed_by_peer(int timeout_ms);

 private:
  HttpResult read_response();
  std::uint16_t port_;
  Checking checking_;
  int fd_ = -1;
  std::string buffer_;
};

// One request on a fresh connection.
HttpResult http(std::uint16_t port, const std::string& method, const std::string& target, const std::string& body = "",
                const std::vector<std::string>& headers = {},
                HttpConnection::Checking checking = HttpConnection::checked);

}  // namespace narralytica::testing
