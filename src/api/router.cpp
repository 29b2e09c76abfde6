#include <vector>

#include "api/detail/route.hpp"

namespace narralytica::api {

// Declared here, not in route.hpp, which every handler file includes.
std::span<const Route> collection_routes();  // collection_routes.cpp
std::span<const Route> analytics_routes();   // analytics_routes.cpp

namespace {

std::vector<Route> collect() {
  std::vector<Route> routes;
  for (auto group : {ops_routes(), auth_routes(), tenant_routes(), video_routes(), transcript_routes(),
                     transcript_edit_routes(), speaker_routes(), people_routes(), layer_routes(), analytics_routes(), jobs_routes(),
                     media_routes(),
                     search_routes(), webhook_routes(), collection_routes()}) {
    routes.insert(routes.end(), group.begin(), group.end());
  }
  return routes;
}

// Matches `path` against `pattern` segment by segment; "{name}" matches one non-empty segment.
bool matches(std::string_view pattern, std::string_view path,
             std::vector<std::pair<std::string_view, std::string_view>>& params) {
  params.clear();
  while (!pattern.empty() && !path.empty()) {
    if (pattern.front() != '/' || path.front() != '/') return false;
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    const auto pattern_end = pattern.find('/');
    const auto path_end = path.find('/');
    const std::string_view want = pattern.substr(0, pattern_end);
    const std::string_view have = path.substr(0, path_end);
    if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
      if (have.empty()) return false;
      params.emplace_back(want.substr(1, want.size() - 2), have);
    } else if (want != have) {
      return false;
    }
    pattern = pattern_end == std::string_view::npos ? std::string_view{} : pattern.substr(pattern_end);
    path = path_end == std::string_view::npos ? std::string_view{} : path.substr(path_end);
  }
  return pattern.empty() && path.empty();
}

}  // namespace

std::span<const Route> all_routes() {
  static const std::vector<Route> routes = collect();
  return routes;
}

RouteMatch match_route(std::string_view method, std::string_view path) {
  RouteMatch match;
  std::vector<std::pair<std::string_view, std::string_view>> params;
  for (const Route& route : all_routes()) {
    if (!matches(route.pattern, path, params)) continue;
    if (route.method == method) {
      match.route = &route;
      match.params = std::move(params);
      return match;
    }
    match.path_exists = true;
  }
  return match;
}

}  // namespace narralytica::api
