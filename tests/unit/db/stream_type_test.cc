#include "db/stream_type.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "server/config.h"

namespace corvid {
namespace {

class StreamTypeTest : public ::testing::Test {
 protected:
  void SetUp() override { ResetConfigToDefaults(); }

  StreamID Add(Stream* s, StreamID id) {
    std::vector<std::string_view> fv = {"f", "v"};
    EXPECT_EQ(StreamAppend(s, &id, true, true, fv, 0), XAddResult::kOk);
    return id;
  }
};

TEST_F(StreamTypeTest, ParseIds) {
  StreamID id;
  ASSERT_TRUE(ParseStreamID("5", &id, 7));
  EXPECT_EQ(id, (StreamID{5, 7}));
  ASSERT_TRUE(ParseStreamID("5-3", &id, 0));
  EXPECT_EQ(id, (StreamID{5, 3}));
  EXPECT_FALSE(ParseStreamID("-", &id, 0));
  ASSERT_TRUE(ParseStreamID("+", &id, 0, true));
  EXPECT_EQ(id, StreamID::Max());
  bool seq_given = true;
  ASSERT_TRUE(ParseStreamID("9-*", &id, 0, false, &seq_given));
  EXPECT_FALSE(seq_given);
  EXPECT_FALSE(ParseStreamID("9-*", &id, 0));  // "*" only where XADD allows it
  EXPECT_FALSE(ParseStreamID("1-2-3", &id, 0));
  EXPECT_FALSE(ParseStreamID("18446744073709551616", &id, 0));
  EXPECT_FALSE(ParseStreamID(std::string(128, '1'), &id, 0));
}

TEST_F(StreamTypeTest, AutoIdsAndMonotonicity) {
  Stream s;
  std::vector<std::string_view> fv = {"f", "v"};
  StreamID id;
  ASSERT_EQ(StreamAppend(&s, &id, false, true, fv, 1000), XAddResult::kOk);
  EXPECT_EQ(id, (StreamID{1000, 0}));
  ASSERT_EQ(StreamAppend(&s, &id, false, true, fv, 999), XAddResult::kOk);  // the clock went back
  EXPECT_EQ(id, (StreamID{1000, 1}));
  id = {1000, 0};
  EXPECT_EQ(StreamAppend(&s, &id, true, false, fv, 0), XAddResult::kOk);
  EXPECT_EQ(id, (StreamID{1000, 2}));
  id = {5, 5};
  EXPECT_EQ(StreamAppend(&s, &id, true, true, fv, 0), XAddResult::kIdTooSmall);
  EXPECT_EQ(s.entries_added, 3u);
  EXPECT_EQ(s.first_id, (StreamID{1000, 0}));
}

TEST_F(StreamTypeTest, DeleteTracksFirstAndMaxDeleted) {
  Stream s;
  for (uint64_t i = 1; i <= 4; ++i) Add(&s, {i, 0});
  EXPECT_TRUE(StreamDelete(&s, {1, 0}));
  EXPECT_EQ(s.first_id, (StreamID{2, 0}));
  EXPECT_TRUE(StreamDelete(&s, {3, 0}));
  EXPECT_EQ(s.max_deleted_id, (StreamID{3, 0}));
  EXPECT_FALSE(StreamDelete(&s, {3, 0}));
  EXPECT_TRUE(StreamDelete(&s, {2, 0}));
  EXPECT_TRUE(StreamDelete(&s, {4, 0}));
  EXPECT_EQ(s.first_id, StreamID{});
  EXPECT_EQ(s.index.size(), 0u);
}

TEST_F(StreamTypeTest, GroupReadCounterAndLag) {
  Stream s;
  for (uint64_t i = 1; i <= 5; ++i) Add(&s, {i, 0});
  StreamGroup* g = CreateGroup(&s, "g", StreamID{}, kInvalidEntriesRead);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(CreateGroup(&s, "g", StreamID{}, 0), nullptr);
  int64_t lag;
  ASSERT_TRUE(GroupLag(s, *g, &lag));  // 0-0 is before the first entry: the counter is known
  EXPECT_EQ(lag, 5);
  GroupDelivered(s, g, {1, 0});
  GroupDelivered(s, g, {2, 0});
  EXPECT_EQ(g->entries_read, 2);
  ASSERT_TRUE(GroupLag(s, *g, &lag));
  EXPECT_EQ(lag, 3);
  // A tombstone ahead of the group makes the lag unknown until the group passes it.
  StreamDelete(&s, {4, 0});
  EXPECT_FALSE(GroupLag(s, *g, &lag));
  GroupDelivered(s, g, {3, 0});
  EXPECT_EQ(g->entries_read, kInvalidEntriesRead);
  EXPECT_FALSE(GroupLag(s, *g, &lag));
  GroupDelivered(s, g, {5, 0});  // the last entry: its counter is entries-added
  EXPECT_EQ(g->entries_read, 5);
  ASSERT_TRUE(GroupLag(s, *g, &lag));
  EXPECT_EQ(lag, 0);
}

TEST_F(StreamTypeTest, PendingEntriesMoveBetweenConsumers) {
  Stream s;
  Add(&s, {1, 0});
  StreamGroup* g = CreateGroup(&s, "g", StreamID{}, kInvalidEntriesRead);
  StreamConsumer* a = CreateConsumer(g, "a", 10);
  StreamConsumer* b = CreateConsumer(g, "b", 10);
  EXPECT_EQ(CreateConsumer(g, "a", 10), nullptr);
  StreamNack* n = GroupAddNack(g, a, {1, 0}, 10, 1);
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(GroupAddNack(g, b, {1, 0}, 10, 1), nullptr);
  ConsumerClaimNack(b, {1, 0}, n);
  EXPECT_TRUE(a->pel.empty());
  EXPECT_EQ(b->pel.size(), 1u);
  EXPECT_EQ(DeleteConsumer(g, "b"), 1u);
  EXPECT_TRUE(g->pel.empty());
  EXPECT_FALSE(GroupAck(g, {1, 0}));
}

}  // namespace
}  // namespace corvid
