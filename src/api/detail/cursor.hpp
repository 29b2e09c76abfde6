// Pagination cursors as the API gives them out. Apart from io.hpp (which brings in the JSON
// library through the route table) so that the CLI's --json listings and --cursor options speak
// the API's cursors too.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/uuid.hpp"

namespace narralytica::api {

// A cursor is opaque to clients (base64url of a tagged key), so its encoding can change without
// breaking them. `kind` tells one list's cursor from another's.
std::string encode_cursor(char kind, std::string_view key_bytes);
// Errors: invalid_argument (field "cursor") when the text is not a cursor of `kind`.
Result<std::string> decode_cursor(char kind, std::string_view text);
// A cursor whose key is `count` integers (an ordinal; a transcript and an ordinal), big-endian so
// the bytes sort like the numbers. Errors: as decode_cursor, also for a key of another length.
std::string encode_int_cursor(char kind, std::initializer_list<std::int64_t> values);
Result<std::vector<std::int64_t>> decode_int_cursor(char kind, std::string_view text, std::size_t count);

// Keyset pages over public ids: the id a cursor of `kind` continues after (nullopt without a
// cursor), and the cursor of a page that stopped after `next_after` (nullopt on the last page).
// Errors: as decode_cursor.
Result<std::optional<Uuid>> id_cursor_after(char kind, const std::optional<std::string>& cursor);
std::optional<std::string> id_cursor(char kind, const std::optional<Uuid>& next_after);

}  // namespace narralytica::api
