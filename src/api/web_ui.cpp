#include "api/detail/web_ui.hpp"

#include <memory>
#include <span>
#include <string>
#include <unordered_map>

#include "api/problem.hpp"
#include "core/embedded_file.hpp"
#include "core/hashing.hpp"

namespace narralytica::api {

// Generated from the UI's build output by cmake/EmbedDirectory.cmake.
std::span<const EmbeddedFile> web_ui_files();

namespace {

// Scripts, styles and API calls only from this origin; media also from the web (a video's primary
// source may be any http(s) URL); images from this origin or data: URLs; no plugins, no framing.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "media-src 'self' https: http:; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

struct Asset {
  std::shared_ptr<const std::string> plain;
  std::shared_ptr<const std::string> gzip;  // null when the build made no compressed copy
  std::string content_type;
  std::string etag;
};

std::string_view content_type_of(std::string_view name) {
  const auto dot = name.rfind('.');
  const std::string_view ext = dot == std::string_view::npos ? std::string_view() : name.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "json") return "application/json";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "woff2") return "font/woff2";
  return "application/octet-stream";
}

// Built once from the embedded files: the strings are shared with every answer, never copied.
const std::unordered_map<std::string, Asset>& assets() {
  static const auto* table = [] {
    auto* map = new std::unordered_map<std::string, Asset>();
    for (const EmbeddedFile& file : web_ui_files()) {
      if (file.name.ends_with(".gz")) continue;
      Asset asset;
      asset.plain = std::make_shared<const std::string>(file.bytes);
      asset.content_type = content_type_of(file.name);
      asset.etag = "\"" + to_hex(sha256(file.bytes)).substr(0, 20) + "\"";
      map->emplace(std::string(file.name), std::move(asset));
    }
    for (const EmbeddedFile& file : web_ui_files()) {
      if (!file.name.ends_with(".gz")) continue;
      auto it = map->find(std::string(file.name.substr(0, file.name.size() - 3)));
      if (it != map->end()) it->second.gzip = std::make_shared<const std::string>(file.bytes);
    }
    return map;
  }();
  return *table;
}

bool accepts_gzip(std::string_view accept_encoding) {
  std::string_view rest = accept_encoding;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    if (item.starts_with("gzip")) return item.find("q=0") == std::string_view::npos || item.find("q=0.") != std::string_view::npos;
  }
  return false;
}

HttpResponse serve(const Asset& asset, const HttpRequest& request, bool immutable) {
  HttpResponse response;
  response.content_type = asset.content_type;
  response.with_header("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
  response.with_header("ETag", asset.etag);
  response.with_header("Vary", "Accept-Encoding");
  response.with_header("Content-Security-Policy", std::string(kContentSecurityPolicy));
  response.with_header("X-Content-Type-Options", "nosniff");
  response.with_header("Referrer-Policy", "no-referrer");
  if (request.header("if-none-match") == asset.etag) {
    response.status = 304;
    return response;
  }
  if (asset.gzip && accepts_gzip(request.header("accept-encoding"))) {
    response.with_header("Content-Encoding", "gzip");
    response.shared_body = asset.gzip;
  } else {
    response.shared_body = asset.plain;
  }
  return response;
}

}  // namespace

std::optional<HttpResponse> web_ui_answer(const HttpRequest& request) {
  if (request.method != "GET") return std::nullopt;
  const std::string_view path = request.path;
  if (path.starts_with("/v1/") || path == "/v1") return std::nullopt;
  const auto& table = assets();
  if (path.starts_with("/assets/")) {
    auto it = table.find(std::string(path.substr(1)));
    if (it == table.end()) return problem(404, "not_found", "no such file", "", request);
    return serve(it->second, request, /*immutable=*/true);
  }
  // A path whose last segment has an extension names a file, and the UI has no such file.
  const std::string_view last = path.substr(path.rfind('/') + 1);
  if (last.find('.') != std::string_view::npos) return problem(404, "not_found", "no such file", "", request);
  auto index = table.find("index.html");
  if (index == table.end()) return std::nullopt;
  return serve(index->second, request, /*immutable=*/false);
}

}  // namespace narralytica::api
