#include "api/detail/schemas.hpp"

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace narralytica::api {
namespace schemas_impl {
namespace {

using nlohmann::json;
using Members = std::vector<std::pair<std::string, json>>;

json typed(const char* type) { return {{"type", type}}; }
json text() { return typed("string"); }
json integer() { return typed("integer"); }
json number() { return typed("number"); }
json boolean() { return typed("boolean"); }
json id() { return {{"type", "string"}, {"format", "uuid"}}; }
json timestamp() { return {{"type", "string"}, {"format", "date-time"}}; }
json any_object() { return typed("object"); }  // a stored JSON object of the caller's (payload, params)
json any_value() { return json::object(); }     // any JSON value (a layer item's value)
json ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }
json array(json items) { return {{"type", "array"}, {"items", std::move(items)}}; }
// [first, last]: a range of segment ordinals.
json segment_range() { return {{"type", "array"}, {"items", integer()}, {"minItems", 2}, {"maxItems", 2}}; }
// A string that is one of `values` (the names a writer's switch can return).
json one_of(std::initializer_list<const char*> values) { return {{"type", "string"}, {"enum", json::array_t(values.begin(), values.end())}}; }

// The schema, or null: ["T", "null"] for a plain typed schema, anyOf for a reference or a
// format (a validator may check a format on null as well: valijson does).
json nullable(json schema) {
  if (schema.contains("type") && schema["type"].is_string() && !schema.contains("format")) {
    schema["type"] = json::array({schema["type"], "null"});
    return schema;
  }
  return {{"anyOf", json::array({std::move(schema), typed("null")})}};
}

// An object whose `members` are always written (null where nullable) and whose `optional` ones
// only sometimes; no others.
json object(const Members& members, const Members& optional = {}) {
  json properties = json::object();
  json required = json::array();
  for (const auto& [name, schema] : members) {
    properties[name] = schema;
    required.push_back(name);
  }
  for (const auto& [name, schema] : optional) properties[name] = schema;
  return {{"type", "object"}, {"properties", properties}, {"required", required}, {"additionalProperties", false}};
}

// page_json (views.hpp): {items: [...], next_cursor: string | null}, plus `extra` members.
json page(const std::string& item, const Members& extra = {}) {
  Members members = {{"items", array(ref(item))}, {"next_cursor", nullable(text())}};
  members.insert(members.end(), extra.begin(), extra.end());
  return object(members);
}

// views.cpp: transcript_object, the members every transcript answer starts with.
Members transcript_members() {
  return {{"id", id()},
          {"video_id", id()},
          {"language", text()},
          {"revision", integer()},
          {"previous_id", nullable(id())},
          {"origin", text()},
          {"engine", nullable(text())},
          {"model", nullable(text())},
          {"model_version", nullable(text())},
          {"content_hash", text()},
          {"segment_count", integer()},
          {"created_at", timestamp()}};
}

Members with(Members members, const Members& more) {
  members.insert(members.end(), more.begin(), more.end());
  return members;
}

// app/search_service.cpp: add_source, the hit's or citation's place.
Members source_members() {
  return {{"video_id", id()}, {"video_title", text()}, {"transcript_id", id()}, {"revision", integer()},
          {"language", text()}};
}

void add_media(json& s) {
  s["Video"] = object({{"id", id()},
                       {"title", text()},
                       {"description", text()},
                       {"language", nullable(text())},
                       {"duration_ms", nullable(integer())},
                       {"published_at", nullable(timestamp())},
                       {"status", text()},
                       {"sources", array(ref("VideoSource"))},
                       {"created_at", timestamp()},
                       {"updated_at", timestamp()}});
  s["VideoSource"] = object({{"id", id()},
                             {"kind", text()},
                             {"uri", nullable(text())},
                             {"external_id", nullable(text())},
                             {"checksum", nullable(text())},
                             {"is_primary", boolean()}});
  s["Transcript"] = object(transcript_members());
  s["TranscriptUpload"] = object(with(
      transcript_members(),
      {{"warnings", array(object({{"message", text()}}, {{"line", integer()}, {"column", integer()}}))}}));
  s["TranscriptEdit"] = object(with(transcript_members(), {{"edit", object({{"created", boolean()},
                                                                            {"previous_id", id()},
                                                                            {"previous_revision", integer()},
                                                                            {"operations", integer()},
                                                                            {"segments_changed", integer()},
                                                                            {"words_timed", integer()},
                                                                            {"words_interpolated", integer()}})}}));
  // GET /v1/transcripts/{id}?format=json: the transcript itself in Narralytica's JSON format
  // (docs/formats.md), which formats/narralytica_json.cpp writes and reads.
  s["TranscriptExport"] = {{"type", "object"}, {"required", json::array({"segments"})},
                           {"properties", {{"segments", array(any_object())}}}};
  s["TranscriptOrExport"] = {{"anyOf", json::array({ref("Transcript"), ref("TranscriptExport")})}};
  // app/transcript_service.cpp encode_words: w(ord), s(tart), e(nd), c(onfidence), i(nterpolated), a(ligned).
  s["Word"] = object({{"w", text()}, {"s", integer()}, {"e", integer()}},
                     {{"c", number()}, {"i", boolean()}, {"a", boolean()}});
  s["Segment"] = object({{"ordinal", integer()},
                         {"start_ms", integer()},
                         {"end_ms", integer()},
                         {"speaker_id", nullable(id())},
                         {"speaker", nullable(text())},
                         {"text", text()},
                         {"confidence", nullable(number())},
                         {"words", nullable(array(ref("Word")))}},
                        // ?layers=: the values of each layer's items covering the segment
                        {{"layers", {{"type", "object"}, {"additionalProperties", array(any_value())}}}});
  // transcript_edit_routes.cpp diff_revisions: the two revisions, the counts, and each segment
  // added, removed or changed (a changed one names the fields that differ, and its words that do
  // when its text does); a word's times and timing are there when it has them.
  const json word = object({{"text", text()}},
                           {{"start_ms", integer()}, {"end_ms", integer()}, {"timing", one_of({"asr", "interpolated", "aligned"})}});
  const json change = one_of({"added", "removed", "changed"});
  s["SegmentChange"] = object({{"change", change}},
                              {{"from_ordinal", integer()},
                               {"to_ordinal", integer()},
                               {"fields", array(one_of({"text", "start_ms", "end_ms", "speaker"}))},
                               {"from", ref("Segment")},
                               {"to", ref("Segment")},
                               {"words", array(object({{"change", change}}, {{"from", word}, {"to", word}}))}});
  s["TranscriptDiff"] = object({{"from", ref("Transcript")},
                                {"to", ref("Transcript")},
                                {"counts", object({{"segments_added", integer()},
                                                   {"segments_removed", integer()},
                                                   {"segments_changed", integer()},
                                                   {"words_added", integer()},
                                                   {"words_removed", integer()},
                                                   {"words_changed", integer()}})},
                                {"segments", array(ref("SegmentChange"))}});
  s["Speaker"] = object({{"id", id()},
                         {"video_id", id()},
                         {"label", text()},
                         {"display_name", nullable(text())},
                         {"person_id", nullable(id())},
                         {"person_name", nullable(text())}});
}

void add_people(json& s) {
  s["Person"] = object({{"id", id()},
                        {"name", text()},
                        {"external_ids", {{"type", "object"}, {"additionalProperties", text()}}},
                        {"notes", nullable(text())},
                        {"merged_into", nullable(id())},
                        {"speaker_count", integer()},
                        {"created_at", timestamp()},
                        {"updated_at", timestamp()}});
  s["Appearance"] = object({{"video", object({{"id", id()}, {"title", text()}, {"published_at", nullable(timestamp())}})},
                            {"transcript_id", id()},
                            {"language", text()},
                            {"speakers", array(text())},
                            {"segment_count", integer()},
                            {"speaking_ms", integer()},
                            {"first_ms", integer()},
                            {"last_ms", integer()}});
  s["PersonSegment"] = object({{"video_id", id()}, {"transcript_id", id()}, {"segment", ref("Segment")}});
}

void add_search(json& s) {
  // app/search_service.cpp speaker_json: null when the segment has no speaker.
  s["HitSpeaker"] = object({{"id", nullable(id())},
                            {"label", text()},
                            {"name", nullable(text())},
                            {"person", nullable(object({{"id", id()}, {"name", text()}}))}});
  s["SearchHit"] = object(with(source_members(), {{"ordinal", integer()},
                                                  {"start_ms", integer()},
                                                  {"end_ms", integer()},
                                                  {"speaker", nullable(ref("HitSpeaker"))},
                                                  {"text", text()},
                                                  {"snippet", text()},
                                                  {"score", number()},
                                                  {"link", text()}}),
                          // hybrid search: each list's rank, null when the hit was not in that list
                          {{"text_rank", nullable(integer())}, {"vector_rank", nullable(integer())}});
  s["SearchPage"] = object({{"items", array(ref("SearchHit"))},
                            {"groups", array(object({{"video_id", id()},
                                                     {"video_title", text()},
                                                     {"hits", integer()},
                                                     {"hits_exact", boolean()},
                                                     {"items", array(ref("SearchHit"))}}))},
                            {"total", object({{"value", integer()}, {"exact", boolean()}})},
                            {"next_cursor", nullable(text())},
                            {"indexed_through", integer()}});
  const json count = array(object({{"id", nullable(text())}, {"name", nullable(text())}, {"count", integer()}}));
  s["Timeline"] = object({{"buckets", array(object({{"start", text()},
                                                    {"count", integer()},
                                                    {"series", count},
                                                    {"top", array(ref("SearchHit"))}}))},
                          {"total", integer()},
                          {"undated", integer()},
                          {"peak", nullable(text())},
                          {"first_mention", nullable(ref("SearchHit"))},
                          {"series", count},
                          {"indexed_through", integer()}});
  // app/retrieval_service.cpp retrieval_json
  s["Retrieve"] = object(
      {{"passages", array(object({{"passage_id", text()},
                                  {"text", text()},
                                  {"words", integer()},
                                  {"tokens", integer()},
                                  {"score", number()},
                                  {"hits", integer()},
                                  {"citation", object(with(source_members(), {{"first_ordinal", integer()},
                                                                              {"last_ordinal", integer()},
                                                                              {"start_ms", integer()},
                                                                              {"end_ms", integer()},
                                                                              {"speaker", nullable(ref("HitSpeaker"))},
                                                                              {"link", text()}}))}}))},
       {"budget", object({{"unit", nullable(text())},
                          {"limit", nullable(integer())},
                          {"words", integer()},
                          {"tokens", integer()},
                          {"truncated", boolean()}})},
       {"indexed_through", integer()}});
}

// app/conversation_view.cpp: the measures of a speaker's, a person's or a video's row.
Members conversation_measures() {
  return {{"talk_ms", integer()},
          {"talk_share", number()},
          {"words", integer()},
          {"words_per_minute", number()},
          {"turns", integer()},
          {"average_turn_ms", number()},
          {"longest_turn_ms", integer()},
          {"interruptions", integer()},
          {"interrupted", integer()},
          {"overlaps", integer()},
          {"overlap_ms", integer()},
          {"questions", integer()},
          {"floor_transfer_median_ms", nullable(number())}};
}

void add_analytics(json& s) {
  // party_json: a speaker has its label and its person (null when unlinked); the others do not.
  s["ConversationParty"] = object({{"kind", one_of({"speaker", "person", "unlinked", "unattributed"})},
                                   {"id", nullable(id())},
                                   {"name", text()}},
                                  {{"label", text()}, {"person", nullable(object({{"id", id()}, {"name", text()}}))}});
  const json party = ref("ConversationParty");
  s["ConversationReport"] = object(
      {{"scope", one_of({"transcript", "video", "speaker", "person", "tenant"})},
       {"id", nullable(id())},
       {"transcript", nullable(object({{"id", id()}, {"revision", integer()}, {"language", text()}}))},
       {"video_id", nullable(id())},
       {"timing", one_of({"words", "segments", "mixed", "none"})},
       {"options", object({{"overlap_threshold_ms", integer()}, {"yield_window_ms", integer()}})},
       {"totals", object({{"transcripts", integer()},
                          {"span_ms", integer()},
                          {"speech_ms", integer()},
                          {"silence_ms", integer()},
                          {"silence_share", number()},
                          {"overlap_ms", integer()},
                          {"talk_ms", integer()},
                          {"words", integer()},
                          {"words_per_minute", number()},
                          {"turns", integer()},
                          {"average_turn_ms", number()},
                          {"longest_turn_ms", integer()},
                          {"speaker_changes", integer()},
                          {"interruptions", integer()},
                          {"overlaps", integer()},
                          {"questions", integer()},
                          {"floor_transfer_median_ms", nullable(number())}})},
       {"speakers", array(object(with({{"who", party}}, conversation_measures())))},
       {"pairs", array(object({{"from", party},
                               {"to", party},
                               {"changes", integer()},
                               {"median_offset_ms", nullable(number())}}))},
       // person scope: the person's row in each video
       {"videos", array(object(with({{"video_id", id()}, {"title", text()}, {"published_at", nullable(timestamp())}},
                                    conversation_measures())))}});
}

void add_layers(json& s) {
  // app/layer_json.cpp
  s["LayerRun"] = object({{"id", id()},
                          {"transcript", id()},
                          {"transcript_revision", integer()},
                          {"kind", text()},
                          {"version", integer()},
                          {"producer", object({{"name", text()}, {"version", text()}, {"params", any_object()}})},
                          {"params_hash", text()},
                          {"transcript_content_hash", text()},
                          {"item_count", integer()},
                          {"current", boolean()},
                          {"pinned", boolean()},
                          {"stale", boolean()},
                          {"created_at", timestamp()}});
  // One segment, a [first, last] range of them, or neither (an item over a time span only).
  s["LayerItem"] = object({{"start_ms", integer()}, {"end_ms", integer()}, {"value", any_value()}},
                          {{"segment", integer()}, {"segments", segment_range()}});
  s["LayerRunItems"] = object({{"run", ref("LayerRun")}, {"items", array(ref("LayerItem"))}, {"next_cursor", nullable(text())}});
  // app/layer_json.cpp layer_diff_json: the counts, the changed segments as [first, last] ranges,
  // and a page of entries; an entry names its segments when its items cover some, and carries the
  // value it had (`from`: removed, changed) and has (`to`: added, changed).
  s["LayerDiff"] = object({{"kind", text()},
                           {"from", integer()},
                           {"to", integer()},
                           {"added", integer()},
                           {"removed", integer()},
                           {"changed", integer()},
                           {"unchanged", integer()},
                           {"changed_segments", array(segment_range())},
                           {"items", array(object({{"change", one_of({"added", "removed", "changed"})},
                                                   {"start_ms", integer()},
                                                   {"end_ms", integer()}},
                                                  {{"segment_first", integer()},
                                                   {"segment_last", integer()},
                                                   {"from", any_value()},
                                                   {"to", any_value()}}))},
                           {"next_cursor", nullable(text())}});
  // layer_routes.cpp search_segments: a segment whose current layers match, and where it is.
  s["SegmentMatch"] = object({{"transcript", id()}, {"video", id()}, {"segment", ref("Segment")}});
  // layer_routes.cpp layer_analytics: one row per label (and video, speaker, bucket when grouped
  // by them); `video` with by=video, `speaker` and `speaker_label` with by=speaker (null for
  // segments without a speaker), `bucket_start_ms` with bucket=.
  s["LayerAnalytics"] = object({{"kind", text()},
                                {"bucket_ms", nullable(integer())},
                                {"items", array(object({{"label", nullable(text())},
                                                        {"count", integer()},
                                                        {"mean_score", nullable(number())}},
                                                       {{"video", id()},
                                                        {"speaker", nullable(id())},
                                                        {"speaker_label", nullable(text())},
                                                        {"bucket_start_ms", integer()}}))}});
}

void add_ops(json& s) {
  s["Job"] = object({{"id", id()},
                     {"kind", text()},
                     {"payload", any_object()},
                     {"status", text()},
                     {"priority", integer()},
                     {"run_at", timestamp()},
                     {"attempts", integer()},
                     {"max_attempts", integer()},
                     {"last_error", nullable(text())},
                     {"idempotency_key", nullable(text())},
                     {"finished_at", nullable(timestamp())},
                     {"created_at", timestamp()},
                     {"updated_at", timestamp()}});
  s["Event"] = object({{"position", integer()},
                       {"type", text()},
                       {"entity_type", text()},
                       {"entity_id", nullable(id())},
                       {"payload", any_object()},
                       {"created_at", timestamp()}});
  s["EventFeed"] = object({{"items", array(ref("Event"))}, {"next_after", integer()}, {"head", integer()}});
  // app/pipeline_service.cpp report_json; `tenant` is null for a cursor shared by all tenants.
  s["PipelinesReport"] = object({{"head", integer()},
                           {"pruned_through", integer()},
                           {"items", array(object({{"name", text()},
                                                   {"tenant", nullable(text())},
                                                   {"position", integer()},
                                                   {"head", integer()},
                                                   {"lag_events", integer()},
                                                   {"age_s", integer()},
                                                   {"oldest_pending_at", nullable(timestamp())},
                                                   {"updated_at", timestamp()},
                                                   {"behind_horizon", boolean()}}))}});
  // ops_routes.cpp: /healthz answers ok, /readyz ready (or a 503 problem).
  s["Health"] = object({{"status", one_of({"ok", "ready"})}});
  // The OpenAPI document itself (its own schema is the OpenAPI specification's): the members
  // openapi.cpp always writes.
  s["OpenApiDocument"] = {{"type", "object"},
                          {"required", json::array({"openapi", "info", "paths", "components"})},
                          {"properties", {{"openapi", text()},
                                          {"info", {{"type", "object"},
                                                    {"required", json::array({"title", "version"})},
                                                    {"properties", {{"title", text()}, {"version", text()}}}}},
                                          {"servers", array(any_object())},
                                          {"paths", any_object()},
                                          {"components", any_object()}}}};
}

void add_tenancy(json& s) {
  s["Tenant"] = object({{"id", id()},
                        {"slug", text()},
                        {"name", text()},
                        {"status", text()},
                        {"created_at", timestamp()},
                        {"updated_at", timestamp()}});
  // auth_routes.cpp: a login or a switch answers the session's token (shown once).
  s["Session"] = object({{"token", text()}, {"token_type", text()}, {"expires_at", timestamp()}, {"tenant", ref("Tenant")}});
  s["UserTenant"] = object({{"id", id()}, {"slug", text()}, {"name", text()}, {"roles", array(text())}, {"current", boolean()}});
  // A login without a tenant by a user of several: the tenants to choose from.
  s["TenantChoice"] = object({{"tenants", array(ref("UserTenant"))}});
  s["Member"] = object({{"id", id()}, {"user_id", id()}, {"email", text()}, {"role", text()}, {"status", text()}});
  s["Role"] = object({{"id", id()}, {"name", text()}, {"description", text()}, {"builtin", boolean()}});
  s["Token"] = object({{"id", id()},
                       {"name", text()},
                       {"prefix", text()},
                       {"expires_at", nullable(timestamp())},
                       {"revoked_at", nullable(timestamp())}});
  // The secret is in the create answer only; the store keeps its hash.
  s["TokenCreated"] = object({{"token", ref("Token")}, {"secret", text()}});
  s["Config"] = object({{"key", text()}, {"value", any_value()}});
  s["AuditRecord"] = object({{"id", id()},
                             {"actor", text()},
                             {"action", text()},
                             {"resource_type", text()},
                             {"resource_id", nullable(id())},
                             {"outcome", text()},
                             {"request_id", text()},
                             {"details", any_object()},
                             {"created_at", timestamp()}});
  s["AuditVerification"] = object({{"records", integer()}, {"intact", boolean()}},
                                  {{"first_broken", object({{"id", id()},
                                                            {"reason", text()},
                                                            {"index", integer()},
                                                            {"created_at", timestamp()}})}});
}

// app/webhook_service.cpp
Members webhook_members() {
  return {{"id", id()},
          {"url", text()},
          {"description", text()},
          {"event_types", array(text())},
          {"enabled", boolean()},
          {"disabled_reason", nullable(text())},
          {"previous_secret_valid_until", nullable(timestamp())},
          {"start_position", integer()},
          {"created_at", timestamp()},
          {"updated_at", timestamp()}};
}

void add_webhooks(json& s) {
  s["WebhookEndpoint"] = object(webhook_members());
  // Created or rotated: the signing secret, shown this once.
  s["WebhookEndpointWithSecret"] = object(with(webhook_members(), {{"secret", text()}}));
  s["Delivery"] = object({{"id", id()},
                          {"webhook_id", text()},
                          {"event_position", integer()},
                          {"event_type", text()},
                          {"status", text()},
                          {"attempts", integer()},
                          {"next_attempt_at", nullable(timestamp())},
                          {"last_status_code", nullable(integer())},
                          {"last_error", nullable(text())},
                          {"delivered_at", nullable(timestamp())},
                          {"created_at", timestamp()},
                          {"recent_attempts", array(object({{"at", timestamp()},
                                                            {"outcome", text()},
                                                            {"status_code", nullable(integer())},
                                                            {"latency_ms", number()},
                                                            {"error", nullable(text())},
                                                            {"response_body", text()}}))}});
  s["Replay"] = object({{"queued", integer()}, {"requeued", integer()}, {"next_position", nullable(integer())}});
}

void add_collections(json& s) {
  // views.cpp: collection_json, tags_json, tag_count_json (collection_routes.cpp composes the changes)
  s["Collection"] = object({{"id", id()},
                            {"name", text()},
                            {"description", text()},
                            {"video_count", integer()},
                            {"created_at", timestamp()},
                            {"updated_at", timestamp()}});
  s["CollectionChange"] = object({{"added", integer()}, {"removed", integer()}, {"collection", ref("Collection")}});
  s["CollectionAdd"] = object({{"added", boolean()}, {"collection", ref("Collection")}});
  s["Tags"] = object({{"tags", array(text())}});
  s["TagChange"] = object({{"tag", text()}, {"added", boolean()}, {"tags", array(text())}});
  s["TagCount"] = object({{"tag", text()}, {"videos", integer()}});
  // media_routes.cpp: the attached file and a signed URL to it
  s["MediaAttachment"] = object({{"attachment_id", id()},
                                 {"media_type", text()},
                                 {"size_bytes", integer()},
                                 {"sha256", text()},
                                 {"url", text()},
                                 {"expires_at", timestamp()}});
}

json build() {
  json s = json::object();
  add_media(s);
  add_people(s);
  add_search(s);
  add_analytics(s);
  add_layers(s);
  add_ops(s);
  add_tenancy(s);
  add_webhooks(s);
  add_collections(s);
  for (const char* item : {"Video", "VideoSource", "Transcript", "Speaker", "Person", "Appearance",
                           "PersonSegment", "LayerRun", "Job", "UserTenant", "Member", "Role", "Token", "AuditRecord",
                           "WebhookEndpoint", "Delivery", "Collection", "TagCount", "SegmentMatch"}) {
    s[std::string(item) + "Page"] = page(item);
  }
  // ?layers=: each layer's run beside the page (transcript_routes.cpp list_segments)
  s["SegmentPage"] = object({{"items", array(ref("Segment"))}, {"next_cursor", nullable(text())}},
                            {{"layers", {{"type", "object"}, {"additionalProperties", ref("LayerRun")}}}});
  s["TranscriptRevisions"] = page("Transcript", {{"current_id", id()}});
  return s;
}

}  // namespace
}  // namespace schemas_impl

const nlohmann::json& response_schemas() {
  static const nlohmann::json schemas = schemas_impl::build();
  return schemas;
}

}  // namespace narralytica::api
