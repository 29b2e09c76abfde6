// Proves a search document survives the index's serialised form unchanged (hits are rendered from
// it and verify checksums it), and that damaged bytes are refused rather than misread.
#include <gtest/gtest.h>

#include "search/segment_document.hpp"

namespace narralytica::search {
namespace {

TEST(SegmentDocument, RoundTripsEveryField) {
  SegmentDocument d;
  d.video_id = *Uuid::parse("01a20c78-2d98-768a-b9d1-0792dfad7a07");
  d.video_title = "Council — hearing";
  d.published_at = -5;
  d.transcript_id = *Uuid::parse("01a20c78-2db0-72d0-a7d3-b25b628d4135");
  d.revision = 3;
  d.language = "en";
  d.ordinal = 42;
  d.start_ms = 1'000;
  d.end_ms = 2'500;
  d.speaker_id = d.video_id;
  d.speaker_label = "SPEAKER_00";
  d.speaker_name = "Ada";
  d.person_id = d.transcript_id;
  d.person_name = "Ada Lovelace";
  d.text = std::string("text with \0 a nul", 17);
  d.labels = {{"topics", "housing"}, {"sentiment", "negative"}};
  auto back = deserialize(serialize(d));
  ASSERT_TRUE(back.ok()) << back.error().describe();
  EXPECT_EQ(*back, d);
  SegmentDocument minimal;
  auto minimal_back = deserialize(serialize(minimal));
  ASSERT_TRUE(minimal_back.ok());
  EXPECT_EQ(*minimal_back, minimal);
}

TEST(SegmentDocument, RefusesDamagedBytes) {
  SegmentDocument d;
  d.text = "hello";
  const std::string bytes = serialize(d);
  EXPECT_FALSE(deserialize(bytes.substr(0, bytes.size() - 2)).ok());
  EXPECT_FALSE(deserialize(bytes + "x").ok());
  EXPECT_FALSE(deserialize("").ok());
  std::string other_version = bytes;
  other_version[0] = 9;
  EXPECT_FALSE(deserialize(other_version).ok());
}

}  // namespace
}  // namespace narralytica::search
