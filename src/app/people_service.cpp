#include "app/people_service.hpp"

#include <nlohmann/json.hpp>

#include "store/media/speaker_repository.hpp"

namespace narralytica::app {
namespace {

constexpr std::size_t kExternalIdKeyLengthMax = 100;
constexpr std::size_t kExternalIdValueLengthMax = 200;

store::PersonChange change_of(const PersonInput& input) {
  return store::PersonChange{input.name, input.external_ids_json, input.notes, input.expected_updated_at};
}

}  // namespace

Result<std::string> canonical_external_ids(std::string_view json_text) {
  const auto parsed = nlohmann::json::parse(json_text, nullptr, false);
  if (!parsed.is_object()) {
    return make_error(ErrorCode::invalid_argument, "external ids are a JSON object of strings", "external_ids");
  }
  if (parsed.size() > store::kPersonExternalIdsMax) {
    return make_error(ErrorCode::invalid_argument,
                      "at most " + std::to_string(store::kPersonExternalIdsMax) + " external ids", "external_ids");
  }
  for (const auto& [key, value] : parsed.items()) {
    const std::string field = "external_ids." + key;
    if (key.empty() || key.size() > kExternalIdKeyLengthMax) {
      return make_error(ErrorCode::invalid_argument, "an external id's name is 1 to 100 bytes", field);
    }
    if (!value.is_string() || value.get_ref<const std::string&>().empty() ||
        value.get_ref<const std::string&>().size() > kExternalIdValueLengthMax) {
      return make_error(ErrorCode::invalid_argument, "an external id is a string of 1 to 200 bytes", field);
    }
  }
  return parsed.dump();  // nlohmann's object keeps keys sorted: one spelling per set of ids
}

Result<store::Person> PeopleService::create(store::Transaction& tx, const store::TenantScope& scope,
                                            const PersonInput& input) {
  if (!input.name) return make_error(ErrorCode::invalid_argument, "a person needs a name", "name");
  store::PersonDraft draft{*input.name, "{}", input.notes};
  if (draft.notes && draft.notes->empty()) draft.notes.reset();
  if (input.external_ids_json) {
    ASSIGN_OR_RETURN(draft.external_ids_json, canonical_external_ids(*input.external_ids_json));
  }
  return store::PeopleRepository::create(tx, scope, draft);
}

Result<store::Person> PeopleService::get(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id) {
  return store::PeopleRepository::get(tx, scope, id);
}

Result<store::Page<store::Person>> PeopleService::list(store::Transaction& tx, const store::TenantScope& scope,
                                                       const store::PersonListQuery& query) {
  return store::PeopleRepository::list(tx, scope, query);
}

Result<store::Person> PeopleService::update(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id,
                                            const PersonInput& input) {
  store::PersonChange change = change_of(input);
  if (input.external_ids_json) {
    ASSIGN_OR_RETURN(change.external_ids_json, canonical_external_ids(*input.external_ids_json));
  }
  return store::PeopleRepository::update(tx, scope, id, change);
}

Status PeopleService::remove(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id,
                             std::optional<UnixMicros> expected_updated_at) {
  return store::PeopleRepository::remove(tx, scope, id, expected_updated_at);
}

Result<store::Speaker> PeopleService::link(store::Transaction& tx, const store::TenantScope& scope,
                                           const Uuid& speaker, std::string_view person_ref) {
  if (auto id = Uuid::parse(person_ref)) return store::PeopleRepository::link(tx, scope, *id, speaker);
  // By name: the speaker must exist before a person is created for it.
  ASSIGN_OR_RETURN(store::Speaker existing, store::SpeakerRepository::get(tx, scope, speaker));
  ASSIGN_OR_RETURN(auto named, store::PeopleRepository::find_by_name(tx, scope, person_ref));
  if (named.size() > 1) {
    return make_error(ErrorCode::conflict,
                      std::to_string(named.size()) + " people are named \"" + std::string(person_ref) +
                          "\"; link by the person's id",
                      "person");
  }
  Uuid person;
  if (named.empty()) {
    store::PersonDraft draft;
    draft.name = std::string(person_ref);
    auto created = store::PeopleRepository::create(tx, scope, draft);
    if (!created.ok()) {
      Error error = created.error();
      error.field = "person";
      return error;
    }
    person = created->public_id;
  } else {
    person = named.front().public_id;
  }
  return store::PeopleRepository::link(tx, scope, person, existing.public_id);
}

Result<store::Speaker> PeopleService::unlink(store::Transaction& tx, const store::TenantScope& scope,
                                             const Uuid& speaker) {
  return store::PeopleRepository::unlink(tx, scope, speaker);
}

Result<store::Speaker> PeopleService::unlink_from(store::Transaction& tx, const store::TenantScope& scope,
                                                  const Uuid& person, const Uuid& speaker) {
  ASSIGN_OR_RETURN(store::Speaker linked, store::SpeakerRepository::get(tx, scope, speaker));
  if (linked.person_public_id != person) {
    return make_error(ErrorCode::not_found,
                      "speaker " + speaker.to_string() + " is not linked to person " + person.to_string(), "speaker");
  }
  return store::PeopleRepository::unlink(tx, scope, speaker);
}

Result<std::vector<store::Speaker>> PeopleService::speakers(store::Transaction& tx, const store::TenantScope& scope,
                                                            const store::Person& person) {
  return store::PeopleRepository::speakers_of(tx, scope, person);
}

Result<store::Person> PeopleService::merge(store::Transaction& tx, const store::TenantScope& scope,
                                           const Uuid& source, const Uuid& into) {
  return store::PeopleRepository::merge(tx, scope, source, into);
}

Result<store::Person> PeopleService::split(store::Transaction& tx, const store::TenantScope& scope,
                                           const Uuid& person, const std::vector<Uuid>& speakers,
                                           std::string_view new_name) {
  return store::PeopleRepository::split(tx, scope, person, speakers, new_name);
}

Result<std::vector<store::Appearance>> PeopleService::appearances(store::Transaction& tx,
                                                                  const store::TenantScope& scope,
                                                                  const store::Person& person) {
  return store::PeopleRepository::appearances(tx, scope, person);
}

Result<store::PersonSegmentPage> PeopleService::segments(store::Transaction& tx, const store::TenantScope& scope,
                                                         const store::Person& person,
                                                         const store::PersonSegmentQuery& query) {
  return store::PeopleRepository::segments(tx, scope, person, query);
}

}  // namespace narralytica::app
