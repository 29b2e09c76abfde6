// People use cases, shared by the API (/v1/people, /v1/speakers/{id}/link) and the CLI
// (`narralytica people ...`): a person per tenant with a name, external ids and notes, linked to
// the speakers of any number of videos, merged and split. Each function runs inside the caller's
// transaction with a scope authorized for kReadPeople or kWritePeople, and every change writes its
// event and audit record there (store/media/people_repository.hpp), so a failure keeps nothing.
//
// Stateless and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/identity/permission.hpp"
#include "store/media/people_repository.hpp"

namespace narralytica::app {

// People are part of who speaks in a transcript: reading them is reading transcripts, changing
// them is the speaker editing the transcripts permission already grants.
inline constexpr store::Permission kReadPeople{"read", "transcripts"};
inline constexpr store::Permission kWritePeople{"write", "transcripts"};

// A person as a client sends it: external ids as JSON text (an object of strings).
struct PersonInput {
  std::optional<std::string> name;
  std::optional<std::string> external_ids_json;
  std::optional<std::string> notes;  // an empty string clears the notes on update
  std::optional<UnixMicros> expected_updated_at;  // update: If-Match
};

// Checks and canonicalizes external ids: a JSON object of at most 20 entries, keys 1 to 100 bytes,
// values non-empty strings of at most 200 bytes. Returns compact JSON with sorted keys. Errors:
// invalid_argument naming "external_ids" or "external_ids.<key>".
Result<std::string> canonical_external_ids(std::string_view json_text);

class PeopleService {
 public:
  // Errors: invalid_argument naming the field (name is required).
  static Result<store::Person> create(store::Transaction& tx, const store::TenantScope& scope,
                                      const PersonInput& input);
  // A live person or a tombstone (merged_into set; the API answers it with a redirect).
  // Errors: not_found.
  static Result<store::Person> get(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id);
  static Result<store::Page<store::Person>> list(store::Transaction& tx, const store::TenantScope& scope,
                                                 const store::PersonListQuery& query);
  // Errors: not_found; conflict for a merged person; invalid_argument naming the field;
  // precondition_failed when it is not at input.expected_updated_at.
  static Result<store::Person> update(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id,
                                      const PersonInput& input);
  // Deletes the person and its links (the speakers stay). Errors: not_found; conflict when merged;
  // precondition_failed when it is not at `expected_updated_at`.
  static Status remove(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id,
                       std::optional<UnixMicros> expected_updated_at = std::nullopt);

  // Links `speaker` to the person `person_ref` names: a person id, or a name. A name links to
  // the one live person of that name, creating it when there is none. Errors: not_found for the
  // speaker or a person id; conflict when several people have that name (link by id then) or the
  // person was merged; invalid_argument for a blank or too long name.
  static Result<store::Speaker> link(store::Transaction& tx, const store::TenantScope& scope, const Uuid& speaker,
                                     std::string_view person_ref);
  // Errors: not_found.
  static Result<store::Speaker> unlink(store::Transaction& tx, const store::TenantScope& scope, const Uuid& speaker);
  // The same, when `speaker` is linked to `person`. Errors: not_found (also when it is not).
  static Result<store::Speaker> unlink_from(store::Transaction& tx, const store::TenantScope& scope,
                                            const Uuid& person, const Uuid& speaker);
  // The speakers linked to the person, in every video.
  static Result<std::vector<store::Speaker>> speakers(store::Transaction& tx, const store::TenantScope& scope,
                                                      const store::Person& person);

  // Moves every speaker of `source` to `into`; `source` then answers with a pointer to `into`.
  // Undone by split with the speakers the event lists. Errors: as PeopleRepository::merge.
  static Result<store::Person> merge(store::Transaction& tx, const store::TenantScope& scope, const Uuid& source,
                                     const Uuid& into);
  // Moves the links of `speakers` from `person` to a new person named `new_name`; returns it.
  // Errors: as PeopleRepository::split.
  static Result<store::Person> split(store::Transaction& tx, const store::TenantScope& scope, const Uuid& person,
                                     const std::vector<Uuid>& speakers, std::string_view new_name);

  static Result<std::vector<store::Appearance>> appearances(store::Transaction& tx, const store::TenantScope& scope,
                                                            const store::Person& person);
  static Result<store::PersonSegmentPage> segments(store::Transaction& tx, const store::TenantScope& scope,
                                                   const store::Person& person,
                                                   const store::PersonSegmentQuery& query);
};

}  // namespace narralytica::app
