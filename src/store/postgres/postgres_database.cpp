#include "store/postgres/postgres_database.hpp"

#include <libpq-fe.h>

#include <cstring>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/hashing.hpp"
#include "store/pooled_database.hpp"
#include "store/sql_script.hpp"

namespace narralytica::store {
namespace {

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

// SQLSTATE classes that are the caller's fault map to conflict / invalid_argument, so the API can
// answer 409 / 422 without parsing messages.
ErrorCode code_for_sqlstate(std::string_view state) {
  if (state == "23505") return ErrorCode::conflict;                      // unique_violation
  if (state.starts_with("23")) return ErrorCode::invalid_argument;       // other integrity
  if (state == "22P02" || state.starts_with("22")) return ErrorCode::invalid_argument;  // data
  if (state == "40001" || state == "40P01") return ErrorCode::unavailable;  // retryable
  if (state.starts_with("08") || state == "57P01") return ErrorCode::unavailable;
  if (state == "57014") return ErrorCode::unavailable;  // query_canceled: the statement timeout
  if (state == "42501") return ErrorCode::permission_denied;
  if (state == "P0001") return ErrorCode::invalid_argument;  // RAISE from a trigger
  return ErrorCode::internal;
}

Error result_error(PGconn* conn, const PGresult* result, std::string_view sql) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = result ? PQresultErrorMessage(result) : PQerrorMessage(conn);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (auto pos = message.find('\n'); pos != std::string::npos) message.resize(pos);
  if (message.starts_with("ERROR:  ")) message.erase(0, 8);
  ErrorCode code = state ? code_for_sqlstate(state) : ErrorCode::unavailable;
  return make_error(code, message, std::string(sql.substr(0, 200)));
}

// Highest $N in the SQL: libpq needs the parameter count.
int count_parameters(std::string_view sql) {
  int highest = 0;
  for (std::size_t i = 0; i + 1 < sql.size(); ++i) {
    if (sql[i] != '$' || sql[i + 1] < '0' || sql[i + 1] > '9') continue;
    int n = 0;
    std::size_t j = i + 1;
    while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') n = n * 10 + (sql[j++] - '0');
    if (n > highest) highest = n;
  }
  return highest;
}

// bytea's text output is `\x` followed by hex digits.
std::string decode_bytea(std::string_view text) {
  std::string out;
  if (text.starts_with("\\x") && !from_hex(text.substr(2), out)) out.clear();
  return out;
}

// What a connection and its statements share.
struct Session {
  PGconn* conn = nullptr;
  bool* statement_failed = nullptr;  // the connection's flag (Connection::statement_failed)
  // BEGIN is not sent on its own: it goes with the transaction's first statement, which saves a
  // round trip per transaction (the first statement is usually the scope's set_config, sent as
  // text so the two travel together; a prepared statement sends BEGIN just before itself).
  // PostgreSQL takes a transaction's snapshot at its first statement, not at BEGIN, so this
  // changes nothing a transaction sees.
  bool begin_pending = false;
  // Statements that only set up what follows (Connection::defer_script: the scope's set_config),
  // sent in one pipeline with the next statement instead of in a round trip of their own.
  std::vector<std::string> deferred;

  bool has_pending() const { return begin_pending || !deferred.empty(); }
  // The pending statements as text to put before a simple query (one round trip for all).
  std::string take_pending_text() {
    std::string text = begin_pending ? "BEGIN;" : "";
    for (const std::string& statement : deferred) {
      text += statement;
      text += ';';
    }
    begin_pending = false;
    deferred.clear();
    return text;
  }
  void drop_pending() {
    begin_pending = false;
    deferred.clear();
  }
};

void mark_failed_transaction(Session& session) {
  if (PQtransactionStatus(session.conn) == PQTRANS_INERROR) *session.statement_failed = true;
}

Status exec_text(Session& session, const std::string& sql, std::string_view shown_sql) {
  PgResult result(PQexec(session.conn, sql.c_str()));
  const auto status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    Error error = result_error(session.conn, result.get(), shown_sql);
    mark_failed_transaction(session);
    return error;
  }
  return ok_status();
}

// Runs the pending BEGIN and deferred statements, then the prepared statement `name`, in one
// pipeline (one round trip), and returns the prepared statement's result. The first failure is
// returned, naming its SQL; PostgreSQL skips what follows a failure until the pipeline's sync.
Result<PgResult> exec_prepared_after_pending(Session& session, const std::string& name, std::string_view sql,
                                             int n, const char* const* values, const int* lengths,
                                             const int* formats) {
  PGconn* conn = session.conn;
  std::vector<std::string> sent;
  if (session.begin_pending) sent.emplace_back("BEGIN");
  for (std::string& statement : session.deferred) sent.push_back(std::move(statement));
  session.drop_pending();
  if (PQenterPipelineMode(conn) != 1) return result_error(conn, nullptr, sent.front());
  bool sending = true;
  for (const std::string& statement : sent) {
    sending = sending && PQsendQueryParams(conn, statement.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
  }
  sending = sending && PQsendQueryPrepared(conn, name.c_str(), n, values, lengths, formats, 0) == 1;
  sending = sending && PQpipelineSync(conn) == 1;
  std::optional<Error> failure;
  if (!sending) failure = result_error(conn, nullptr, sql);
  PgResult answer;
  // One result (then a null) per statement sent, then the sync's. After a connection failure
  // PQgetResult returns null at once, which ends the loop as well.
  std::size_t index = 0;
  while (sending) {
    PgResult result(PQgetResult(conn));
    if (!result) {
      if (++index > sent.size() + 1) {  // the connection broke before the sync came back
        if (!failure) failure = result_error(conn, nullptr, sql);
        break;
      }
      continue;
    }
    const auto status = PQresultStatus(result.get());
    if (status == PGRES_PIPELINE_SYNC) break;
    const bool ours = index == sent.size();
    if (status == PGRES_PIPELINE_ABORTED) continue;  // skipped after the failure recorded below
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      if (!failure) failure = result_error(conn, result.get(), index < sent.size() ? std::string_view(sent[index]) : sql);
      continue;
    }
    if (ours) answer = std::move(result);
  }
  PQexitPipelineMode(conn);
  if (failure) {
    mark_failed_transaction(session);
    return *failure;
  }
  return answer;
}

class PostgresStatement final : public Statement {
 public:
  PostgresStatement(Session* session, std::string name, std::string sql, int parameter_count)
      : session_(session), conn_(session->conn), name_(std::move(name)), sql_(std::move(sql)),
        values_(parameter_count), is_null_(parameter_count, true),
        formats_(parameter_count, 0) {}

  void bind_null(int i) override { set(i, {}, true, 0); }
  void bind_int64(int i, std::int64_t v) override { set(i, std::to_string(v), false, 0); }
  void bind_double(int i, double v) override {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.17g", v);
    set(i, buffer, false, 0);
  }
  void bind_bool(int i, bool v) override { set(i, v ? "t" : "f", false, 0); }
  void bind_text(int i, std::string_view v) override { set(i, std::string(v), false, 0); }
  void bind_blob(int i, std::string_view v) override { set(i, std::string(v), false, 1); }
  void bind_json(int i, std::string_view v) override { set(i, std::string(v), false, 0); }
  void bind_uuid(int i, const Uuid& v) override { set(i, v.to_string(), false, 0); }

  Result<bool> step() override {
    if (!result_) {
      const int n = static_cast<int>(values_.size());
      std::vector<const char*> values(n);
      std::vector<int> lengths(n);
      for (int k = 0; k < n; ++k) {
        values[k] = is_null_[k] ? nullptr : values_[k].data();
        lengths[k] = static_cast<int>(values_[k].size());
      }
      if (session_->has_pending()) {
        ASSIGN_OR_RETURN(result_, exec_prepared_after_pending(*session_, name_, sql_, n, values.data(),
                                                              lengths.data(), formats_.data()));
      } else {
        result_.reset(PQexecPrepared(conn_, name_.c_str(), n, values.data(), lengths.data(), formats_.data(), 0));
        const auto status = PQresultStatus(result_.get());
        if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
          Error error = result_error(conn_, result_.get(), sql_);
          result_.reset();
          mark_failed_transaction(*session_);
          return error;
        }
      }
      rows_ = PQntuples(result_.get());
      const char* affected = PQcmdTuples(result_.get());
      changes_ = (affected && *affected) ? std::atoll(affected) : 0;
      row_ = -1;
    }
    ++row_;
    return row_ < rows_;
  }

  void reset() override {
    result_.reset();
    row_ = -1;
    rows_ = 0;
    changes_ = 0;
    std::fill(is_null_.begin(), is_null_.end(), true);
    std::fill(formats_.begin(), formats_.end(), 0);
  }
  std::int64_t changes() const override { return changes_; }

  bool column_is_null(int c) const override { return PQgetisnull(result_.get(), row_, c) == 1; }
  std::int64_t column_int64(int c) const override { return std::atoll(raw(c)); }
  double column_double(int c) const override { return std::strtod(raw(c), nullptr); }
  bool column_bool(int c) const override {
    const char* v = raw(c);
    return v[0] == 't' || v[0] == '1';
  }
  std::string column_text(int c) const override {
    return std::string(raw(c), PQgetlength(result_.get(), row_, c));
  }
  std::string column_blob(int c) const override {
    return decode_bytea(std::string_view(raw(c), PQgetlength(result_.get(), row_, c)));
  }
  Uuid column_uuid(int c) const override { return Uuid::parse(raw(c)).value_or(Uuid{}); }

 private:
  const char* raw(int c) const { return PQgetvalue(result_.get(), row_, c); }
  void set(int i, std::string value, bool null, int format) {
    const auto k = static_cast<std::size_t>(i - 1);
    if (k >= values_.size()) return;  // a bug: caught by tests, ignored rather than overflowing
    values_[k] = std::move(value);
    is_null_[k] = null;
    formats_[k] = format;
  }

  Session* session_;  // the connection's
  PGconn* conn_;
  std::string name_;
  std::string sql_;
  std::vector<std::string> values_;
  std::vector<bool> is_null_;
  std::vector<int> formats_;
  PgResult result_;
  int row_ = -1;
  int rows_ = 0;
  std::int64_t changes_ = 0;
};

class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(PGconn* conn) : conn_(conn) {
    session_.conn = conn;
    session_.statement_failed = &statement_failed_;
  }
  ~PostgresConnection() override {
    statements_.clear();
    PQfinish(conn_);
  }

  Backend backend() const override { return Backend::postgres; }
  bool healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

  Result<Statement*> prepare(std::string_view sql) override {
    auto found = statements_.find(std::string(sql));
    if (found != statements_.end()) {
      found->second->reset();
      return found->second.get();
    }
    char name_buffer[32];  // snprintf rather than "s" + to_string: GCC 12 warns falsely (-Wrestrict) on the latter
    std::snprintf(name_buffer, sizeof name_buffer, "s%zu", statements_.size());
    const std::string name = name_buffer;
    PgResult result(PQprepare(conn_, name.c_str(), std::string(sql).c_str(), 0, nullptr));
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
      return result_error(conn_, result.get(), sql);
    }
    auto statement = std::make_unique<PostgresStatement>(&session_, name, std::string(sql), count_parameters(sql));
    Statement* raw = statement.get();
    statements_.emplace(std::string(sql), std::move(statement));
    return raw;
  }

  Status execute_script(std::string_view sql) override {
    for (const auto& statement : split_sql_script(sql)) {
      std::string text(statement.text);
      if (session_.has_pending()) text.insert(0, session_.take_pending_text());  // one round trip for all
      if (auto status = exec_text(session_, text, statement.text); !status.ok()) {
        Error error = std::move(status).error();
        error.field = "line " + std::to_string(statement.line) + ": " + error.field;
        return error;
      }
    }
    return ok_status();
  }

  Status defer_script(std::string_view sql) override {
    session_.deferred.emplace_back(sql);
    return ok_status();
  }

  Status begin(bool) override {
    statement_failed_ = false;
    session_.drop_pending();
    session_.begin_pending = true;
    return ok_status();
  }
  Status commit() override {
    // Deferred statements only set up statements that would follow; none will.
    const bool begun = !session_.begin_pending;
    session_.drop_pending();
    if (!begun) return ok_status();  // nothing was sent: nothing to commit
    return execute_script("COMMIT");
  }
  Status rollback() override {
    statement_failed_ = false;
    const bool begun = !session_.begin_pending;
    session_.drop_pending();
    if (!begun) return ok_status();
    if (!in_transaction()) return ok_status();
    return execute_script("ROLLBACK");
  }
  bool in_transaction() const override {
    return session_.begin_pending ||
           (PQtransactionStatus(conn_) != PQTRANS_IDLE && PQtransactionStatus(conn_) != PQTRANS_UNKNOWN);
  }

 private:
  PGconn* conn_;
  Session session_;
  std::unordered_map<std::string, std::unique_ptr<PostgresStatement>> statements_;
};

class PostgresDatabase final : public PooledDatabase {
 public:
  using PooledDatabase::PooledDatabase;
  Backend backend() const override { return Backend::postgres; }

 protected:
  Result<std::unique_ptr<Connection>> open_connection() override {
    PGconn* conn = PQconnectdb(options_.url.c_str());
    if (!conn) return make_error(ErrorCode::unavailable, "libpq could not allocate a connection");
    if (PQstatus(conn) != CONNECTION_OK) {
      std::string reason = PQerrorMessage(conn);
      PQfinish(conn);
      while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
      for (char& c : reason) {
        if (c == '\n' || c == '\t') c = ' ';  // one line, as a CLI error should be
      }
      const bool malformed = reason.find("invalid") != std::string::npos &&
                             reason.find("URI") != std::string::npos;
      return make_error(malformed ? ErrorCode::invalid_argument : ErrorCode::unavailable,
                        "cannot connect to PostgreSQL: " + reason +
                            (malformed ? "" : " (check that the server runs and the URL is right)"),
                        "--db");
    }
    auto connection = std::make_unique<PostgresConnection>(conn);
    std::string setup = "SET client_min_messages = warning";
    if (options_.role == ConnectRole::application) {
      setup += std::string(";SET ROLE ") + kPostgresAppRole;
      if (options_.statement_timeout.count() > 0) {
        setup += ";SET statement_timeout = " + std::to_string(options_.statement_timeout.count());
      }
    }
    if (auto status = connection->execute_script(setup); !status.ok()) {
      Error error = std::move(status).error();
      if (options_.role == ConnectRole::application) {
        error.message = std::string("cannot act as role ") + kPostgresAppRole + ": " +
                        error.message + " (run `narralytica migrate` first, as the owner role)";
        error.code = ErrorCode::unavailable;
      }
      return error;
    }
    return std::unique_ptr<Connection>(std::move(connection));
  }

  bool reusable(Connection& connection) const override {
    return static_cast<PostgresConnection&>(connection).healthy();
  }
};

}  // namespace

Result<std::unique_ptr<Database>> open_postgres(const DatabaseOptions& options) {
  auto database = std::make_unique<PostgresDatabase>(options);
  ASSIGN_OR_RETURN(auto lease, database->acquire());
  (void)lease;
  return std::unique_ptr<Database>(std::move(database));
}

}  // namespace narralytica::store
