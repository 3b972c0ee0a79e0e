#include "db/db.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "db/lazyfree.h"
#include "server/server.h"
#include "util/numeric.h"

namespace corvid {
namespace {

using namespace std::chrono_literals;

constexpr int64_t kNow = 1'700'000'000'000;

class DbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitDatabases(16);
    Srv().now_ms = kNow;
    Srv().lru_clock = 1000;
    ResetCounters();
  }
  void TearDown() override { InitDatabases(16); }

  static void ResetCounters() {
    Srv().stats.expired_keys = 0;
    Srv().stats.keyspace_hits = 0;
    Srv().stats.keyspace_misses = 0;
  }
  static std::string Get(Db& db, std::string_view key) {
    KeyEntry* e = db.Find(key);
    if (!e) return "(nil)";
    char buf[kInt64Chars];
    return std::string(e->val.StringView(buf));
  }

  Db& db() { return GetDb(0); }
};

TEST_F(DbTest, InitDatabasesCreatesNumberedDbs) {
  ASSERT_EQ(Srv().dbs.size(), 16u);
  for (int i = 0; i < 16; ++i) {
    EXPECT_EQ(GetDb(i).index(), i);
    EXPECT_EQ(GetDb(i).size(), 0u);
  }
}

TEST_F(DbTest, SetFindDelete) {
  EXPECT_EQ(db().Find("k"), nullptr);
  KeyEntry* e = db().Set("k", Value::String("v1"));
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->key.view(), "k");
  EXPECT_EQ(db().Find("k"), e);
  EXPECT_EQ(Get(db(), "k"), "v1");
  EXPECT_EQ(db().size(), 1u);

  // Set on an existing key replaces the value in place.
  KeyEntry* e2 = db().Set("k", Value::String("12"));
  EXPECT_EQ(e2, e);
  EXPECT_TRUE(e->val.IsInt());
  EXPECT_EQ(Get(db(), "k"), "12");
  EXPECT_EQ(db().size(), 1u);

  EXPECT_TRUE(db().Delete("k"));
  EXPECT_FALSE(db().Delete("k"));
  EXPECT_EQ(db().Find("k"), nullptr);
  EXPECT_EQ(db().size(), 0u);
  // Databases are independent.
  GetDb(1).Set("k", Value::String("one"));
  EXPECT_EQ(db().Find("k"), nullptr);
  EXPECT_EQ(Get(GetDb(1), "k"), "one");
}

TEST_F(DbTest, BinaryAndLongKeys) {
  std::string bin("a\0b\r\n", 5);
  std::string long_key(300, 'k');
  db().Set(bin, Value::String("bin"));
  db().Set(long_key, Value::String("long"));
  db().Set("", Value::String("empty"));
  EXPECT_EQ(Get(db(), bin), "bin");
  EXPECT_EQ(Get(db(), std::string("a\0b", 3)), "(nil)");
  EXPECT_EQ(Get(db(), long_key), "long");
  EXPECT_EQ(Get(db(), ""), "empty");
  EXPECT_EQ(db().size(), 3u);
}

TEST_F(DbTest, ManyKeysAgainstModel) {
  for (int i = 0; i < 20000; ++i) db().Set("key:" + std::to_string(i), Value::String(std::to_string(i * 3)));
  EXPECT_EQ(db().size(), 20000u);
  for (int i = 0; i < 20000; i += 2) ASSERT_TRUE(db().Delete("key:" + std::to_string(i)));
  EXPECT_EQ(db().size(), 10000u);
  for (int i = 0; i < 20000; ++i) {
    std::string want = i % 2 ? std::to_string(i * 3) : "(nil)";
    ASSERT_EQ(Get(db(), "key:" + std::to_string(i)), want);
  }
}

TEST_F(DbTest, FindReadCountsHitsAndMissesAndTouchesLru) {
  db().Set("k", Value::String("v"));
  Srv().lru_clock = 2000;
  EXPECT_NE(db().FindRead("k"), nullptr);
  EXPECT_EQ(db().FindRead("nope"), nullptr);
  EXPECT_EQ(Srv().stats.keyspace_hits, 1u);
  EXPECT_EQ(Srv().stats.keyspace_misses, 1u);
  EXPECT_EQ(db().Find("k")->val.lru(), 2000u);
  Srv().lru_clock = 3000;
  db().FindRead("k", /*no_touch=*/true);
  EXPECT_EQ(db().Find("k")->val.lru(), 2000u);
  EXPECT_EQ(Srv().stats.keyspace_hits, 2u);
  db().FindWrite("k");
  EXPECT_EQ(db().Find("k")->val.lru(), 3000u);
  // Plain Find counts nothing.
  db().Find("k");
  db().Find("nope");
  EXPECT_EQ(Srv().stats.keyspace_hits, 2u);
  EXPECT_EQ(Srv().stats.keyspace_misses, 1u);
}

TEST_F(DbTest, ExpireLifecycle) {
  KeyEntry* e = db().Set("k", Value::String("v"));
  EXPECT_EQ(db().GetExpire(e), -1);
  db().SetExpire(e, kNow + 100);
  EXPECT_TRUE(e->val.has_expire());
  EXPECT_EQ(db().GetExpire(e), kNow + 100);
  EXPECT_EQ(db().expires_size(), 1u);
  // Updating the time keeps one expires entry.
  db().SetExpire(e, kNow + 200);
  EXPECT_EQ(db().GetExpire(e), kNow + 200);
  EXPECT_EQ(db().expires_size(), 1u);

  Srv().now_ms = kNow + 199;
  EXPECT_EQ(db().Find("k"), e);
  EXPECT_FALSE(db().IsExpired(e));
  Srv().now_ms = kNow + 201;
  EXPECT_TRUE(db().IsExpired(e));
  EXPECT_EQ(db().Find("k"), nullptr);  // lazily expired
  EXPECT_EQ(db().size(), 0u);
  EXPECT_EQ(db().expires_size(), 0u);
  EXPECT_EQ(Srv().stats.expired_keys, 1u);
  // A lookup of an expired key through FindRead is a miss.
  KeyEntry* f = db().Set("f", Value::String("v"));
  db().SetExpire(f, kNow);
  EXPECT_EQ(db().FindRead("f"), nullptr);
  EXPECT_EQ(Srv().stats.keyspace_misses, 1u);
  EXPECT_EQ(Srv().stats.expired_keys, 2u);
}

// Redis' keyIsExpired: a key expires once now > when; at now == when it still exists (PTTL answers 0).
TEST_F(DbTest, KeyStillExistsAtItsExactExpireTime) {
  KeyEntry* e = db().Set("k", Value::String("v"));
  db().SetExpire(e, kNow);
  EXPECT_FALSE(db().IsExpired(e));
  EXPECT_EQ(db().Find("k"), e);
  Srv().now_ms = kNow + 1;
  EXPECT_EQ(db().Find("k"), nullptr);
}

TEST_F(DbTest, RemoveExpire) {
  KeyEntry* e = db().Set("k", Value::String("v"));
  EXPECT_FALSE(db().RemoveExpire(e));
  db().SetExpire(e, kNow + 10);
  EXPECT_TRUE(db().RemoveExpire(e));
  EXPECT_FALSE(e->val.has_expire());
  EXPECT_EQ(db().GetExpire(e), -1);
  EXPECT_EQ(db().expires_size(), 0u);
  EXPECT_FALSE(db().RemoveExpire(e));
  Srv().now_ms = kNow + 1'000'000;
  EXPECT_EQ(db().Find("k"), e);  // persistent now
}

TEST_F(DbTest, SetDropsTtlUnlessKeepTtl) {
  KeyEntry* e = db().Set("k", Value::String("v"));
  db().SetExpire(e, kNow + 100);
  db().Set("k", Value::String("w"), /*keep_ttl=*/true);
  EXPECT_EQ(db().GetExpire(e), kNow + 100);
  EXPECT_TRUE(e->val.has_expire());
  EXPECT_EQ(db().expires_size(), 1u);
  db().Set("k", Value::String("x"));
  EXPECT_EQ(db().GetExpire(e), -1);
  EXPECT_FALSE(e->val.has_expire());
  EXPECT_EQ(db().expires_size(), 0u);
  EXPECT_EQ(Get(db(), "k"), "x");
}

TEST_F(DbTest, OverwriteKeepsTtl) {
  KeyEntry* e = db().Set("k", Value::String("v"));
  db().SetExpire(e, kNow + 100);
  db().Overwrite(e, Value::String(std::string(100, 'z')));
  EXPECT_TRUE(e->val.has_expire());
  EXPECT_EQ(db().GetExpire(e), kNow + 100);
  EXPECT_EQ(Get(db(), "k"), std::string(100, 'z'));
}

TEST_F(DbTest, SetOnExpiredKeyCreatesFreshKey) {
  KeyEntry* e = db().Set("k", Value::String("old"));
  db().SetExpire(e, kNow - 1);
  KeyEntry* n = db().Set("k", Value::String("new"), /*keep_ttl=*/true);
  EXPECT_EQ(db().GetExpire(n), -1);  // the expired TTL is not carried over
  EXPECT_EQ(Get(db(), "k"), "new");
  EXPECT_EQ(db().size(), 1u);
  EXPECT_EQ(db().expires_size(), 0u);
  EXPECT_EQ(Srv().stats.expired_keys, 1u);
}

TEST_F(DbTest, DeleteAndDetachRemoveTtl) {
  KeyEntry* a = db().Set("a", Value::String("1"));
  db().SetExpire(a, kNow + 5);
  KeyEntry* b = db().Set("b", Value::String(std::string(50, 'b')));
  db().SetExpire(b, kNow + 5);
  EXPECT_EQ(db().expires_size(), 2u);
  db().DeleteEntry(a);
  EXPECT_EQ(db().expires_size(), 1u);
  Value v = db().Detach(b);
  EXPECT_EQ(db().size(), 0u);
  EXPECT_EQ(db().expires_size(), 0u);
  EXPECT_FALSE(v.has_expire());
  char buf[kInt64Chars];
  EXPECT_EQ(v.StringView(buf), std::string(50, 'b'));
  // A re-added key under the same name starts without a TTL.
  KeyEntry* c = db().Add("b", std::move(v));
  EXPECT_EQ(db().GetExpire(c), -1);
  Srv().now_ms = kNow + 100;
  EXPECT_EQ(Get(db(), "b"), std::string(50, 'b'));
}

TEST_F(DbTest, ActiveExpireRemovesExactlyTheExpiredKeys) {
  for (int i = 0; i < 2000; ++i) {
    KeyEntry* e = db().Set("k" + std::to_string(i), Value::String("v"));
    if (i % 4 != 3) db().SetExpire(e, i % 2 ? kNow + 10 : kNow + 100000);
  }
  for (int i = 0; i < 500; ++i) db().Set("p" + std::to_string(i), Value::String("persistent"));
  ASSERT_EQ(db().expires_size(), 1500u);
  Srv().now_ms = kNow + 11;
  size_t expired = 0, sampled = 0;
  int rounds = 0;
  while (db().expires_size() > 1000 && rounds < 10000) {
    Db::ExpireRound r = db().ActiveExpireRound(20);
    EXPECT_LE(r.expired, r.sampled);
    expired += r.expired;
    sampled += r.sampled;
    ++rounds;
  }
  EXPECT_EQ(db().expires_size(), 1000u) << "rounds=" << rounds;
  EXPECT_EQ(expired, 500u);
  EXPECT_GE(sampled, 500u);
  EXPECT_EQ(db().size(), 2000u);
  EXPECT_EQ(Srv().stats.expired_keys, 500u);
  for (int i = 0; i < 2000; ++i) {
    bool should_exist = !(i % 4 != 3 && i % 2 == 1);
    // Use ForEach-free checks that do not expire: the remaining keys have TTLs in the future.
    ASSERT_EQ(db().Find("k" + std::to_string(i)) != nullptr, should_exist) << i;
  }
  EXPECT_GT(db().avg_ttl(), 0);
  // Further rounds find nothing to expire.
  for (int i = 0; i < 200; ++i) EXPECT_EQ(db().ActiveExpireRound(20).expired, 0u);
  EXPECT_EQ(db().expires_size(), 1000u);
}

TEST_F(DbTest, ActiveExpireOnEmptyExpires) {
  db().Set("a", Value::String("1"));
  Db::ExpireRound r = db().ActiveExpireRound(20);
  EXPECT_EQ(r.sampled, 0u);
  EXPECT_EQ(r.expired, 0u);
  EXPECT_EQ(db().size(), 1u);
}

// Redis' activeExpireCycleTryExpire expires only when now > when.
TEST_F(DbTest, ActiveExpireKeepsKeyAtItsExactExpireTime) {
  KeyEntry* e = db().Set("k", Value::String("v"));
  db().SetExpire(e, kNow);
  for (int i = 0; i < 10; ++i) db().ActiveExpireRound(20);
  EXPECT_EQ(db().expires_size(), 1u);
  Srv().now_ms = kNow + 1;
  for (int i = 0; i < 10 && db().expires_size(); ++i) db().ActiveExpireRound(20);
  EXPECT_EQ(db().expires_size(), 0u);
  EXPECT_EQ(db().size(), 0u);
}

TEST_F(DbTest, ScanVisitsEveryKey) {
  std::set<std::string> want;
  for (int i = 0; i < 5000; ++i) {
    std::string k = "scan:" + std::to_string(i);
    db().Set(k, Value::String("v"));
    want.insert(k);
  }
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int calls = 0;
  do {
    cursor = db().Scan(cursor, [&](KeyEntry* e) { seen.insert(std::string(e->key.view())); });
    ++calls;
  } while (cursor != 0 && calls < 1'000'000);
  EXPECT_EQ(cursor, 0u);
  EXPECT_EQ(seen, want);
  size_t n = 0;
  db().ForEach([&](KeyEntry*) { ++n; });
  EXPECT_EQ(n, 5000u);
}

TEST_F(DbTest, ScanSurvivesDeletesBetweenCalls) {
  for (int i = 0; i < 3000; ++i) db().Set("s" + std::to_string(i), Value::String("v"));
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int calls = 0;
  do {
    cursor = db().Scan(cursor, [&](KeyEntry* e) { seen.insert(std::string(e->key.view())); });
    // Delete some keys that are not multiples of 3 as the scan goes.
    for (int j = 0; j < 20; ++j) {
      int k = (calls * 20 + j) % 3000;
      if (k % 3 != 0) db().Delete("s" + std::to_string(k));
    }
    ++calls;
  } while (cursor != 0 && calls < 1'000'000);
  for (int i = 0; i < 3000; i += 3) EXPECT_EQ(seen.count("s" + std::to_string(i)), 1u) << i;
}

TEST_F(DbTest, RandomKeyReturnsLiveKeys) {
  EXPECT_EQ(db().RandomKey(), nullptr);
  for (int i = 0; i < 10; ++i) db().Set("r" + std::to_string(i), Value::String("v"));
  std::set<std::string> seen;
  for (int i = 0; i < 5000 && seen.size() < 10; ++i) {
    KeyEntry* e = db().RandomKey();
    ASSERT_NE(e, nullptr);
    seen.insert(std::string(e->key.view()));
  }
  EXPECT_EQ(seen.size(), 10u);
}

TEST_F(DbTest, RandomKeySkipsAndDeletesExpiredKeys) {
  for (int i = 0; i < 5; ++i) db().SetExpire(db().Set("x" + std::to_string(i), Value::String("v")), kNow - 1);
  db().Set("live", Value::String("v"));
  for (int i = 0; i < 50; ++i) {
    KeyEntry* e = db().RandomKey();
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->key.view(), "live");
  }
  // A db holding only expired keys answers nullptr and does not loop forever.
  db().Delete("live");
  db().SetExpire(db().Set("y", Value::String("v")), kNow - 1);
  EXPECT_EQ(db().RandomKey(), nullptr);
}

TEST_F(DbTest, ClearEmptiesEverything) {
  for (int i = 0; i < 100; ++i) {
    KeyEntry* e = db().Set("c" + std::to_string(i), Value::String(std::string(i, 'v')));
    if (i % 2) db().SetExpire(e, kNow + 1000);
  }
  EXPECT_EQ(db().Clear(), 100u);
  EXPECT_EQ(db().size(), 0u);
  EXPECT_EQ(db().expires_size(), 0u);
  EXPECT_EQ(db().Find("c1"), nullptr);
  EXPECT_EQ(db().OverheadBytes(), 0u);
  db().Set("after", Value::String("v"));
  EXPECT_EQ(Get(db(), "after"), "v");
}

TEST_F(DbTest, HousekeepShrinksSparseTables) {
  for (int i = 0; i < 4096; ++i) {
    KeyEntry* e = db().Set("h" + std::to_string(i), Value::String("v"));
    db().SetExpire(e, kNow + 1000);
  }
  db().Housekeep(60'000'000);
  size_t big = db().OverheadBytes();
  for (int i = 10; i < 4096; ++i) db().Delete("h" + std::to_string(i));
  db().Housekeep(60'000'000);  // generous budget: finishes the shrink
  EXPECT_LT(db().OverheadBytes(), big / 16);
  EXPECT_FALSE(db().keys().IsRehashing());
  for (int i = 0; i < 10; ++i) EXPECT_EQ(Get(db(), "h" + std::to_string(i)), "v");
  EXPECT_EQ(db().expires_size(), 10u);
}

TEST_F(DbTest, LazyClearEmptiesAtOnceAndFreesInTheBackground) {
  uint64_t before = LazyfreedObjects();
  for (int i = 0; i < 1000; ++i) {
    KeyEntry* e = db().Set("k" + std::to_string(i), Value::String("v"));
    if (i % 2) db().SetExpire(e, kNow + 1000);
  }
  EXPECT_EQ(db().Clear(/*lazy=*/true), 1000u);
  EXPECT_EQ(db().size(), 0u);
  EXPECT_EQ(db().expires_size(), 0u);
  db().Set("again", Value::String("v"));  // the emptied tables take new keys
  EXPECT_EQ(Get(db(), "again"), "v");
  for (int i = 0; i < 5000 && LazyfreedObjects() < before + 1000; ++i) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(LazyfreedObjects(), before + 1000);
  EXPECT_EQ(LazyfreePendingObjects(), 0u);
}

TEST_F(DbTest, MoveEntryKeepsTtlAndAccessBits) {
  KeyEntry* e = db().Set("k", Value::String("v"));
  db().SetExpire(e, kNow + 100);
  e->val.set_lru(42);
  KeyEntry* moved = db().MoveEntry(e, GetDb(3), "k2");
  EXPECT_EQ(db().Find("k"), nullptr);
  EXPECT_EQ(GetDb(3).Find("k2"), moved);
  EXPECT_EQ(moved->val.lru(), 42u);
  EXPECT_EQ(GetDb(3).GetExpire(moved), kNow + 100);
}

}  // namespace
}  // namespace corvid
