// Access bookkeeping in a value's 24 lru bits (Redis' robj.lru: the LRU clock in seconds, or under an LFU
// policy 16 bits of minutes and an 8-bit logarithmic counter) and maxmemory eviction.
#pragma once
#include <cstdint>

namespace corvid {

class Client;
class Value;
struct Command;

// The lru bits a new value starts with: the LRU clock, or (LFU) this minute with the initial counter 5.
uint32_t InitialLruBits();
// Records an access: the LRU clock, or (LFU) the decayed counter incremented with probability
// 1 / ((counter - 5) * lfu-log-factor + 1).
void TouchValue(Value& v);
// The LFU counter after decaying it by one per lfu-decay-time minutes elapsed (OBJECT FREQ); not stored.
uint8_t LfuDecrAndReturn(const Value& v);
// Milliseconds since the last access by the 24-bit LRU clock (OBJECT IDLETIME, LRU eviction).
uint64_t IdleTimeMs(const Value& v);

enum class EvictResult { kOk, kRunning, kFail };
// Evicts keys by maxmemory-policy until used memory is back under maxmemory. kRunning: the time budget of
// maxmemory-eviction-tenacity ran out and eviction goes on from the event loop; kFail: still over the limit
// and nothing (more) can be evicted (noeviction, or no candidate keys).
EvictResult PerformEvictions();
// The maxmemory check before a command: evicts if needed; false when c must get the OOM error for cmd (a
// denyoom command, an EXEC queueing one, or any command queued inside MULTI) because memory could not be freed.
bool MemoryAllowsCommand(const Client& c, const Command& cmd);
// True when maxmemory is set and the check before the running client command could not get under it (Redis'
// pre_command_oom_state): scripts then may not start writing with denyoom commands.
bool PreCommandOom();
// True when maxmemory is set and allocating more bytes would take used memory over it.
bool OverMaxmemoryAfterAlloc(uint64_t more);
// Milliseconds used memory has been over maxmemory: in total, and in the current stretch (0 when under).
uint64_t EvictionExceededMs(bool current_only);

}  // namespace corvid
