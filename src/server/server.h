// Process-wide server state: databases, clients, clocks and statistics. Touched only by the loop thread.
#pragma once
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "db/db.h"

namespace corvid {

class Client;

struct ServerStats {
  uint64_t total_connections_received = 0;
  uint64_t total_commands_processed = 0;
  uint64_t rejected_connections = 0;
  uint64_t expired_keys = 0;
  uint64_t expired_stale_perc = 0;
  uint64_t evicted_keys = 0;
  uint64_t evicted_clients = 0;  // closed by maxmemory-clients
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  uint64_t net_input_bytes = 0;
  uint64_t net_output_bytes = 0;
  uint64_t net_repl_output_bytes = 0;  // written to replicas (not counted in net_output_bytes, as Redis)
  uint64_t sync_full = 0, sync_partial_ok = 0, sync_partial_err = 0;  // replicas' SYNC/PSYNC outcomes
  uint64_t net_repl_input_bytes = 0;  // the snapshot and command stream read from our master
  uint64_t total_error_replies = 0;
  uint64_t unexpected_error_replies = 0;
  uint64_t dirty = 0;  // changes since the last save
  uint64_t io_reads_processed = 0;
  uint64_t io_writes_processed = 0;
  uint64_t expire_cycle_us = 0;  // time spent in the active expire cycle
  std::unordered_map<std::string, uint64_t> error_counts;  // INFO errorstats: prefix → count
};

struct Server {
  std::vector<std::unique_ptr<Db>> dbs;
  ServerStats stats;
  std::unordered_map<uint64_t, Client*> clients;  // by id
  uint64_t next_client_id = 1;
  int64_t start_time_ms = 0;
  int64_t now_ms = 0;      // cached wall clock (ms), refreshed per command and per cron tick
  int64_t now_us = 0;
  uint32_t lru_clock = 0;  // seconds, 24 bits
  // While a script or a transaction runs, keys expire by the time it started (Redis' scriptTimeSnapshot and
  // fixed_time_expire): what it read stays readable to its end, and its propagated writes replay the same.
  // -1 otherwise. Set by FrozenExpireClock.
  int64_t expire_time_ms = -1;
  // The clocks were read at the end of the previous command of the batch being processed: the next command may
  // start from them instead of reading the clock again (cleared when a connection's input batch starts).
  bool clock_fresh = false;
  std::mt19937_64 rng;
  int64_t lastsave_s = 0;
  std::string run_id;      // 40 hex chars
  std::string executable, config_file;
  int tcp_port = 6379;
  int64_t clients_paused_until_ms = 0;
  bool pause_writes_only = false;
  bool active_expire_enabled = true;
  uint64_t blocked_clients = 0;
};

extern Server g_server;
inline Server& Srv() { return g_server; }
inline Db& GetDb(int i) { return *Srv().dbs[i]; }
// Refreshes the cached clocks (now_ms, now_us, lru_clock).
void UpdateClock();

// For its scope, keys expire by the cached clock as it is now (nested scopes keep the outermost time).
class FrozenExpireClock {
 public:
  FrozenExpireClock();
  ~FrozenExpireClock();
  FrozenExpireClock(const FrozenExpireClock&) = delete;
  FrozenExpireClock& operator=(const FrozenExpireClock&) = delete;

 private:
  int64_t saved_;
};
uint64_t Random64();
// Monotonic clock in microseconds.
int64_t MonotonicUs();
// Resets the counters CONFIG RESETSTAT clears.
void ResetServerStats();
// Creates the databases from the `databases` directive.
void InitDatabases(int count);

}  // namespace corvid
