#include "db/list_type.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "db/collections.h"
#include "server/config.h"
#include "server/server.h"
#include "util/digest.h"

namespace corvid {
namespace {

class ListTypeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RegisterListType();
    InitDatabases(16);
    Srv().stats.dirty = 0;
  }
  void TearDown() override {
    InitDatabases(16);
    Cfg().list_max_listpack_size = -2;
    Cfg().list_compress_depth = 0;
  }

  Db& db() { return GetDb(0); }

  std::vector<std::string> Items(std::string_view key) {
    KeyEntry* e = db().Find(key);
    std::vector<std::string> out;
    if (!e) return out;
    ListOf(e->val)->Walk(0, true, [&](const LpValue& v) {
      char buf[LpValue::kIntBufSize];
      out.emplace_back(v.AsString(buf));
      return true;
    });
    return out;
  }

  int64_t Push(std::string_view key, std::vector<std::string_view> vals, ListWhere w = ListWhere::kTail) {
    OpResult<int64_t> r = ListPush(db(), key, vals, w, false);
    EXPECT_TRUE(r.ok());
    return r.value();
  }

  std::vector<std::string> PopRange(std::string_view key, ListWhere w, size_t n) {
    std::vector<std::string> out;
    KeyEntry* e = db().FindWrite(key);
    if (!e) return out;
    ListPopRange(db(), e, w, n, [&](const LpValue& v) {
      char buf[LpValue::kIntBufSize];
      out.emplace_back(v.AsString(buf));
    });
    return out;
  }

  using V = std::vector<std::string>;
};

TEST_F(ListTypeTest, PushCreatesAQuicklistWithTheConfiguredShape) {
  Cfg().list_max_listpack_size = 3;
  Cfg().list_compress_depth = 1;
  EXPECT_EQ(Push("l", {"a", "b"}), 2);
  EXPECT_EQ(Push("l", {"c", "d"}, ListWhere::kHead), 4);
  KeyEntry* e = db().Find("l");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->val.type(), ObjType::kList);
  EXPECT_EQ(EncodingName(e->val.encoding()), "quicklist");
  EXPECT_EQ(ListOf(e->val)->fill(), 3);
  EXPECT_EQ(ListOf(e->val)->compress_depth(), 1);
  EXPECT_EQ(Items("l"), (V{"d", "c", "a", "b"}));
  EXPECT_EQ(Srv().stats.dirty, 4u);
  // A later config change does not reshape existing lists.
  Cfg().list_max_listpack_size = -2;
  Push("l", {"e"});
  EXPECT_EQ(ListOf(db().Find("l")->val)->fill(), 3);
}

TEST_F(ListTypeTest, PushxAndWrongType) {
  EXPECT_EQ(ListPush(db(), "l", std::vector<std::string_view>{"a"}, ListWhere::kTail, true).value(), 0);
  EXPECT_EQ(db().Find("l"), nullptr);
  db().Add("s", Value::String("x"));
  EXPECT_EQ(ListPush(db(), "s", std::vector<std::string_view>{"a"}, ListWhere::kTail, false).status(),
            OpStatus::kWrongType);
  EXPECT_EQ(ListPush(db(), "s", std::vector<std::string_view>{"a"}, ListWhere::kTail, true).status(),
            OpStatus::kWrongType);
  Push("l", {"a"});
  EXPECT_EQ(ListPush(db(), "l", std::vector<std::string_view>{"b", "c"}, ListWhere::kHead, true).value(), 3);
  EXPECT_EQ(Items("l"), (V{"c", "b", "a"}));
}

TEST_F(ListTypeTest, PopsDeleteTheEmptiedKey) {
  Push("l", {"1", "2", "3", "4", "5"});
  Srv().stats.dirty = 0;
  EXPECT_EQ(PopRange("l", ListWhere::kHead, 2), (V{"1", "2"}));
  EXPECT_EQ(PopRange("l", ListWhere::kTail, 2), (V{"5", "4"}));
  EXPECT_EQ(Srv().stats.dirty, 4u);
  std::string last;
  ListPopOne(db(), db().FindWrite("l"), ListWhere::kHead, [&](const LpValue& v) { last = std::to_string(v.num); });
  EXPECT_EQ(last, "3");
  EXPECT_EQ(db().Find("l"), nullptr);
  Push("l", {"a", "b"});
  EXPECT_EQ(PopRange("l", ListWhere::kTail, 10), (V{"b", "a"}));
  EXPECT_EQ(db().Find("l"), nullptr);
}

TEST_F(ListTypeTest, InsertSetRem) {
  Push("l", {"a", "b", "a", "c", "a"});
  EXPECT_EQ(ListInsert(db(), "l", false, "b", "x").value(), 6);
  EXPECT_EQ(ListInsert(db(), "l", true, "c", "y").value(), 7);
  EXPECT_EQ(ListInsert(db(), "l", true, "zz", "y").value(), -1);
  EXPECT_EQ(ListInsert(db(), "nokey", true, "a", "y").value(), 0);
  EXPECT_EQ(Items("l"), (V{"a", "x", "b", "a", "c", "y", "a"}));
  EXPECT_EQ(ListSet(db(), "l", -1, "last"), ListSetResult::kOk);
  EXPECT_EQ(ListSet(db(), "l", 7, "x"), ListSetResult::kOutOfRange);
  EXPECT_EQ(ListSet(db(), "nokey", 0, "x"), ListSetResult::kNoSuchKey);
  EXPECT_EQ(ListRem(db(), "l", -1, "a").value(), 1);
  EXPECT_EQ(Items("l"), (V{"a", "x", "b", "c", "y", "last"}));
  EXPECT_EQ(ListRem(db(), "l", 0, "a").value(), 1);
  EXPECT_EQ(ListRem(db(), "nokey", 0, "a").value(), 0);
  db().Add("s", Value::String("x"));
  EXPECT_EQ(ListRem(db(), "s", 0, "a").status(), OpStatus::kWrongType);
  EXPECT_EQ(ListSet(db(), "s", 0, "a"), ListSetResult::kWrongType);
  EXPECT_EQ(ListInsert(db(), "s", true, "a", "b").status(), OpStatus::kWrongType);
  // Integers compare by value with their canonical text.
  Push("n", {"10", "010", "10"});
  EXPECT_EQ(ListRem(db(), "n", 0, "10").value(), 2);
  EXPECT_EQ(Items("n"), V{"010"});
  EXPECT_EQ(ListRem(db(), "n", 1, "010").value(), 1);
  EXPECT_EQ(db().Find("n"), nullptr);
}

TEST_F(ListTypeTest, TrimAndRangeBounds) {
  int64_t from, count;
  ListRangeBounds(5, 0, -1, &from, &count);
  EXPECT_EQ(std::make_pair(from, count), std::make_pair(int64_t{0}, int64_t{5}));
  ListRangeBounds(5, -100, 100, &from, &count);
  EXPECT_EQ(std::make_pair(from, count), std::make_pair(int64_t{0}, int64_t{5}));
  ListRangeBounds(5, 3, 1, &from, &count);
  EXPECT_EQ(count, 0);
  ListRangeBounds(5, 0, -100, &from, &count);
  EXPECT_EQ(count, 0);
  ListRangeBounds(5, 5, 10, &from, &count);
  EXPECT_EQ(count, 0);
  ListRangeBounds(5, -2, -1, &from, &count);
  EXPECT_EQ(std::make_pair(from, count), std::make_pair(int64_t{3}, int64_t{2}));
  ListRangeBounds(0, 0, -1, &from, &count);
  EXPECT_EQ(count, 0);
  ListRangeBounds(5, INT64_MIN, INT64_MAX, &from, &count);
  EXPECT_EQ(count, 5);

  Push("l", {"0", "1", "2", "3", "4", "5"});
  EXPECT_EQ(ListTrim(db(), "l", 1, -2), OpStatus::kOk);
  EXPECT_EQ(Items("l"), (V{"1", "2", "3", "4"}));
  EXPECT_EQ(ListTrim(db(), "nokey", 1, -2), OpStatus::kKeyNotFound);
  EXPECT_EQ(ListTrim(db(), "l", 2, 1), OpStatus::kOk);
  EXPECT_EQ(db().Find("l"), nullptr);
}

TEST_F(ListTypeTest, MoveBetweenAndWithinLists) {
  Push("src", {"a", "b", "c"});
  auto r = ListMove(db(), "src", "dst", ListWhere::kTail, ListWhere::kHead);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r.value(), "c");
  EXPECT_EQ(Items("dst"), V{"c"});
  // Rotation on one key, including a single-element list that must survive the pop.
  EXPECT_EQ(*ListMove(db(), "src", "src", ListWhere::kHead, ListWhere::kTail).value(), "a");
  EXPECT_EQ(Items("src"), (V{"b", "a"}));
  EXPECT_EQ(*ListMove(db(), "dst", "dst", ListWhere::kHead, ListWhere::kTail).value(), "c");
  EXPECT_EQ(Items("dst"), V{"c"});
  // Moving the last element deletes the source.
  EXPECT_EQ(*ListMove(db(), "dst", "src", ListWhere::kHead, ListWhere::kHead).value(), "c");
  EXPECT_EQ(db().Find("dst"), nullptr);
  EXPECT_FALSE(ListMove(db(), "nokey", "src", ListWhere::kHead, ListWhere::kHead).value().has_value());
  db().Add("s", Value::String("x"));
  EXPECT_EQ(ListMove(db(), "src", "s", ListWhere::kHead, ListWhere::kHead).status(), OpStatus::kWrongType);
  EXPECT_EQ(ListMove(db(), "s", "src", ListWhere::kHead, ListWhere::kHead).status(), OpStatus::kWrongType);
  EXPECT_EQ(Items("src"), (V{"c", "b", "a"})) << "nothing moved on a type error";
}

TEST_F(ListTypeTest, Positions) {
  Push("l", {"a", "b", "a", "c", "a"});
  const Quicklist& ql = *ListOf(db().Find("l")->val);
  auto pos = [&](int64_t rank, int64_t count, int64_t maxlen) {
    return ListPositions(ql, "a", ListPosOptions{rank, count, maxlen});
  };
  using I = std::vector<int64_t>;
  EXPECT_EQ(pos(1, -1, 0), I{0});
  EXPECT_EQ(pos(2, -1, 0), I{2});
  EXPECT_EQ(pos(-1, -1, 0), I{4});
  EXPECT_EQ(pos(4, -1, 0), I{});
  EXPECT_EQ(pos(1, 0, 0), (I{0, 2, 4}));
  EXPECT_EQ(pos(2, 0, 0), (I{2, 4}));
  EXPECT_EQ(pos(-1, 2, 3), (I{4, 2}));
  EXPECT_EQ(pos(1, 0, 2), I{0});
  // Redis 7.0.15: RANK -9223372036854775808 matches everything from the tail and COUNT never stops it.
  EXPECT_EQ(pos(INT64_MIN, 2, 0), (I{4, 2, 0}));
  EXPECT_EQ(pos(INT64_MIN + 1, 0, 0), I{});
}

TEST_F(ListTypeTest, CollectionOps) {
  Push("l", {"1", "hello", "-5", "999999999999"});
  KeyEntry* e = db().Find("l");
  // DEBUG DIGEST-VALUE mixes the type (big-endian) and then the contents; redis-server 7.0.15 gives this hex
  // for RPUSH l 1 hello -5 999999999999.
  auto value_digest = [](const Value& v) {
    Digest d = {};
    uint32_t type_be = htonl(static_cast<uint32_t>(ObjType::kList));
    MixDigest(d, &type_be, sizeof(type_be));
    CollectionDigest(v, d);
    return DigestHex(d);
  };
  EXPECT_EQ(value_digest(e->val), "88f01a24eb46a2239de3cf6245165e1c9202ceff");
  Value copy = CloneValue(e->val);
  EXPECT_EQ(copy.type(), ObjType::kList);
  EXPECT_EQ(value_digest(copy), value_digest(e->val));
  EXPECT_GT(e->val.HeapBytes(), 0u);
  Push("m", {"1", "hello", "-5", "999999999999", "x"});
  EXPECT_NE(value_digest(db().Find("m")->val), value_digest(e->val));
}

}  // namespace
}  // namespace corvid
