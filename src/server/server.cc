#include "server/server.h"

#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

#include <cstdio>
#include <cstring>

#include "commands/command.h"
#include "server/latency.h"

namespace corvid {

Server g_server;

namespace {

#if defined(__x86_64__) || defined(__i386__)
uint64_t ReadTsc() { return __rdtsc(); }
bool IsX86() { return true; }
#else
uint64_t ReadTsc() { return 0; }
bool IsX86() { return false; }
#endif

int64_t RealtimeUs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

// The wall clock read per command from the CPU's time-stamp counter (as Redis' monotonic clock does): a TSC
// read costs a fraction of clock_gettime. Every cron tick re-anchors it to CLOCK_REALTIME and re-measures the
// counter's rate over the interval, so it follows NTP adjustments and cannot drift for long. Used only when
// the CPU says its TSC is constant and does not stop (else every read is a clock_gettime).
struct TscClock {
  bool usable = false;
  double us_per_tick = 0;
  uint64_t base_tsc = 0;
  int64_t base_us = 0;
};
TscClock g_tsc;

bool CpuHasStableTsc() {
  if (!IsX86()) return false;
  FILE* f = fopen("/proc/cpuinfo", "r");
  if (!f) return false;
  char line[8192];
  bool found = false;
  while (fgets(line, sizeof(line), f)) {
    if (strncmp(line, "flags", 5) != 0) continue;
    found = strstr(line, " constant_tsc") && strstr(line, " nonstop_tsc");
    break;
  }
  fclose(f);
  return found;
}

}  // namespace

void InitClock() {
  if (!CpuHasStableTsc()) return;
  uint64_t t0 = ReadTsc();
  int64_t u0 = RealtimeUs();
  timespec pause{0, 20 * 1000 * 1000};
  nanosleep(&pause, nullptr);
  uint64_t t1 = ReadTsc();
  int64_t u1 = RealtimeUs();
  if (t1 <= t0 || u1 <= u0) return;
  g_tsc.us_per_tick = static_cast<double>(u1 - u0) / static_cast<double>(t1 - t0);
  g_tsc.base_tsc = t1;
  g_tsc.base_us = u1;
  g_tsc.usable = true;
}

void AnchorClock() {
  if (!g_tsc.usable) return;
  uint64_t t = ReadTsc();
  int64_t u = RealtimeUs();
  // Re-measure the rate over the last interval when it is long enough to be precise and the clock went forward.
  if (u - g_tsc.base_us >= 50000 && t > g_tsc.base_tsc)
    g_tsc.us_per_tick = static_cast<double>(u - g_tsc.base_us) / static_cast<double>(t - g_tsc.base_tsc);
  g_tsc.base_tsc = t;
  g_tsc.base_us = u;
}

void UpdateClock() {
  Server& s = Srv();
  if (g_tsc.usable) {
    uint64_t t = ReadTsc();
    s.now_us = g_tsc.base_us + static_cast<int64_t>(static_cast<double>(t - g_tsc.base_tsc) * g_tsc.us_per_tick);
  } else {
    s.now_us = RealtimeUs();
  }
  s.now_ms = s.now_us / 1000;
  s.lru_clock = static_cast<uint32_t>(s.now_us / 1000000) & 0xFFFFFF;
}

int64_t MonotonicUs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

uint64_t Random64() { return Srv().rng(); }

void InitDatabases(int count) {
  Server& s = Srv();
  s.dbs.clear();
  for (int i = 0; i < count; ++i) s.dbs.push_back(std::make_unique<Db>(i));
}

void ResetServerStats() {
  Server& s = Srv();
  ServerStats fresh;
  fresh.dirty = s.stats.dirty;
  s.stats = std::move(fresh);
  for (Command* c : Commands().All()) c->calls = c->usec = c->rejected_calls = c->failed_calls = 0;
  ResetLatencyHistograms();
}

}  // namespace corvid
