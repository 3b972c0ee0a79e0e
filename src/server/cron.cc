#include "server/cron.h"

#include <asio.hpp>
#include <vector>

#include "commands/migrate.h"
#include "db/evict.h"
#include "db/tracking.h"
#include "net/client.h"
#include "net/connection.h"
#include "net/listener.h"
#include "persistence/aof.h"
#include "persistence/rdb.h"
#include "replication/master.h"
#include "replication/replica.h"
#include "server/config.h"
#include "server/latency.h"
#include "server/memory.h"
#include "server/metrics.h"
#include "server/server.h"

namespace corvid {

namespace {

constexpr size_t kExpireKeysPerLoop = 20;
constexpr int kExpireCycleTimePercent = 25;
constexpr size_t kExpireAcceptableStalePercent = 10;

std::unique_ptr<asio::steady_timer> g_timer;
size_t g_expire_db = 0;

// Redis' slow active-expire cycle: sample volatile keys db by db until few are expired or time runs out.
void ActiveExpireCycle(int64_t budget_us) {
  Server& srv = Srv();
  if (!srv.active_expire_enabled || Rdb().loading) return;
  // A replica's keys expire when its master's DEL arrives; only its own clients' keys expire here.
  if (IsReplica()) return ExpireReplicaKeys();
  int64_t start = MonotonicUs(), deadline = start + budget_us;
  size_t ndb = srv.dbs.size();
  size_t total_sampled = 0, total_expired = 0;
  for (size_t i = 0; i < ndb && MonotonicUs() < deadline; ++i) {
    Db& db = *srv.dbs[g_expire_db++ % ndb];
    while (db.expires_size() > 0 && MonotonicUs() < deadline) {
      Db::ExpireRound r = db.ActiveExpireRound(kExpireKeysPerLoop);
      total_sampled += r.sampled;
      total_expired += r.expired;
      if (r.sampled == 0 || r.expired * 100 / r.sampled <= kExpireAcceptableStalePercent) break;
    }
  }
  int64_t elapsed_us = MonotonicUs() - start;
  srv.stats.expire_cycle_us += static_cast<uint64_t>(elapsed_us);
  LatencyAddSampleIfNeeded("expire-cycle", elapsed_us / 1000);
  if (total_sampled) {
    // INFO expired_stale_perc: running estimate, as Redis.
    uint64_t perc = total_expired * 100 / total_sampled;
    srv.stats.expired_stale_perc = (srv.stats.expired_stale_perc * 95 + perc * 5) / 100;
  }
}

void CloseTimedOutClients() {
  int64_t timeout_s = Cfg().timeout;
  if (timeout_s <= 0) return;
  Server& srv = Srv();
  std::vector<Connection*> idle;
  for (auto& [id, c] : srv.clients) {
    if (c->flags & (kClientBlocked | kClientPubSub | kClientMonitor | kClientReplica)) continue;
    if (c->conn && srv.now_ms - c->last_interaction_ms > timeout_s * 1000) idle.push_back(c->conn);
  }
  for (Connection* conn : idle) conn->Close();
}

void ResumeAfterPause() {
  Server& srv = Srv();
  if (srv.clients_paused_until_ms == 0 || srv.now_ms < srv.clients_paused_until_ms) return;
  srv.clients_paused_until_ms = 0;
  std::vector<Connection*> all;
  for (auto& [id, c] : srv.clients)
    if (c->conn) all.push_back(c->conn);
  for (Connection* conn : all) conn->Resume();
}

void Tick() {
  Server& srv = Srv();
  UpdateClock();
  int64_t period_us = 1000000 / std::max<int64_t>(1, Cfg().hz);
  ActiveExpireCycle(period_us * kExpireCycleTimePercent / 100);
  ReadMemoryStats();  // recalibrates UsedMemory() for the maxmemory checks
  if (Cfg().maxmemory) PerformEvictions();
  TrackInstantaneousMetrics();
  TrackingFlushBroadcasts();
  // Rehashing and shrinking wait while a child saves: moving entries would copy the pages it shares (Redis'
  // updateDictResizePolicy).
  bool saving = Rdb().child_pid != -1 || AofChildRunning();
  for (auto& db : srv.dbs) {
    db->SetResizeAllowed(!saving);
    if (!saving) db->Housekeep(1000 / static_cast<int64_t>(srv.dbs.size()) + 1);
  }
  CloseTimedOutClients();
  CloseIdleMigrateSockets();
  ResumeAfterPause();
  RdbCron();
  AofCron();
  MasterCron();
  g_timer->expires_after(std::chrono::microseconds(period_us));
  g_timer->async_wait([](const asio::error_code& ec) {
    if (!ec) Tick();
  });
}

}  // namespace

void StartCron() {
  g_timer = std::make_unique<asio::steady_timer>(Io());
  Tick();
}

void StopCron() { g_timer.reset(); }

void RequestShutdown() {
  if (g_timer) g_timer->cancel();
  Io().stop();
}

}  // namespace corvid
