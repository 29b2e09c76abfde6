// People: one identity per tenant (a name, external ids, notes) that the speakers of any number of
// videos are linked to, so "who said it" holds across videos (migration 0012). Every change
// records its event and audit record in the caller's transaction; every call is scoped to one
// tenant. A merged person stays as a tombstone pointing at the survivor.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/media/transcript_repository.hpp"

namespace narralytica::store {

inline constexpr std::size_t kPersonNameLengthMax = 200;
inline constexpr std::size_t kPersonNotesLengthMax = 4000;
inline constexpr std::size_t kPersonExternalIdsMax = 20;
inline constexpr int kPersonVideosMax = 100'000;

struct Person {
  std::int64_t id = 0;
  Uuid public_id;
  std::string name;
  // A JSON object of string values naming the person elsewhere: {"wikidata": "Q7259"}.
  std::string external_ids_json = "{}";
  std::optional<std::string> notes;
  std::optional<Uuid> merged_into;  // set: merged into that person; this one is a tombstone
  std::int64_t speaker_count = 0;   // linked speakers (0 for a tombstone)
  UnixMicros created_at = 0;
  UnixMicros updated_at = 0;
};

struct PersonDraft {
  std::string name;
  std::string external_ids_json = "{}";  // validated: an object of at most 20 non-empty strings
  std::optional<std::string> notes;
};

// Fields left nullopt keep their value; `notes` set to an empty string clears the notes.
struct PersonChange {
  std::optional<std::string> name;
  std::optional<std::string> external_ids_json;
  std::optional<std::string> notes;
  std::optional<UnixMicros> expected_updated_at;  // If-Match: refuse when the person changed since
};

struct PersonListQuery {
  std::optional<std::string> name_contains;  // case-insensitive (ASCII) substring of the name
  PageRequest page;
};

// A person's share of one transcript (the current revision of one language of one video).
struct Appearance {
  Uuid video_public_id;
  std::string video_title;
  std::optional<UnixMicros> video_published_at;
  Uuid transcript_public_id;
  std::string language;
  std::vector<std::string> speaker_labels;  // the video's speakers linked to the person
  std::int64_t segment_count = 0;
  std::int64_t speaking_ms = 0;  // sum of the segments' durations
  std::int64_t first_ms = 0;     // start of the person's first segment
  std::int64_t last_ms = 0;      // end of the person's last segment
};

// A segment of the person, with where it is.
struct PersonSegment {
  Uuid video_public_id;
  Uuid transcript_public_id;
  Segment segment;
};

struct PersonSegmentQuery {
  std::optional<std::pair<Uuid, std::int64_t>> after;  // keyset cursor: (transcript, ordinal)
  int limit = kPageLimitDefault;
  std::optional<std::int64_t> from_ms;  // segments ending at or after, within their video
  std::optional<std::int64_t> to_ms;    // segments starting before
};

struct PersonSegmentPage {
  std::vector<PersonSegment> items;
  std::optional<std::pair<Uuid, std::int64_t>> next_after;
};

class PeopleRepository {
 public:
  // Errors: invalid_argument naming the field (name, external_ids, notes).
  static Result<Person> create(Transaction& tx, const TenantScope& scope, const PersonDraft& draft);
  // A live person or a tombstone (merged_into set). Errors: not_found (also another tenant's id).
  static Result<Person> get(Transaction& tx, const TenantScope& scope, const Uuid& public_id);
  // Live people in id (creation) order.
  static Result<Page<Person>> list(Transaction& tx, const TenantScope& scope, const PersonListQuery& query);
  // The live people with exactly this name (names are not unique: two people may share one).
  static Result<std::vector<Person>> find_by_name(Transaction& tx, const TenantScope& scope, std::string_view name);
  // Errors: not_found; conflict for a tombstone; invalid_argument naming the field;
  // precondition_failed when the person is not at `expected_updated_at` (or changes meanwhile).
  static Result<Person> update(Transaction& tx, const TenantScope& scope, const Uuid& public_id,
                               const PersonChange& change);
  // Deletes the person, its links and its tombstones. Errors: not_found; conflict for a tombstone;
  // precondition_failed as for update.
  static Status remove(Transaction& tx, const TenantScope& scope, const Uuid& public_id,
                       std::optional<UnixMicros> expected_updated_at = std::nullopt);

  // Links a video's speaker to the person, replacing any link it had. Errors: not_found for
  // either; conflict when the person is a tombstone.
  static Result<Speaker> link(Transaction& tx, const TenantScope& scope, const Uuid& person, const Uuid& speaker);
  // Removes the speaker's link. Errors: not_found.
  static Result<Speaker> unlink(Transaction& tx, const TenantScope& scope, const Uuid& speaker);

  // Moves every link of `source` to `target`, merges their external ids (target's win) and
  // leaves `source` as a tombstone pointing at `target`; returns `target`. Errors: not_found;
  // invalid_argument when they are the same; conflict when either is a tombstone.
  static Result<Person> merge(Transaction& tx, const TenantScope& scope, const Uuid& source, const Uuid& target);
  // Moves the links of `speakers` (each linked to `person` now) to a new person named
  // `new_name`; returns it. Errors: not_found; conflict for a tombstone; invalid_argument when
  // the list is empty or a speaker is not linked to `person` (naming speakers[i]).
  static Result<Person> split(Transaction& tx, const TenantScope& scope, const Uuid& person,
                              const std::vector<Uuid>& speakers, std::string_view new_name);

  // The videos in which a speaker is linked to `person`, at most kPersonVideosMax (derived
  // systems re-read them when the person changes). An unknown person has none.
  static Result<std::vector<Uuid>> videos_of(Transaction& tx, const TenantScope& scope, const Uuid& person);
  // The speakers linked to the person.
  static Result<std::vector<Speaker>> speakers_of(Transaction& tx, const TenantScope& scope, const Person& person);
  // One entry per current transcript revision with a segment of the person, newest video first.
  static Result<std::vector<Appearance>> appearances(Transaction& tx, const TenantScope& scope, const Person& person);
  // The person's segments in the current revisions, by transcript then ordinal.
  static Result<PersonSegmentPage> segments(Transaction& tx, const TenantScope& scope, const Person& person,
                                            const PersonSegmentQuery& query);
};

}  // namespace narralytica::store
