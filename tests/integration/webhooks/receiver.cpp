#include "receiver.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace narralytica::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct HookReceiver::Impl {
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  std::uint16_t port = acceptor.local_endpoint().port();
  std::thread accept_thread;
  std::atomic<bool> stopping{false};
  mutable std::mutex mutex;
  mutable std::condition_variable arrived;
  std::vector<ReceivedHook> hooks;
  std::function<HookReply(const ReceivedHook&)> responder;
  std::vector<std::shared_ptr<tcp::socket>> sockets;
  std::vector<std::thread> connections;

  void serve(std::shared_ptr<tcp::socket> socket) {
    beast::flat_buffer buffer;
    beast::error_code ec;
    while (!stopping.load()) {
      http::request<http::string_body> request;
      http::read(*socket, buffer, request, ec);
      if (ec) break;
      ReceivedHook hook{std::string(request.target()),         std::string(request["webhook-id"]),
                        std::string(request["webhook-timestamp"]), std::string(request["webhook-signature"]),
                        request.body(),                          std::chrono::steady_clock::now()};
      std::function<HookReply(const ReceivedHook&)> decide;
      {
        std::lock_guard lock(mutex);
        decide = responder;
      }
      const HookReply reply = decide ? decide(hook) : HookReply{};
      {
        std::lock_guard lock(mutex);
        hooks.push_back(hook);
      }
      arrived.notify_all();
      http::response<http::string_body> response{static_cast<http::status>(reply.status), 11};
      if (reply.retry_after) response.set(http::field::retry_after, *reply.retry_after);
      response.body() = reply.body;
      response.keep_alive(request.keep_alive());
      response.prepare_payload();
      http::write(*socket, response, ec);
      if (ec || !request.keep_alive()) break;
    }
    socket->shutdown(tcp::socket::shutdown_both, ec);
  }
};

HookReceiver::HookReceiver() : impl_(std::make_unique<Impl>()) {
  impl_->accept_thread = std::thread([impl = impl_.get()] {
    while (!impl->stopping.load()) {
      auto socket = std::make_shared<tcp::socket>(impl->io);
      beast::error_code ec;
      impl->acceptor.accept(*socket, ec);
      if (ec || impl->stopping.load()) break;
      std::lock_guard lock(impl->mutex);
      impl->sockets.push_back(socket);
      impl->connections.emplace_back([impl, socket] { impl->serve(socket); });
    }
  });
}

HookReceiver::~HookReceiver() {
  impl_->stopping.store(true);
  beast::error_code ec;
  impl_->acceptor.close(ec);
  // A blocking accept() is not always woken by close(): connect once to end it.
  {
    tcp::socket poke(impl_->io);
    poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port()), ec);
  }
  if (impl_->accept_thread.joinable()) impl_->accept_thread.join();
  std::vector<std::thread> connections;
  {
    std::lock_guard lock(impl_->mutex);
    for (auto& socket : impl_->sockets) socket->shutdown(tcp::socket::shutdown_both, ec);
    connections.swap(impl_->connections);
  }
  for (auto& t : connections) t.join();
}

std::uint16_t HookReceiver::port() const { return impl_->port; }

std::string HookReceiver::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port()) + path;
}

void HookReceiver::set_responder(std::function<HookReply(const ReceivedHook&)> responder) {
  std::lock_guard lock(impl_->mutex);
  impl_->responder = std::move(responder);
}

std::vector<ReceivedHook> HookReceiver::received() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->hooks;
}

bool HookReceiver::wait_for(std::size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->arrived.wait_for(lock, timeout, [&] { return impl_->hooks.size() >= count; });
}

}  // namespace narralytica::testing
