#include "http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include <gtest/gtest.h>

#include "contract_check.hpp"

namespace narralytica::testing {

HttpConnection::HttpConnection(std::uint16_t port, Checking checking) : port_(port), checking_(checking) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) return;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd_);
    fd_ = -1;
    return;
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

HttpConnection::~HttpConnection() {
  if (fd_ >= 0) ::close(fd_);
}

HttpResult HttpConnection::request(const std::string& method, const std::string& target, const std::string& body,
                                   const std::vector<std::string>& headers) {
  std::string text = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  bool has_type = false;
  for (const auto& h : headers) {
    text += h + "\r\n";
    if (strncasecmp(h.c_str(), "content-type:", 13) == 0) has_type = true;
  }
  if (!body.empty() && !has_type) text += "Content-Type: application/json\r\n";
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  text += "\r\n" + body;
  HttpResult result = raw(text);
  if (checking_ == checked) {
    const std::string& document = served_document(port_);
    if (document.empty()) {
      ADD_FAILURE() << "could not fetch /v1/openapi.json to check " << method << " " << target;
    } else if (const std::string violation = contract_violation(document, method, target, result); !violation.empty()) {
      ADD_FAILURE() << "OpenAPI contract: " << violation;
    }
  }
  return result;
}

HttpResult HttpConnection::raw(const std::string& bytes) {
  if (fd_ < 0) return {};
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may answer (413) and close before reading everything
    sent += static_cast<std::size_t>(n);
  }
  return read_response();
}

HttpResult HttpConnection::read_response() {
  HttpResult result;
  auto fill = [this]() {
    char chunk[65536];
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 30'000) <= 0) return false;
    const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  };
  std::size_t header_end;
  while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return result;
  }
  const std::string head = buffer_.substr(0, header_end);
  buffer_.erase(0, header_end + 4);
  std::size_t line_end = head.find("\r\n");
  const std::string status_line = head.substr(0, line_end);
  result.status = std::atoi(status_line.substr(status_line.find(' ') + 1, 3).c_str());
  while (line_end != std::string::npos) {
    const std::size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    const std::string line = head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    result.headers[name] = value;
  }
  const std::size_t length = static_cast<std::size_t>(std::atoll(result.header("content-length").c_str()));
  while (buffer_.size() < length) {
    if (!fill()) break;
  }
  result.body = buffer_.substr(0, length);
  buffer_.erase(0, std::min(length, buffer_.size()));
  return result;
}

bool HttpConnection::closed_by_peer(int timeout_ms) {
  if (fd_ < 0) return true;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) <= 0) return false;
  char c;
  return ::recv(fd_, &c, 1, MSG_PEEK) == 0;
}

HttpResult http(std::uint16_t port, const std::string& method, const std::string& target, const std::string& body,
                const std::vector<std::string>& headers, HttpConnection::Checking checking) {
  HttpConnection connection(port, checking);
  return connection.request(method, target, body, headers);
}

}  // namespace narralytica::testing
