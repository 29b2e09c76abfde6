// Users are global (one person, many tenants); what they may do in a tenant comes from their
// memberships. Passwords are stored only as argon2id hashes.
#pragma once

#include <optional>
#include <string>

#include "store/scope.hpp"
#include "store/transaction.hpp"

namespace narralytica::store {

struct User {
  std::int64_t id = 0;
  Uuid public_id;
  std::string email;  // lower-case
  std::string display_name;
  std::string status;  // active, disabled
  bool has_password = false;
  std::optional<UnixMicros> last_login_at;
  UnixMicros created_at = 0;
};

// Lower-cases and trims an e-mail address and checks its shape. Errors: invalid_argument.
Result<std::string> normalize_email(std::string_view email);

class UserRepository {
 public:
  // Creates a user; `password` empty means a token-only user. Errors: invalid_argument naming
  // the field, conflict when the e-mail is taken.
  static Result<User> create(Transaction& tx, const SystemScope& scope, std::string_view email,
                             std::string_view display_name, std::string_view password);
  // By e-mail (any case) or public id. Errors: not_found.
  static Result<User> find(Transaction& tx, std::string_view email_or_id);
  // Checks a password; on success records the login time. Errors: unauthenticated, with the
  // same message whether the user or the password was wrong.
  static Result<User> verify_login(Transaction& tx, std::string_view email, std::string_view password);
};

}  // namespace narralytica::store
