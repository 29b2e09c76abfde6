// A file compiled into the binary (migrations, web assets): its name and its bytes.
#pragma once

#include <span>
#include <string_view>

namespace narralytica {

struct EmbeddedFile {
  std::string_view name;
  std::string_view bytes;
};

}  // namespace narralytica
