#include "server/memory.h"

#include <malloc.h>
#include <pthread.h>
#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>

#include "net/client_memory.h"
#include "server/server.h"

#ifdef CORVID_JEMALLOC
#include <jemalloc/jemalloc.h>
#elif defined(__SANITIZE_ADDRESS__)
// From the ASan runtime (its header is not always installed): bytes currently allocated by the program.
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#endif

namespace corvid {

namespace {
uint64_t ReadRss() {
  FILE* f = fopen("/proc/self/statm", "r");
  if (!f) return 0;
  unsigned long pages_total = 0, pages_rss = 0;
  int n = fscanf(f, "%lu %lu", &pages_total, &pages_rss);
  fclose(f);
  return n == 2 ? static_cast<uint64_t>(pages_rss) * sysconf(_SC_PAGESIZE) : 0;
}
#ifdef CORVID_JEMALLOC
// The loop thread's cumulative allocated / deallocated byte counters (jemalloc's thread.allocatedp and
// thread.deallocatedp), and the offset that turns their difference into the process-wide figure.
struct ThreadCounters {
  uint64_t* allocated = nullptr;
  uint64_t* deallocated = nullptr;
  int64_t offset = 0;
  bool ready = false;
};
ThreadCounters g_counters;

void BindThreadCounters() {
  size_t sz = sizeof(uint64_t*);
  if (mallctl("thread.allocatedp", &g_counters.allocated, &sz, nullptr, 0) != 0) return;
  sz = sizeof(uint64_t*);
  if (mallctl("thread.deallocatedp", &g_counters.deallocated, &sz, nullptr, 0) != 0) return;
  g_counters.ready = true;
}

int64_t ThreadNet() { return static_cast<int64_t>(*g_counters.allocated - *g_counters.deallocated); }
#endif

uint64_t g_peak = 0, g_startup = 0;
std::atomic<int64_t> g_lua_bytes{0};  // the Lua VMs' heap, by the allocator's usable sizes

// x less the Lua heap.
uint64_t WithoutLua(uint64_t x) {
  int64_t lua = g_lua_bytes.load(std::memory_order_relaxed);
  return lua > 0 && static_cast<uint64_t>(lua) < x ? x - static_cast<uint64_t>(lua) : x;
}
}  // namespace

void* LuaAllocator(void*, void* ptr, size_t, size_t new_size) {
  int64_t delta = ptr ? -static_cast<int64_t>(malloc_usable_size(ptr)) : 0;
  void* p = nullptr;
  if (new_size == 0) {
    free(ptr);
  } else {
    p = realloc(ptr, new_size);
    if (!p) return nullptr;  // Lua keeps the old block
    delta += static_cast<int64_t>(malloc_usable_size(p));
  }
  g_lua_bytes.fetch_add(delta, std::memory_order_relaxed);
  return p;
}

uint64_t UsedMemory() {
#ifdef CORVID_JEMALLOC
  if (!g_counters.ready) return ReadMemoryStats().allocated;
  int64_t v = g_counters.offset + ThreadNet();
  return WithoutLua(v > 0 ? static_cast<uint64_t>(v) : 0);
#elif defined(__SANITIZE_ADDRESS__)
  return WithoutLua(__sanitizer_get_current_allocated_bytes());
#else
  struct mallinfo2 mi = mallinfo2();
  return WithoutLua(mi.uordblks + mi.hblkhd);
#endif
}

MemoryStats ReadMemoryStats() {
  MemoryStats m;
  m.rss = ReadRss();
#ifdef CORVID_JEMALLOC
  uint64_t epoch = 1;
  size_t sz = sizeof(epoch);
  mallctl("epoch", &epoch, &sz, &epoch, sz);
  size_t v;
  sz = sizeof(v);
  if (mallctl("stats.allocated", &v, &sz, nullptr, 0) == 0) m.allocated = v;
  // Freed blocks kept in the thread caches count as allocated to jemalloc; they are not live data.
  static_assert(MALLCTL_ARENAS_ALL == 4096);
  if (mallctl("stats.arenas.4096.tcache_bytes", &v, &sz, nullptr, 0) == 0 && v <= m.allocated) m.allocated -= v;
  if (mallctl("stats.active", &v, &sz, nullptr, 0) == 0) m.active = v;
  if (mallctl("stats.resident", &v, &sz, nullptr, 0) == 0) m.resident = v;
  // Calibration is only meaningful on the thread whose counters were bound (the loop thread, first caller).
  static const pthread_t loop_thread = pthread_self();
  if (pthread_equal(loop_thread, pthread_self())) {
    if (!g_counters.ready) BindThreadCounters();
    if (g_counters.ready) g_counters.offset = static_cast<int64_t>(m.allocated) - ThreadNet();
  }
#elif defined(__SANITIZE_ADDRESS__)
  m.allocated = __sanitizer_get_current_allocated_bytes();
  m.active = m.allocated;
  m.resident = m.rss;
#else
  struct mallinfo2 mi = mallinfo2();
  m.allocated = mi.uordblks + mi.hblkhd;
  m.active = m.allocated;
  m.resident = m.rss;
#endif
  m.allocated = WithoutLua(m.allocated);
  g_peak = std::max(g_peak, m.allocated);
  if (g_startup == 0) g_startup = m.allocated;  // the first reading is the cron's first tick, before any client
  return m;
}

MemoryOverhead ReadMemoryOverhead() {
  MemoryOverhead o;
  o.stats = ReadMemoryStats();
  o.peak = g_peak;
  o.startup = g_startup;
  o.clients_normal = ClientsMemory();  // as Redis: the total kept for client eviction
  o.overhead_total = o.startup + o.clients_normal;
  for (auto& db : Srv().dbs) {
    if (db->size() == 0) continue;
    MemoryOverhead::DbTables t{db->index(), db->keys().BucketBytes(), db->OverheadBytes() - db->keys().BucketBytes()};
    o.overhead_total += t.main + t.expires;
    o.keys += db->size();
    o.dbs.push_back(t);
  }
  o.dataset = o.stats.allocated > o.overhead_total ? o.stats.allocated - o.overhead_total : 0;
  return o;
}

std::string BytesToHuman(uint64_t n) {
  double d = static_cast<double>(n);
  if (n < 1024) return fmt::format("{}B", n);
  if (n < 1024ull * 1024) return fmt::format("{:.2f}K", d / 1024);
  if (n < 1024ull * 1024 * 1024) return fmt::format("{:.2f}M", d / (1024 * 1024));
  if (n < 1024ull * 1024 * 1024 * 1024) return fmt::format("{:.2f}G", d / (1024.0 * 1024 * 1024));
  return fmt::format("{:.2f}T", d / (1024.0 * 1024 * 1024 * 1024));
}

std::string AllocatorStatsText() {
#ifdef CORVID_JEMALLOC
  std::string out;
  malloc_stats_print([](void* arg, const char* text) { static_cast<std::string*>(arg)->append(text); }, &out,
                     nullptr);
  return out;
#else
  return "Stats not supported for the current allocator";
#endif
}

void PurgeAllocator() {
#ifdef CORVID_JEMALLOC
  unsigned narenas = 0;
  size_t sz = sizeof(narenas);
  if (mallctl("arenas.narenas", &narenas, &sz, nullptr, 0) == 0) {
    std::string name = fmt::format("arena.{}.purge", narenas);  // index narenas = every arena
    mallctl(name.c_str(), nullptr, nullptr, nullptr, 0);
  }
#endif
}

std::string AllocatorName() {
#ifdef CORVID_JEMALLOC
  const char* ver = nullptr;
  size_t sz = sizeof(ver);
  if (mallctl("version", &ver, &sz, nullptr, 0) == 0 && ver) {
    std::string v(ver);
    return "jemalloc-" + v.substr(0, v.find('-'));
  }
  return "jemalloc";
#else
  return "libc";
#endif
}

}  // namespace corvid
