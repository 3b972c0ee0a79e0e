#include "persistence/rdb_stream.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "db/stream_type.h"
#include "persistence/rdb_value.h"
#include "server/config.h"

namespace corvid::rdb {
namespace {

class RdbStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ResetConfigToDefaults();
    RegisterStreamType();
    RegisterStreamRdb();
  }

  static void Add(Stream* s, uint64_t ms, uint64_t seq) {
    StreamID id{ms, seq};
    std::vector<std::string_view> fv = {"f", "v"};
    ASSERT_EQ(StreamAppend(s, &id, true, true, fv, 0), XAddResult::kOk);
  }

  static std::string Save(const Value& v) {
    Writer w;
    SaveValue(w, v, false);
    return w.buffer();
  }
};

TEST_F(RdbStreamTest, RoundTripKeepsEntriesMetadataAndGroups) {
  Value v = NewStreamValue();
  Stream* s = StreamOf(v);
  for (uint64_t i = 1; i <= 250; ++i) Add(s, i, 0);  // several nodes at the default 100 entries
  ASSERT_TRUE(StreamDelete(s, {3, 0}));
  StreamGroup* g = CreateGroup(s, "g", {10, 0}, 10);
  StreamConsumer* a = CreateConsumer(g, "a", 111);
  StreamConsumer* b = CreateConsumer(g, "b", 222);
  GroupAddNack(g, a, {5, 0}, 1000, 2);
  GroupAddNack(g, b, {6, 0}, 2000, 1);
  CreateGroup(s, "unread", {}, kInvalidEntriesRead);
  uint8_t type;
  std::string err;
  ASSERT_TRUE(ValueType(v, &type, &err));
  EXPECT_EQ(type, kTypeStreamListpacks2);
  std::string bytes = Save(v);
  Reader r(bytes);
  Value out;
  ASSERT_EQ(LoadValue(r, type, &out), LoadResult::kOk) << r.error();
  EXPECT_EQ(r.offset(), bytes.size());
  EXPECT_EQ(Save(out), bytes);
  const Stream* o = StreamOf(out);
  EXPECT_EQ(o->index.size(), 249u);
  EXPECT_EQ(o->index.nodes().size(), s->index.nodes().size());
  EXPECT_EQ(o->max_deleted_id, (StreamID{3, 0}));
  EXPECT_EQ(o->entries_added, 250u);
  ASSERT_EQ(o->groups.size(), 2u);
  EXPECT_EQ(o->groups.at("unread")->entries_read, kInvalidEntriesRead);
  const StreamGroup& og = *o->groups.at("g");
  EXPECT_EQ(og.pel.at({5, 0})->consumer->name, "a");
  EXPECT_EQ(og.pel.at({6, 0})->delivery_time, 2000);
  EXPECT_EQ(og.consumers.at("b")->seen_time, 222);
}

TEST_F(RdbStreamTest, TruncationsAndBadNodesFailCleanly) {
  Value v = NewStreamValue();
  for (uint64_t i = 1; i <= 5; ++i) Add(StreamOf(v), i, 0);
  StreamGroup* g = CreateGroup(StreamOf(v), "g", {}, 0);
  GroupAddNack(g, CreateConsumer(g, "c", 1), {2, 0}, 5, 1);
  std::string bytes = Save(v);
  for (size_t n = 0; n < bytes.size(); ++n) {
    Reader r(std::string_view(bytes).substr(0, n));
    Value out;
    EXPECT_EQ(LoadValue(r, kTypeStreamListpacks2, &out), LoadResult::kError) << n;
  }
  // Flipping any single byte either fails or yields a stream that saves again without trouble.
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0x41);
    Reader r(bad);
    Value out;
    if (LoadValue(r, kTypeStreamListpacks2, &out) == LoadResult::kOk) Save(out);
  }
}

}  // namespace
}  // namespace corvid::rdb
