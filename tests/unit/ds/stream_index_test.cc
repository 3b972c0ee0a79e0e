#include "ds/stream_index.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace corvid {
namespace {

std::vector<std::string_view> Fv(std::initializer_list<std::string_view> l) { return {l}; }

// IDs of the live entries in [start, end], in iteration order.
std::vector<StreamID> Ids(const StreamIndex& idx, StreamID start, StreamID end, bool rev) {
  std::vector<StreamID> out;
  StreamIterator it(idx, start, end, rev);
  while (it.Next()) out.push_back(it.id());
  return out;
}

std::vector<StreamID> Seq(uint64_t from, uint64_t to) {
  std::vector<StreamID> out;
  for (uint64_t i = from; i <= to; ++i) out.push_back({i, 0});
  return out;
}

// n entries 1-0 .. n-0 with fields a,b (every 3rd entry has a different field set).
StreamIndex Build(uint64_t n, int64_t max_entries) {
  StreamIndex idx;
  for (uint64_t i = 1; i <= n; ++i) {
    std::string v = std::to_string(i);
    if (i % 3 == 0)
      idx.Append({i, 0}, Fv({"x", v}), 4096, max_entries);
    else
      idx.Append({i, 0}, Fv({"a", v, "b", "val"}), 4096, max_entries);
  }
  return idx;
}

TEST(StreamIndexTest, AppendAndIterateBothWays) {
  StreamIndex idx = Build(50, 10);
  EXPECT_EQ(idx.size(), 50u);
  EXPECT_EQ(idx.nodes().size(), 5u);
  EXPECT_EQ(Ids(idx, {0, 0}, StreamID::Max(), false), Seq(1, 50));
  std::vector<StreamID> rev = Seq(1, 50);
  std::reverse(rev.begin(), rev.end());
  EXPECT_EQ(Ids(idx, {0, 0}, StreamID::Max(), true), rev);
  StreamIterator it(idx, {3, 0}, {4, 0}, false);
  ASSERT_TRUE(it.Next());
  ASSERT_EQ(it.num_fields(), 1u);
  EXPECT_TRUE(it.field(0).Equals("x"));
  EXPECT_EQ(it.value(0).num, 3);
  ASSERT_TRUE(it.Next());
  ASSERT_EQ(it.num_fields(), 2u);
  EXPECT_TRUE(it.field(1).Equals("b"));
  EXPECT_TRUE(it.value(1).Equals("val"));
  EXPECT_FALSE(it.Next());
}

TEST(StreamIndexTest, SeekInsideNodes) {
  StreamIndex idx = Build(50, 10);
  EXPECT_EQ(Ids(idx, {15, 1}, {22, 0}, false), Seq(16, 22));
  std::vector<StreamID> rev = Seq(16, 22);
  std::reverse(rev.begin(), rev.end());
  EXPECT_EQ(Ids(idx, {15, 1}, {22, 0}, true), rev);
  EXPECT_TRUE(Ids(idx, {51, 0}, StreamID::Max(), false).empty());
  EXPECT_TRUE(Ids(idx, {0, 0}, {0, 5}, true).empty());
}

TEST(StreamIndexTest, DeleteMarksAndDropsEmptyNodes) {
  StreamIndex idx = Build(20, 10);
  EXPECT_TRUE(idx.Delete({5, 0}));
  EXPECT_FALSE(idx.Delete({5, 0}));
  EXPECT_FALSE(idx.Delete({5, 1}));
  EXPECT_EQ(idx.size(), 19u);
  for (uint64_t i = 1; i <= 10; ++i) idx.Delete({i, 0});
  EXPECT_EQ(idx.nodes().size(), 1u);
  EXPECT_EQ(Ids(idx, {0, 0}, StreamID::Max(), false), Seq(11, 20));
  StreamID first, last;
  ASSERT_TRUE(idx.FirstId(&first));
  ASSERT_TRUE(idx.LastId(&last));
  EXPECT_EQ(first, (StreamID{11, 0}));
  EXPECT_EQ(last, (StreamID{20, 0}));
  idx.Delete({20, 0});
  ASSERT_TRUE(idx.LastId(&last));
  EXPECT_EQ(last, (StreamID{19, 0}));
}

TEST(StreamIndexTest, IteratorWithTombstonesSeesDeletedEntries) {
  StreamIndex idx = Build(20, 10);
  idx.Delete({1, 0});
  idx.Delete({12, 0});
  std::vector<StreamID> all;
  StreamIterator it(idx, {0, 0}, StreamID::Max(), false, true);
  while (it.Next()) all.push_back(it.id());
  EXPECT_EQ(all, Seq(1, 20));
  std::vector<StreamID> back;
  StreamIterator rev(idx, {0, 0}, {12, 0}, true, true);
  while (rev.Next()) back.push_back(rev.id());
  ASSERT_FALSE(back.empty());
  EXPECT_EQ(back.front(), (StreamID{12, 0}));
  EXPECT_EQ(back.size(), 12u);
  EXPECT_EQ(Ids(idx, {0, 0}, {2, 0}, false), Seq(2, 2));  // without: only the live ones
}

TEST(StreamIndexTest, TrimExactAndApprox) {
  StreamIndex idx = Build(50, 10);
  StreamIndex::TrimSpec approx;
  approx.maxlen = 35;
  approx.approx = true;
  EXPECT_EQ(idx.Trim(approx), 10);  // one whole node; the next would leave fewer than 35
  EXPECT_EQ(idx.size(), 40u);
  StreamIndex::TrimSpec exact;
  exact.maxlen = 35;
  EXPECT_EQ(idx.Trim(exact), 5);
  EXPECT_EQ(Ids(idx, {0, 0}, StreamID::Max(), false), Seq(16, 50));
  StreamIndex::TrimSpec minid{.by_maxlen = false, .minid = {33, 0}};
  EXPECT_EQ(idx.Trim(minid), 17);
  EXPECT_EQ(Ids(idx, {0, 0}, StreamID::Max(), false), Seq(33, 50));
  StreamIndex::TrimSpec limited;
  limited.approx = true;
  limited.limit = 5;
  EXPECT_EQ(idx.Trim(limited), 0);  // the first node has 8 entries, more than the limit
}

TEST(StreamIndexTest, NodeByteLimitAndRedisLayout) {
  StreamIndex idx;
  idx.Append({1, 0}, Fv({"f", "v"}), 0, 0);
  idx.Append({1, 1}, Fv({"f", "w"}), 0, 0);
  idx.Append({2, 0}, Fv({"g", "w"}), 0, 0);
  ASSERT_EQ(idx.nodes().size(), 1u);
  // Master: count 3, deleted 0, 1 field "f", 0; then entries as Redis lays them out.
  Listpack expected;
  for (int64_t v : {3, 0, 1}) expected.AppendInt(v);
  expected.Append("f");
  expected.AppendInt(0);
  for (int64_t v : {2, 0, 0}) expected.AppendInt(v);
  expected.Append("v");
  expected.AppendInt(4);
  for (int64_t v : {2, 0, 1}) expected.AppendInt(v);
  expected.Append("w");
  expected.AppendInt(4);
  for (int64_t v : {0, 1, 0, 1}) expected.AppendInt(v);
  expected.Append("g");
  expected.Append("w");
  expected.AppendInt(6);
  EXPECT_EQ(idx.nodes().begin()->second.Bytes(), expected.Bytes());
  StreamIndex small;
  for (uint64_t i = 1; i <= 10; ++i) small.Append({i, 0}, Fv({"field", "value"}), 40, 0);
  EXPECT_GT(small.nodes().size(), 3u);
  EXPECT_EQ(Ids(small, {0, 0}, StreamID::Max(), false), Seq(1, 10));
}

TEST(StreamIndexTest, IdArithmetic) {
  StreamID a{1, UINT64_MAX};
  ASSERT_TRUE(a.Incr());
  EXPECT_EQ(a, (StreamID{2, 0}));
  ASSERT_TRUE(a.Decr());
  EXPECT_EQ(a.ToString(), "1-18446744073709551615");
  StreamID m = StreamID::Max();
  EXPECT_FALSE(m.Incr());
  StreamID z;
  EXPECT_FALSE(z.Decr());
}

}  // namespace
}  // namespace corvid
