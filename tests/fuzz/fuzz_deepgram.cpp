// libFuzzer target for the deepgram reader; see fuzz_check.hpp for what is checked.
#include "formats/deepgram_reader.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return narralytica::formats::fuzz::fuzz_reader(
      data, size, [](std::string_view content, const narralytica::formats::ReadOptions& options) {
        return narralytica::formats::read_deepgram(content, options);
      });
}
