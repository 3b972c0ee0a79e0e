#include "net/client_memory.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "net/client.h"
#include "net/connection.h"
#include "server/config.h"
#include "server/log.h"
#include "server/server.h"

namespace corvid {

namespace {
constexpr uint64_t kMinClientEvictionLimit = 128 * 1024;  // Redis refuses to evict below this
uint64_t g_clients_memory = 0;
}  // namespace

size_t ClientMemoryUsage(const Client& c) {
  size_t qbuf = c.conn ? c.conn->QueryBufferCapacity() : 0;
  return qbuf + c.out.Capacity() + c.multi_queue.MemoryBytes() + sizeof(Client);
}

void UpdateClientMemory(Client& c) {
  if (!c.conn) return;  // closed (ForgetClientMemory took it out) or a fake client: not counted
  size_t now = ClientMemoryUsage(c);
  g_clients_memory += now - c.mem_usage;  // unsigned wrap-around adds the (possibly negative) difference
  c.mem_usage = now;
}

void ForgetClientMemory(Client& c) {
  g_clients_memory -= c.mem_usage;
  c.mem_usage = 0;
}

uint64_t ClientsMemory() { return g_clients_memory; }

uint64_t ClientEvictionLimit() {
  const ServerConfig& cfg = Cfg();
  uint64_t limit;
  if (cfg.maxmemory_clients < 0 && cfg.maxmemory > 0) {
    limit = static_cast<uint64_t>(static_cast<double>(cfg.maxmemory) * -static_cast<double>(cfg.maxmemory_clients) /
                                  100);
  } else if (cfg.maxmemory_clients > 0) {
    limit = static_cast<uint64_t>(cfg.maxmemory_clients);
  } else {
    return 0;
  }
  return std::max(limit, kMinClientEvictionLimit);
}

bool ClientEvictionAllowed(const Client& c) {
  return c.conn && !c.Has(kClientNoEvict) && !c.Has(kClientReplica) && !c.cur_cmd;
}

void EvictClients() {
  uint64_t limit = ClientEvictionLimit();
  if (limit == 0 || g_clients_memory < limit) return;
  std::vector<std::pair<size_t, Client*>> candidates;
  for (auto& [id, c] : Srv().clients)
    if (ClientEvictionAllowed(*c)) candidates.emplace_back(c->mem_usage, c);
  std::sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (auto& [mem, c] : candidates) {
    if (g_clients_memory < limit) return;
    LogNotice("Evicting client: id={} addr={} laddr={} fd={} name={} tot-mem={}", c->id, c->addr, c->laddr, c->fd,
              c->name, mem);
    ++Srv().stats.evicted_clients;
    c->conn->Close();
  }
  if (!candidates.empty() && g_clients_memory >= limit)
    LogWarning("Over client maxmemory after evicting all evictable clients");
}

}  // namespace corvid
