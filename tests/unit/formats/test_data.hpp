// Loads sample files from tests/data/formats for the formats tests.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace narralytica::formats::testing {

inline std::string read_data(const std::string& name) {
  std::ifstream in(std::string(NARRALYTICA_FORMATS_DATA_DIR) + "/" + name, std::ios::binary);
  if (!in) throw std::runtime_error("missing test data file " + name);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace narralytica::formats::testing
