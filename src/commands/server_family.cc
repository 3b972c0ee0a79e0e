// Server commands: INFO TIME LASTSAVE SHUTDOWN.
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "commands/cmd_util.h"
#include "commands/command.h"
#include "db/tracking.h"
#include "pubsub/pubsub.h"
#include "replication/master.h"
#include "replication/replication.h"
#include "persistence/aof.h"
#include "persistence/fork_child.h"
#include "persistence/rdb.h"
#include "scripting/eval_scripts.h"
#include "scripting/functions.h"
#include "server/config.h"
#include "server/cron.h"
#include "server/latency.h"
#include "server/metrics.h"
#include "db/evict.h"
#include "db/lazyfree.h"
#include "server/memory.h"
#include "server/server.h"
#include "server/version.h"

namespace corvid {

namespace {

using Out = std::string;

template <typename... Args>
void Field(Out& o, fmt::format_string<Args...> f, Args&&... a) {
  fmt::format_to(std::back_inserter(o), f, std::forward<Args>(a)...);
  o += "\r\n";
}

void ServerSection(Out& o) {
  Server& s = Srv();
  struct utsname u;
  uname(&u);
  int64_t uptime = (s.now_ms - s.start_time_ms) / 1000;
  Field(o, "redis_version:{}", kRedisVersion);
  Field(o, "corvid_version:{}", kCorvidVersion);
  Field(o, "redis_git_sha1:00000000");
  Field(o, "redis_git_dirty:0");
  Field(o, "redis_build_id:0");
  Field(o, "redis_mode:standalone");
  Field(o, "os:{} {} {}", u.sysname, u.release, u.machine);
  Field(o, "arch_bits:64");
  Field(o, "monotonic_clock:POSIX clock_gettime");
  Field(o, "multiplexing_api:epoll");
  Field(o, "atomicvar_api:c11-builtin");
  Field(o, "gcc_version:{}.{}.{}", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
  Field(o, "process_id:{}", getpid());
  Field(o, "process_supervised:no");
  Field(o, "run_id:{}", s.run_id);
  Field(o, "tcp_port:{}", s.tcp_port);
  Field(o, "server_time_usec:{}", s.now_us);
  Field(o, "uptime_in_seconds:{}", uptime);
  Field(o, "uptime_in_days:{}", uptime / 86400);
  Field(o, "hz:{}", Cfg().hz);
  Field(o, "configured_hz:{}", Cfg().hz);
  Field(o, "lru_clock:{}", s.lru_clock);
  Field(o, "executable:{}", s.executable);
  Field(o, "config_file:{}", ConfigFilePath());
  Field(o, "io_threads_active:0");
}

void ClientsSection(Out& o) {
  Server& s = Srv();
  Field(o, "connected_clients:{}", s.clients.size() - ReplicaCount());
  Field(o, "cluster_connections:0");
  Field(o, "maxclients:{}", Cfg().maxclients);
  Field(o, "client_recent_max_input_buffer:0");
  Field(o, "client_recent_max_output_buffer:0");
  Field(o, "blocked_clients:{}", s.blocked_clients);
  Field(o, "tracking_clients:{}", TrackingClientCount());
  Field(o, "clients_in_timeout_table:0");
}

void MemorySection(Out& o) {
  MemoryOverhead mo = ReadMemoryOverhead();
  const MemoryStats& m = mo.stats;
  uint64_t maxmem = Cfg().maxmemory;
  auto ratio = [](uint64_t a, uint64_t b) { return b ? static_cast<double>(a) / static_cast<double>(b) : 0.0; };
  auto diff = [](uint64_t a, uint64_t b) { return static_cast<int64_t>(a) - static_cast<int64_t>(b); };
  uint64_t net = m.allocated > mo.startup ? m.allocated - mo.startup : 0;
  uint64_t total_system = static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGESIZE);
  Field(o, "used_memory:{}", m.allocated);
  Field(o, "used_memory_human:{}", BytesToHuman(m.allocated));
  Field(o, "used_memory_rss:{}", m.rss);
  Field(o, "used_memory_rss_human:{}", BytesToHuman(m.rss));
  Field(o, "used_memory_peak:{}", mo.peak);
  Field(o, "used_memory_peak_human:{}", BytesToHuman(mo.peak));
  Field(o, "used_memory_peak_perc:{:.2f}%", mo.peak ? 100.0 * ratio(m.allocated, mo.peak) : 100.0);
  Field(o, "used_memory_overhead:{}", mo.overhead_total);
  Field(o, "used_memory_startup:{}", mo.startup);
  Field(o, "used_memory_dataset:{}", mo.dataset);
  Field(o, "used_memory_dataset_perc:{:.2f}%", 100.0 * ratio(mo.dataset, net));
  Field(o, "allocator_allocated:{}", m.allocated);
  Field(o, "allocator_active:{}", m.active);
  Field(o, "allocator_resident:{}", m.resident);
  Field(o, "total_system_memory:{}", total_system);
  Field(o, "total_system_memory_human:{}", BytesToHuman(total_system));
  // Scripting, as Redis 7.0 names it (used_memory_lua is the old name of used_memory_vm_eval).
  size_t vm_eval = EvalVmBytes(), vm_functions = FunctionsVmBytes();
  size_t scripts_eval = CachedScriptsBytes(), functions_bytes = FunctionsBytes();
  Field(o, "used_memory_lua:{}", vm_eval);
  Field(o, "used_memory_vm_eval:{}", vm_eval);
  Field(o, "used_memory_lua_human:{}", BytesToHuman(vm_eval));
  Field(o, "used_memory_scripts_eval:{}", scripts_eval);
  Field(o, "number_of_cached_scripts:{}", CachedScriptsCount());
  Field(o, "number_of_functions:{}", FunctionCount());
  Field(o, "number_of_libraries:{}", FunctionLibraries().size());
  Field(o, "used_memory_vm_functions:{}", vm_functions);
  Field(o, "used_memory_vm_total:{}", vm_eval + vm_functions);
  Field(o, "used_memory_vm_total_human:{}", BytesToHuman(vm_eval + vm_functions));
  Field(o, "used_memory_functions:{}", functions_bytes);
  Field(o, "used_memory_scripts:{}", scripts_eval + functions_bytes);
  Field(o, "used_memory_scripts_human:{}", BytesToHuman(scripts_eval + functions_bytes));
  Field(o, "maxmemory:{}", maxmem);
  Field(o, "maxmemory_human:{}", BytesToHuman(maxmem));
  std::string policy;
  ConfigGetValue("maxmemory-policy", &policy);
  Field(o, "maxmemory_policy:{}", policy);
  Field(o, "allocator_frag_ratio:{:.2f}", ratio(m.active, m.allocated));
  Field(o, "allocator_frag_bytes:{}", diff(m.active, m.allocated));
  Field(o, "allocator_rss_ratio:{:.2f}", ratio(m.resident, m.active));
  Field(o, "allocator_rss_bytes:{}", diff(m.resident, m.active));
  Field(o, "rss_overhead_ratio:{:.2f}", ratio(m.rss, m.resident));
  Field(o, "rss_overhead_bytes:{}", diff(m.rss, m.resident));
  Field(o, "mem_fragmentation_ratio:{:.2f}", ratio(m.rss, m.allocated));
  Field(o, "mem_fragmentation_bytes:{}", diff(m.rss, m.allocated));
  Field(o, "mem_not_counted_for_evict:{}", ReplicaBufferBytes());
  Field(o, "mem_replication_backlog:{}", BacklogBytes());
  Field(o, "mem_total_replication_buffers:{}", BacklogBytes() + ReplicaBufferBytes());
  Field(o, "mem_clients_slaves:{}", ReplicaBufferBytes());
  Field(o, "mem_clients_normal:{}", mo.clients_normal);
  Field(o, "mem_cluster_links:0");
  Field(o, "mem_aof_buffer:{}", AofBufferLength());
  Field(o, "mem_allocator:{}", AllocatorName());
  Field(o, "active_defrag_running:0");
  Field(o, "lazyfree_pending_objects:{}", LazyfreePendingObjects());
  Field(o, "lazyfreed_objects:{}", LazyfreedObjects());
}

void PersistenceSection(Out& o) {
  Server& s = Srv();
  const RdbState& r = Rdb();
  int64_t now_s = s.now_ms / 1000;
  Field(o, "loading:{}", r.loading ? 1 : 0);
  Field(o, "async_loading:0");
  const ChildProgress& cp = CurrentChildProgress();
  Field(o, "current_cow_peak:{}", cp.cow_peak);
  Field(o, "current_cow_size:{}", cp.cow_size);
  Field(o, "current_cow_size_age:{}", cp.cow_updated_ms ? (Srv().now_ms - cp.cow_updated_ms) / 1000 : 0);
  Field(o, "current_fork_perc:{:.2f}",
        cp.keys_total ? 100.0 * static_cast<double>(cp.keys_processed) / static_cast<double>(cp.keys_total) : 0.0);
  Field(o, "current_save_keys_processed:{}", cp.keys_processed);
  Field(o, "current_save_keys_total:{}", cp.keys_total);
  if (r.loading) {
    int64_t elapsed = now_s - r.loading_start_s;
    double perc = r.loading_total_bytes ? 100.0 * r.loading_loaded_bytes / r.loading_total_bytes : 0;
    Field(o, "loading_start_time:{}", r.loading_start_s);
    Field(o, "loading_total_bytes:{}", r.loading_total_bytes);
    Field(o, "loading_rdb_used_mem:0");
    Field(o, "loading_loaded_bytes:{}", r.loading_loaded_bytes);
    Field(o, "loading_loaded_perc:{:.2f}", perc);
    Field(o, "loading_eta_seconds:{}", perc > 0 ? static_cast<int64_t>(elapsed * (100 - perc) / perc) : 1);
  }
  Field(o, "rdb_changes_since_last_save:{}", s.stats.dirty);
  Field(o, "rdb_bgsave_in_progress:{}", r.child_pid != -1 ? 1 : 0);
  Field(o, "rdb_last_save_time:{}", s.lastsave_s);
  Field(o, "rdb_last_bgsave_status:{}", r.last_bgsave_ok ? "ok" : "err");
  Field(o, "rdb_last_bgsave_time_sec:{}", r.last_bgsave_time_sec);
  Field(o, "rdb_current_bgsave_time_sec:{}", r.child_pid != -1 ? now_s - r.bgsave_start_s : -1);
  Field(o, "rdb_saves:{}", r.saves);
  Field(o, "rdb_last_cow_size:{}", r.last_cow_size);
  Field(o, "rdb_last_load_keys_expired:{}", r.last_load_keys_expired);
  Field(o, "rdb_last_load_keys_loaded:{}", r.last_load_keys_loaded);
  const AofState& a = Aof();
  Field(o, "aof_enabled:{}", a.on ? 1 : 0);
  Field(o, "aof_rewrite_in_progress:{}", a.child_pid != -1 ? 1 : 0);
  Field(o, "aof_rewrite_scheduled:{}", a.rewrite_scheduled ? 1 : 0);
  Field(o, "aof_last_rewrite_time_sec:{}", a.last_rewrite_time_sec);
  Field(o, "aof_current_rewrite_time_sec:{}", a.child_pid != -1 ? now_s - a.rewrite_start_s : -1);
  Field(o, "aof_last_bgrewrite_status:{}", a.last_bgrewrite_ok ? "ok" : "err");
  Field(o, "aof_rewrites:{}", a.rewrites);
  Field(o, "aof_rewrites_consecutive_failures:{}", a.rewrites_consecutive_failures);
  Field(o, "aof_last_write_status:{}", a.last_write_ok ? "ok" : "err");
  Field(o, "aof_last_cow_size:{}", a.last_cow_size);
  Field(o, "module_fork_in_progress:0");
  Field(o, "module_fork_last_cow_size:0");
  if (a.on) {
    Field(o, "aof_current_size:{}", a.current_size);
    Field(o, "aof_base_size:{}", a.base_size);
    Field(o, "aof_pending_rewrite:{}", a.rewrite_scheduled ? 1 : 0);
    Field(o, "aof_buffer_length:{}", AofBufferLength());
    Field(o, "aof_pending_bio_fsync:{}", AofPendingFsyncs());
    Field(o, "aof_delayed_fsync:{}", a.delayed_fsync);
  }
}

void StatsSection(Out& o) {
  const ServerStats& st = Srv().stats;
  Field(o, "total_connections_received:{}", st.total_connections_received);
  Field(o, "total_commands_processed:{}", st.total_commands_processed);
  Field(o, "instantaneous_ops_per_sec:{}", InstantaneousOpsPerSec());
  Field(o, "total_net_input_bytes:{}", st.net_input_bytes);
  Field(o, "total_net_output_bytes:{}", st.net_output_bytes);
  Field(o, "total_net_repl_input_bytes:{}", st.net_repl_input_bytes);
  Field(o, "total_net_repl_output_bytes:{}", st.net_repl_output_bytes);
  Field(o, "instantaneous_input_kbps:{:.2f}", InstantaneousInputKbps());
  Field(o, "instantaneous_output_kbps:{:.2f}", InstantaneousOutputKbps());
  Field(o, "instantaneous_input_repl_kbps:{:.2f}", InstantaneousInputReplKbps());
  Field(o, "instantaneous_output_repl_kbps:0.00");
  Field(o, "rejected_connections:{}", st.rejected_connections);
  Field(o, "sync_full:{}", st.sync_full);
  Field(o, "sync_partial_ok:{}", st.sync_partial_ok);
  Field(o, "sync_partial_err:{}", st.sync_partial_err);
  Field(o, "expired_keys:{}", st.expired_keys);
  Field(o, "expired_stale_perc:{:.2f}", static_cast<double>(st.expired_stale_perc));
  Field(o, "expired_time_cap_reached_count:0");
  Field(o, "expire_cycle_cpu_milliseconds:{}", st.expire_cycle_us / 1000);
  Field(o, "evicted_keys:{}", st.evicted_keys);
  Field(o, "evicted_clients:{}", st.evicted_clients);
  Field(o, "total_eviction_exceeded_time:{}", EvictionExceededMs(false));
  Field(o, "current_eviction_exceeded_time:{}", EvictionExceededMs(true));
  Field(o, "keyspace_hits:{}", st.keyspace_hits);
  Field(o, "keyspace_misses:{}", st.keyspace_misses);
  Field(o, "pubsub_channels:{}", PubSubChannelCount());
  Field(o, "pubsub_patterns:{}", PubSubPatternCount());
  Field(o, "pubsubshard_channels:{}", PubSubShardChannelCount());
  Field(o, "latest_fork_usec:0");
  Field(o, "total_forks:0");
  Field(o, "migrate_cached_sockets:0");
  Field(o, "slave_expires_tracked_keys:0");
  Field(o, "active_defrag_hits:0");
  Field(o, "active_defrag_misses:0");
  Field(o, "active_defrag_key_hits:0");
  Field(o, "active_defrag_key_misses:0");
  Field(o, "total_active_defrag_time:0");
  Field(o, "current_active_defrag_time:0");
  Field(o, "tracking_total_keys:{}", TrackingKeyCount());
  Field(o, "tracking_total_items:{}", TrackingItemCount());
  Field(o, "tracking_total_prefixes:{}", TrackingPrefixCount());
  Field(o, "unexpected_error_replies:{}", st.unexpected_error_replies);
  Field(o, "total_error_replies:{}", st.total_error_replies);
  Field(o, "dump_payload_sanitizations:0");
  Field(o, "total_reads_processed:{}", st.io_reads_processed);
  Field(o, "total_writes_processed:{}", st.io_writes_processed);
  Field(o, "io_threaded_reads_processed:0");
  Field(o, "io_threaded_writes_processed:0");
  Field(o, "reply_buffer_shrinks:0");
  Field(o, "reply_buffer_expands:0");
}

void ReplicationSection(Out& o) { AppendReplicationInfo(&o); }

void CpuSection(Out& o) {
  struct rusage self, children;
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  auto secs = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  Field(o, "used_cpu_sys:{:.6f}", secs(self.ru_stime));
  Field(o, "used_cpu_user:{:.6f}", secs(self.ru_utime));
  Field(o, "used_cpu_sys_children:{:.6f}", secs(children.ru_stime));
  Field(o, "used_cpu_user_children:{:.6f}", secs(children.ru_utime));
  Field(o, "used_cpu_sys_main_thread:{:.6f}", secs(self.ru_stime));
  Field(o, "used_cpu_user_main_thread:{:.6f}", secs(self.ru_utime));
}

void ModulesSection(Out&) {}

void ErrorstatsSection(Out& o) {
  std::vector<std::pair<std::string, uint64_t>> errs(Srv().stats.error_counts.begin(),
                                                     Srv().stats.error_counts.end());
  std::sort(errs.begin(), errs.end());
  for (auto& [prefix, n] : errs) Field(o, "errorstat_{}:count={}", prefix, n);
}

void ClusterSection(Out& o) { Field(o, "cluster_enabled:0"); }

void KeyspaceSection(Out& o) {
  for (auto& db : Srv().dbs) {
    if (db->size() == 0) continue;
    Field(o, "db{}:keys={},expires={},avg_ttl={}", db->index(), db->size(), db->expires_size(), db->avg_ttl());
  }
}

void CommandstatsSection(Out& o) {
  for (Command* c : Commands().All()) {
    if (c->calls == 0 && c->failed_calls == 0 && c->rejected_calls == 0) continue;
    Field(o, "cmdstat_{}:calls={},usec={},usec_per_call={:.2f},rejected_calls={},failed_calls={}", c->fullname,
          c->calls, c->usec, c->calls ? static_cast<double>(c->usec) / c->calls : 0.0, c->rejected_calls,
          c->failed_calls);
  }
}

// p50=1.003,p99=...: each configured percentile of each command's latency histogram, in microseconds.
void LatencystatsSection(Out& o) {
  if (!Cfg().latency_tracking) return;
  const std::vector<double>& pcts = Cfg().latency_tracking_info_percentiles;
  for (Command* c : Commands().All()) {
    if (!c->latency_hist) continue;
    o += "latency_percentiles_usec_" + c->fullname + ":";
    for (size_t j = 0; j < pcts.size(); ++j) {
      if (j) o += ',';
      fmt::format_to(std::back_inserter(o), "p{}={:.3f}", pcts[j],
                     static_cast<double>(c->latency_hist->ValueAtPercentile(pcts[j])) / 1000.0);
    }
    o += "\r\n";
  }
}

struct Section {
  const char* name;
  const char* title;
  void (*fn)(Out&);
  bool in_default;
};

constexpr Section kSections[] = {
    {"server", "Server", ServerSection, true},
    {"clients", "Clients", ClientsSection, true},
    {"memory", "Memory", MemorySection, true},
    {"persistence", "Persistence", PersistenceSection, true},
    {"stats", "Stats", StatsSection, true},
    {"replication", "Replication", ReplicationSection, true},
    {"cpu", "CPU", CpuSection, true},
    {"modules", "Modules", ModulesSection, true},
    {"errorstats", "Errorstats", ErrorstatsSection, true},
    {"cluster", "Cluster", ClusterSection, true},
    {"keyspace", "Keyspace", KeyspaceSection, true},
    {"commandstats", "Commandstats", CommandstatsSection, false},
    {"latencystats", "Latencystats", LatencystatsSection, false},
};

void InfoCmd(Client& c, CmdArgs args) {
  bool all = false, defaults = args.size() == 1, everything = false;
  std::vector<std::string_view> wanted;
  for (size_t i = 1; i < args.size(); ++i) {
    if (Is(args[i], "all")) all = true;
    else if (Is(args[i], "default")) defaults = true;
    else if (Is(args[i], "everything")) everything = true;
    else wanted.push_back(args[i]);
  }
  Out o;
  for (const Section& s : kSections) {
    bool on = everything || all || (defaults && s.in_default) ||
              std::any_of(wanted.begin(), wanted.end(), [&](std::string_view w) { return Is(w, s.name); });
    if (!on) continue;
    if (!o.empty()) o += "\r\n";
    o += "# ";
    o += s.title;
    o += "\r\n";
    s.fn(o);
  }
  c.reply.Verbatim(o);
}

void TimeCmd(Client& c, CmdArgs) {
  UpdateClock();
  int64_t us = Srv().now_us;
  c.reply.Array(2);
  c.reply.BulkInt(us / 1000000);
  c.reply.BulkInt(us % 1000000);
}

void LastsaveCmd(Client& c, CmdArgs) { c.reply.Int(Srv().lastsave_s); }

void ShutdownCmd(Client& c, CmdArgs args) {
  bool abort_shutdown = false, save = false, nosave = false, force = false;
  for (size_t i = 1; i < args.size(); ++i) {
    if (Is(args[i], "NOSAVE") || Is(args[i], "SAVE") || Is(args[i], "NOW") || Is(args[i], "FORCE")) {
      save |= Is(args[i], "SAVE");
      nosave |= Is(args[i], "NOSAVE");
      force |= Is(args[i], "FORCE");
      continue;
    }
    if (Is(args[i], "ABORT")) {
      abort_shutdown = true;
      continue;
    }
    return c.reply.Error(err::kSyntax);
  }
  if (abort_shutdown) {
    if (args.size() > 2) return c.reply.Error(err::kSyntax);
    return c.reply.Error("ERR No shutdown in progress.");
  }
  if (save && nosave) return c.reply.Error(err::kSyntax);
  AofShutdown();
  if (!RdbShutdown(save || (!nosave && !Cfg().save.empty())) && !force)
    return c.reply.Error("ERR Errors trying to SHUTDOWN. Check logs.");
  c.flags |= kClientCloseAsap;
  RequestShutdown();
}

// LOLWUT [VERSION v]: the version line of Redis' "unstable" LOLWUT (the art of versions 5 and 6 is not drawn).
void LolwutCmd(Client& c, CmdArgs args) {
  int64_t version;
  if (args.size() >= 3 && Is(args[1], "version") && !ArgInt64(c, args[2], &version)) return;
  c.reply.Verbatim(fmt::format("Redis ver. {}\n", kRedisVersion));
}

constexpr CommandRow kRows[] = {
    {"info", -1, "loading stale", 0, 0, 0, "@slow @dangerous", InfoCmd, "", "section...?", "1.0.0", "Returns server information and statistics"},
    {"lolwut", -1, "readonly fast", 0, 0, 0, "@read @fast", LolwutCmd, "", "VERSION=version:integer?", "5.0.0", "Displays computer art and the Redis version"},
    {"time", 1, "loading stale fast", 0, 0, 0, "@fast", TimeCmd, "", "", "2.6.0", "Returns the server time"},
    {"lastsave", 1, "loading stale fast", 0, 0, 0, "@admin @fast @dangerous", LastsaveCmd, "", "", "1.0.0", "Returns the Unix time of the last successful save"},
    {"shutdown", -1, "admin noscript loading stale no_multi allow_busy", 0, 0, 0, "@admin @slow @dangerous", ShutdownCmd, "", "nosave_save(NOSAVE|SAVE)? NOW? FORCE? ABORT?", "1.0.0", "Stops the server"},
};

}  // namespace

void RegisterServerFamily(CommandRegistry& r) { r.Add(kRows); }

}  // namespace corvid
