// fsync of a file, and of a directory so that a file created or renamed in it survives power
// loss: what makes a backup "written atomically" (temporary file, sync, rename, sync the
// directory) durable.
#pragma once

#include <filesystem>

#include "core/result.hpp"

namespace narralytica::store {

// Errors: unavailable naming the path and the system's reason.
Status sync_file(const std::filesystem::path& file);
Status sync_directory(const std::filesystem::path& directory);

// The directory a file is (to be) in: its parent, or "." for a bare name.
std::filesystem::path directory_of(const std::filesystem::path& file);

}  // namespace narralytica::store
