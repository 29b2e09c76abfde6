#include "store/identity/user_repository.hpp"

#include <algorithm>

#include "core/json_writer.hpp"
#include "core/secrets.hpp"

namespace narralytica::store {
namespace {

constexpr const char* kInsertUser =
    "INSERT INTO users (public_id, email, display_name, password_hash, status, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, 'active', $5, $5) RETURNING id";
constexpr const char* kSelectByEmail =
    "SELECT id, public_id, email, display_name, status, password_hash, last_login_at, created_at "
    "FROM users WHERE email = $1";
constexpr const char* kSelectUserByPublicId =
    "SELECT id, public_id, email, display_name, status, password_hash, last_login_at, created_at "
    "FROM users WHERE public_id = $1";
constexpr const char* kRecordLogin = "UPDATE users SET last_login_at = $2, updated_at = $2 WHERE id = $1";

User read_user(const Statement& s, std::string* password_hash = nullptr) {
  User user{s.column_int64(0), s.column_uuid(1), s.column_text(2), s.column_text(3), s.column_text(4),
            !s.column_is_null(5), s.column_optional_int64(6), s.column_int64(7)};
  if (password_hash && !s.column_is_null(5)) *password_hash = s.column_text(5);
  return user;
}

}  // namespace

Result<std::string> normalize_email(std::string_view email) {
  while (!email.empty() && std::isspace(static_cast<unsigned char>(email.front()))) email.remove_prefix(1);
  while (!email.empty() && std::isspace(static_cast<unsigned char>(email.back()))) email.remove_suffix(1);
  std::string out(email);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  const auto at = out.find('@');
  if (out.size() < 3 || out.size() > 254 || at == std::string::npos || at == 0 || at + 1 == out.size() ||
      out.find('@', at + 1) != std::string::npos || out.find_first_of(" \t\r\n") != std::string::npos) {
    return make_error(ErrorCode::invalid_argument, "not an e-mail address: '" + std::string(email) + "'", "email");
  }
  return out;
}

Result<User> UserRepository::create(Transaction& tx, const SystemScope& scope, std::string_view email,
                                    std::string_view display_name, std::string_view password) {
  ASSIGN_OR_RETURN(std::string normalized, normalize_email(email));
  if (display_name.find_first_not_of(" \t\r\n") == std::string_view::npos || display_name.size() > 200) {
    return make_error(ErrorCode::invalid_argument, "a display name is 1 to 200 characters, not blank", "display_name");
  }
  std::optional<std::string> password_hash;
  if (!password.empty()) {
    ASSIGN_OR_RETURN(password_hash, hash_password(password));
  }
  RETURN_IF_ERROR(tx.enter(scope));
  User user;
  user.public_id = tx.new_id();
  user.email = normalized;
  user.display_name = display_name;
  user.status = "active";
  user.has_password = password_hash.has_value();
  user.created_at = tx.now_us();
  ASSIGN_OR_RETURN(Statement * insert, tx.prepare(kInsertUser));
  insert->bind_uuid(1, user.public_id);
  insert->bind_text(2, user.email);
  insert->bind_text(3, user.display_name);
  insert->bind_optional_text(4, password_hash);
  insert->bind_int64(5, user.created_at);
  auto inserted = insert->step();
  if (!inserted.ok()) {
    if (inserted.error().code == ErrorCode::conflict) {
      return make_error(ErrorCode::conflict, "a user with e-mail " + user.email + " already exists", "email");
    }
    return std::move(inserted).error();
  }
  user.id = insert->column_int64(0);
  insert->reset();
  tx.record_change(scope, std::nullopt, "user.created", "user", user.public_id,
                   JsonObject().add("email", user.email).add("display_name", user.display_name).str());
  return user;
}

Result<User> UserRepository::find(Transaction& tx, std::string_view email_or_id) {
  Statement* s = nullptr;
  if (auto id = Uuid::parse(email_or_id)) {
    ASSIGN_OR_RETURN(s, tx.prepare(kSelectUserByPublicId));
    s->bind_uuid(1, *id);
  } else {
    ASSIGN_OR_RETURN(std::string email, normalize_email(email_or_id));
    ASSIGN_OR_RETURN(s, tx.prepare(kSelectByEmail));
    s->bind_text(1, email);
  }
  ASSIGN_OR_RETURN(bool found, s->step());
  if (!found) return make_error(ErrorCode::not_found, "no user " + std::string(email_or_id), "user");
  User user = read_user(*s);
  s->reset();
  return user;
}

Result<User> UserRepository::verify_login(Transaction& tx, std::string_view email, std::string_view password) {
  const Error wrong = make_error(ErrorCode::unauthenticated, "wrong e-mail or password");
  auto normalized = normalize_email(email);
  if (!normalized.ok()) return wrong;
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectByEmail));
  s->bind_text(1, *normalized);
  ASSIGN_OR_RETURN(bool found, s->step());
  std::string stored_hash;
  User user;
  if (found) user = read_user(*s, &stored_hash);
  s->reset();
  // Verify even when the user is missing, so response time does not reveal which e-mails exist.
  static const std::string decoy = hash_password("decoy-password-for-timing").value();
  const bool valid = verify_password(password, stored_hash.empty() ? decoy : stored_hash);
  if (!found || stored_hash.empty() || !valid || user.status != "active") return wrong;
  ASSIGN_OR_RETURN(Statement * login, tx.prepare(kRecordLogin));
  login->bind_int64(1, user.id);
  login->bind_int64(2, tx.now_us());
  RETURN_IF_ERROR(login->execute());
  user.last_login_at = tx.now_us();
  return user;
}

}  // namespace narralytica::store
