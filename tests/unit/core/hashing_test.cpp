// SHA-256 against the FIPS 180-2 test vectors, one-shot and incremental, with pieces that cross
// the incremental hasher's internal buffer, and the length-prefixed fields it offers.
#include <gtest/gtest.h>

#include <string>

#include "core/hashing.hpp"

namespace narralytica {
namespace {

TEST(Sha256, MatchesTheStandardVectors) {
  EXPECT_EQ(to_hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(to_hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(to_hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(to_hex(sha256(std::string(1'000'000, 'a'))),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, IncrementalEqualsOneShotWhateverThePieces) {
  std::string data;
  for (int i = 0; i < 20'000; ++i) data.push_back(static_cast<char>('a' + i * 7 % 26));
  for (std::size_t piece : {1u, 7u, 4095u, 4096u, 4097u, 12'000u}) {
    Sha256 h;
    for (std::size_t at = 0; at < data.size(); at += piece) h.update(std::string_view(data).substr(at, piece));
    EXPECT_EQ(h.finish(), sha256(data)) << "pieces of " << piece;
  }
}

TEST(Sha256, FieldsAreLengthPrefixedSoTheirBoundariesCount) {
  Sha256 empty;
  empty.update(std::string_view());
  empty.update_field(std::string_view());
  EXPECT_EQ(empty.finish(), sha256(std::string(8, '\0')));

  Sha256 ab_c, a_bc;
  ab_c.update_field("ab");
  ab_c.update_field("c");
  a_bc.update_field("a");
  a_bc.update_field("bc");
  const std::string first = ab_c.finish();
  EXPECT_NE(first, a_bc.finish());
  // Big-endian 64-bit length, then the bytes.
  EXPECT_EQ(first, sha256(std::string("\0\0\0\0\0\0\0\2ab\0\0\0\0\0\0\0\1c", 19)));
}

}  // namespace
}  // namespace narralytica
