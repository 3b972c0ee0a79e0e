// The replication backlog: a circular buffer addressed by stream offsets (Redis' repl_backlog).
#include <gtest/gtest.h>

#include <string>

#include "replication/master.h"

namespace corvid {
namespace {

std::string From(const ReplBacklog& b, int64_t offset) {
  std::string out;
  b.CopyFrom(offset, &out);
  return out;
}

TEST(ReplBacklog, EmptyBacklogStartsAfterTheCurrentOffset) {
  ReplBacklog b(8, 100);
  EXPECT_EQ(b.first_offset(), 101);
  EXPECT_EQ(b.histlen(), 0u);
  EXPECT_TRUE(b.Covers(101));  // a replica that has everything
  EXPECT_FALSE(b.Covers(100));
  EXPECT_FALSE(b.Covers(102));
  EXPECT_EQ(From(b, 101), "");
}

TEST(ReplBacklog, KeepsTheNewestBytesWhenItWraps) {
  ReplBacklog b(8, 0);
  b.Append("abcde");
  EXPECT_EQ(b.first_offset(), 1);
  EXPECT_EQ(From(b, 1), "abcde");
  EXPECT_EQ(From(b, 4), "de");
  b.Append("fghij");  // 10 bytes through an 8-byte buffer
  EXPECT_EQ(b.end_offset(), 10);
  EXPECT_EQ(b.histlen(), 8u);
  EXPECT_EQ(b.first_offset(), 3);
  EXPECT_FALSE(b.Covers(2));
  EXPECT_EQ(From(b, 3), "cdefghij");
  EXPECT_EQ(From(b, 9), "ij");
  EXPECT_EQ(From(b, 11), "");
  b.Append("0123456789xyz");  // longer than the buffer
  EXPECT_EQ(b.end_offset(), 23);
  EXPECT_EQ(b.first_offset(), 16);
  EXPECT_EQ(From(b, 16), "56789xyz");
}

TEST(ReplBacklog, ResizeKeepsWhatFits) {
  ReplBacklog b(8, 0);
  b.Append("abcdefgh");
  b.Resize(4);
  EXPECT_EQ(b.size(), 4u);
  EXPECT_EQ(b.first_offset(), 5);
  EXPECT_EQ(From(b, 5), "efgh");
  b.Resize(16);
  b.Append("ij");
  EXPECT_EQ(From(b, 5), "efghij");
  EXPECT_EQ(b.end_offset(), 10);
}

}  // namespace
}  // namespace corvid
