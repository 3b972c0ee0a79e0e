#include "server/server.h"

#include <time.h>

#include "commands/command.h"
#include "server/latency.h"

namespace corvid {

Server g_server;

void UpdateClock() {
  Server& s = Srv();
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  s.now_us = static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
  s.now_ms = s.now_us / 1000;
  s.lru_clock = static_cast<uint32_t>(ts.tv_sec) & 0xFFFFFF;
}

FrozenExpireClock::FrozenExpireClock() : saved_(Srv().expire_time_ms) {
  if (saved_ < 0) Srv().expire_time_ms = Srv().now_ms;
}

FrozenExpireClock::~FrozenExpireClock() { Srv().expire_time_ms = saved_; }

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
