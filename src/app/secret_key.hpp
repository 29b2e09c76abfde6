// The server key that seals secrets stored in the database (core/secret_box.hpp): one file,
// `<data dir>/secret.key` unless $NARRALYTICA_SECRET_KEY_FILE names another, created on first use
// with mode 0600. Every process that registers webhooks or signs their deliveries (serve, worker,
// the CLI) must read the same file, and it is backed up apart from the database (a database
// backup alone must not be enough to read the secrets; docs/security.md).
#pragma once

#include <filesystem>

#include "core/secret_box.hpp"

namespace narralytica::app {

inline constexpr const char* kSecretKeyFileName = "secret.key";
inline constexpr const char* kSecretKeyFileVariable = "NARRALYTICA_SECRET_KEY_FILE";

// $NARRALYTICA_SECRET_KEY_FILE when set and not empty, else `<data_dir>/secret.key`.
std::filesystem::path secret_key_file(const std::filesystem::path& data_dir);

// Reads the key at `key_file`, or creates it when there is none: 32 random bytes written to a
// temporary file (0600) that is synced and linked into place, so two processes starting at once
// end up with the same key. Errors: unavailable when it cannot be read or created (naming the
// file); invalid_argument for a file of the wrong size or one its group or others may read.
Result<SecretBox> load_or_create_secret_key(const std::filesystem::path& key_file);

}  // namespace narralytica::app
