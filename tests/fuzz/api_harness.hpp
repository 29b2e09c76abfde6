// The API in process for the fuzz targets that go through routes (api_body, http_request,
// segment_filter): one SQLite database per process on a RAM-backed temporary directory, a tenant
// with an owner and an editor holding API tokens, a video with a transcript, speakers, a layer
// run, a person, a collection and a webhook, and an ApiState over it. Requests are dispatched as
// the server dispatches them (api/detail/dispatch.hpp), without sockets.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/detail/dispatch.hpp"
#include "api/detail/route.hpp"

namespace narralytica::fuzz {

void require(bool condition, const char* what);

// Every byte outside [A-Za-z0-9-._~] as %XX.
std::string percent_encode(std::string_view text);

// The checks every answer must pass: not a 5xx (a bad request is the client's: a 5xx is a bug),
// and a 4xx is an RFC 9457 problem body with the answer's status, a code and a detail; a 422 also
// names the field to blame. `what` is printed when a check fails.
void check_answer(const api::HttpResponse& answer, std::string_view what);
// The `field` of a problem body, or "".
std::string problem_field(const api::HttpResponse& answer);

using Headers = std::vector<std::pair<std::string, std::string>>;

class ApiHarness {
 public:
  static ApiHarness& instance();

  // As the server would answer `method path?query` with `body`, the owner's token and `headers`
  // (names lower-case; a content-type of application/json is added for a non-empty body unless
  // given).
  api::HttpResponse request(std::string_view method, std::string_view path, std::string_view query,
                            std::string body, Headers headers);
  // As the server would answer `request`, exactly as given (with the route it matched).
  api::Dispatched dispatch(const api::HttpRequest& request);

  // The route's pattern with each {param} replaced: by `choice`, an id of the fixture's entity of
  // that kind (most choices), an id that exists nowhere, or text that is no id.
  std::string path_for(const api::Route& route, std::uint8_t choice) const;

  // `text` with the placeholders VIDEO_ID, TRANSCRIPT_ID, SPEAKER_ID, PERSON_ID and TOKEN replaced
  // by the fixture's ids and the owner's token, so that seeds (and what grows from them) can name
  // what exists.
  std::string substitute(std::string text) const;

  // Recreates the fixture's entities after a request may have deleted, merged or split them.
  void restore_after(const api::Route& route, int status);

  const std::string& owner_token() const { return owner_token_; }
  const std::string& tenant_id() const { return tenant_id_; }

 private:
  ApiHarness();
  void create_entities();
  std::string create(std::string_view path, std::string body, std::string_view query = "");

  struct Impl;
  Impl* impl_;  // never freed: lives until the process exits, like libFuzzer's own state
  std::string owner_token_;
  std::string tenant_id_;
  std::string video_, transcript_, speaker_, person_, collection_, webhook_, member_, token_, job_;
};

}  // namespace narralytica::fuzz
