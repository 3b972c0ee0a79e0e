#include "db/evict.h"

#include <asio.hpp>

#include <array>
#include <climits>
#include <cmath>
#include <string>

#include "commands/command.h"
#include "commands/dispatcher.h"
#include "db/lazyfree.h"
#include "db/notify.h"
#include "net/client.h"
#include "net/listener.h"
#include "replication/master.h"
#include "replication/replica.h"
#include "server/config.h"
#include "server/latency.h"
#include "server/memory.h"
#include "server/propagate.h"
#include "server/server.h"

namespace corvid {

namespace {

constexpr uint32_t kLfuInitVal = 5;
constexpr uint32_t kLruClockMax = 0xFFFFFF;

// Minutes, 16 bits, as Redis' LFUGetTimeInMinutes.
uint32_t LfuMinutes() { return static_cast<uint32_t>(Srv().now_ms / 1000 / 60) & 0xFFFF; }

uint32_t LfuElapsedMinutes(uint32_t ldt) {
  uint32_t now = LfuMinutes();
  return now >= ldt ? now - ldt : 0xFFFF - ldt + now;
}

uint8_t LfuLogIncr(uint8_t counter) {
  if (counter == 255) return 255;
  double r = static_cast<double>(Random64() >> 11) / static_cast<double>(1ull << 53);
  double base = counter > kLfuInitVal ? counter - kLfuInitVal : 0;
  double p = 1.0 / (base * static_cast<double>(Cfg().lfu_log_factor) + 1);
  return r < p ? counter + 1 : counter;
}

bool VolatilePolicy(MaxmemoryPolicy p) {
  return p == MaxmemoryPolicy::kVolatileLru || p == MaxmemoryPolicy::kVolatileLfu ||
         p == MaxmemoryPolicy::kVolatileRandom || p == MaxmemoryPolicy::kVolatileTtl;
}

// ---- the eviction pool ----
// Redis' evictionPoolEntry array: candidates sampled from every db, sorted by ascending score (idle time,
// 255 - LFU counter, or the inverse of the expire time), the best candidate last. Keys are kept by name
// and looked up again when popped, because they may have been deleted or rewritten since they were sampled.
constexpr size_t kPoolSize = 16;
struct PoolEntry {
  uint64_t score = 0;
  std::string key;
  int db = -1;  // -1: empty slot
};
std::array<PoolEntry, kPoolSize> g_pool;

uint64_t Score(MaxmemoryPolicy p, Db& db, KeyEntry* e) {
  switch (p) {
    case MaxmemoryPolicy::kAllkeysLfu:
    case MaxmemoryPolicy::kVolatileLfu:
      return 255 - LfuDecrAndReturn(e->val);
    case MaxmemoryPolicy::kVolatileTtl:
      return ULLONG_MAX - static_cast<uint64_t>(db.GetExpire(e));
    default:
      return IdleTimeMs(e->val);
  }
}

// Inserts a sampled key into the pool unless it is worse than every entry of a full pool (evictionPoolPopulate).
void PoolInsert(uint64_t score, std::string_view key, int dbid) {
  size_t k = 0;
  while (k < kPoolSize && g_pool[k].db >= 0 && g_pool[k].score < score) ++k;
  if (k == 0 && g_pool[kPoolSize - 1].db >= 0) return;
  if (k < kPoolSize && g_pool[k].db < 0) {
    // an empty slot: insert here
  } else if (g_pool[kPoolSize - 1].db < 0) {
    // room on the right: shift k.. one step right
    for (size_t j = kPoolSize - 1; j > k; --j) g_pool[j] = std::move(g_pool[j - 1]);
  } else {
    // full: drop the worst (leftmost) entry, shift 1..k-1 left, insert at k-1
    --k;
    for (size_t j = 0; j < k; ++j) g_pool[j] = std::move(g_pool[j + 1]);
  }
  g_pool[k].score = score;
  g_pool[k].key.assign(key);
  g_pool[k].db = dbid;
}

void PoolPopulate(MaxmemoryPolicy p, Db& db) {
  KeyEntry* samples[64];
  size_t want = std::min<size_t>(static_cast<size_t>(Cfg().maxmemory_samples), std::size(samples));
  size_t n = db.SampleKeys(samples, want, VolatilePolicy(p));
  for (size_t i = 0; i < n; ++i) PoolInsert(Score(p, db, samples[i]), samples[i]->key.view(), db.index());
}

// The best candidate of the pool that still exists (and still has a TTL for volatile policies), or nullptr.
KeyEntry* PoolPopBest(MaxmemoryPolicy p, Db** db_out) {
  for (size_t k = kPoolSize; k-- > 0;) {
    PoolEntry& pe = g_pool[k];
    if (pe.db < 0) continue;
    Db& db = GetDb(pe.db);
    KeyEntry* e = db.keys().Find(pe.key);
    pe.db = -1;
    if (e && (!VolatilePolicy(p) || e->val.has_expire())) {
      *db_out = &db;
      return e;
    }
  }
  return nullptr;
}

// The next key to evict by policy p, or nullptr when no db has a candidate.
KeyEntry* PickVictim(MaxmemoryPolicy p, Db** db_out) {
  Server& srv = Srv();
  bool vol = VolatilePolicy(p);
  if (p == MaxmemoryPolicy::kAllkeysRandom || p == MaxmemoryPolicy::kVolatileRandom) {
    static size_t next_db = 0;
    for (size_t i = 0; i < srv.dbs.size(); ++i) {
      Db& db = *srv.dbs[next_db++ % srv.dbs.size()];
      KeyEntry* e;
      if (db.SampleKeys(&e, 1, vol) == 1) {
        *db_out = &db;
        return e;
      }
    }
    return nullptr;
  }
  while (true) {
    size_t total = 0;
    for (auto& db : srv.dbs) {
      size_t n = vol ? db->expires_size() : db->size();
      if (n == 0) continue;
      PoolPopulate(p, *db);
      total += n;
    }
    if (total == 0) return nullptr;
    if (KeyEntry* e = PoolPopBest(p, db_out)) return e;
  }
}

// Redis' evictionTimeLimitUs: 50 us per tenacity step up to 10, then +15% per step, unlimited at 100.
int64_t EvictionTimeLimitUs() {
  int64_t t = Cfg().maxmemory_eviction_tenacity;
  if (t <= 10) return 50 * t;
  if (t < 100) return static_cast<int64_t>(500.0 * std::pow(1.15, static_cast<double>(t - 10)));
  return INT64_MAX;
}

bool g_eviction_scheduled = false;
bool g_pre_command_oom = false;  // the last MemoryAllowsCommand could not get under maxmemory
// INFO total_eviction_exceeded_time / current_eviction_exceeded_time.
int64_t g_exceeded_since_us = 0;
uint64_t g_exceeded_total_ms = 0;

void NoteExceeded(bool over) {
  if (over && g_exceeded_since_us == 0) {
    g_exceeded_since_us = MonotonicUs();
  } else if (!over && g_exceeded_since_us != 0) {
    g_exceeded_total_ms += static_cast<uint64_t>(MonotonicUs() - g_exceeded_since_us) / 1000;
    g_exceeded_since_us = 0;
  }
}

// Continues an eviction cut short by its time budget on the next turn of the event loop.
void ScheduleEviction() {
  if (g_eviction_scheduled) return;
  g_eviction_scheduled = true;
  asio::post(Io(), [] {
    g_eviction_scheduled = false;
    UpdateClock();
    PerformEvictions();
  });
}

// Deletes an evicted key (freeing a big value in the background when lazyfree-lazy-eviction); returns the
// bytes handed to the background thread, which the memory counters do not see freed yet.
uint64_t EvictKey(Db& db, KeyEntry* e) {
  std::string key(e->key.view());
  PropagateDeletion(db.index(), key, Cfg().lazyfree_lazy_eviction);
  int64_t start = MonotonicUs();
  uint64_t deferred = 0;
  if (Cfg().lazyfree_lazy_eviction) deferred = FreeValueLazily(db.Detach(e));
  else db.DeleteEntry(e);
  LatencyAddSampleIfNeeded("eviction-del", (MonotonicUs() - start) / 1000);
  ++Srv().stats.evicted_keys;
  SignalModifiedKey(nullptr, db, key);
  NotifyKeyspaceEvent(kNotifyEvicted, "evicted", key, db.index());
  return deferred;
}

bool IsCommand(const Command& cmd, const char* name) {
  const Command* top = cmd.parent ? cmd.parent : &cmd;
  return top->name == name;
}

bool QueuedDenyOom(const Client& c) {
  std::vector<std::string_view> queued;
  for (size_t i = 0; i < c.multi_queue.size(); ++i) {
    c.multi_queue.Get(i, &queued);
    const Command* q = Commands().Find(queued[0]);
    if (q && !q->subcommands.empty() && queued.size() >= 2) q = CommandRegistry::FindSub(*q, queued[1]);
    if (q && (q->flags & kCmdDenyOom)) return true;
  }
  return false;
}

}  // namespace

uint32_t InitialLruBits() { return LfuPolicy() ? (LfuMinutes() << 8) | kLfuInitVal : Srv().lru_clock; }

void TouchValue(Value& v) {
  if (!LfuPolicy()) {
    v.set_lru(Srv().lru_clock);
    return;
  }
  uint8_t counter = LfuLogIncr(LfuDecrAndReturn(v));
  v.set_lru((LfuMinutes() << 8) | counter);
}

uint8_t LfuDecrAndReturn(const Value& v) {
  uint32_t ldt = v.lru() >> 8;
  uint32_t counter = v.lru() & 0xFF;
  int64_t decay = Cfg().lfu_decay_time;
  uint32_t periods = decay ? LfuElapsedMinutes(ldt) / static_cast<uint32_t>(decay) : 0;
  if (periods) counter = periods > counter ? 0 : counter - periods;
  return static_cast<uint8_t>(counter);
}

uint64_t IdleTimeMs(const Value& v) {
  uint32_t now = Srv().lru_clock, lru = v.lru();
  uint32_t secs = now >= lru ? now - lru : (kLruClockMax - lru) + now;
  return static_cast<uint64_t>(secs) * 1000;
}

namespace {
// The memory maxmemory is compared with: replicas' buffers do not count (Redis' freeMemoryGetNotCountedMemory).
uint64_t CountedMemory() {
  uint64_t used = UsedMemory(), replicas = ReplicaBufferBytes();
  return used > replicas ? used - replicas : 0;
}
}  // namespace

EvictResult PerformEvictions() {
  uint64_t maxmem = Cfg().maxmemory;
  if (maxmem == 0) {
    NoteExceeded(false);
    return EvictResult::kOk;
  }
  // A replica ignoring maxmemory leaves evictions to its master (which propagates them).
  if (IsReplica() && Cfg().replica_ignore_maxmemory) return EvictResult::kOk;
  // No evictions while clients are paused (the data set must not change under a failover/pause).
  if (Srv().clients_paused_until_ms > Srv().now_ms) return EvictResult::kOk;
  uint64_t used = CountedMemory();
  NoteExceeded(used > maxmem);
  if (used <= maxmem) return EvictResult::kOk;
  MaxmemoryPolicy p = Cfg().maxmemory_policy;
  if (p == MaxmemoryPolicy::kNoEviction) return EvictResult::kFail;
  uint64_t to_free = used - maxmem, freed = 0;
  int64_t start = MonotonicUs(), limit = EvictionTimeLimitUs();
  EvictResult result = EvictResult::kOk;
  size_t evicted = 0;
  while (freed < to_free) {
    Db* db = nullptr;
    KeyEntry* victim = PickVictim(p, &db);
    if (!victim) {
      result = EvictResult::kFail;
      break;
    }
    uint64_t before = UsedMemory();
    uint64_t deferred = EvictKey(*db, victim);
    uint64_t after = UsedMemory();
    if (before > after) freed += before - after;
    freed += deferred;
    if (++evicted % 16 == 0) {
      if (CountedMemory() <= maxmem) break;  // freed by other means meanwhile
      if (MonotonicUs() - start > limit) {
        ScheduleEviction();
        result = EvictResult::kRunning;
        break;
      }
    }
  }
  LatencyAddSampleIfNeeded("eviction-cycle", (MonotonicUs() - start) / 1000);
  NoteExceeded(CountedMemory() > maxmem);
  return result;
}

bool OverMaxmemoryAfterAlloc(uint64_t more) {
  uint64_t maxmem = Cfg().maxmemory;
  return maxmem != 0 && CountedMemory() + more > maxmem;
}

bool PreCommandOom() { return g_pre_command_oom && Cfg().maxmemory; }

uint64_t EvictionExceededMs(bool current_only) {
  uint64_t current = g_exceeded_since_us ? static_cast<uint64_t>(MonotonicUs() - g_exceeded_since_us) / 1000 : 0;
  return current_only ? current : g_exceeded_total_ms + current;
}

bool MemoryAllowsCommand(const Client& c, const Command& cmd) {
  if (c.Has(kClientDenyBlocking)) return true;  // a command run by EXEC or a script: checked before it
  g_pre_command_oom = PerformEvictions() == EvictResult::kFail;
  if (!g_pre_command_oom) return true;
  bool is_exec = IsCommand(cmd, "exec");
  bool reject = (cmd.flags & kCmdDenyOom) || (is_exec && c.Has(kClientMulti) && QueuedDenyOom(c));
  if (c.Has(kClientMulti) && !is_exec && !IsCommand(cmd, "discard") && !IsCommand(cmd, "quit") &&
      !IsCommand(cmd, "reset"))
    reject = true;
  return !reject;
}

}  // namespace corvid
