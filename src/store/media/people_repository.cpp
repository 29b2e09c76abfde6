#include "store/media/people_repository.hpp"

#include <iterator>
#include <limits>
#include <map>
#include <set>

#include "core/json_writer.hpp"
#include "store/media/detail/speaker_row.hpp"
#include "store/media/speaker_repository.hpp"

namespace narralytica::store {
namespace {

#define PERSON_SELECT                                                                                      \
  "SELECT p.id, p.public_id, p.name, p.external_ids, p.notes, m.public_id, p.created_at, p.updated_at, "  \
  "(SELECT count(*) FROM person_speakers ps WHERE ps.tenant_id = p.tenant_id AND ps.person_id = p.id) "    \
  "FROM people p LEFT JOIN people m ON m.tenant_id = p.tenant_id AND m.id = p.merged_into_id "
constexpr const char* kSelectPerson = PERSON_SELECT "WHERE p.tenant_id = $1 AND p.public_id = $2";
constexpr const char* kListPeople =
    PERSON_SELECT "WHERE p.tenant_id = $1 AND p.merged_into_id IS NULL AND p.public_id > $2 "
                  "AND ($3 = '' OR lower(p.name) LIKE '%' || lower($3) || '%') ORDER BY p.public_id LIMIT $4";
constexpr const char* kPeopleByName =
    PERSON_SELECT "WHERE p.tenant_id = $1 AND p.name = $2 AND p.merged_into_id IS NULL ORDER BY p.id";
#undef PERSON_SELECT

constexpr const char* kInsertPerson =
    "INSERT INTO people (public_id, tenant_id, name, external_ids, notes, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $6)";
constexpr const char* kIdOfPerson = "SELECT id FROM people WHERE tenant_id = $1 AND public_id = $2";
// Both name the version read, so a change committed in between (PostgreSQL reads committed data)
// is not overwritten: the statement then touches no row.
constexpr const char* kUpdatePerson =
    "UPDATE people SET name = $3, external_ids = $4, notes = $5, updated_at = $6 "
    "WHERE tenant_id = $1 AND id = $2 AND updated_at = $7";
constexpr const char* kDeletePerson = "DELETE FROM people WHERE tenant_id = $1 AND id = $2 AND updated_at = $3";
constexpr const char* kLinkSpeaker =
    "INSERT INTO person_speakers (tenant_id, speaker_id, person_id, created_at) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (tenant_id, speaker_id) DO UPDATE SET person_id = excluded.person_id, created_at = excluded.created_at";
constexpr const char* kUnlinkSpeaker = "DELETE FROM person_speakers WHERE tenant_id = $1 AND speaker_id = $2";
constexpr const char* kMoveLinks =
    "UPDATE person_speakers SET person_id = $3 WHERE tenant_id = $1 AND person_id = $2";
constexpr const char* kRepointTombstones =
    "UPDATE people SET merged_into_id = $3, updated_at = $4 WHERE tenant_id = $1 AND merged_into_id = $2";
constexpr const char* kMarkMerged =
    "UPDATE people SET merged_into_id = $3, updated_at = $4 WHERE tenant_id = $1 AND id = $2";
constexpr const char* kMoveLink =
    "UPDATE person_speakers SET person_id = $4 WHERE tenant_id = $1 AND speaker_id = $2 AND person_id = $3";
constexpr const char* kSpeakersOfPerson =
    NARRALYTICA_SPEAKER_SELECT "WHERE s.tenant_id = $1 AND ps.person_id = $2 ORDER BY s.id";
constexpr const char* kVideosOfPerson =
    "SELECT DISTINCT v.public_id FROM people p "
    "JOIN person_speakers ps ON ps.tenant_id = p.tenant_id AND ps.person_id = p.id "
    "JOIN speakers s ON s.tenant_id = ps.tenant_id AND s.id = ps.speaker_id "
    "JOIN videos v ON v.tenant_id = s.tenant_id AND v.id = s.video_id "
    "WHERE p.tenant_id = $1 AND p.public_id = $2 LIMIT $3";

// A person's appearances: per current transcript (the highest revision per video and language)
// their segments' count, time and span, through the few transcripts transcript_speakers lists for
// the person's speakers, then each transcript's segments by the primary key's prefix. CROSS JOIN
// keeps that order on SQLite, which otherwise scans every segment of the tenant first (its
// planner has no statistics to know how few rows the person has); PostgreSQL plans a CROSS JOIN
// with conditions like any join.
constexpr const char* kAppearances =
    "SELECT v.public_id, v.title, v.published_at, t.public_id, t.language, count(*), "
    "CAST(sum(g.end_ms - g.start_ms) AS bigint), min(g.start_ms), max(g.end_ms) "
    "FROM person_speakers ps CROSS JOIN transcript_speakers ts CROSS JOIN transcripts t CROSS JOIN segments g "
    "JOIN videos v ON v.tenant_id = t.tenant_id AND v.id = t.video_id "
    "WHERE ps.tenant_id = $1 AND ps.person_id = $2 "
    "AND ts.tenant_id = ps.tenant_id AND ts.speaker_id = ps.speaker_id "
    "AND t.tenant_id = ts.tenant_id AND t.id = ts.transcript_id "
    "AND g.tenant_id = ts.tenant_id AND g.transcript_id = ts.transcript_id AND g.speaker_id = ts.speaker_id "
    "AND t.revision = (SELECT max(c.revision) FROM transcripts c WHERE c.tenant_id = t.tenant_id "
    "  AND c.video_id = t.video_id AND c.language = t.language) "
    "GROUP BY v.id, v.public_id, v.title, v.published_at, t.id, t.public_id, t.language "
    "ORDER BY v.published_at DESC NULLS LAST, v.id DESC, t.language";

// A page of the person's segments is read in two steps, so that it costs the page, not the
// person: the current transcripts the person speaks in (from transcript_speakers, a few rows per
// video), in id order from the cursor's; then each transcript's segments by the primary key's
// prefix in ordinal order, up to what the page still lacks. One statement ordering all the
// person's segments by (transcript, ordinal) before its LIMIT sorted every one of them (50,000
// for a person in 200 videos: 150-430 ms a page against under 1 ms for this).
// CROSS JOIN, as above: SQLite would otherwise walk every transcript of the tenant in id order
// (to skip the sort) probing the person's speakers for each, which is quadratic (14 ms instead of
// 0.9 ms for a person in 200 videos).
constexpr const char* kPersonTranscripts =
    "SELECT DISTINCT t.id, t.public_id, v.public_id FROM person_speakers ps "
    "CROSS JOIN transcript_speakers ts CROSS JOIN transcripts t "
    "JOIN videos v ON v.tenant_id = t.tenant_id AND v.id = t.video_id "
    "WHERE ps.tenant_id = $1 AND ps.person_id = $2 AND ts.tenant_id = ps.tenant_id "
    "AND ts.speaker_id = ps.speaker_id AND t.tenant_id = ts.tenant_id AND t.id = ts.transcript_id AND t.id >= $3 "
    "AND t.revision = (SELECT max(c.revision) FROM transcripts c WHERE c.tenant_id = t.tenant_id "
    "  AND c.video_id = t.video_id AND c.language = t.language) "
    "ORDER BY t.id";
constexpr const char* kPersonSegmentsOfTranscript =
    "SELECT g.ordinal, g.start_ms, g.end_ms, sp.public_id, sp.label, g.text, g.confidence, g.words "
    "FROM segments g "
    "JOIN person_speakers ps ON ps.tenant_id = g.tenant_id AND ps.speaker_id = g.speaker_id "
    "JOIN speakers sp ON sp.tenant_id = g.tenant_id AND sp.id = g.speaker_id "
    "WHERE g.tenant_id = $1 AND g.transcript_id = $2 AND g.ordinal > $3 AND ps.person_id = $4 "
    "AND g.end_ms >= $5 AND g.start_ms < $6 ORDER BY g.ordinal LIMIT $7";

Person read_person(const Statement& row) {
  Person p;
  p.id = row.column_int64(0);
  p.public_id = row.column_uuid(1);
  p.name = row.column_text(2);
  p.external_ids_json = row.column_text(3);
  p.notes = row.column_optional_text(4);
  p.merged_into = row.column_optional_uuid(5);
  p.created_at = row.column_int64(6);
  p.updated_at = row.column_int64(7);
  p.speaker_count = row.column_int64(8);
  return p;
}

Status check_person_name(std::string_view name, std::string_view field) {
  if (name.find_first_not_of(" \t\r\n") == std::string_view::npos || name.size() > kPersonNameLengthMax) {
    return make_error(ErrorCode::invalid_argument, "a person's name is 1 to 200 characters, not blank", std::string(field));
  }
  return ok_status();
}

Status check_notes(const std::optional<std::string>& notes) {
  if (notes && notes->size() > kPersonNotesLengthMax) {
    return make_error(ErrorCode::invalid_argument, "notes are at most 4000 characters", "notes");
  }
  return ok_status();
}

Status check_version(const Person& person, std::optional<UnixMicros> expected) {
  if (expected && *expected != person.updated_at) {
    return make_error(ErrorCode::precondition_failed, "the person changed since that version", "If-Match");
  }
  return ok_status();
}

Status changed_meanwhile(std::int64_t rows) {
  if (rows == 0) return make_error(ErrorCode::precondition_failed, "the person changed meanwhile; read it again", "If-Match");
  return ok_status();
}

// A live person: mutations of a tombstone are refused, naming where its speakers went.
Result<Person> live(Transaction& tx, const TenantScope& scope, const Uuid& id, std::string_view field) {
  auto person = PeopleRepository::get(tx, scope, id);
  if (!person.ok()) {
    Error error = person.error();
    error.field = std::string(field);
    return error;
  }
  if (person->merged_into) {
    return make_error(ErrorCode::conflict,
                      "person " + id.to_string() + " was merged into " + person->merged_into->to_string(), std::string(field));
  }
  return person;
}

Status execute_ids(Transaction& tx, const char* sql, std::int64_t tenant, std::int64_t a, std::int64_t b,
                   std::int64_t c) {
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(sql));
  s->bind_int64(1, tenant);
  s->bind_int64(2, a);
  s->bind_int64(3, b);
  s->bind_int64(4, c);
  RETURN_IF_ERROR(s->execute());
  return ok_status();
}

std::string uuid_array(const std::vector<Uuid>& ids) {
  std::string out = "[";
  for (const auto& id : ids) {
    if (out.size() > 1) out += ',';
    append_json_string(out, id.to_string());
  }
  return out + "]";
}

}  // namespace

Result<Person> PeopleRepository::create(Transaction& tx, const TenantScope& scope, const PersonDraft& draft) {
  RETURN_IF_ERROR(check_person_name(draft.name, "name"));
  RETURN_IF_ERROR(check_notes(draft.notes));
  RETURN_IF_ERROR(tx.enter(scope));
  const Uuid id = tx.new_id();
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kInsertPerson));
  s->bind_uuid(1, id);
  s->bind_int64(2, scope.tenant_id());
  s->bind_text(3, draft.name);
  s->bind_text(4, draft.external_ids_json);
  s->bind_optional_text(5, draft.notes);
  s->bind_int64(6, tx.now_us());
  RETURN_IF_ERROR(s->execute());
  tx.record_change(scope, "person.created", "person", id, JsonObject().add("name", draft.name).str());
  return get(tx, scope, id);
}

Result<Person> PeopleRepository::get(Transaction& tx, const TenantScope& scope, const Uuid& public_id) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectPerson));
  s->bind_int64(1, scope.tenant_id());
  s->bind_uuid(2, public_id);
  ASSIGN_OR_RETURN(bool found, s->step());
  if (!found) return make_error(ErrorCode::not_found, "no person " + public_id.to_string(), "person");
  Person person = read_person(*s);
  s->reset();
  return person;
}

Result<Page<Person>> PeopleRepository::list(Transaction& tx, const TenantScope& scope, const PersonListQuery& query) {
  RETURN_IF_ERROR(check_page_limit(query.page.limit));
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kListPeople));
  s->bind_int64(1, scope.tenant_id());
  s->bind_uuid(2, query.page.after.value_or(Uuid{}));
  s->bind_text(3, query.name_contains.value_or(""));
  s->bind_int64(4, query.page.limit);
  ASSIGN_OR_RETURN(auto people, s->collect(read_person));
  return make_page(std::move(people), query.page.limit);
}

Result<std::vector<Person>> PeopleRepository::find_by_name(Transaction& tx, const TenantScope& scope,
                                                           std::string_view name) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kPeopleByName));
  s->bind_int64(1, scope.tenant_id());
  s->bind_text(2, name);
  return s->collect(read_person);
}

Result<Person> PeopleRepository::update(Transaction& tx, const TenantScope& scope, const Uuid& public_id,
                                        const PersonChange& change) {
  if (change.name) RETURN_IF_ERROR(check_person_name(*change.name, "name"));
  RETURN_IF_ERROR(check_notes(change.notes));
  ASSIGN_OR_RETURN(Person person, live(tx, scope, public_id, "person"));
  RETURN_IF_ERROR(check_version(person, change.expected_updated_at));
  const UnixMicros read_version = person.updated_at;
  JsonObject changed;
  if (change.name && *change.name != person.name) {
    changed.add("name", *change.name).add("previous_name", person.name);
    person.name = *change.name;
  }
  if (change.external_ids_json) {
    changed.add_raw("external_ids", *change.external_ids_json);
    person.external_ids_json = *change.external_ids_json;
  }
  if (change.notes) {
    changed.add("notes_changed", true);
    person.notes = change.notes->empty() ? std::nullopt : change.notes;
  }
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kUpdatePerson));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, person.id);
  s->bind_text(3, person.name);
  s->bind_text(4, person.external_ids_json);
  s->bind_optional_text(5, person.notes);
  s->bind_int64(6, tx.now_us());
  s->bind_int64(7, read_version);
  ASSIGN_OR_RETURN(std::int64_t rows, s->execute());
  RETURN_IF_ERROR(changed_meanwhile(rows));
  tx.record_change(scope, "person.updated", "person", person.public_id, changed.str());
  return get(tx, scope, public_id);
}

Status PeopleRepository::remove(Transaction& tx, const TenantScope& scope, const Uuid& public_id,
                               std::optional<UnixMicros> expected_updated_at) {
  ASSIGN_OR_RETURN(Person person, live(tx, scope, public_id, "person"));
  RETURN_IF_ERROR(check_version(person, expected_updated_at));
  // The videos that showed the person's name, for derived systems: the links are gone after.
  ASSIGN_OR_RETURN(std::vector<Uuid> videos, videos_of(tx, scope, public_id));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kDeletePerson));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, person.id);
  s->bind_int64(3, person.updated_at);
  ASSIGN_OR_RETURN(std::int64_t rows, s->execute());
  RETURN_IF_ERROR(changed_meanwhile(rows));
  tx.record_change(scope, "person.deleted", "person", public_id,
                   JsonObject().add("name", person.name).add_raw("videos", uuid_array(videos)).str());
  return ok_status();
}

Result<Speaker> PeopleRepository::link(Transaction& tx, const TenantScope& scope, const Uuid& person_id,
                                       const Uuid& speaker_id) {
  ASSIGN_OR_RETURN(Person person, live(tx, scope, person_id, "person"));
  ASSIGN_OR_RETURN(Speaker speaker, SpeakerRepository::get(tx, scope, speaker_id));
  const std::optional<Uuid> previous = speaker.person_public_id;
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kLinkSpeaker));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, speaker.id);
  s->bind_int64(3, person.id);
  s->bind_int64(4, tx.now_us());
  RETURN_IF_ERROR(s->execute());
  speaker.person_public_id = person.public_id;
  speaker.person_name = person.name;
  JsonObject payload;
  payload.add("person", person.public_id.to_string()).add("person_name", person.name);
  if (previous && *previous != person.public_id) payload.add("previous_person", previous->to_string());
  tx.record_change(scope, "speaker.linked", "speaker", speaker.public_id, payload.str());
  return speaker;
}

Result<Speaker> PeopleRepository::unlink(Transaction& tx, const TenantScope& scope, const Uuid& speaker_id) {
  ASSIGN_OR_RETURN(Speaker speaker, SpeakerRepository::get(tx, scope, speaker_id));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kUnlinkSpeaker));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, speaker.id);
  RETURN_IF_ERROR(s->execute());
  JsonObject payload;
  if (speaker.person_public_id) payload.add("person", speaker.person_public_id->to_string());
  speaker.person_public_id.reset();
  speaker.person_name.reset();
  tx.record_change(scope, "speaker.unlinked", "speaker", speaker.public_id, payload.str());
  return speaker;
}

Result<Person> PeopleRepository::merge(Transaction& tx, const TenantScope& scope, const Uuid& source,
                                       const Uuid& target) {
  if (source == target) return make_error(ErrorCode::invalid_argument, "a person cannot merge into itself", "into");
  ASSIGN_OR_RETURN(Person from, live(tx, scope, source, "person"));
  ASSIGN_OR_RETURN(Person into, live(tx, scope, target, "into"));
  ASSIGN_OR_RETURN(std::vector<Speaker> moved, speakers_of(tx, scope, from));
  RETURN_IF_ERROR(execute_ids(tx, kMoveLinks, scope.tenant_id(), from.id, into.id, 0));
  RETURN_IF_ERROR(execute_ids(tx, kRepointTombstones, scope.tenant_id(), from.id, into.id, tx.now_us()));
  RETURN_IF_ERROR(execute_ids(tx, kMarkMerged, scope.tenant_id(), from.id, into.id, tx.now_us()));
  std::vector<Uuid> speaker_ids;
  for (const auto& s : moved) speaker_ids.push_back(s.public_id);
  // The merge is undone by splitting these speakers off the survivor again.
  tx.record_change(scope, "person.merged", "person", into.public_id,
                   JsonObject().add("merged", from.public_id.to_string()).add("merged_name", from.name)
                       .add_raw("speakers", uuid_array(speaker_ids)).str());
  return get(tx, scope, target);
}

Result<Person> PeopleRepository::split(Transaction& tx, const TenantScope& scope, const Uuid& person_id,
                                       const std::vector<Uuid>& speakers, std::string_view new_name) {
  if (speakers.empty()) {
    return make_error(ErrorCode::invalid_argument, "name at least one speaker to move to the new person", "speakers");
  }
  RETURN_IF_ERROR(check_person_name(new_name, "name"));
  ASSIGN_OR_RETURN(Person person, live(tx, scope, person_id, "person"));
  std::vector<std::int64_t> speaker_rows;
  std::set<Uuid> seen;
  for (std::size_t i = 0; i < speakers.size(); ++i) {
    const std::string field = "speakers[" + std::to_string(i) + "]";
    ASSIGN_OR_RETURN(Speaker speaker, SpeakerRepository::get(tx, scope, speakers[i], field));
    if (speaker.person_public_id != person.public_id) {
      return make_error(ErrorCode::invalid_argument,
                        "speaker " + speakers[i].to_string() + " is not linked to person " + person_id.to_string(),
                        field);
    }
    if (seen.insert(speakers[i]).second) speaker_rows.push_back(speaker.id);
  }
  ASSIGN_OR_RETURN(Person created, create(tx, scope, PersonDraft{std::string(new_name), "{}", std::nullopt}));
  for (std::int64_t row : speaker_rows) {
    RETURN_IF_ERROR(execute_ids(tx, kMoveLink, scope.tenant_id(), row, person.id, created.id));
  }
  tx.record_change(scope, "person.split", "person", created.public_id,
                   JsonObject().add("from", person.public_id.to_string())
                       .add_raw("speakers", uuid_array({seen.begin(), seen.end()})).str());
  return get(tx, scope, created.public_id);
}

Result<std::vector<Uuid>> PeopleRepository::videos_of(Transaction& tx, const TenantScope& scope, const Uuid& person) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kVideosOfPerson));
  s->bind_int64(1, scope.tenant_id());
  s->bind_uuid(2, person);
  s->bind_int64(3, kPersonVideosMax);
  return s->collect([](const Statement& row) { return row.column_uuid(0); });
}

Result<std::vector<Speaker>> PeopleRepository::speakers_of(Transaction& tx, const TenantScope& scope,
                                                           const Person& person) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSpeakersOfPerson));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, person.id);
  return s->collect(detail::read_speaker);
}

Result<std::vector<Appearance>> PeopleRepository::appearances(Transaction& tx, const TenantScope& scope,
                                                              const Person& person) {
  ASSIGN_OR_RETURN(std::vector<Speaker> speakers, speakers_of(tx, scope, person));
  std::map<Uuid, std::vector<std::string>> labels_by_video;
  for (const auto& s : speakers) labels_by_video[s.video_public_id].push_back(s.label);
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kAppearances));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, person.id);
  return s->collect([&](const Statement& row) {
    Appearance a;
    a.video_public_id = row.column_uuid(0);
    a.video_title = row.column_text(1);
    a.video_published_at = row.column_optional_int64(2);
    a.transcript_public_id = row.column_uuid(3);
    a.language = row.column_text(4);
    a.segment_count = row.column_int64(5);
    a.speaking_ms = row.column_int64(6);
    a.first_ms = row.column_int64(7);
    a.last_ms = row.column_int64(8);
    a.speaker_labels = labels_by_video[a.video_public_id];
    return a;
  });
}

Result<PersonSegmentPage> PeopleRepository::segments(Transaction& tx, const TenantScope& scope, const Person& person,
                                                     const PersonSegmentQuery& query) {
  RETURN_IF_ERROR(check_page_limit(query.limit));
  RETURN_IF_ERROR(tx.enter(scope));
  std::int64_t after_transcript = 0;
  std::int64_t after_ordinal = -1;
  if (query.after) {
    auto transcript = TranscriptRepository::get(tx, scope, query.after->first);
    if (!transcript.ok()) return make_error(ErrorCode::invalid_argument, "not a cursor this list gave out", "cursor");
    after_transcript = transcript->id;
    after_ordinal = query.after->second;
  }
  struct CurrentTranscript {
    std::int64_t id;
    Uuid public_id;
    Uuid video_public_id;
  };
  ASSIGN_OR_RETURN(Statement * transcripts_of_person, tx.prepare(kPersonTranscripts));
  transcripts_of_person->bind_int64(1, scope.tenant_id());
  transcripts_of_person->bind_int64(2, person.id);
  transcripts_of_person->bind_int64(3, after_transcript);
  ASSIGN_OR_RETURN(auto transcripts, transcripts_of_person->collect([](const Statement& row) {
    return CurrentTranscript{row.column_int64(0), row.column_uuid(1), row.column_uuid(2)};
  }));
  std::vector<PersonSegment> items;
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kPersonSegmentsOfTranscript));
  for (const CurrentTranscript& transcript : transcripts) {
    const auto wanted = static_cast<std::int64_t>(query.limit) - static_cast<std::int64_t>(items.size());
    if (wanted <= 0) break;
    s->bind_int64(1, scope.tenant_id());
    s->bind_int64(2, transcript.id);
    s->bind_int64(3, transcript.id == after_transcript ? after_ordinal : -1);
    s->bind_int64(4, person.id);
    s->bind_int64(5, query.from_ms.value_or(0));
    s->bind_int64(6, query.to_ms.value_or(std::numeric_limits<std::int64_t>::max()));
    s->bind_int64(7, wanted);
    ASSIGN_OR_RETURN(auto segments, s->collect([&](const Statement& row) {
      PersonSegment p;
      p.video_public_id = transcript.video_public_id;
      p.transcript_public_id = transcript.public_id;
      p.segment.ordinal = row.column_int64(0);
      p.segment.start_ms = row.column_int64(1);
      p.segment.end_ms = row.column_int64(2);
      p.segment.speaker_public_id = row.column_optional_uuid(3);
      p.segment.speaker_label = row.column_optional_text(4);
      p.segment.text = row.column_text(5);
      p.segment.confidence = row.column_optional_double(6);
      p.segment.words_json = row.column_optional_text(7);
      return p;
    }));
    std::move(segments.begin(), segments.end(), std::back_inserter(items));
  }
  PersonSegmentPage page;
  if (static_cast<int>(items.size()) == query.limit) {
    page.next_after = std::make_pair(items.back().transcript_public_id, items.back().segment.ordinal);
  }
  page.items = std::move(items);
  return page;
}

}  // namespace narralytica::store
