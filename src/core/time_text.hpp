// Timestamps as text: reading the RFC 3339 form that format_rfc3339 (core/clock.hpp) writes, for
// the API's bodies and the CLI's options alike.
#pragma once

#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace narralytica {

// Accepts "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)". Errors: invalid_argument naming `field`.
Result<UnixMicros> parse_rfc3339(std::string_view text, std::string_view field);

}  // namespace narralytica
