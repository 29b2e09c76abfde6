#include "crash_workload.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

#include "integration/api/http_client.hpp"

namespace narralytica::testing {

namespace {

constexpr std::size_t kLiveVideosMax = 6;

double uniform(SeededRandom& random) { return static_cast<double>(random.next_u64() % 1'000'000) / 1'000'000.0; }

// Letters only, so the search index keeps it as one term: "zq" + thread letter + counter in base
// 26 + "qx", an ending no stemmer rule removes (so no two words stem alike).
std::string unique_word(int thread, std::int64_t counter) {
  std::string word = "zq";
  word += static_cast<char>('a' + thread);
  do {
    word += static_cast<char>('a' + counter % 26);
    counter /= 26;
  } while (counter > 0);
  return word + "qx";
}

// "part K of N": every segment says how many its transcript has, so a half-written transcript
// shows even when no answer told the harness what was sent.
std::string segment_text(const std::string& word, std::size_t k, std::size_t n, const char* tail) {
  return word + " part " + std::to_string(k) + " of " + std::to_string(n) + " " + tail;
}

std::string timestamp(std::int64_t ms, char decimal) {
  char out[32];
  std::snprintf(out, sizeof out, "00:%02lld:%02lld%c%03lld", static_cast<long long>(ms / 60'000),
                static_cast<long long>(ms / 1000 % 60), decimal, static_cast<long long>(ms % 1000));
  return out;
}

// A WebVTT or SRT file of `texts`, one cue a second.
std::string subtitle_file(const std::vector<std::string>& texts, bool srt) {
  std::string body = srt ? "" : "WEBVTT\n\n";
  for (std::size_t k = 0; k < texts.size(); ++k) {
    const auto start = static_cast<std::int64_t>(k) * 1000;
    if (srt) body += std::to_string(k + 1) + "\n";
    body += timestamp(start, srt ? ',' : '.') + " --> " + timestamp(start + 900, srt ? ',' : '.') + "\n";
    body += texts[k] + "\n\n";
  }
  return body;
}

std::string layer_document(const std::string& version, std::size_t segments) {
  std::string doc = R"({"kind":"sentiment","producer":{"name":"crash","version":")" + version + R"("},"items":[)";
  for (std::size_t i = 0; i < segments; ++i) {
    if (i) doc += ',';
    doc += R"({"segment":)" + std::to_string(i) + R"(,"value":{"label":")" + (i % 2 ? "positive" : "neutral") +
           R"(","score":0.5}})";
  }
  return doc + "]}";
}

nlohmann::json body_of(const HttpResult& result) {
  return nlohmann::json::parse(result.body, nullptr, false);
}

class Client {
 public:
  Client(std::uint16_t port, const std::string& token, int thread, Ledger& ledger, SeededRandom& random)
      : connection_(port, HttpConnection::unchecked), auth_("Authorization: Bearer " + token), thread_(thread), ledger_(ledger), random_(random) {}

  // One write; false when the server did not answer.
  bool step() {
    std::vector<std::size_t> live;
    for (std::size_t i = 0; i < ledger_.videos.size(); ++i) {
      const AckedVideo& v = ledger_.videos[i];
      if (!v.deleted && !v.frozen) live.push_back(i);
    }
    if (live.size() < 2 || (live.size() < kLiveVideosMax && uniform(random_) < 0.12)) return create_video();
    const std::size_t index = live[random_.next_u64() % live.size()];
    const double r = uniform(random_);
    const bool has_transcript = !ledger_.videos[index].current.empty();
    if (r < 0.15 || live.size() >= kLiveVideosMax) return delete_video(index);
    if (r < 0.45 || !has_transcript) {
      if (ledger_.videos[index].current.size() < std::size(kCrashLanguages)) return upload(index);
      return delete_video(index);
    }
    if (r < 0.75) return edit(index);
    return add_layer(index);
  }

 private:
  HttpResult send(const std::string& method, const std::string& target, const std::string& body,
                  std::vector<std::string> headers = {}) {
    headers.push_back(auth_);
    return connection_.request(method, target, body, headers);
  }

  // Records the answer; true when it was 2xx with a JSON body (or none for 204).
  bool answered(const HttpResult& result, const std::string& what, AckedVideo* touched, bool is_delete = false) {
    if (result.status == 0) {
      ++ledger_.unanswered;
      if (touched) {
        touched->frozen = true;
        if (is_delete) touched->maybe_deleted = true;
      }
      return false;
    }
    if (result.status / 100 != 2) {
      ledger_.refused.push_back(what + ": " + std::to_string(result.status) + " " + result.body);
      if (touched) touched->frozen = true;  // not worth guessing what it means for the next write
      return false;
    }
    ++ledger_.acknowledged;
    return true;
  }

  bool create_video() {
    const std::string title = "crash video " + unique_word(thread_, ledger_.counter++);
    auto result = send("POST", "/v1/videos", R"({"title":")" + title + R"("})");
    if (answered(result, "create video", nullptr)) {
      auto body = body_of(result);
      AckedVideo video;
      video.id = body["id"].get<std::string>();
      video.title = title;
      ledger_.videos.push_back(std::move(video));
    }
    return result.status != 0;
  }

  bool delete_video(std::size_t index) {
    AckedVideo& video = ledger_.videos[index];
    auto result = send("DELETE", "/v1/videos/" + video.id, "");
    if (answered(result, "delete video " + video.id, &video, true)) video.deleted = true;
    return result.status != 0;
  }

  bool upload(std::size_t index) {
    AckedVideo& video = ledger_.videos[index];
    std::string language;
    for (const char* l : kCrashLanguages) {
      if (!video.current.count(l)) {
        language = l;
        break;
      }
    }
    const std::string word = unique_word(thread_, ledger_.counter++);
    const std::size_t n = 3 + random_.next_u64() % 6;
    std::vector<std::string> texts;
    for (std::size_t k = 0; k < n; ++k) texts.push_back(segment_text(word, k, n, "alpha bravo"));
    const bool srt = random_.next_u64() % 2;
    auto result = send("POST", "/v1/videos/" + video.id + "/transcripts?language=" + language,
                       subtitle_file(texts, srt), {srt ? "Content-Type: application/x-subrip" : "Content-Type: text/vtt"});
    if (answered(result, "upload to " + video.id, &video)) {
      auto body = body_of(result);
      AckedTranscript t{body["id"].get<std::string>(), video.id, language, body["revision"].get<std::int64_t>(),
                        std::move(texts)};
      if (body["segment_count"].get<std::size_t>() != n) {
        ledger_.refused.push_back("upload " + t.id + " answered segment_count " + body["segment_count"].dump());
      }
      video.current[language] = t.id;
      ledger_.transcripts[t.id] = std::move(t);
    }
    return result.status != 0;
  }

  AckedTranscript& some_current(AckedVideo& video) {
    auto it = video.current.begin();
    std::advance(it, static_cast<long>(random_.next_u64() % video.current.size()));
    return ledger_.transcripts.at(it->second);
  }

  bool edit(std::size_t index) {
    AckedVideo& video = ledger_.videos[index];
    const AckedTranscript& from = some_current(video);
    const std::size_t n = from.texts.size();
    const std::size_t k = random_.next_u64() % n;
    const std::string text = segment_text(unique_word(thread_, ledger_.counter++), k, n, "edited");
    const std::string patch = R"({"operations":[{"op":"set_text","segment":)" + std::to_string(k) + R"(,"text":")" +
                              text + R"("}]})";
    auto result = send("PATCH", "/v1/transcripts/" + from.id, patch,
                       {"If-Match: \"" + std::to_string(from.revision) + "\""});
    if (answered(result, "edit " + from.id, &video)) {
      auto body = body_of(result);
      AckedTranscript next{body["id"].get<std::string>(), video.id, from.language,
                           body["revision"].get<std::int64_t>(), from.texts};
      next.texts[k] = text;
      video.current[next.language] = next.id;
      ledger_.transcripts[next.id] = std::move(next);
    }
    return result.status != 0;
  }

  bool add_layer(std::size_t index) {
    AckedVideo& video = ledger_.videos[index];
    const AckedTranscript& on = some_current(video);
    auto result = send("POST", "/v1/transcripts/" + on.id + "/layers",
                       layer_document(unique_word(thread_, ledger_.counter++), on.texts.size()));
    if (answered(result, "layer on " + on.id, &video)) {
      auto body = body_of(result);
      ledger_.layers.push_back(
          AckedLayer{body["id"].get<std::string>(), on.id, video.id, body["item_count"].get<std::int64_t>()});
    }
    return result.status != 0;
  }

  HttpConnection connection_;
  std::string auth_;
  int thread_;
  Ledger& ledger_;
  SeededRandom& random_;
};

}  // namespace

const AckedVideo* Ledger::video(const std::string& id) const {
  for (const AckedVideo& v : videos) {
    if (v.id == id) return &v;
  }
  return nullptr;
}

std::string first_word(const std::string& text) { return text.substr(0, text.find(' ')); }

bool run_client(std::uint16_t port, const std::string& token, int thread, Ledger& ledger, SeededRandom& random,
                const std::atomic<bool>& stop, std::atomic<std::int64_t>& acknowledged) {
  Client client(port, token, thread, ledger, random);
  while (!stop.load()) {
    const std::int64_t before = ledger.acknowledged;
    if (!client.step()) return true;
    acknowledged += ledger.acknowledged - before;
  }
  return false;
}

}  // namespace narralytica::testing
