// Result<T>: expected failures (bad input, not found, conflict, forbidden...) travel as values.
// Exceptions and assertions are reserved for bugs; adapters around third-party libraries catch
// their exceptions and convert them into an Error here.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace narralytica {

// Closed set of failure kinds. The API maps each to an HTTP status in one place
// (src/api/error_status.cpp); the CLI maps each to an exit status.
enum class ErrorCode {
  invalid_argument,     // the caller's input is malformed or violates a rule
  not_found,            // no such entity (or it belongs to another tenant: same answer)
  conflict,             // uniqueness or state conflict, e.g. a duplicate slug
  precondition_failed,  // a version/ETag check failed, or a checksum changed
  precondition_required,  // a change that must name the version it builds on (If-Match) did not
  permission_denied,    // authenticated but not allowed
  unauthenticated,      // no or bad credentials
  resource_exhausted,   // a limit was hit (body size, page size, queue size)
  unavailable,          // a dependency (database server) cannot be reached
  internal,             // a bug or an unexpected failure of a dependency
};

const char* to_string(ErrorCode code) noexcept;

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;  // what went wrong, in words a user can act on
  std::string field;    // where: a field path, "file:line:column", or a SQL statement; may be empty

  // "message (field)" or just "message".
  std::string describe() const;
};

inline Error make_error(ErrorCode code, std::string message, std::string field = {}) {
  return Error{code, std::move(message), std::move(field)};
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}            // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}        // NOLINT: implicit by design

  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(state_); }
  const T& value() const& { assert(ok()); return std::get<0>(state_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const& { assert(!ok()); return std::get<1>(state_); }
  Error&& error() && { assert(!ok()); return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  bool ok() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  const Error& error() const& { assert(!ok_); return error_; }
  Error&& error() && { assert(!ok_); return std::move(error_); }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

inline Status ok_status() { return {}; }

}  // namespace narralytica

// Early return on failure, for functions that return Result<...>. Kept as a macro because
// C++20 has no expression-level propagation; the name says it returns.
#define NARRALYTICA_CONCAT_INNER(a, b) a##b
#define NARRALYTICA_CONCAT(a, b) NARRALYTICA_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)                                  \
  do {                                                         \
    auto&& narralytica_status_ = (expr);                       \
    if (!narralytica_status_.ok()) return std::move(narralytica_status_).error(); \
  } while (false)

#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return std::move(tmp).error(); \
  lhs = std::move(tmp).value()

#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(NARRALYTICA_CONCAT(narralytica_result_, __LINE__), lhs, expr)
