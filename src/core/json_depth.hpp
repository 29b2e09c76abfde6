// A nesting check that runs before a JSON parser sees untrusted text: a body of a million '['
// would otherwise cost a million nested values (memory, and recursion in some code that walks
// them). It only counts brackets outside strings; it does not validate the JSON.
#pragma once

#include <cstddef>
#include <string_view>

namespace narralytica {

// The offset of the first '{' or '[' that opens level depth_max + 1 (outside strings), or
// std::string_view::npos when the text nests at most depth_max levels.
std::size_t json_nesting_beyond(std::string_view text, std::size_t depth_max);

}  // namespace narralytica
