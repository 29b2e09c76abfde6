#include "store/webhooks/webhook_repository.hpp"

#include <set>

namespace narralytica::store {
namespace {

#define ENDPOINT_COLUMNS                                                                                  \
  "id, tenant_id, public_id, url, description, event_types, enabled, disabled_reason, secret, "           \
  "previous_secret, previous_secret_expires_at, start_position, created_at, updated_at"
#define DELIVERY_COLUMNS                                                                                  \
  "id, tenant_id, endpoint_id, public_id, event_position, event_type, payload, status, attempts, "        \
  "next_attempt_at, last_status_code, last_error, delivered_at, created_at"
// The due time of an endpoint's queue: its oldest pending delivery's (NULL when none is pending).
#define HEAD_DUE                                                                                          \
  "(SELECT d.next_attempt_at FROM webhook_deliveries d WHERE d.endpoint_id = webhook_endpoints.id "       \
  "AND d.status = 'pending' ORDER BY d.event_position LIMIT 1)"

constexpr const char* kInsertEndpoint =
    "INSERT INTO webhook_endpoints (public_id, tenant_id, url, description, event_types, enabled, secret, "
    "start_position, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
    "(SELECT coalesce(max(position), 0) FROM event_logs WHERE tenant_id = $2), $8, $8) "
    "RETURNING id, start_position";
constexpr const char* kSelectEndpoint =
    "SELECT " ENDPOINT_COLUMNS " FROM webhook_endpoints WHERE tenant_id = $1 AND public_id = $2";
constexpr const char* kListFirst =
    "SELECT " ENDPOINT_COLUMNS " FROM webhook_endpoints WHERE tenant_id = $1 ORDER BY id LIMIT $2";
constexpr const char* kListAfter =
    "SELECT " ENDPOINT_COLUMNS " FROM webhook_endpoints WHERE tenant_id = $1 "
    "AND id > (SELECT id FROM webhook_endpoints WHERE tenant_id = $1 AND public_id = $3) ORDER BY id LIMIT $2";
constexpr const char* kUpdateEndpoint =
    "UPDATE webhook_endpoints SET url = $3, description = $4, event_types = $5, enabled = $6, "
    "disabled_reason = $7, updated_at = $8, next_attempt_at = " HEAD_DUE " WHERE tenant_id = $1 AND id = $2";
constexpr const char* kUpdateSecrets =
    "UPDATE webhook_endpoints SET secret = $3, previous_secret = $4, previous_secret_expires_at = $5, "
    "updated_at = $6 WHERE tenant_id = $1 AND id = $2";
constexpr const char* kDeleteEndpoint = "DELETE FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2";
constexpr const char* kEnabledEndpoints =
    "SELECT " ENDPOINT_COLUMNS " FROM webhook_endpoints WHERE tenant_id = $1 AND enabled ORDER BY id";

constexpr const char* kDeliveriesFirst =
    "SELECT " DELIVERY_COLUMNS " FROM webhook_deliveries WHERE tenant_id = $1 AND endpoint_id = $2 "
    "ORDER BY id DESC LIMIT $3";
constexpr const char* kDeliveriesAfter =
    "SELECT " DELIVERY_COLUMNS " FROM webhook_deliveries WHERE tenant_id = $1 AND endpoint_id = $2 "
    "AND id < (SELECT id FROM webhook_deliveries WHERE tenant_id = $1 AND public_id = $4) ORDER BY id DESC LIMIT $3";
constexpr const char* kSelectDelivery =
    "SELECT " DELIVERY_COLUMNS " FROM webhook_deliveries WHERE tenant_id = $1 AND public_id = $2";
constexpr const char* kSelectAttempts =
    "SELECT outcome, status_code, latency_us, error, response_body, created_at FROM webhook_attempts "
    "WHERE tenant_id = $1 AND delivery_id = $2 ORDER BY id DESC LIMIT $3";
// Replay: a delivery that exists keeps its webhook-id and body, and starts its schedule again.
constexpr const char* kRequeue =
    "INSERT INTO webhook_deliveries (public_id, tenant_id, endpoint_id, event_position, event_type, payload, "
    "next_attempt_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $7) "
    "ON CONFLICT (tenant_id, endpoint_id, event_position) DO UPDATE SET status = 'pending', attempts = 0, "
    "next_attempt_at = excluded.next_attempt_at, updated_at = excluded.updated_at RETURNING public_id";
constexpr const char* kRetry =
    "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $3, updated_at = $3 "
    "WHERE tenant_id = $1 AND id = $2";
constexpr const char* kMakeDue =
    "UPDATE webhook_endpoints SET next_attempt_at = " HEAD_DUE " "
    "WHERE tenant_id = $1 AND id = $2";

constexpr const char* kClaimSqlite =
    "SELECT id, tenant_id, public_id, url, secret, previous_secret, previous_secret_expires_at "
    "FROM webhook_endpoints WHERE enabled AND next_attempt_at <= $1 "
    "AND (lease_expires_at IS NULL OR lease_expires_at < $1) ORDER BY next_attempt_at LIMIT $2";
constexpr const char* kClaimPostgres =
    "SELECT id, tenant_id, public_id, url, secret, previous_secret, previous_secret_expires_at "
    "FROM webhook_endpoints WHERE enabled AND next_attempt_at <= $1 "
    "AND (lease_expires_at IS NULL OR lease_expires_at < $1) ORDER BY next_attempt_at LIMIT $2 "
    "FOR UPDATE SKIP LOCKED";
constexpr const char* kPlaintextSecrets =
    "SELECT id, tenant_id, public_id, url, secret, previous_secret, previous_secret_expires_at "
    "FROM webhook_endpoints WHERE secret LIKE 'whsec_%' OR previous_secret LIKE 'whsec_%' ORDER BY id";
constexpr const char* kReplaceSecrets = "UPDATE webhook_endpoints SET secret = $2, previous_secret = $3 WHERE id = $1";
constexpr const char* kLease =
    "UPDATE webhook_endpoints SET lease_owner = $2, lease_expires_at = $3 WHERE id = $1";
constexpr const char* kPending =
    "SELECT " DELIVERY_COLUMNS " FROM webhook_deliveries WHERE endpoint_id = $1 AND status = 'pending' "
    "ORDER BY event_position LIMIT $2";
constexpr const char* kHoldsSqlite = "SELECT lease_owner FROM webhook_endpoints WHERE id = $1";
constexpr const char* kHoldsPostgres = "SELECT lease_owner FROM webhook_endpoints WHERE id = $1 FOR UPDATE";
constexpr const char* kRelease =
    "UPDATE webhook_endpoints SET lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = " HEAD_DUE ", "
    "enabled = CASE WHEN CAST($3 AS TEXT) IS NULL THEN enabled ELSE $4 END, "
    "disabled_reason = coalesce(CAST($3 AS TEXT), disabled_reason), updated_at = $5 WHERE id = $1 AND lease_owner = $2";

#undef ENDPOINT_COLUMNS
#undef DELIVERY_COLUMNS
#undef HEAD_DUE

// Fan-out's deliveries and a round's attempts are written kWebhookBatchRows rows per statement:
// on PostgreSQL a statement is a round trip, and 10,000 deliveries made 20,000 of them. A
// statement's unused rows are padding that it skips (their id 0; ids start at 1), so one
// statement text serves every batch.
constexpr int kWebhookBatchRows = 64;

// "(v1, v2, ...), (...)": kWebhookBatchRows rows of the parameters $first... with `types`.
// PostgreSQL types a VALUES column of bare parameters as text, so there each is cast; SQLite
// takes them as bound.
std::string values_rows(Backend backend, std::initializer_list<const char*> types, int first) {
  std::string sql = "(VALUES ";
  int p = first;
  for (int r = 0; r < kWebhookBatchRows; ++r) {
    sql += r ? ",(" : "(";
    bool comma = false;
    for (const char* type : types) {
      if (comma) sql += ',';
      comma = true;
      const std::string parameter = "$" + std::to_string(p++);
      sql += backend == Backend::postgres ? "CAST(" + parameter + " AS " + type + ")" : parameter;
    }
    sql += ')';
  }
  return sql + ") AS v";
}

// The statement `make` writes for each backend, built once: each caller's lambda is a type of
// its own, so each gets its own pair.
template <class Make>
const std::string& per_backend(Backend backend, Make make) {
  static const std::string sqlite = make(Backend::sqlite);
  static const std::string postgres = make(Backend::postgres);
  return backend == Backend::postgres ? postgres : sqlite;
}

// Fan-out: a delivery that exists already (a batch run again after a crash) stays as it is.
// $1 is the time; each row binds public_id, tenant, endpoint, position, type, payload.
constexpr int kEnqueueColumns = 6;
const std::string& enqueue_sql(Backend backend) {
  return per_backend(backend, [](Backend b) {
    return "INSERT INTO webhook_deliveries (public_id, tenant_id, endpoint_id, event_position, event_type, payload, "
           "next_attempt_at, created_at, updated_at) SELECT v.column1, v.column2, v.column3, v.column4, v.column5, "
           "v.column6, $1, $1, $1 FROM " +
           values_rows(b, {"uuid", "bigint", "bigint", "bigint", "text", "text"}, 2) +
           " WHERE v.column3 > 0 ON CONFLICT (tenant_id, endpoint_id, event_position) DO NOTHING";
  });
}

// A round's attempts: tenant, delivery, outcome, status code, latency, error, body, time.
constexpr int kAttemptColumns = 8;
const std::string& insert_attempts_sql(Backend backend) {
  return per_backend(backend, [](Backend b) {
    return "INSERT INTO webhook_attempts (tenant_id, delivery_id, outcome, status_code, latency_us, error, "
           "response_body, created_at) SELECT v.column1, v.column2, v.column3, v.column4, v.column5, v.column6, "
           "v.column7, v.column8 FROM " +
           values_rows(b, {"bigint", "bigint", "text", "bigint", "bigint", "text", "text", "bigint"}, 1) +
           " WHERE v.column2 > 0";
  });
}

// The deliveries' new states: tenant, delivery, status, attempts, next attempt, status code,
// error, time (also delivered_at when delivered).
constexpr int kSettleColumns = 8;
const std::string& settle_sql(Backend backend) {
  return per_backend(backend, [](Backend b) {
    return "UPDATE webhook_deliveries SET status = v.column3, attempts = v.column4, next_attempt_at = v.column5, "
           "last_status_code = v.column6, last_error = v.column7, delivered_at = CASE WHEN v.column3 = 'delivered' "
           "THEN v.column8 ELSE webhook_deliveries.delivered_at END, updated_at = v.column8 FROM " +
           values_rows(b, {"bigint", "bigint", "text", "bigint", "bigint", "bigint", "text", "bigint"}, 1) +
           " WHERE webhook_deliveries.tenant_id = v.column1 AND webhook_deliveries.id = v.column2";
  });
}

// Runs `sql` once per kWebhookBatchRows of `rows`, `bind_row(statement, first parameter, row)`
// binding each and padding binding zeros (and nulls) after the last; `leading` parameters come
// before the rows ($1.. bound by `bind_leading`). Returns the rows the statements changed.
template <class Row, class BindLeading, class BindRow>
Result<std::int64_t> write_batches(Transaction& tx, const std::string& sql, std::span<const Row> rows, int leading,
                                   int columns, BindLeading bind_leading, BindRow bind_row) {
  std::int64_t changed = 0;
  for (std::size_t next = 0; next < rows.size(); next += kWebhookBatchRows) {
    ASSIGN_OR_RETURN(Statement * s, tx.prepare(sql));
    bind_leading(*s);
    for (int r = 0; r < kWebhookBatchRows; ++r) {
      const int first = leading + 1 + r * columns;
      const std::size_t k = next + static_cast<std::size_t>(r);
      if (k < rows.size()) {
        bind_row(*s, first, rows[k]);
      } else {
        for (int c = 0; c < columns; ++c) s->bind_null(first + c);
        s->bind_int64(first + 1, 0);  // the padding's id, which no row has
        s->bind_int64(first + 2, 0);
      }
    }
    ASSIGN_OR_RETURN(std::int64_t n, s->execute());
    changed += n;
  }
  return changed;
}

// Event type patterns are validated by the app layer ([a-z0-9_.*] only), so the JSON array needs
// no escaping and is read back by splitting on quotes.
std::string event_types_json(const std::vector<std::string>& types) {
  std::string out = "[";
  for (std::size_t i = 0; i < types.size(); ++i) out += (i ? ",\"" : "\"") + types[i] + "\"";
  return out + "]";
}

std::vector<std::string> event_types_of(std::string_view json) {
  std::vector<std::string> types;
  std::size_t at = 0;
  while ((at = json.find('"', at)) != std::string_view::npos) {
    const auto end = json.find('"', at + 1);
    if (end == std::string_view::npos) break;
    types.emplace_back(json.substr(at + 1, end - at - 1));
    at = end + 1;
  }
  return types;
}

WebhookEndpoint read_endpoint(const Statement& s) {
  WebhookEndpoint e;
  e.id = s.column_int64(0);
  e.tenant_id = s.column_int64(1);
  e.public_id = s.column_uuid(2);
  e.url = s.column_text(3);
  e.description = s.column_text(4);
  e.event_types = event_types_of(s.column_text(5));
  e.enabled = s.column_bool(6);
  e.disabled_reason = s.column_optional_text(7);
  e.secret = s.column_text(8);
  e.previous_secret = s.column_optional_text(9);
  e.previous_secret_expires_at = s.column_optional_int64(10);
  e.start_position = s.column_int64(11);
  e.created_at = s.column_int64(12);
  e.updated_at = s.column_int64(13);
  return e;
}

WebhookDelivery read_delivery(const Statement& s) {
  WebhookDelivery d;
  d.id = s.column_int64(0);
  d.tenant_id = s.column_int64(1);
  d.endpoint_id = s.column_int64(2);
  d.public_id = s.column_uuid(3);
  d.event_position = s.column_int64(4);
  d.event_type = s.column_text(5);
  d.payload = s.column_text(6);
  d.status = s.column_text(7);
  d.attempts = static_cast<int>(s.column_int64(8));
  d.next_attempt_at = s.column_int64(9);
  if (auto code = s.column_optional_int64(10)) d.last_status_code = static_cast<int>(*code);
  d.last_error = s.column_optional_text(11);
  d.delivered_at = s.column_optional_int64(12);
  d.created_at = s.column_int64(13);
  return d;
}

Status fill_attempts(Transaction& tx, std::int64_t tenant_id, WebhookDelivery& delivery) {
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectAttempts));
  s->bind_int64(1, tenant_id);
  s->bind_int64(2, delivery.id);
  s->bind_int64(3, kWebhookAttemptsListedMax);
  ASSIGN_OR_RETURN(delivery.recent_attempts, s->collect([](const Statement& row) {
    WebhookAttempt a;
    a.outcome = row.column_text(0);
    if (auto code = row.column_optional_int64(1)) a.status_code = static_cast<int>(*code);
    a.latency_us = row.column_int64(2);
    a.error = row.column_optional_text(3);
    a.response_body = row.column_text(4);
    a.created_at = row.column_int64(5);
    return a;
  }));
  return ok_status();
}

Status make_due(Transaction& tx, std::int64_t tenant_id, std::int64_t endpoint_id) {
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kMakeDue));
  s->bind_int64(1, tenant_id);
  s->bind_int64(2, endpoint_id);
  RETURN_IF_ERROR(s->execute());
  return ok_status();
}

void bind_delivery_insert(Statement& s, Transaction& tx, std::int64_t tenant_id, std::int64_t endpoint_id,
                          std::int64_t position, std::string_view event_type, std::string_view payload) {
  s.bind_uuid(1, tx.new_id());
  s.bind_int64(2, tenant_id);
  s.bind_int64(3, endpoint_id);
  s.bind_int64(4, position);
  s.bind_text(5, event_type);
  s.bind_text(6, payload);
  s.bind_int64(7, tx.now_us());
}

}  // namespace

Result<WebhookEndpoint> WebhookRepository::create(Transaction& tx, const TenantScope& scope, WebhookEndpoint draft) {
  RETURN_IF_ERROR(tx.enter(scope));
  draft.tenant_id = scope.tenant_id();
  draft.public_id = tx.new_id();
  draft.created_at = draft.updated_at = tx.now_us();
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kInsertEndpoint));
  s->bind_uuid(1, draft.public_id);
  s->bind_int64(2, scope.tenant_id());
  s->bind_text(3, draft.url);
  s->bind_text(4, draft.description);
  s->bind_text(5, event_types_json(draft.event_types));
  s->bind_bool(6, draft.enabled);
  s->bind_text(7, draft.secret);
  s->bind_int64(8, draft.created_at);
  ASSIGN_OR_RETURN(bool row, s->step());
  if (!row) return make_error(ErrorCode::internal, "webhook endpoint insert returned no id");
  draft.id = s->column_int64(0);
  draft.start_position = s->column_int64(1);
  s->reset();
  return draft;
}

Result<WebhookEndpoint> WebhookRepository::get(Transaction& tx, const TenantScope& scope, const Uuid& public_id) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectEndpoint));
  s->bind_int64(1, scope.tenant_id());
  s->bind_uuid(2, public_id);
  ASSIGN_OR_RETURN(auto rows, s->collect(read_endpoint));
  if (rows.empty()) return make_error(ErrorCode::not_found, "no such webhook endpoint", "webhook");
  return std::move(rows.front());
}

Result<Page<WebhookEndpoint>> WebhookRepository::list(Transaction& tx, const TenantScope& scope,
                                                      const PageRequest& page) {
  RETURN_IF_ERROR(check_page_limit(page.limit));
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(page.after ? kListAfter : kListFirst));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, page.limit);
  if (page.after) s->bind_uuid(3, *page.after);
  ASSIGN_OR_RETURN(auto rows, s->collect(read_endpoint));
  return make_page(std::move(rows), page.limit);
}

Status WebhookRepository::update(Transaction& tx, const TenantScope& scope, const WebhookEndpoint& endpoint) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kUpdateEndpoint));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, endpoint.id);
  s->bind_text(3, endpoint.url);
  s->bind_text(4, endpoint.description);
  s->bind_text(5, event_types_json(endpoint.event_types));
  s->bind_bool(6, endpoint.enabled);
  s->bind_optional_text(7, endpoint.disabled_reason);
  s->bind_int64(8, tx.now_us());
  ASSIGN_OR_RETURN(std::int64_t changed, s->execute());
  if (changed != 1) return make_error(ErrorCode::not_found, "no such webhook endpoint", "webhook");
  return ok_status();
}

Status WebhookRepository::update_secrets(Transaction& tx, const TenantScope& scope, const WebhookEndpoint& endpoint) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kUpdateSecrets));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, endpoint.id);
  s->bind_text(3, endpoint.secret);
  s->bind_optional_text(4, endpoint.previous_secret);
  s->bind_optional_int64(5, endpoint.previous_secret_expires_at);
  s->bind_int64(6, tx.now_us());
  ASSIGN_OR_RETURN(std::int64_t changed, s->execute());
  if (changed != 1) return make_error(ErrorCode::not_found, "no such webhook endpoint", "webhook");
  return ok_status();
}

Status WebhookRepository::remove(Transaction& tx, const TenantScope& scope, const WebhookEndpoint& endpoint) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kDeleteEndpoint));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, endpoint.id);
  ASSIGN_OR_RETURN(std::int64_t changed, s->execute());
  if (changed != 1) return make_error(ErrorCode::not_found, "no such webhook endpoint", "webhook");
  return ok_status();
}

Result<Page<WebhookDelivery>> WebhookRepository::deliveries(Transaction& tx, const TenantScope& scope,
                                                            const WebhookEndpoint& endpoint, const PageRequest& page) {
  RETURN_IF_ERROR(check_page_limit(page.limit));
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(page.after ? kDeliveriesAfter : kDeliveriesFirst));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, endpoint.id);
  s->bind_int64(3, page.limit);
  if (page.after) s->bind_uuid(4, *page.after);
  ASSIGN_OR_RETURN(auto rows, s->collect(read_delivery));
  for (auto& delivery : rows) RETURN_IF_ERROR(fill_attempts(tx, scope.tenant_id(), delivery));
  return make_page(std::move(rows), page.limit);
}

Result<WebhookDelivery> WebhookRepository::get_delivery(Transaction& tx, const TenantScope& scope,
                                                        const Uuid& public_id) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectDelivery));
  s->bind_int64(1, scope.tenant_id());
  s->bind_uuid(2, public_id);
  ASSIGN_OR_RETURN(auto rows, s->collect(read_delivery));
  if (rows.empty()) return make_error(ErrorCode::not_found, "no such webhook delivery", "delivery");
  RETURN_IF_ERROR(fill_attempts(tx, scope.tenant_id(), rows.front()));
  return std::move(rows.front());
}

Result<bool> WebhookRepository::requeue(Transaction& tx, const TenantScope& scope, const WebhookEndpoint& endpoint,
                                        std::int64_t position, std::string_view event_type,
                                        std::string_view payload) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kRequeue));
  bind_delivery_insert(*s, tx, scope.tenant_id(), endpoint.id, position, event_type, payload);
  const Uuid proposed = tx.new_id();
  s->bind_uuid(1, proposed);
  ASSIGN_OR_RETURN(bool row, s->step());
  const bool inserted = row && s->column_uuid(0) == proposed;
  s->reset();
  RETURN_IF_ERROR(make_due(tx, scope.tenant_id(), endpoint.id));
  return inserted;
}

Status WebhookRepository::retry(Transaction& tx, const TenantScope& scope, const WebhookDelivery& delivery) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kRetry));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, delivery.id);
  s->bind_int64(3, tx.now_us());
  RETURN_IF_ERROR(s->execute());
  return make_due(tx, scope.tenant_id(), delivery.endpoint_id);
}

Result<std::vector<WebhookEndpoint>> WebhookRepository::enabled_endpoints(Transaction& tx, const SystemScope& scope,
                                                                          std::int64_t tenant_id) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kEnabledEndpoints));
  s->bind_int64(1, tenant_id);
  return s->collect(read_endpoint);
}

Result<std::int64_t> WebhookRepository::enqueue(Transaction& tx, const SystemScope& scope,
                                                std::span<const QueuedDelivery> deliveries) {
  RETURN_IF_ERROR(tx.enter(scope));
  const UnixMicros now = tx.now_us();
  ASSIGN_OR_RETURN(std::int64_t inserted,
                   write_batches(
                       tx, enqueue_sql(tx.backend()), deliveries, 1, kEnqueueColumns,
                       [&](Statement& s) { s.bind_int64(1, now); },
                       [&](Statement& s, int p, const QueuedDelivery& d) {
                         s.bind_uuid(p, tx.new_id());
                         s.bind_int64(p + 1, d.tenant_id);
                         s.bind_int64(p + 2, d.endpoint_id);
                         s.bind_int64(p + 3, d.position);
                         s.bind_text(p + 4, d.event_type);
                         s.bind_text(p + 5, d.payload);
                       }));
  if (inserted == 0) return inserted;
  // The due time follows the queue's head, so it is set once per endpoint, after its rows.
  std::set<std::pair<std::int64_t, std::int64_t>> endpoints;
  for (const QueuedDelivery& d : deliveries) endpoints.emplace(d.tenant_id, d.endpoint_id);
  for (const auto& [tenant_id, endpoint_id] : endpoints) RETURN_IF_ERROR(make_due(tx, tenant_id, endpoint_id));
  return inserted;
}

namespace {
ClaimedEndpoint read_claimed(const Statement& row) {
  ClaimedEndpoint e;
  e.id = row.column_int64(0);
  e.tenant_id = row.column_int64(1);
  e.public_id = row.column_uuid(2);
  e.url = row.column_text(3);
  e.secret = row.column_text(4);
  e.previous_secret = row.column_optional_text(5);
  e.previous_secret_expires_at = row.column_optional_int64(6);
  return e;
}
}  // namespace

Result<std::vector<ClaimedEndpoint>> WebhookRepository::plaintext_secrets(Transaction& tx, const SystemScope& scope) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kPlaintextSecrets));
  return s->collect(read_claimed);
}

Status WebhookRepository::replace_secrets(Transaction& tx, const SystemScope& scope, const ClaimedEndpoint& endpoint) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kReplaceSecrets));
  s->bind_int64(1, endpoint.id);
  s->bind_text(2, endpoint.secret);
  s->bind_optional_text(3, endpoint.previous_secret);
  ASSIGN_OR_RETURN(std::int64_t changed, s->execute());
  if (changed != 1) return make_error(ErrorCode::not_found, "no such webhook endpoint", "webhook");
  return ok_status();
}

Result<std::vector<ClaimedEndpoint>> WebhookRepository::claim_due(Transaction& tx, const SystemScope& scope,
                                                                  UnixMicros now, std::string_view owner,
                                                                  UnixMicros lease_until, int limit) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(tx.backend() == Backend::postgres ? kClaimPostgres : kClaimSqlite));
  s->bind_int64(1, now);
  s->bind_int64(2, limit);
  ASSIGN_OR_RETURN(auto claimed, s->collect(read_claimed));
  for (const ClaimedEndpoint& e : claimed) {
    ASSIGN_OR_RETURN(Statement * lease, tx.prepare(kLease));
    lease->bind_int64(1, e.id);
    lease->bind_text(2, owner);
    lease->bind_int64(3, lease_until);
    RETURN_IF_ERROR(lease->execute());
  }
  return claimed;
}

Result<std::vector<WebhookDelivery>> WebhookRepository::pending(Transaction& tx, const SystemScope& scope,
                                                                std::int64_t endpoint_id, int limit) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kPending));
  s->bind_int64(1, endpoint_id);
  s->bind_int64(2, limit);
  return s->collect(read_delivery);
}

Result<bool> WebhookRepository::holds_lease(Transaction& tx, const SystemScope& scope, std::int64_t endpoint_id,
                                            std::string_view owner) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(tx.backend() == Backend::postgres ? kHoldsPostgres : kHoldsSqlite));
  s->bind_int64(1, endpoint_id);
  ASSIGN_OR_RETURN(auto owners, s->collect([](const Statement& row) { return row.column_optional_text(0); }));
  return !owners.empty() && owners.front() && *owners.front() == owner;
}

Status WebhookRepository::settle(Transaction& tx, const SystemScope& scope,
                                 std::span<const DeliveryOutcome> outcomes) {
  RETURN_IF_ERROR(tx.enter(scope));
  auto status_code = [](const WebhookAttempt& a) {
    return a.status_code ? std::optional<std::int64_t>(*a.status_code) : std::nullopt;
  };
  auto nothing_leading = [](Statement&) {};
  auto attempts = write_batches(tx, insert_attempts_sql(tx.backend()), outcomes, 0, kAttemptColumns, nothing_leading,
                                [&](Statement& s, int p, const DeliveryOutcome& o) {
                                  const WebhookAttempt& a = o.attempt;
                                  s.bind_int64(p, o.tenant_id);
                                  s.bind_int64(p + 1, o.delivery_id);
                                  s.bind_text(p + 2, a.outcome);
                                  s.bind_optional_int64(p + 3, status_code(a));
                                  s.bind_int64(p + 4, a.latency_us);
                                  s.bind_optional_text(p + 5, a.error);
                                  s.bind_text(p + 6,
                                              std::string_view(a.response_body).substr(0, kWebhookResponseBodyBytesMax));
                                  s.bind_int64(p + 7, a.created_at);
                                });
  if (!attempts.ok()) return std::move(attempts).error();
  auto settled = write_batches(tx, settle_sql(tx.backend()), outcomes, 0, kSettleColumns, nothing_leading,
                                [&](Statement& s, int p, const DeliveryOutcome& o) {
                                  s.bind_int64(p, o.tenant_id);
                                  s.bind_int64(p + 1, o.delivery_id);
                                  s.bind_text(p + 2, o.status);
                                  s.bind_int64(p + 3, o.attempts);
                                  s.bind_int64(p + 4, o.next_attempt_at);
                                  s.bind_optional_int64(p + 5, status_code(o.attempt));
                                  s.bind_optional_text(p + 6, o.attempt.error);
                                  s.bind_int64(p + 7, o.attempt.created_at);
                                });
  if (!settled.ok()) return std::move(settled).error();
  return ok_status();
}

Status WebhookRepository::release(Transaction& tx, const SystemScope& scope, std::int64_t endpoint_id,
                                  std::string_view owner, const std::optional<std::string>& disable_reason) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kRelease));
  s->bind_int64(1, endpoint_id);
  s->bind_text(2, owner);
  s->bind_optional_text(3, disable_reason);
  s->bind_bool(4, false);
  s->bind_int64(5, tx.now_us());
  RETURN_IF_ERROR(s->execute());
  return ok_status();
}

}  // namespace narralytica::store
