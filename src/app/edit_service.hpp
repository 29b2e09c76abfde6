// Editing a transcript as revisions: the use case behind `PATCH /v1/transcripts/{id}`,
// `GET /v1/transcripts/{id}/revisions`, `GET /v1/transcripts/{id}/diff` and
// `narralytica transcript edit`. An edit applies a list of operations (transcript_edit.hpp) to the
// current revision and stores the result as the next one (origin "edit"), in one transaction
// with one event ("transcript.edited") and one audit record; the earlier revision stays as it
// was, its layers are reported stale, and search re-projects the video from the new revision.
// Word timings survive: words an edit leaves alone keep their times exactly (word_alignment.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/transcript_diff.hpp"
#include "app/transcript_edit.hpp"
#include "store/identity/authorizer.hpp"
#include "store/media/transcript_repository.hpp"

namespace narralytica::app {

struct EditRequest {
  std::vector<EditOperation> operations;
  // The revision the caller read (If-Match); nullopt skips that check, never the check that the
  // edited transcript is the current revision.
  std::optional<int> expected_revision;
};

struct EditResult {
  store::Transcript transcript;  // the new revision; the edited one itself when `created` is false
  store::Transcript previous;    // the revision the edit was applied to
  bool created = false;          // false: the operations changed nothing, and nothing was written
  EditStats stats;
};

class EditService {
 public:
  // Applies `request` to `transcript` inside the caller's transaction (not committed), as
  // `principal`, who needs write access to transcripts in the scope's tenant. Checks every
  // operation before anything is written. Errors: not_found (also another tenant's transcript);
  // precondition_failed when `transcript` is not the current revision of its video and language
  // or expected_revision names another revision (or a concurrent edit stored the next revision
  // first); invalid_argument naming "operations[i].field"; conflict when the result has the
  // content of an older revision (stored once per video); permission_denied.
  static Result<EditResult> edit_in(store::Transaction& tx, const store::TenantScope& scope,
                                    const store::Principal& principal, const Uuid& transcript,
                                    const EditRequest& request);

  // The same in a transaction of its own, committed, for `principal` in the tenant named by
  // `tenant_ref` (slug or public id): the CLI's path.
  static Result<EditResult> edit(store::Database& database, const store::Principal& principal,
                                 std::string_view tenant_ref, const Uuid& transcript, const EditRequest& request,
                                 store::StoreContext context = {});

  // Every revision of `transcript`'s chain (its video and language), oldest first; the last is
  // the current one. `scope` must allow reading transcripts. Errors: not_found.
  static Result<std::vector<store::Transcript>> revisions_in(store::Transaction& tx, const store::TenantScope& scope,
                                                             const Uuid& transcript);

  // What changed from revision `from` to revision `to` of `transcript`'s chain (default: `to` is
  // `transcript`'s own revision, `from` the one before it). Errors: not_found for the
  // transcript, invalid_argument naming "from" or "to" for a revision the chain does not have.
  static Result<TranscriptDiff> diff_in(store::Transaction& tx, const store::TenantScope& scope,
                                        const Uuid& transcript, std::optional<int> from, std::optional<int> to);
};

}  // namespace narralytica::app
