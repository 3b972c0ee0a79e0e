#include "db/hash_type.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "db/db.h"
#include "server/config.h"
#include "server/server.h"
#include "util/digest.h"

namespace corvid {
namespace {

std::mt19937_64 g_rng;
uint64_t TestRandom() { return g_rng(); }

class HashTypeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RegisterHashOps();
    ResetConfigToDefaults();
    InitDatabases(16);
    Srv().stats.dirty = 0;
    g_rng.seed(12345);
  }
  void TearDown() override {
    InitDatabases(16);
    ResetConfigToDefaults();
  }

  static std::string Get(const Value& v, std::string_view field) {
    char buf[LpValue::kIntBufSize];
    std::string_view out;
    if (!HashGet(v, field, buf, &out)) return "(nil)";
    return std::string(out);
  }
  static std::vector<std::pair<std::string, std::string>> Pairs(const Value& v) {
    std::vector<std::pair<std::string, std::string>> out;
    HashForEach(v, [&](std::string_view f, std::string_view val) { out.emplace_back(f, val); });
    return out;
  }
  static std::map<std::string, std::string> Contents(const Value& v) {
    auto p = Pairs(v);
    return {p.begin(), p.end()};
  }
  static std::string DigestOf(const Value& v) {
    Digest d = {};
    kHashOps.digest(v, d);
    return DigestHex(d);
  }
  // A hashtable hash with fields f0..f{n-1} = v0..
  static Value TableHash(int n) {
    Value v = NewHash();
    HashConvertToTable(v);
    for (int i = 0; i < n; ++i) HashSet(v, "f" + std::to_string(i), "v" + std::to_string(i));
    return v;
  }

  Db& db() { return GetDb(0); }
};

TEST_F(HashTypeTest, ListpackSetGetDeleteKeepInsertionOrder) {
  Value v = NewHash();
  EXPECT_EQ(v.type(), ObjType::kHash);
  EXPECT_EQ(v.encoding(), ObjEnc::kListpack);
  EXPECT_EQ(HashLen(v), 0u);
  EXPECT_TRUE(HashSet(v, "b", "1"));
  EXPECT_TRUE(HashSet(v, "a", "2"));
  EXPECT_TRUE(HashSet(v, "c", "3"));
  EXPECT_FALSE(HashSet(v, "a", "two"));  // update in place
  EXPECT_EQ(HashLen(v), 3u);
  EXPECT_EQ(Get(v, "a"), "two");
  EXPECT_EQ(Get(v, "zz"), "(nil)");
  EXPECT_TRUE(HashExists(v, "c"));
  EXPECT_FALSE(HashExists(v, "1"));
  using P = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(Pairs(v), (P{{"b", "1"}, {"a", "two"}, {"c", "3"}}));
  EXPECT_TRUE(HashDelete(v, "b"));
  EXPECT_FALSE(HashDelete(v, "b"));
  EXPECT_TRUE(HashSet(v, "b", "again"));
  EXPECT_EQ(Pairs(v), (P{{"a", "two"}, {"c", "3"}, {"b", "again"}}));
  EXPECT_EQ(v.encoding(), ObjEnc::kListpack);
}

TEST_F(HashTypeTest, ListpackIntegersKeepTheirText) {
  Value v = NewHash();
  const char* texts[] = {"0", "-1", "12", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
                         "01", "-0", "+1", " 1", "1.0", ""};
  for (const char* t : texts) HashSet(v, t, t);
  for (const char* t : texts) EXPECT_EQ(Get(v, t), t) << t;
  // A field that is the same number in another spelling is a different field.
  EXPECT_FALSE(HashExists(v, "00"));
  EXPECT_FALSE(HashExists(v, "+12"));
  EXPECT_TRUE(HashExists(v, "12"));
}

TEST_F(HashTypeTest, ConvertsOnLongValueOrField) {
  Value v = NewHash();
  HashSet(v, "f", std::string(64, 'x'));
  HashSet(v, std::string(64, 'y'), "v");
  EXPECT_EQ(v.encoding(), ObjEnc::kListpack);
  HashSet(v, "g", std::string(65, 'x'));
  EXPECT_EQ(v.encoding(), ObjEnc::kHashtable);
  EXPECT_EQ(HashLen(v), 3u);
  EXPECT_EQ(Get(v, "f"), std::string(64, 'x'));
  EXPECT_EQ(Get(v, "g"), std::string(65, 'x'));

  Value w = NewHash();
  HashSet(w, "a", "1");
  HashSet(w, std::string(65, 'k'), "1");
  EXPECT_EQ(w.encoding(), ObjEnc::kHashtable);
  EXPECT_EQ(Get(w, "a"), "1");
}

TEST_F(HashTypeTest, ConvertsPastMaxEntriesAndNeverBack) {
  Value v = NewHash();
  for (int i = 0; i < 512; ++i) HashSet(v, "f" + std::to_string(i), std::to_string(i));
  EXPECT_EQ(v.encoding(), ObjEnc::kListpack);
  HashSet(v, "f0", "update");  // no new entry
  EXPECT_EQ(v.encoding(), ObjEnc::kListpack);
  HashSet(v, "f512", "512");
  EXPECT_EQ(v.encoding(), ObjEnc::kHashtable);
  EXPECT_EQ(HashLen(v), 513u);
  for (int i = 0; i < 500; ++i) HashDelete(v, "f" + std::to_string(i));
  EXPECT_EQ(v.encoding(), ObjEnc::kHashtable);
  EXPECT_EQ(HashLen(v), 13u);
  EXPECT_EQ(Get(v, "f0"), "(nil)");
  EXPECT_EQ(Get(v, "f511"), "511");
}

TEST_F(HashTypeTest, ThresholdsAreReadAtEachWrite) {
  Cfg().hash_max_listpack_entries = 2;
  Value v = NewHash();
  HashSet(v, "a", "1");
  HashSet(v, "b", "2");
  EXPECT_EQ(v.encoding(), ObjEnc::kListpack);
  HashSet(v, "c", "3");
  EXPECT_EQ(v.encoding(), ObjEnc::kHashtable);

  Cfg().hash_max_listpack_entries = 0;
  Value w = NewHash();
  HashSet(w, "a", "1");
  EXPECT_EQ(w.encoding(), ObjEnc::kHashtable);

  Cfg().hash_max_listpack_entries = 512;
  Cfg().hash_max_listpack_value = 0;
  Value e = NewHash();
  HashSet(e, "", "");
  EXPECT_EQ(e.encoding(), ObjEnc::kListpack);
  HashSet(e, "", "x");
  EXPECT_EQ(e.encoding(), ObjEnc::kHashtable);
  EXPECT_EQ(Get(e, ""), "x");
}

TEST_F(HashTypeTest, TryConversionLooksAtEveryArgument) {
  Value v = NewHash();
  std::string long_arg(65, 'z');
  std::string_view ok[] = {"a", "b", std::string_view(long_arg).substr(0, 64)};
  HashTryConversion(v, ok);
  EXPECT_EQ(v.encoding(), ObjEnc::kListpack);
  std::string_view args[] = {"a", "b", long_arg, "c"};
  HashTryConversion(v, args);
  EXPECT_EQ(v.encoding(), ObjEnc::kHashtable);
  HashTryConversion(v, args);  // already a hashtable: nothing to do
  EXPECT_EQ(v.encoding(), ObjEnc::kHashtable);
}

TEST_F(HashTypeTest, HashtableOperations) {
  Value v = TableHash(1000);
  EXPECT_EQ(HashLen(v), 1000u);
  EXPECT_EQ(Get(v, "f999"), "v999");
  EXPECT_FALSE(HashSet(v, "f1", "new"));
  EXPECT_EQ(Get(v, "f1"), "new");
  EXPECT_TRUE(HashSet(v, "long-field-name-over-15-bytes", std::string(100, 'q')));
  EXPECT_EQ(Get(v, "long-field-name-over-15-bytes"), std::string(100, 'q'));
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(HashDelete(v, "f" + std::to_string(i)));
  EXPECT_EQ(HashLen(v), 1u);
  EXPECT_FALSE(HashExists(v, "f5"));
}

TEST_F(HashTypeTest, ConversionKeepsContentAndDigest) {
  Value v = NewHash();
  for (int i = 0; i < 100; ++i) HashSet(v, "k" + std::to_string(i), std::to_string(i * 3));
  auto before = Contents(v);
  std::string digest = DigestOf(v);
  HashConvertToTable(v);
  EXPECT_EQ(v.encoding(), ObjEnc::kHashtable);
  EXPECT_EQ(Contents(v), before);
  EXPECT_EQ(DigestOf(v), digest);
}

TEST_F(HashTypeTest, DigestIsOrderIndependentAndContentSensitive) {
  Value a = NewHash(), b = NewHash();
  HashSet(a, "x", "1");
  HashSet(a, "y", "2");
  HashSet(b, "y", "2");
  HashSet(b, "x", "1");
  EXPECT_EQ(DigestOf(a), DigestOf(b));
  HashSet(b, "x", "10");
  EXPECT_NE(DigestOf(a), DigestOf(b));
  // Swapping field and value changes the element digest.
  Value c = NewHash(), d = NewHash();
  HashSet(c, "p", "q");
  HashSet(d, "q", "p");
  EXPECT_NE(DigestOf(c), DigestOf(d));
  // Redis' formula for one field: xor of SHA1-mix(mix(zero, field), value).
  Digest ele = {};
  MixDigest(ele, "p", 1);
  MixDigest(ele, "q", 1);
  Digest expect = {};
  XorDigest(expect, ele, sizeof(Digest));
  EXPECT_EQ(DigestOf(c), DigestHex(expect));
}

TEST_F(HashTypeTest, CloneIsDeepForBothEncodings) {
  Value lp = NewHash();
  HashSet(lp, "a", "1");
  Value t = TableHash(50);
  for (Value* src : {&lp, &t}) {
    Value copy = CloneValue(*src);
    EXPECT_EQ(copy.encoding(), src->encoding());
    EXPECT_EQ(Contents(copy), Contents(*src));
    HashSet(copy, "a", "changed");
    HashSet(copy, "extra", "1");
    EXPECT_NE(Get(*src, "a"), "changed");
    EXPECT_FALSE(HashExists(*src, "extra"));
  }
}

TEST_F(HashTypeTest, HeapBytesGrowWithContent) {
  Value small = NewHash();
  size_t empty = small.HeapBytes();
  EXPECT_GT(empty, 0u);
  HashSet(small, "field", std::string(40, 'v'));
  EXPECT_GT(small.HeapBytes(), empty);
  Value big = TableHash(10000);
  Value bigger = TableHash(20000);
  EXPECT_GT(big.HeapBytes(), 10000u * sizeof(HashNode));
  EXPECT_GT(bigger.HeapBytes(), big.HeapBytes());
}

TEST_F(HashTypeTest, ScanListpackReturnsEverythingWithCursorZero) {
  Value v = NewHash();
  HashSet(v, "a", "1");
  HashSet(v, "b", "2");
  std::vector<std::string> out;
  EXPECT_EQ(HashScan(v, 12345, 1, &out), 0u);
  EXPECT_EQ(out, (std::vector<std::string>{"a", "1", "b", "2"}));
}

TEST_F(HashTypeTest, ScanHashtableVisitsEveryFieldAcrossGrowth) {
  Value v = TableHash(300);
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int steps = 0, added = 0;
  do {
    std::vector<std::string> out;
    cursor = HashScan(v, cursor, 10, &out);
    ASSERT_EQ(out.size() % 2, 0u);
    for (size_t i = 0; i < out.size(); i += 2) {
      seen.insert(out[i]);
      EXPECT_EQ(out[i + 1], Get(v, out[i]));
    }
    // Grow the table while scanning: fields present all along must still be returned.
    for (int k = 0; k < 20; ++k) HashSet(v, "n" + std::to_string(added++), "x");
    ++steps;
  } while (cursor != 0 && steps < 100000);
  for (int i = 0; i < 300; ++i) EXPECT_TRUE(seen.count("f" + std::to_string(i))) << i;
}

TEST_F(HashTypeTest, ScanCountBoundsTheWork) {
  Value v = TableHash(5000);
  std::vector<std::string> out;
  uint64_t cursor = HashScan(v, 0, 4, &out);
  EXPECT_NE(cursor, 0u);
  EXPECT_GE(out.size(), 4u);
  EXPECT_LT(out.size(), 100u);
}

// Counts picks per field over many draws and checks each is within a generous band around the mean.
void ExpectUniform(const Value& v, int draws, const char* what) {
  std::map<std::string, int> hits;
  HashBufs bufs;
  for (HashRef r : HashRandomRefs(v, draws, false, TestRandom)) hits[std::string(HashRead(v, r, bufs).field)]++;
  size_t n = HashLen(v);
  ASSERT_EQ(hits.size(), n) << what;
  double mean = static_cast<double>(draws) / n, chi2 = 0;
  for (auto& [f, h] : hits) chi2 += (h - mean) * (h - mean) / mean;
  // n-1 degrees of freedom: the mean of chi2 is n-1, its sd sqrt(2(n-1)); allow 6 sd.
  EXPECT_LT(chi2, (n - 1) + 6 * std::sqrt(2.0 * (n - 1))) << what;
}

TEST_F(HashTypeTest, RandomPicksAreUniform) {
  Value lp = NewHash();
  for (int i = 0; i < 20; ++i) HashSet(lp, "f" + std::to_string(i), "v");
  ExpectUniform(lp, 100000, "listpack");
  // Bucket chains of different lengths must not skew the picks.
  Value t = TableHash(100);
  ExpectUniform(t, 200000, "hashtable");
  Value t2 = TableHash(3000);
  for (int i = 0; i < 2500; ++i) HashDelete(t2, "f" + std::to_string(i));  // sparse, maybe shrinking
  ExpectUniform(t2, 250000, "sparse hashtable");
}

TEST_F(HashTypeTest, RandomRefsFollowTheCountRules) {
  for (bool table : {false, true}) {
    Value v = NewHash();
    if (table) HashConvertToTable(v);
    for (int i = 0; i < 30; ++i) HashSet(v, "f" + std::to_string(i), std::to_string(i));
    HashBufs bufs;
    // Whole hash, in order, when count >= size.
    std::vector<HashRef> all = HashRandomRefs(v, 1000, true, TestRandom);
    ASSERT_EQ(all.size(), 30u);
    std::vector<std::string> order;
    for (HashRef r : all) order.emplace_back(HashRead(v, r, bufs).field);
    std::vector<std::string> expect;
    HashForEach(v, [&](std::string_view f, std::string_view) { expect.emplace_back(f); });
    EXPECT_EQ(order, expect);
    // Unique picks in both strategies (3*count > size and below).
    for (uint64_t count : {2u, 5u, 9u, 10u, 11u, 29u}) {
      std::vector<HashRef> refs = HashRandomRefs(v, count, true, TestRandom);
      std::set<std::string> distinct;
      for (HashRef r : refs) {
        HashPair p = HashRead(v, r, bufs);
        EXPECT_EQ(std::string(p.value), std::string(p.field).substr(1));
        distinct.emplace(p.field);
      }
      EXPECT_EQ(refs.size(), count);
      EXPECT_EQ(distinct.size(), count);
    }
    // Repeats allowed: exactly count picks.
    EXPECT_EQ(HashRandomRefs(v, 500, false, TestRandom).size(), 500u);
  }
}

TEST_F(HashTypeTest, UniquePicksCoverEveryField) {
  Value v = TableHash(40);
  std::set<std::string> seen;
  HashBufs bufs;
  for (int round = 0; round < 200; ++round)
    for (HashRef r : HashRandomRefs(v, 3, true, TestRandom)) seen.emplace(HashRead(v, r, bufs).field);
  EXPECT_EQ(seen.size(), 40u);
}

// ---- keyspace operations ----

TEST_F(HashTypeTest, SetPairsCreatesCountsAndDirties) {
  std::string_view pairs[] = {"a", "1", "b", "2", "a", "3"};
  OpResult<int64_t> r = HashSetPairs(db(), "h", pairs);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), 2);
  EXPECT_EQ(Srv().stats.dirty, 3u);
  KeyEntry* e = db().Find("h");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(Get(e->val, "a"), "3");
  db().Add("s", Value::String("x"));
  EXPECT_EQ(HashSetPairs(db(), "s", pairs).status(), OpStatus::kWrongType);
}

TEST_F(HashTypeTest, SetPairsConvertsBeforeWritingLongArguments) {
  std::string long_value(65, 'v');
  std::string_view pairs[] = {"a", "1", "b", long_value};
  ASSERT_TRUE(HashSetPairs(db(), "h", pairs).ok());
  EXPECT_EQ(db().Find("h")->val.encoding(), ObjEnc::kHashtable);
}

TEST_F(HashTypeTest, SetNx) {
  EXPECT_TRUE(HashSetNx(db(), "h", "f", "1").value());
  EXPECT_FALSE(HashSetNx(db(), "h", "f", "2").value());
  EXPECT_EQ(Get(db().Find("h")->val, "f"), "1");
  EXPECT_EQ(Srv().stats.dirty, 1u);
  // An existing field never converts, even with a long value.
  EXPECT_FALSE(HashSetNx(db(), "h", "f", std::string(100, 'x')).value());
  EXPECT_EQ(db().Find("h")->val.encoding(), ObjEnc::kListpack);
}

TEST_F(HashTypeTest, DeleteFieldsRemovesEmptyKey) {
  std::string_view pairs[] = {"a", "1", "b", "2"};
  HashSetPairs(db(), "h", pairs);
  Srv().stats.dirty = 0;
  std::string_view some[] = {"a", "a", "zz"};
  EXPECT_EQ(HashDeleteFields(db(), "h", some).value(), 1);
  EXPECT_NE(db().Find("h"), nullptr);
  std::string_view rest[] = {"b", "a"};
  EXPECT_EQ(HashDeleteFields(db(), "h", rest).value(), 1);
  EXPECT_EQ(db().Find("h"), nullptr);
  EXPECT_EQ(Srv().stats.dirty, 2u);
  EXPECT_EQ(HashDeleteFields(db(), "h", rest).value(), 0);
  db().Add("s", Value::String("x"));
  EXPECT_EQ(HashDeleteFields(db(), "s", rest).status(), OpStatus::kWrongType);
}

TEST_F(HashTypeTest, IncrBy) {
  EXPECT_EQ(HashIncrBy(db(), "h", "n", 5).value(), 5);
  EXPECT_EQ(HashIncrBy(db(), "h", "n", -7).value(), -2);
  EXPECT_EQ(Srv().stats.dirty, 2u);
  std::string_view pairs[] = {"max", "9223372036854775807", "s", "abc", "f", "1.5", "lz", "01"};
  HashSetPairs(db(), "h", pairs);
  EXPECT_EQ(HashIncrBy(db(), "h", "max", 1).status(), OpStatus::kOverflow);
  EXPECT_EQ(HashIncrBy(db(), "h", "max", -1).value(), INT64_MAX - 1);
  EXPECT_EQ(HashIncrBy(db(), "h", "s", 1).status(), OpStatus::kNotInteger);
  EXPECT_EQ(HashIncrBy(db(), "h", "f", 1).status(), OpStatus::kNotInteger);
  EXPECT_EQ(HashIncrBy(db(), "h", "lz", 1).status(), OpStatus::kNotInteger);
  EXPECT_EQ(HashIncrBy(db(), "h2", "m", INT64_MIN).value(), INT64_MIN);
  EXPECT_EQ(HashIncrBy(db(), "h2", "m", -1).status(), OpStatus::kOverflow);
  db().Add("str", Value::String("x"));
  EXPECT_EQ(HashIncrBy(db(), "str", "f", 1).status(), OpStatus::kWrongType);
}

TEST_F(HashTypeTest, IncrByFloat) {
  EXPECT_EQ(HashIncrByFloat(db(), "h", "x", 1.5L).value(), "1.5");
  EXPECT_EQ(HashIncrByFloat(db(), "h", "x", 0.1L).value(), "1.6");
  EXPECT_EQ(HashIncrByFloat(db(), "h", "i", 3.0L).value(), "3");
  EXPECT_EQ(HashIncrBy(db(), "h", "i", 1).value(), 4);  // "3" is an integer again
  std::string_view pairs[] = {"s", "abc", "e3", "1e3", "inf", "inf"};
  HashSetPairs(db(), "h", pairs);
  EXPECT_EQ(HashIncrByFloat(db(), "h", "s", 1).status(), OpStatus::kNotFloat);
  EXPECT_EQ(HashIncrByFloat(db(), "h", "e3", 1).value(), "1001");
  EXPECT_EQ(HashIncrByFloat(db(), "h", "inf", 1).status(), OpStatus::kIncrNanOrInf);
  EXPECT_EQ(HashIncrByFloat(db(), "h", "big", 1e308L).value().size(), 308u);  // 9999...: as Redis prints it
  // A result longer than hash-max-listpack-value converts the hash.
  EXPECT_EQ(db().Find("h")->val.encoding(), ObjEnc::kHashtable);
  EXPECT_EQ(HashIncrByFloat(db(), "h", "big", -1e308L).value(), "0");
}

TEST_F(HashTypeTest, IncrResultLongerThanLimitConverts) {
  Cfg().hash_max_listpack_value = 3;
  EXPECT_EQ(HashIncrBy(db(), "h", "f", 999).value(), 999);
  EXPECT_EQ(db().Find("h")->val.encoding(), ObjEnc::kListpack);
  EXPECT_EQ(HashIncrBy(db(), "h", "f", 1).value(), 1000);
  EXPECT_EQ(db().Find("h")->val.encoding(), ObjEnc::kHashtable);
}

}  // namespace
}  // namespace corvid
