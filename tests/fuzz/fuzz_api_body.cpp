// libFuzzer target for API request bodies through the real route table (api/detail/route.hpp):
// the first byte picks a route that takes a body, the second the ids its path names (the
// fixture's, or ones that exist nowhere) and, for uploads, the content type; the rest is the body,
// in which VIDEO_ID, SPEAKER_ID, PERSON_ID... stand for the fixture's ids (ApiHarness::substitute).
// The request is dispatched in process (api_harness.hpp) with the owner's token, as the server
// would: body schema, handler, transaction and audit. Every answer must be 2xx or a 4xx problem
// (api_harness check_answer): a 5xx on a client's bytes is a bug.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "api_harness.hpp"

namespace {

using namespace narralytica;

const std::vector<const api::Route*>& body_routes() {
  static const std::vector<const api::Route*> routes = [] {
    std::vector<const api::Route*> out;
    for (const api::Route& route : api::all_routes()) {
      if (route.body != api::BodyKind::none) out.push_back(&route);
    }
    return out;
  }();
  return routes;
}

const char* upload_type(std::uint8_t choice) {
  switch ((choice >> 5) & 3) {
    case 0: return "application/json";
    case 1: return "text/vtt";
    case 2: return "application/x-subrip";
    default: return "video/mp4";
  }
}

}  // namespace

// NARRALYTICA_FUZZ_LIST_ROUTES=1: print which first byte picks which route (to write seeds).
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (std::getenv("NARRALYTICA_FUZZ_LIST_ROUTES")) {
    for (std::size_t i = 0; i < body_routes().size(); ++i) {
      std::printf("%zu %s %s\n", i, std::string(body_routes()[i]->method).c_str(),
                  std::string(body_routes()[i]->pattern).c_str());
    }
    std::exit(0);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  fuzz::ApiHarness& harness = fuzz::ApiHarness::instance();
  const auto& routes = body_routes();
  const api::Route& route = *routes[data[0] % routes.size()];
  const std::string path = harness.path_for(route, data[1]);
  std::string body = harness.substitute(std::string(reinterpret_cast<const char*>(data + 2), size - 2));
  fuzz::Headers headers;
  if (route.body == api::BodyKind::upload) headers.emplace_back("content-type", upload_type(data[1]));
  else headers.emplace_back("content-type", "application/json");
  std::string query;
  if (route.pattern == "/v1/videos/{id}/transcripts") query = "language=en&revision=true";
  const api::HttpResponse answer = harness.request(route.method, path, query, std::move(body), std::move(headers));
  const std::string what = std::string(route.method) + " " + path;
  fuzz::check_answer(answer, what);
  harness.restore_after(route, answer.status);
  return 0;
}
