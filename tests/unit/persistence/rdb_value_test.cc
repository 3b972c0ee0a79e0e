#include "persistence/rdb_value.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "db/collections.h"
#include "db/hash_type.h"
#include "db/list_type.h"
#include "db/set_type.h"
#include "db/zset_type.h"
#include "server/config.h"
#include "server/server.h"
#include "util/digest.h"
#include "util/numeric.h"

namespace corvid::rdb {
namespace {

class RdbValueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ResetConfigToDefaults();
    RegisterHashOps();
    RegisterZsetOps();
    RegisterSetType();
    RegisterListType();
    InitDatabases(16);
  }
  void TearDown() override { ResetConfigToDefaults(); }

  // Saves v (type id + payload) and loads it back; checks the type id and the encoding after loading.
  Value RoundTrip(const Value& v, uint8_t want_type, bool compress = true) {
    uint8_t type;
    std::string err;
    EXPECT_TRUE(ValueType(v, &type, &err)) << err;
    EXPECT_EQ(type, want_type);
    Writer w;
    SaveValue(w, v, compress);
    Reader r(w.buffer());
    Value out;
    EXPECT_EQ(LoadValue(r, type, &out), LoadResult::kOk) << r.error();
    EXPECT_EQ(r.offset(), w.buffer().size());
    EXPECT_EQ(out.type(), v.type());
    EXPECT_EQ(out.encoding(), v.encoding());
    return out;
  }

  static std::string DigestOf(const Value& v) {
    Digest d = {};
    if (v.IsString()) {
      char buf[kInt64Chars];
      std::string_view s = v.StringView(buf);
      MixDigest(d, s.data(), s.size());
    } else {
      CollectionDigest(v, d);
    }
    return DigestHex(d);
  }
};

TEST_F(RdbValueTest, Strings) {
  for (const char* s : {"12345", "-9223372036854775808", "hello", ""}) {
    Value v = Value::String(s);
    Value out = RoundTrip(v, kTypeString);
    char b1[kInt64Chars], b2[kInt64Chars];
    EXPECT_EQ(out.StringView(b1), v.StringView(b2));
  }
  Value raw = Value::String(std::string(1000, 'r'));
  Value out = RoundTrip(raw, kTypeString);
  EXPECT_EQ(out.str().view(), std::string(1000, 'r'));
}

TEST_F(RdbValueTest, ListsSmallAndMultiNode) {
  for (int n : {3, 5000}) {
    Value v = NewListValue();
    for (int i = 0; i < n; ++i) ListOf(v)->Push(Quicklist::Where::kTail, i % 3 ? std::to_string(i) : "e" + std::to_string(i));
    Value out = RoundTrip(v, kTypeListQuicklist2);
    EXPECT_EQ(ListOf(out)->Size(), static_cast<size_t>(n));
    EXPECT_EQ(ListOf(out)->NodeCount(), ListOf(v)->NodeCount());
    EXPECT_EQ(DigestOf(out), DigestOf(v));
  }
}

TEST_F(RdbValueTest, SetsIntsetAndHashtable) {
  Value is = NewSet();
  for (int i = -5; i < 50; ++i) SetAdd(is, std::to_string(i * 1000));
  EXPECT_EQ(DigestOf(RoundTrip(is, kTypeSetIntset)), DigestOf(is));
  Value ht = NewSet();
  for (int i = 0; i < 100; ++i) SetAdd(ht, "m" + std::to_string(i));
  EXPECT_EQ(DigestOf(RoundTrip(ht, kTypeSet)), DigestOf(ht));
}

TEST_F(RdbValueTest, ZsetsListpackAndSkiplist) {
  Value lp = NewZset(1, 1);
  double sc;
  ZsetAdd(lp, 1.5, "a", 0, &sc);
  ZsetAdd(lp, -2, "b", 0, &sc);
  ZsetAdd(lp, 1e300, "c", 0, &sc);
  EXPECT_EQ(DigestOf(RoundTrip(lp, kTypeZsetListpack)), DigestOf(lp));
  Value sl = NewZset(1, 1);
  for (int i = 0; i < 500; ++i) ZsetAdd(sl, i / 7.0, "m" + std::to_string(i), 0, &sc);
  ASSERT_FALSE(ZsetIsListpack(sl));
  Value out = RoundTrip(sl, kTypeZset2);
  EXPECT_EQ(DigestOf(out), DigestOf(sl));
  EXPECT_EQ(ZsetRank(out, "m42", false), ZsetRank(sl, "m42", false));
}

TEST_F(RdbValueTest, HashesListpackAndHashtable) {
  Value lp = NewHash();
  HashSet(lp, "f", "v");
  HashSet(lp, "n", "12");
  EXPECT_EQ(DigestOf(RoundTrip(lp, kTypeHashListpack)), DigestOf(lp));
  Value ht = NewHash();
  for (int i = 0; i < 1000; ++i) HashSet(ht, "f" + std::to_string(i), "v" + std::to_string(i));
  ASSERT_FALSE(HashIsListpack(ht));
  EXPECT_EQ(DigestOf(RoundTrip(ht, kTypeHash, false)), DigestOf(ht));
}

TEST_F(RdbValueTest, LoadingAppliesTheConfiguredThresholds) {
  // A listpack hash saved under generous limits loads as a hashtable under small ones, as in Redis.
  Value lp = NewHash();
  for (int i = 0; i < 10; ++i) HashSet(lp, "f" + std::to_string(i), "v");
  Writer w;
  SaveValue(w, lp, false);
  Cfg().hash_max_listpack_entries = 4;
  Reader r(w.buffer());
  Value out;
  ASSERT_EQ(LoadValue(r, kTypeHashListpack, &out), LoadResult::kOk);
  EXPECT_EQ(out.encoding(), ObjEnc::kHashtable);
  EXPECT_EQ(HashLen(out), 10u);
}

TEST_F(RdbValueTest, OldEncodingsLoad) {
  // RDB 9 ziplist list: zlbytes, zltail, zllen, entries "ab" and 5 (immediate int), end.
  std::string zl = std::string("\x0f\x00\x00\x00\x0c\x00\x00\x00\x02\x00", 10) + std::string("\x00\x02" "ab", 4) +
                   std::string("\x04\xf6", 2) + "\xff";
  zl[0] = static_cast<char>(zl.size());
  Writer w;
  w.String(zl, false);
  Reader r(w.buffer());
  Value out;
  ASSERT_EQ(LoadValue(r, kTypeListZiplist, &out), LoadResult::kOk) << r.error();
  std::string first, second;
  ASSERT_TRUE(ListOf(out)->Index(0, &first));
  ASSERT_TRUE(ListOf(out)->Index(1, &second));
  EXPECT_EQ(first, "ab");
  EXPECT_EQ(second, "5");
  // A zipmap hash {"f": "vv"}.
  std::string zm = std::string("\x01\x01" "f" "\x02\x00" "vv" "\xff", 8);
  Writer w2;
  w2.String(zm, false);
  Reader r2(w2.buffer());
  ASSERT_EQ(LoadValue(r2, kTypeHashZipmap, &out), LoadResult::kOk) << r2.error();
  char buf[LpValue::kIntBufSize];
  std::string_view val;
  ASSERT_TRUE(HashGet(out, "f", buf, &val));
  EXPECT_EQ(val, "vv");
}

TEST_F(RdbValueTest, MalformedPayloadsFail) {
  std::string dup = "\x02\x01" "a" "\x01" "a";  // SET of two members, both "a"
  Reader r(dup);
  Value out;
  EXPECT_EQ(LoadValue(r, kTypeSet, &out), LoadResult::kError);
  EXPECT_EQ(r.error(), "Duplicate set members detected");
  std::string empty(1, '\0');
  Reader r2(empty);
  EXPECT_EQ(LoadValue(r2, kTypeSet, &out), LoadResult::kEmpty);
  std::string junk = "\x05hello";
  Reader r3(junk);
  EXPECT_EQ(LoadValue(r3, kTypeHashListpack, &out), LoadResult::kError);
  Reader r4(junk);
  EXPECT_EQ(LoadValue(r4, 99, &out), LoadResult::kError);
}

TEST_F(RdbValueTest, DumpPayloadRoundTripAndChecks) {
  Value v = Value::String("1");
  std::string payload, err;
  ASSERT_TRUE(DumpPayload(v, true, &payload, &err));
  // Redis 7.0's DUMP of "1": int8 encoding, RDB version 10, CRC64.
  EXPECT_EQ(payload.substr(0, 5), std::string("\x00\xc0\x01\x0a\x00", 5));
  Value out;
  EXPECT_EQ(ParseDumpPayload(payload, &out), PayloadResult::kOk);
  EXPECT_TRUE(out.IsInt());
  std::string bad = payload;
  bad[2] ^= 1;
  EXPECT_EQ(ParseDumpPayload(bad, &out), PayloadResult::kBadVersionOrChecksum);
  EXPECT_EQ(ParseDumpPayload("short", &out), PayloadResult::kBadVersionOrChecksum);
}

// A type with no RDB saver (5 is Redis' OBJ_MODULE): saving fails with an error instead of crashing.
constexpr ObjType kUnsavable = static_cast<ObjType>(5);
const CollectionOps kNoOps = {
    [](ObjEnc, void*) {}, [](ObjEnc, const void*, size_t) -> size_t { return 0; },
    [](ObjEnc, const void*) -> void* { return nullptr; }, [](const Value&, Digest) {}};

TEST_F(RdbValueTest, UnknownTypeFailsCleanly) {
  RegisterCollectionOps(kUnsavable, &kNoOps);
  Value v = Value::Collection(kUnsavable, ObjEnc::kRaw, nullptr);
  uint8_t type;
  std::string err;
  EXPECT_FALSE(ValueType(v, &type, &err));
  EXPECT_FALSE(err.empty());
  std::string payload;
  EXPECT_FALSE(DumpPayload(v, true, &payload, &err));
}

}  // namespace
}  // namespace corvid::rdb
