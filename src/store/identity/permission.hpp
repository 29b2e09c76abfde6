// Permissions are (action, resource) pairs from the catalog seeded by migration 0002; roles are
// sets of them. The built-in roles are defined here, once, and copied into every new tenant.
#pragma once

#include <span>
#include <string_view>

namespace narralytica::store {

struct Permission {
  std::string_view action;    // read, write, delete, admin
  std::string_view resource;  // tenant, config, members, roles, tokens, videos, transcripts, ...
  bool operator==(const Permission&) const = default;
};

struct BuiltinRole {
  std::string_view name;
  std::string_view description;
  std::span<const Permission> permissions;
};

// owner, admin, editor, viewer: each a superset of the next.
std::span<const BuiltinRole> builtin_roles();

}  // namespace narralytica::store
