// Process memory figures: allocator statistics (jemalloc when linked) and resident set size.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace corvid {

struct MemoryStats {
  uint64_t allocated = 0;  // bytes the program holds (used_memory)
  uint64_t active = 0;     // allocator pages in use
  uint64_t resident = 0;   // allocator resident bytes
  uint64_t rss = 0;        // process RSS
};

// Reads current figures (refreshes jemalloc's epoch, and recalibrates UsedMemory()).
MemoryStats ReadMemoryStats();
// used_memory for the maxmemory checks made before every command: cheap (two loads of the loop thread's
// jemalloc allocated/deallocated counters plus an offset that ReadMemoryStats recalibrates against the global
// figure, so allocations of other threads are caught up at the next calibration). Without jemalloc: the
// sanitizer's or libc's global counter.
uint64_t UsedMemory();
// Where the memory goes, as Redis' getMemoryOverheadData (INFO memory, MEMORY STATS, MEMORY DOCTOR).
struct MemoryOverhead {
  struct DbTables {
    int db;
    uint64_t main, expires;  // hash table bucket arrays
  };
  MemoryStats stats;
  uint64_t peak = 0;            // highest used memory seen by ReadMemoryStats
  uint64_t startup = 0;         // used memory when the server started serving
  uint64_t clients_normal = 0;  // query and output buffers of the clients, and their state
  uint64_t overhead_total = 0;  // startup + clients + hash tables
  uint64_t dataset = 0;         // allocated - overhead_total
  uint64_t keys = 0;
  std::vector<DbTables> dbs;    // the databases that hold keys
};
// The allocator of the Lua VMs (a lua_Alloc). Their heaps are left out of used_memory, as in Redis (whose Lua
// allocates from libc, outside its counter): scripts' memory does not count against maxmemory and shows as
// used_memory_vm_*. May run on any thread.
void* LuaAllocator(void* ud, void* ptr, size_t old_size, size_t new_size);

// Reads the figures (as ReadMemoryStats) and the breakdown.
MemoryOverhead ReadMemoryOverhead();

// The allocator's statistics report (MEMORY MALLOC-STATS); a notice when the allocator has none.
std::string AllocatorStatsText();
// Asks the allocator to return unused dirty pages to the system (MEMORY PURGE).
void PurgeAllocator();

// "1.23M"-style size, as Redis' bytesToHuman.
std::string BytesToHuman(uint64_t n);
// The allocator's name for INFO mem_allocator ("jemalloc-5.3.0" or "libc").
std::string AllocatorName();

}  // namespace corvid
