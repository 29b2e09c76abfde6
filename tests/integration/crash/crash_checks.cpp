#include "crash_checks.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <thread>

#include "app/audit_service.hpp"
#include "integration/api/http_client.hpp"

namespace narralytica::testing {

namespace {

using Clock = std::chrono::steady_clock;
using Row = std::function<void(const store::Statement&)>;

const store::Principal& operator_principal() {
  static const store::Principal principal = store::Principal::operator_cli("cli:crash-test");
  return principal;
}

class Checker {
 public:
  Checker(const CheckTarget& target, const std::vector<Ledger>& ledgers, SeededRandom& random)
      : target_(target), ledgers_(ledgers), random_(random) {}

  CheckReport run() {
    file_is_sound();
    read_canonical();
    nothing_half_written();
    acknowledged_writes_present();
    one_event_per_change();
    audit_records_match_events();
    audit_chains_verify();
    search_equals_canonical();
    return std::move(report_);
  }

 private:
  struct Transcript {
    std::string video;
    std::string language;
    std::int64_t revision = 0;
    std::int64_t segment_count = 0;
    std::vector<std::string> texts;  // by ordinal
    std::vector<std::int64_t> ordinals;
  };
  struct Layer {
    std::string transcript;
    std::int64_t items = 0;
  };
  struct Event {
    std::int64_t position = 0;
    std::string type;
    std::string entity;
    nlohmann::json payload;
  };

  void violation(std::string what) { report_.violations.push_back(std::move(what)); }

  // Runs `sql` (with $1 bound to the tenant's id when `tenant` is set) on the owner's connection.
  void each_row(const std::string& sql, const Row& row, bool tenant = true) {
    auto lease = target_.db.owner().acquire();
    if (!lease.ok()) return violation("cannot connect: " + lease.error().describe());
    auto s = (*lease)->prepare(sql);
    if (!s.ok()) return violation(sql + ": " + s.error().describe());
    if (tenant) (*s)->bind_int64(1, tenant_id_);
    for (;;) {
      auto more = (*s)->step();
      if (!more.ok()) {
        violation(sql + ": " + more.error().describe());
        break;
      }
      if (!*more) break;
      row(**s);
    }
    (*s)->reset();
  }

  std::int64_t scalar(const std::string& sql) {
    std::int64_t value = 0;
    each_row(sql, [&](const store::Statement& s) { value = s.column_is_null(0) ? 0 : s.column_int64(0); }, false);
    return value;
  }

  void file_is_sound() {
    if (target_.db.backend() != store::Backend::sqlite) return;
    each_row("PRAGMA integrity_check", [&](const store::Statement& s) {
      if (s.column_text(0) != "ok") violation("integrity_check: " + s.column_text(0));
    }, false);
    each_row("PRAGMA foreign_key_check", [&](const store::Statement& s) {
      violation("foreign_key_check: a row of " + s.column_text(0) + " points at a missing " + s.column_text(2));
    }, false);
  }

  void read_canonical() {
    each_row("SELECT id FROM tenants WHERE slug = '" + target_.tenant_slug + "'",
             [&](const store::Statement& s) { tenant_id_ = s.column_int64(0); }, false);
    each_row("SELECT public_id, title FROM videos WHERE tenant_id = $1",
             [&](const store::Statement& s) { videos_[s.column_uuid(0).to_string()] = s.column_text(1); });
    each_row("SELECT t.public_id, v.public_id, t.language, t.revision, t.segment_count FROM transcripts t "
             "JOIN videos v ON v.tenant_id = t.tenant_id AND v.id = t.video_id WHERE t.tenant_id = $1",
             [&](const store::Statement& s) {
               transcripts_[s.column_uuid(0).to_string()] =
                   Transcript{s.column_uuid(1).to_string(), s.column_text(2), s.column_int64(3), s.column_int64(4), {}, {}};
             });
    each_row("SELECT t.public_id, s.ordinal, s.text FROM segments s "
             "JOIN transcripts t ON t.tenant_id = s.tenant_id AND t.id = s.transcript_id "
             "WHERE s.tenant_id = $1 ORDER BY t.id, s.ordinal",
             [&](const store::Statement& s) {
               Transcript& t = transcripts_[s.column_uuid(0).to_string()];
               t.ordinals.push_back(s.column_int64(1));
               t.texts.push_back(s.column_text(2));
             });
    each_row("SELECT l.public_id, t.public_id, (SELECT count(*) FROM layer_items i WHERE i.tenant_id = l.tenant_id "
             "AND i.layer_id = l.id) FROM layers l JOIN transcripts t ON t.tenant_id = l.tenant_id AND t.id = "
             "l.transcript_id WHERE l.tenant_id = $1",
             [&](const store::Statement& s) {
               layers_[s.column_uuid(0).to_string()] = Layer{s.column_uuid(1).to_string(), s.column_int64(2)};
             });
    each_row("SELECT position, event_type, entity_public_id, CAST(payload AS text) FROM event_logs "
             "WHERE tenant_id = $1 ORDER BY position",
             [&](const store::Statement& s) {
               events_.push_back(Event{s.column_int64(0), s.column_text(1),
                                       s.column_is_null(2) ? std::string() : s.column_uuid(2).to_string(),
                                       nlohmann::json::parse(s.column_text(3), nullptr, false)});
             });
    each_row("SELECT action, resource_public_id FROM audit_logs WHERE tenant_id = $1 AND outcome = 'allowed'",
             [&](const store::Statement& s) {
               ++audited_[{s.column_text(0), s.column_is_null(1) ? std::string() : s.column_uuid(1).to_string()}];
             });
    report_.transcripts = static_cast<std::int64_t>(transcripts_.size());
    report_.events = static_cast<std::int64_t>(events_.size());
  }

  // Every transcript, acknowledged or not, is whole: its rows, its segment_count and the count
  // each segment's text announces ("part K of N") agree; every layer run covers its transcript.
  void nothing_half_written() {
    for (const auto& [id, t] : transcripts_) {
      const auto n = static_cast<std::int64_t>(t.texts.size());
      if (t.segment_count != n) {
        violation("transcript " + id + ": segment_count " + std::to_string(t.segment_count) + " but " +
                  std::to_string(n) + " segments stored");
      }
      for (std::int64_t k = 0; k < n; ++k) {
        const std::string expected = " part " + std::to_string(k) + " of " + std::to_string(n) + " ";
        if (t.ordinals[static_cast<std::size_t>(k)] != k ||
            t.texts[static_cast<std::size_t>(k)].find(expected) == std::string::npos) {
          violation("transcript " + id + " (" + std::to_string(n) + " segments stored): segment " + std::to_string(k) + " is '" +
                    t.texts[static_cast<std::size_t>(k)] + "' at ordinal " +
                    std::to_string(t.ordinals[static_cast<std::size_t>(k)]) + ", expected 'part " +
                    std::to_string(k) + " of " + std::to_string(n) + "' there");
          break;
        }
      }
    }
    for (const auto& [id, layer] : layers_) {
      auto t = transcripts_.find(layer.transcript);
      if (t != transcripts_.end() && layer.items != static_cast<std::int64_t>(t->second.texts.size())) {
        violation("layer run " + id + ": " + std::to_string(layer.items) + " items for " +
                  std::to_string(t->second.texts.size()) + " segments");
      }
    }
  }

  void acknowledged_writes_present() {
    for (const Ledger& ledger : ledgers_) {
      for (const AckedVideo& v : ledger.videos) {
        const bool stored = videos_.count(v.id) > 0;
        if (v.deleted) {
          if (stored) violation("video " + v.id + ": deleted (204) but still stored");
          ++report_.writes_verified;  // its creation and its deletion
          ++report_.writes_verified;
        } else if (!v.maybe_deleted) {
          if (!stored) {
            violation("video " + v.id + ": created (201) but missing");
          } else if (videos_[v.id] != v.title) {
            violation("video " + v.id + ": title '" + videos_[v.id] + "', acknowledged '" + v.title + "'");
          } else {
            ++report_.writes_verified;
          }
        }
      }
      for (const auto& [id, acked] : ledger.transcripts) {
        const AckedVideo* video = ledger.video(acked.video);
        auto stored = transcripts_.find(id);
        if (video->deleted) {
          if (stored != transcripts_.end()) violation("transcript " + id + ": its video was deleted (204), it is not");
          ++report_.writes_verified;
          continue;
        }
        if (video->maybe_deleted) continue;
        if (stored == transcripts_.end()) {
          violation("transcript " + id + ": acknowledged (201) but missing");
        } else if (stored->second.texts != acked.texts || stored->second.revision != acked.revision ||
                   stored->second.language != acked.language || stored->second.video != acked.video) {
          violation("transcript " + id + ": stored content differs from the acknowledged one");
        } else {
          ++report_.writes_verified;
        }
      }
      for (const AckedLayer& acked : ledger.layers) {
        const AckedVideo* video = ledger.video(acked.video);
        auto stored = layers_.find(acked.id);
        if (video->deleted) {
          if (stored != layers_.end()) violation("layer run " + acked.id + ": its video was deleted (204), it is not");
          ++report_.writes_verified;
          continue;
        }
        if (video->maybe_deleted) continue;
        if (stored == layers_.end()) {
          violation("layer run " + acked.id + ": acknowledged (201) but missing");
        } else if (stored->second.items != acked.items || stored->second.transcript != acked.transcript) {
          violation("layer run " + acked.id + ": stored items or transcript differ from the acknowledged ones");
        } else {
          ++report_.writes_verified;
        }
      }
    }
  }

  // One creation event per stored video, transcript and layer run; an event for an entity that is
  // not stored only when a later video.deleted explains its absence (else the change it announces
  // was rolled back, or lost); at most one deletion event per video.
  void one_event_per_change() {
    std::map<std::string, std::vector<const Event*>> created;  // entity -> its creation events
    std::map<std::string, std::int64_t> video_deleted_at;       // video -> position of its deletion
    std::map<std::string, std::string> video_of_transcript;
    for (const Event& e : events_) {
      if (e.type == "video.deleted") {
        if (video_deleted_at.count(e.entity)) violation("video " + e.entity + ": two video.deleted events");
        if (videos_.count(e.entity)) violation("video " + e.entity + ": video.deleted event but still stored");
        video_deleted_at[e.entity] = e.position;
      } else if (e.type == "video.created" || e.type == "transcript.created" || e.type == "transcript.edited" ||
                 e.type == "layer.version.created") {
        created[e.entity].push_back(&e);
        if (e.type.starts_with("transcript.") && e.payload.is_object()) {
          video_of_transcript[e.entity] = e.payload.value("video", "");
        }
      }
    }
    auto deleted_after = [&](const std::string& video, std::int64_t position) {
      auto it = video_deleted_at.find(video);
      return it != video_deleted_at.end() && it->second > position;
    };
    for (const auto& [entity, list] : created) {
      if (list.size() != 1) {
        violation(list.front()->type + " " + entity + ": " + std::to_string(list.size()) + " creation events");
      }
      const Event& e = *list.front();
      bool stored = false;
      std::string video;
      if (e.type == "video.created") {
        stored = videos_.count(entity) > 0;
        video = entity;
      } else if (e.type == "layer.version.created") {
        auto layer = layers_.find(entity);
        stored = layer != layers_.end();
        if (stored && e.payload.value("item_count", -1) != layer->second.items) {
          violation("layer run " + entity + ": its event says " + e.payload.dump() + ", " +
                    std::to_string(layer->second.items) + " items stored");
        }
        video = video_of_transcript[e.payload.value("transcript", "")];
      } else {
        auto t = transcripts_.find(entity);
        stored = t != transcripts_.end();
        if (stored && e.payload.value("segment_count", -1) != t->second.segment_count) {
          violation("transcript " + entity + ": its event says " + e.payload.dump() + ", " +
                    std::to_string(t->second.segment_count) + " segments stored");
        }
        video = e.payload.value("video", "");
      }
      if (!stored && !deleted_after(video, e.position)) {
        violation(e.type + " " + entity + " at " + std::to_string(e.position) +
                  ": not stored, and no later video.deleted explains it (a rolled-back change announced?)");
      }
    }
    for (const auto& [id, title] : videos_) {
      if (!created.count(id)) violation("video " + id + ": stored without a video.created event");
    }
    for (const auto& [id, t] : transcripts_) {
      if (!created.count(id)) violation("transcript " + id + ": stored without a transcript event");
    }
    for (const auto& [id, layer] : layers_) {
      if (!created.count(id)) violation("layer run " + id + ": stored without a layer.version.created event");
    }
  }

  // A change's audit record is written in its transaction beside its event: the tenant's allowed
  // records and its events name the same changes, each once.
  void audit_records_match_events() {
    std::map<std::pair<std::string, std::string>, int> announced;
    for (const Event& e : events_) ++announced[{e.type, e.entity}];
    for (const auto& [change, n] : announced) {
      const int audited = audited_.count(change) ? audited_.at(change) : 0;
      if (audited != n) {
        violation(change.first + " " + change.second + ": " + std::to_string(n) + " events, " + std::to_string(audited) +
                  " audit records");
      }
    }
    for (const auto& [change, n] : audited_) {
      if (!announced.count(change)) violation(change.first + " " + change.second + ": audited but no event");
    }
  }

  void audit_chains_verify() {
    auto reports = app::AuditService::verify_all(target_.db.app(), operator_principal(), std::nullopt);
    if (!reports.ok()) return violation("audit verify: " + reports.error().describe());
    for (const app::ChainReport& chain : *reports) {
      if (chain.verification.first_broken) {
        violation("audit chain " + chain.chain + " broken at record " + std::to_string(chain.verification.first_broken_index) +
                  ": " + chain.verification.reason);
      }
    }
  }

  // Waits for the restarted server's search pipeline to reach the feed's head, probes the live
  // index with the words of acknowledged current transcripts, then compares every transcript's
  // documents with a fresh projection (`reindex --verify`).
  void search_equals_canonical() {
    const auto started = Clock::now();
    const std::int64_t head = scalar("SELECT max(position) FROM event_logs");
    while (scalar("SELECT max(position) FROM pipeline_checkpoints WHERE pipeline = '" +
                  std::string(app::kSearchPipeline) + "'") < head) {
      if (Clock::now() - started > std::chrono::seconds(60)) {
        return violation("the search pipeline did not reach the feed's head (" + std::to_string(head) + ") in 60 s");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    report_.search_catch_up_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    probe_live_index();
    auto reports = target_.search.verify(operator_principal(), target_.tenant_slug, 1);
    if (!reports.ok()) return violation("search verify: " + reports.error().describe());
    for (const search::VerifyReport& r : *reports) {
      if (r.index_missing && !transcripts_.empty()) violation("search: the tenant's index is missing");
      for (const search::Drift& d : r.drift) violation("search: transcript " + d.transcript.to_string() + " " + d.what);
    }
  }

  void probe_live_index() {
    std::vector<const AckedTranscript*> current;  // acknowledged, still the newest, video untouched by a kill
    for (const Ledger& ledger : ledgers_) {
      for (const AckedVideo& v : ledger.videos) {
        if (v.deleted || v.frozen) continue;
        for (const auto& [language, id] : v.current) current.push_back(&ledger.transcripts.at(id));
      }
    }
    for (int i = 0; i < target_.probes && !current.empty(); ++i) {
      const AckedTranscript& t = *current[random_.next_u64() % current.size()];
      const std::string word = first_word(t.texts[random_.next_u64() % t.texts.size()]);
      std::int64_t expected = 0;
      for (const std::string& text : t.texts) expected += first_word(text) == word;
      auto answer = http(target_.port, "GET", "/v1/search?limit=50&q=" + word, "",
                         {"Authorization: Bearer " + target_.token});
      auto body = nlohmann::json::parse(answer.body, nullptr, false);
      if (answer.status != 200 || !body.is_object()) {
        violation("search " + word + ": " + std::to_string(answer.status) + " " + answer.body);
        continue;
      }
      std::int64_t hits = 0;
      for (const auto& item : body["items"]) hits += item.value("transcript_id", "") == t.id;
      if (hits != expected || body["items"].size() != static_cast<std::size_t>(expected)) {
        violation("search " + word + ": " + std::to_string(body["items"].size()) + " hits, " + std::to_string(hits) +
                  " of transcript " + t.id + "; its acknowledged text has " + std::to_string(expected));
      }
    }
  }

  const CheckTarget& target_;
  const std::vector<Ledger>& ledgers_;
  SeededRandom& random_;
  CheckReport report_;
  std::int64_t tenant_id_ = 0;
  std::map<std::string, std::string> videos_;  // id -> title
  std::map<std::string, Transcript> transcripts_;
  std::map<std::string, Layer> layers_;
  std::vector<Event> events_;
  std::map<std::pair<std::string, std::string>, int> audited_;  // (action, entity) -> allowed records
};

}  // namespace

CheckReport check_after_restart(const CheckTarget& target, const std::vector<Ledger>& ledgers, SeededRandom& random) {
  return Checker(target, ledgers, random).run();
}

}  // namespace narralytica::testing
