// Client memory accounting and `maxmemory-clients` client eviction (Redis 7.0's client eviction): every
// connected client's memory is re-measured at the points it changes (after reading input, after writing
// replies) into a running total; past the limit the evictable clients using the most memory are closed.
#pragma once
#include <cstddef>
#include <cstdint>

namespace corvid {

class Client;

// The memory c uses as CLIENT LIST tot-mem shows it: query buffer, output buffer, queued MULTI commands and the
// client structure itself.
size_t ClientMemoryUsage(const Client& c);
// Re-measures c into the clients' total (a few loads and an add); nothing for a closed or fake client.
void UpdateClientMemory(Client& c);
// Takes c out of the total. REQUIRES: called once, when c is closed.
void ForgetClientMemory(Client& c);
// The memory of every connected client (INFO mem_clients_normal; corvid has no replica clients).
uint64_t ClientsMemory();
// The maxmemory-clients limit in bytes: the absolute value, or the percentage of maxmemory (0 when maxmemory is
// 0), never under 128 KiB; 0 when client eviction is off.
uint64_t ClientEvictionLimit();
// Whether c may be evicted: a real connection of the normal or pubsub class without CLIENT NO-EVICT, and not
// in the middle of a command.
bool ClientEvictionAllowed(const Client& c);
// While the total is at or over the limit, closes the evictable client using the most memory (INFO
// evicted_clients, a notice in the log). Call where no command is running (the top of a readiness callback).
void EvictClients();

}  // namespace corvid
