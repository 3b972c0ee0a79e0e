#include "server/memory.h"

#include <malloc.h>
#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#ifdef CORVID_JEMALLOC
#include <jemalloc/jemalloc.h>
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
}  // namespace

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
  if (mallctl("stats.active", &v, &sz, nullptr, 0) == 0) m.active = v;
  if (mallctl("stats.resident", &v, &sz, nullptr, 0) == 0) m.resident = v;
#else
  struct mallinfo2 mi = mallinfo2();
  m.allocated = mi.uordblks + mi.hblkhd;
  m.active = m.allocated;
  m.resident = m.rss;
#endif
  return m;
}

std::string BytesToHuman(uint64_t n) {
  double d = static_cast<double>(n);
  if (n < 1024) return fmt::format("{}B", n);
  if (n < 1024ull * 1024) return fmt::format("{:.2f}K", d / 1024);
  if (n < 1024ull * 1024 * 1024) return fmt::format("{:.2f}M", d / (1024 * 1024));
  if (n < 1024ull * 1024 * 1024 * 1024) return fmt::format("{:.2f}G", d / (1024.0 * 1024 * 1024));
  return fmt::format("{:.2f}T", d / (1024.0 * 1024 * 1024 * 1024));
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
