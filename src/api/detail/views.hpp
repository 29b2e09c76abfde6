// How each entity looks in the API: one function per entity writes its JSON object. Public ids
// only; internal keys never leave the process. Timestamps are RFC 3339 strings. The CLI's --json
// prints these too, so a script sees the API's shape whichever it calls.
#pragma once

#include <string>
#include <vector>

#include "formats/document.hpp"
#include "store/identity/membership_repository.hpp"
#include "store/media/collection_repository.hpp"
#include "store/identity/token_repository.hpp"
#include "store/media/people_repository.hpp"
#include "store/media/transcript_repository.hpp"
#include "store/ops/audit_log.hpp"
#include "store/ops/event_feed.hpp"
#include "store/ops/job_repository.hpp"
#include "store/tenancy/tenant_repository.hpp"

namespace narralytica::api {

std::string video_json(const store::Video& video);
std::string source_json(const store::VideoSource& source);
std::string transcript_json(const store::Transcript& transcript);
// The transcript plus "warnings": [{"message", "line", "column"}] (line and column only for a
// warning about one place of a text file), as an upload answers.
std::string transcript_json(const store::Transcript& transcript, const std::vector<formats::Warning>& warnings);
std::string segment_json(const store::Segment& segment);
// Appends one segment's JSON to `out` (the segment page's hot path).
void append_segment_json(std::string& out, const store::Segment& segment);
std::string speaker_json(const store::Speaker& speaker);
std::string person_json(const store::Person& person);
std::string appearance_json(const store::Appearance& appearance);
// A segment of a person with its video and transcript ids.
std::string person_segment_json(const store::PersonSegment& segment);
std::string tenant_json(const store::Tenant& tenant);
std::string collection_json(const store::Collection& collection);
// A video's tags: a JSON array of strings.
std::string tags_json(const std::vector<std::string>& tags);
// A tag with the number of videos carrying it: {"tag":…,"videos":…}.
std::string tag_count_json(const store::TagCount& tag);
std::string membership_json(const store::Membership& membership);
std::string role_json(const store::Role& role);
std::string token_json(const store::ApiToken& token);
std::string audit_json(const store::AuditEntry& entry);
std::string job_json(const store::Job& job);
// {"key": …, "value": <the JSON value>}
std::string config_json(std::string_view key, std::string_view value_json);
std::string event_json(const store::FeedEvent& event);
// {"items": [...], "next_after": N, "head": N}: a page of the event feed.
std::string feed_json(const store::FeedPage& page);
// {"items":[...],"next_cursor":"..."|null}
std::string page_json(const std::string& items_array, const std::optional<std::string>& next_cursor);

}  // namespace narralytica::api
