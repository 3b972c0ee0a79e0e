#include "db/set_type.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "db/collections.h"
#include "server/config.h"
#include "server/server.h"
#include "util/digest.h"

namespace corvid {
namespace {

class SetTypeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RegisterSetType();
    InitDatabases(16);
    Srv().rng.seed(12345);
    Srv().stats.dirty = 0;
  }
  void TearDown() override {
    Cfg().set_max_intset_entries = 512;
    InitDatabases(16);
  }

  static Value Make(std::initializer_list<std::string_view> members) {
    Value v = NewSet();
    for (std::string_view m : members) SetAdd(v, m);
    return v;
  }
  static std::set<std::string> Members(const Value& v) {
    std::set<std::string> out;
    SetForEach(v, [&](const SetMember& m) { out.insert(m.ToString()); });
    return out;
  }
  static std::string_view Enc(const Value& v) { return EncodingName(v.encoding()); }
  static std::vector<std::string_view> Args(std::initializer_list<std::string_view> a) { return a; }

  Db& db() { return GetDb(0); }
};

TEST_F(SetTypeTest, IntegersStayIntset) {
  Value v = Make({"3", "1", "-9223372036854775808", "9223372036854775807", "1"});
  EXPECT_EQ(v.type(), ObjType::kSet);
  EXPECT_EQ(Enc(v), "intset");
  EXPECT_EQ(SetSize(v), 4u);
  std::vector<std::string> order;
  SetForEach(v, [&](const SetMember& m) { order.push_back(m.ToString()); });
  EXPECT_EQ(order, (std::vector<std::string>{"-9223372036854775808", "1", "3", "9223372036854775807"}));
  EXPECT_TRUE(SetContains(v, "3"));
  EXPECT_FALSE(SetContains(v, "03"));
  EXPECT_FALSE(SetContains(v, "abc"));
}

TEST_F(SetTypeTest, NonCanonicalIntegersConvert) {
  for (std::string_view m : {"01", "-0", " 1", "1 ", "+1", "1.0", "9223372036854775808", "", "a"}) {
    Value v = Make({"1", "2"});
    EXPECT_TRUE(SetAdd(v, m)) << m;
    EXPECT_EQ(Enc(v), "hashtable") << m;
    EXPECT_EQ(Members(v), (std::set<std::string>{"1", "2", std::string(m)})) << m;
  }
}

TEST_F(SetTypeTest, ConvertsPastMaxIntsetEntries) {
  Cfg().set_max_intset_entries = 4;
  Value v = Make({"1", "2", "3", "4"});
  EXPECT_EQ(Enc(v), "intset");
  EXPECT_FALSE(SetAdd(v, "4"));  // not added: no conversion
  EXPECT_EQ(Enc(v), "intset");
  EXPECT_TRUE(SetAdd(v, "5"));
  EXPECT_EQ(Enc(v), "hashtable");
  EXPECT_EQ(Members(v), (std::set<std::string>{"1", "2", "3", "4", "5"}));
  // Removing never converts back.
  EXPECT_TRUE(SetRemove(v, "5"));
  EXPECT_TRUE(SetRemove(v, "4"));
  EXPECT_EQ(Enc(v), "hashtable");
  // A limit of 0 makes every set a hashtable.
  Cfg().set_max_intset_entries = 0;
  EXPECT_EQ(Enc(Make({"7"})), "hashtable");
}

TEST_F(SetTypeTest, IntegerMembersOfAHashtableMatchEitherForm) {
  Value v = Make({"a", "10", "-3"});
  ASSERT_EQ(Enc(v), "hashtable");
  EXPECT_TRUE(SetContains(v, SetMember{{}, 10, true}));
  EXPECT_TRUE(SetContains(v, "-3"));
  EXPECT_FALSE(SetAdd(v, SetMember{{}, -3, true}));
  EXPECT_TRUE(SetRemove(v, SetMember{{}, 10, true}));
  EXPECT_FALSE(SetContains(v, "10"));
}

TEST_F(SetTypeTest, LargeHashtableAddRemove) {
  Value v = NewSet();
  for (int i = 0; i < 20000; ++i) EXPECT_TRUE(SetAdd(v, "m" + std::to_string(i)));
  EXPECT_EQ(SetSize(v), 20000u);
  for (int i = 0; i < 20000; i += 2) EXPECT_TRUE(SetRemove(v, "m" + std::to_string(i)));
  EXPECT_EQ(SetSize(v), 10000u);
  for (int i = 0; i < 20000; ++i) EXPECT_EQ(SetContains(v, "m" + std::to_string(i)), i % 2 == 1);
  for (int i = 1; i < 19990; i += 2) EXPECT_TRUE(SetRemove(v, "m" + std::to_string(i)));
  EXPECT_EQ(Members(v), (std::set<std::string>{"m19991", "m19993", "m19995", "m19997", "m19999"}));
}

TEST_F(SetTypeTest, CloneIsDeep) {
  std::vector<Value> values;
  values.push_back(Make({"1", "2"}));
  values.push_back(Make({"x", "a-long-member-beyond-fifteen-bytes", "3"}));
  for (const Value& v : values) {
    Value c = CloneValue(v);
    EXPECT_EQ(c.encoding(), v.encoding());
    EXPECT_EQ(Members(c), Members(v));
    SetAdd(c, "new");
    EXPECT_FALSE(SetContains(v, "new"));
    EXPECT_GT(v.HeapBytes(), 0u);
  }
}

// DEBUG DIGEST-VALUE of two sets, as redis-server 7.0.15 printed them.
std::string ValueDigestHex(const Value& v) {
  Digest d = {};
  uint32_t type = htonl(static_cast<uint32_t>(ObjType::kSet));
  MixDigest(d, &type, sizeof(type));
  CollectionDigest(v, d);
  return DigestHex(d);
}

TEST_F(SetTypeTest, DigestMatchesRedis) {
  EXPECT_EQ(ValueDigestHex(Make({"9223372036854775807", "-9223372036854775808"})),
            "96e8751752eee474706e760eee67f389a35a6448");
  EXPECT_EQ(ValueDigestHex(Make({"-0", "01", " 1"})), "cb9c98e99c0cc99c9e1af18322ece36fd9797f01");
  // Order and encoding do not matter.
  Value a = Make({"1", "2", "x"});
  Value b = Make({"x", "2", "1"});
  EXPECT_EQ(ValueDigestHex(a), ValueDigestHex(b));
}

TEST_F(SetTypeTest, RandomMembersDistinctCases) {
  Value v = NewSet();
  for (int i = 0; i < 100; ++i) SetAdd(v, "e" + std::to_string(i));
  std::set<std::string> all = Members(v);
  for (uint64_t count : {1u, 5u, 33u, 34u, 60u, 99u, 100u, 1000u}) {
    std::vector<SetMember> got = SetRandomMembers(v, count);
    std::set<std::string> uniq;
    for (const SetMember& m : got) uniq.insert(m.ToString());
    EXPECT_EQ(got.size(), std::min<uint64_t>(count, 100)) << count;
    EXPECT_EQ(uniq.size(), got.size()) << count;
    for (const std::string& s : uniq) EXPECT_TRUE(all.count(s)) << s;
  }
  EXPECT_TRUE(SetRandomMembers(v, 0).empty());
  Value ints = Make({"1", "2", "3"});
  EXPECT_EQ(SetRandomMembers(ints, 7).size(), 3u);
  EXPECT_EQ(SetRandomMembers(ints, 2).size(), 2u);
}

// Chi-square-like check: every member drawn about equally often. Generous bounds (a fair draw of 200 members
// 1000 times each stays within +-25% with overwhelming probability: 8 standard deviations).
void ExpectUniform(const std::map<std::string, int>& hits, size_t members, int per_member) {
  ASSERT_EQ(hits.size(), members);
  for (const auto& [m, n] : hits) {
    EXPECT_GT(n, per_member * 3 / 4) << m;
    EXPECT_LT(n, per_member * 5 / 4) << m;
  }
}

// Draws per_member * size members of v with one sampler and checks every member came up evenly.
void ExpectSamplerUniform(const Value& v, int per_member) {
  std::map<std::string, int> hits;
  SetSampler s(v);
  for (size_t i = 0; i < SetSize(v) * per_member; ++i) ++hits[s.Next().ToString()];
  ExpectUniform(hits, SetSize(v), per_member);
}

TEST_F(SetTypeTest, SamplerIsUniformOnHashtable) {
  Value v = NewSet();
  for (int i = 0; i < 200; ++i) SetAdd(v, "member:" + std::to_string(i));
  ExpectSamplerUniform(v, 1000);
}

TEST_F(SetTypeTest, SamplerIsUniformWhileRehashing) {
  // Grow to 257 members: the table doubles at the 257th and stays rehashing until later operations move buckets.
  Value v = NewSet();
  for (int i = 0; i < 257; ++i) SetAdd(v, "r" + std::to_string(i));
  ASSERT_TRUE(v.As<SetDict>()->IsRehashing());
  ExpectSamplerUniform(v, 1000);
}

TEST_F(SetTypeTest, ListingSamplerIsUniform) {
  // Many planned draws from a hashtable: the sampler lists the members once.
  Value v = NewSet();
  for (int i = 0; i < 100; ++i) SetAdd(v, "l" + std::to_string(i));
  std::map<std::string, int> hits;
  SetSampler s(v, 100 * 1000);
  for (int i = 0; i < 100 * 1000; ++i) ++hits[s.Next().ToString()];
  ExpectUniform(hits, 100, 1000);
}

TEST_F(SetTypeTest, SamplerIsUniformOnIntset) {
  Value v = NewSet();
  for (int i = 0; i < 50; ++i) SetAdd(v, std::to_string(i * 7));
  ExpectSamplerUniform(v, 2000);
}

TEST_F(SetTypeTest, DistinctSelectionIsUniform) {
  // count*3 <= size (draw until distinct) and count*3 > size (choose from the full list).
  for (uint64_t count : {5u, 70u}) {
    Value v = NewSet();
    for (int i = 0; i < 100; ++i) SetAdd(v, "d" + std::to_string(i));
    std::map<std::string, int> hits;
    int rounds = static_cast<int>(100000 / count);
    for (int r = 0; r < rounds; ++r)
      for (const SetMember& m : SetRandomMembers(v, count)) ++hits[m.ToString()];
    ExpectUniform(hits, 100, static_cast<int>(rounds * count / 100));
  }
}

TEST_F(SetTypeTest, InterUnionDiff) {
  Value a = Make({"1", "2", "3", "x"});
  Value b = Make({"2", "3", "4"});
  Value c = Make({"3", "x", "2"});
  std::vector<const Value*> abc = {&a, &b, &c};
  std::set<std::string> inter;
  for (const SetMember& m : SetInter(abc)) inter.insert(m.ToString());
  EXPECT_EQ(inter, (std::set<std::string>{"2", "3"}));
  EXPECT_EQ(SetInterCard(abc, 0), 2u);
  EXPECT_EQ(SetInterCard(abc, 1), 1u);
  Value iv = SetInterValue(abc);
  EXPECT_EQ(Enc(iv), "intset");  // all integers: an intset even though a and c are hashtables
  EXPECT_EQ(Members(iv), inter);
  Value u = SetUnionValue(abc);
  EXPECT_EQ(Members(u), (std::set<std::string>{"1", "2", "3", "4", "x"}));
  EXPECT_EQ(Enc(u), "hashtable");
  Value d = SetDiffValue(abc);
  EXPECT_EQ(Members(d), (std::set<std::string>{"1"}));
  EXPECT_EQ(Enc(d), "intset");
  // Missing keys: empty for SINTER, ignored by SUNION / SDIFF.
  std::vector<const Value*> with_missing = {&a, nullptr};
  EXPECT_TRUE(SetInter(with_missing).empty());
  EXPECT_EQ(SetSize(SetUnionValue(with_missing)), 4u);
  EXPECT_EQ(SetSize(SetDiffValue(with_missing)), 4u);
  std::vector<const Value*> missing_first = {nullptr, &a};
  EXPECT_EQ(SetSize(SetDiffValue(missing_first)), 0u);
  // The first set again: empty.
  std::vector<const Value*> same = {&a, &b, &a};
  EXPECT_EQ(SetSize(SetDiffValue(same)), 0u);
  std::vector<const Value*> self = {&a, &a};
  EXPECT_EQ(SetInterCard(self, 0), 4u);
}

TEST_F(SetTypeTest, DiffAlgorithmDecidesEncodingLikeRedis) {
  Cfg().set_max_intset_entries = 4;
  Value big = Make({"1", "2", "3", "4", "5", "6", "7", "8"});
  Value s1 = Make({"1", "2"}), s2 = Make({"3", "4"}), s3 = Make({"5", "6"}), s4 = Make({"7"});
  // 5 sets: |first| * 5 / 2 = 20 > 8 + 7: Redis copies the first set then removes, so the result went
  // through 8 members and is a hashtable even with one member left.
  std::vector<const Value*> sets = {&big, &s1, &s2, &s3, &s4};
  Value d = SetDiffValue(sets);
  EXPECT_EQ(Members(d), (std::set<std::string>{"8"}));
  EXPECT_EQ(Enc(d), "hashtable");
  // 2 sets: the member test, which only adds survivors: an intset.
  Value c = Make({"1", "2", "3", "4", "5", "6", "7"});
  std::vector<const Value*> two = {&big, &c};
  Value d2 = SetDiffValue(two);
  EXPECT_EQ(Members(d2), (std::set<std::string>{"8"}));
  EXPECT_EQ(Enc(d2), "intset");
}

TEST_F(SetTypeTest, AddRemKeyspace) {
  auto r = SetAddMembers(db(), "s", Args({"a", "b", "a"}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), 2);
  EXPECT_EQ(Srv().stats.dirty, 2u);
  db().Set("str", Value::String("x"));
  EXPECT_EQ(SetAddMembers(db(), "str", Args({"a"})).status(), OpStatus::kWrongType);
  EXPECT_EQ(SetRemMembers(db(), "str", Args({"a"})).status(), OpStatus::kWrongType);
  EXPECT_EQ(SetRemMembers(db(), "missing", Args({"a"})).value(), 0);
  EXPECT_EQ(SetRemMembers(db(), "s", Args({"a", "zz"})).value(), 1);
  EXPECT_NE(db().Find("s"), nullptr);
  EXPECT_EQ(SetRemMembers(db(), "s", Args({"b", "a"})).value(), 1);
  EXPECT_EQ(db().Find("s"), nullptr);  // emptied: deleted
}

TEST_F(SetTypeTest, MoveKeyspace) {
  SetAddMembers(db(), "src", Args({"1", "2"}));
  db().Set("str", Value::String("x"));
  EXPECT_EQ(SetMove(db(), "missing", "str", "1").value(), 0);  // src missing: no type check of dst
  EXPECT_EQ(SetMove(db(), "src", "str", "1").status(), OpStatus::kWrongType);
  EXPECT_EQ(SetMove(db(), "str", "src", "1").status(), OpStatus::kWrongType);
  EXPECT_EQ(SetMove(db(), "src", "src", "1").value(), 1);
  EXPECT_EQ(SetMove(db(), "src", "src", "9").value(), 0);
  EXPECT_EQ(SetMove(db(), "src", "dst", "9").value(), 0);
  EXPECT_EQ(SetMove(db(), "src", "dst", "1").value(), 1);
  EXPECT_EQ(Enc(db().Find("dst")->val), "intset");
  EXPECT_EQ(SetMove(db(), "src", "dst", "2").value(), 1);
  EXPECT_EQ(db().Find("src"), nullptr);
  EXPECT_EQ(Members(db().Find("dst")->val), (std::set<std::string>{"1", "2"}));
}

TEST_F(SetTypeTest, PopKeyspace) {
  EXPECT_EQ(SetPop(db(), "missing").status(), OpStatus::kKeyNotFound);
  EXPECT_TRUE(SetPopCount(db(), "missing", 3).value().empty());
  SetAddMembers(db(), "s", Args({"1", "2", "3"}));
  auto one = SetPop(db(), "s");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(SetSize(db().Find("s")->val), 2u);
  auto rest = SetPopCount(db(), "s", 10);
  ASSERT_TRUE(rest.ok());
  std::set<std::string> all(rest.value().begin(), rest.value().end());
  all.insert(one.value());
  EXPECT_EQ(all, (std::set<std::string>{"1", "2", "3"}));
  EXPECT_EQ(db().Find("s"), nullptr);
  db().Set("str", Value::String("x"));
  EXPECT_EQ(SetPop(db(), "str").status(), OpStatus::kWrongType);
  EXPECT_EQ(SetPopCount(db(), "str", 0).status(), OpStatus::kWrongType);
}

TEST_F(SetTypeTest, PopMostRebuildsTheRemainder) {
  // 20 integers and a string in a hashtable; popping 18 of the 20 left after removing the string keeps 2,
  // built into a fresh set: an intset, as Redis does.
  std::vector<std::string> ms;
  for (int i = 1; i <= 20; ++i) ms.push_back(std::to_string(i));
  std::vector<std::string_view> views(ms.begin(), ms.end());
  views.push_back("a");
  SetAddMembers(db(), "h", views);
  SetRemMembers(db(), "h", Args({"a"}));
  db().SetExpire(db().Find("h"), Srv().now_ms + 100000);
  ASSERT_EQ(Enc(db().Find("h")->val), "hashtable");
  auto popped = SetPopCount(db(), "h", 18);
  ASSERT_TRUE(popped.ok());
  EXPECT_EQ(popped.value().size(), 18u);
  KeyEntry* e = db().Find("h");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(Enc(e->val), "intset");
  EXPECT_EQ(SetSize(e->val), 2u);
  EXPECT_NE(db().GetExpire(e), -1);  // the TTL stays
  std::set<std::string> seen(popped.value().begin(), popped.value().end());
  SetForEach(e->val, [&](const SetMember& m) { seen.insert(m.ToString()); });
  EXPECT_EQ(seen.size(), 20u);
  // A small part: members are drawn one at a time; the encoding stays.
  auto few = SetPopCount(db(), "h", 1);
  EXPECT_EQ(few.value().size(), 1u);
}

TEST_F(SetTypeTest, StoreResultReplacesOrDeletes) {
  db().Set("dst", Value::String("x"));
  db().SetExpire(db().Find("dst"), Srv().now_ms + 100000);
  EXPECT_EQ(StoreSetResult(db(), "dst", Make({"1", "2"}), "sunionstore"), 2);
  KeyEntry* e = db().Find("dst");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->val.type(), ObjType::kSet);
  EXPECT_EQ(db().GetExpire(e), -1);  // the TTL goes with the old value
  EXPECT_EQ(StoreSetResult(db(), "dst", NewSet(), "sunionstore"), 0);
  EXPECT_EQ(db().Find("dst"), nullptr);
}

}  // namespace
}  // namespace corvid
