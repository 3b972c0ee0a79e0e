#include "db/evict.h"

#include <gtest/gtest.h>

#include "db/db.h"
#include "server/memory.h"
#include "server/config.h"
#include "server/server.h"

namespace corvid {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;

class EvictTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitDatabases(16);
    Srv().now_ms = kNow;
    Srv().lru_clock = static_cast<uint32_t>(kNow / 1000) & 0xFFFFFF;
    Srv().stats.evicted_keys = 0;
  }
  void TearDown() override {
    Cfg().maxmemory = 0;
    Cfg().maxmemory_policy = MaxmemoryPolicy::kNoEviction;
    Cfg().lfu_log_factor = 10;
    Cfg().lfu_decay_time = 1;
    InitDatabases(16);
  }
  static uint32_t Minutes() { return static_cast<uint32_t>(kNow / 60000) & 0xFFFF; }
};

TEST_F(EvictTest, LfuCounterDecaysByElapsedPeriods) {
  Value v = Value::String("x");
  v.set_lru(((Minutes() - 3) << 8) | 10);
  Cfg().lfu_decay_time = 1;
  EXPECT_EQ(LfuDecrAndReturn(v), 7);
  Cfg().lfu_decay_time = 2;
  EXPECT_EQ(LfuDecrAndReturn(v), 9);
  Cfg().lfu_decay_time = 0;
  EXPECT_EQ(LfuDecrAndReturn(v), 10);
  v.set_lru(((Minutes() - 30) << 8) | 10);
  Cfg().lfu_decay_time = 1;
  EXPECT_EQ(LfuDecrAndReturn(v), 0);
}

TEST_F(EvictTest, LfuTouchStartsAtFiveAndIncrements) {
  Cfg().maxmemory_policy = MaxmemoryPolicy::kAllkeysLfu;
  Cfg().lfu_log_factor = 0;  // probability 1: every access counts
  Value v = Value::String("x");
  v.set_lru(InitialLruBits());
  EXPECT_EQ(LfuDecrAndReturn(v), 5);
  for (int i = 0; i < 300; ++i) TouchValue(v);
  EXPECT_EQ(LfuDecrAndReturn(v), 255);
}

TEST_F(EvictTest, LruIdleTimeWrapsAroundTheClock) {
  Value v = Value::String("x");
  v.set_lru(Srv().lru_clock - 5);
  EXPECT_EQ(IdleTimeMs(v), 5000u);
  Srv().lru_clock = 2;
  v.set_lru(0xFFFFFF - 3);
  EXPECT_EQ(IdleTimeMs(v), 5000u);
}

TEST_F(EvictTest, NoevictionFailsAndVolatilePoliciesSpareKeysWithoutTtl) {
  Db& db = GetDb(0);
  for (int i = 0; i < 10; ++i) {
    KeyEntry* e = db.Add("v" + std::to_string(i), Value::String("x"));
    db.SetExpire(e, kNow + 1000 * (i + 1));
  }
  for (int i = 0; i < 5; ++i) db.Add("p" + std::to_string(i), Value::String("x"));
  Cfg().maxmemory = 1;  // every key would have to go
  Cfg().maxmemory_policy = MaxmemoryPolicy::kNoEviction;
  EXPECT_EQ(PerformEvictions(), EvictResult::kFail);
  EXPECT_EQ(db.size(), 15u);
  Cfg().maxmemory_policy = MaxmemoryPolicy::kVolatileTtl;
  EXPECT_EQ(PerformEvictions(), EvictResult::kFail);  // ran out of candidates
  EXPECT_EQ(db.size(), 5u);
  EXPECT_EQ(db.expires_size(), 0u);
  EXPECT_EQ(Srv().stats.evicted_keys, 10u);
  Cfg().maxmemory_policy = MaxmemoryPolicy::kAllkeysLru;
  EXPECT_EQ(PerformEvictions(), EvictResult::kFail);
  EXPECT_EQ(db.size(), 0u);
}

TEST_F(EvictTest, VolatileTtlEvictsTheNearestExpiryFirst) {
  Db& db = GetDb(0);
  KeyEntry* late = db.Add("late", Value::String(std::string(4000, 'x')));
  db.SetExpire(late, kNow + 100000);
  KeyEntry* soon = db.Add("soon", Value::String(std::string(4000, 'x')));
  db.SetExpire(soon, kNow + 10);
  Cfg().maxmemory_policy = MaxmemoryPolicy::kVolatileTtl;
  Cfg().maxmemory = UsedMemory() - 100;  // one value's worth over
  PerformEvictions();
  EXPECT_EQ(db.Find("soon"), nullptr);
  EXPECT_NE(db.Find("late"), nullptr);
}

}  // namespace
}  // namespace corvid
