// The server configuration: one typed field per Redis 7.0 directive, the redis.conf / command-line parser,
// and the data side of CONFIG GET / SET / REWRITE. Everything about a directive (name, alias, type, default,
// bounds, flags) lives in one table in config.cc; parsing, GET, SET, REWRITE and defaults are derived from it.
#pragma once
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace corvid {

// ---- Value types of the special directives ---------------------------------------------------------------

struct SaveParam {  // one `save <seconds> <changes>` point
  int64_t seconds = 0;
  int64_t changes = 0;
  bool operator==(const SaveParam&) const = default;
};

// Client classes of client-output-buffer-limit, in Redis' order ("slave" and "replica" name the same class).
enum ClientBufferClass : int { kObufNormal = 0, kObufReplica = 1, kObufPubSub = 2, kObufClassCount = 3 };

struct ClientBufferLimit {
  uint64_t hard_bytes = 0;  // 0 = no limit
  uint64_t soft_bytes = 0;  // 0 = no limit
  int64_t soft_seconds = 0;
  bool operator==(const ClientBufferLimit&) const = default;
};

struct ReplicaOf {  // `replicaof <host> <port>`; an empty host means "this server is a master"
  std::string host;
  int64_t port = 0;
  bool operator==(const ReplicaOf&) const = default;
};

// notify-keyspace-events bits (Redis' NOTIFY_* values).
enum NotifyFlag : int {
  kNotifyKeyspace = 1 << 0,   // K
  kNotifyKeyevent = 1 << 1,   // E
  kNotifyGeneric = 1 << 2,    // g
  kNotifyString = 1 << 3,     // $
  kNotifyList = 1 << 4,       // l
  kNotifySet = 1 << 5,        // s
  kNotifyHash = 1 << 6,       // h
  kNotifyZset = 1 << 7,       // z
  kNotifyExpired = 1 << 8,    // x
  kNotifyEvicted = 1 << 9,    // e
  kNotifyStream = 1 << 10,    // t
  kNotifyKeyMiss = 1 << 11,   // m (not part of A)
  kNotifyLoaded = 1 << 12,    // module-only
  kNotifyModule = 1 << 13,    // d
  kNotifyNew = 1 << 14,       // n (not part of A)
  kNotifyAll = kNotifyGeneric | kNotifyString | kNotifyList | kNotifySet | kNotifyHash | kNotifyZset |
               kNotifyExpired | kNotifyEvicted | kNotifyStream | kNotifyModule,  // A
};
// Parses a flag string such as "KEA"; -1 if it holds a character outside "Ag$lshzxeKEtmdn".
int KeyspaceEventsFromString(std::string_view s);
// The canonical string for flags, as CONFIG GET shows it ("AKE", "g$E", "").
std::string KeyspaceEventsToString(int flags);

// shutdown-on-sigint / shutdown-on-sigterm bits; 0 is "default".
enum ShutdownFlag : int { kShutdownSave = 1, kShutdownNoSave = 2, kShutdownNow = 4, kShutdownForce = 8 };

// ---- Enumerated directives (CONFIG GET shows the lower-case names in the comments) --------------------------
enum class LogLevel : int { kDebug, kVerbose, kNotice, kWarning };
enum class MaxmemoryPolicy : int {
  kVolatileLru, kVolatileLfu, kVolatileRandom, kVolatileTtl,
  kAllkeysLru, kAllkeysLfu, kAllkeysRandom, kNoEviction,
};
enum class SupervisedMode : int { kUpstart, kSystemd, kAuto, kNo };
enum class SyslogFacility : int { kUser, kLocal0, kLocal1, kLocal2, kLocal3, kLocal4, kLocal5, kLocal6, kLocal7 };
enum class AppendFsync : int { kEverysec, kAlways, kNo };
enum class ReplDisklessLoad : int { kDisabled, kOnEmptyDb, kSwapdb };
enum class TlsAuthClients : int { kNo, kYes, kOptional };
enum class OomScoreAdj : int { kNo, kRelative /* "yes" or "relative" */, kAbsolute };
enum class AclPubsubDefault : int { kResetChannels, kAllChannels };
enum class SanitizeDumpPayload : int { kNo, kYes, kClients };
enum class ProtectedAction : int { kNo, kYes, kLocal };  // enable-protected-configs / -debug- / -module-command
enum class ClusterEndpointType : int { kIp, kHostname, kUnknownEndpoint };
enum class PropagationErrorBehavior : int { kIgnore, kPanic, kPanicOnReplicas };

// ---- The configuration -----------------------------------------------------------------------------------
// One field per directive, named after it with '-' turned into '_'. Integers are int64_t (the two directives
// Redis keeps as unsigned long long, maxmemory and cluster-link-sendbuf-limit, are uint64_t). Memory values are
// bytes. String directives that Redis keeps as NULL when empty are empty strings here.
struct ServerConfig {
  // Every directive at its Redis 7.0 default (taken from the directive table).
  ServerConfig();

  // -- network
  std::vector<std::string> bind;  // "* -::*" by default; a leading '-' marks an optional address
  std::string bind_source_addr;
  bool protected_mode;
  int64_t port;
  int64_t tcp_backlog;
  std::string unixsocket;
  int64_t unixsocketperm;  // the permission bits (CONFIG GET shows them in octal)
  int64_t socket_mark_id;
  int64_t timeout;         // seconds; 0 = never close idle clients
  int64_t tcp_keepalive;
  // -- TLS
  int64_t tls_port;
  std::string tls_cert_file, tls_key_file, tls_key_file_pass, tls_client_cert_file, tls_client_key_file,
      tls_client_key_file_pass, tls_dh_params_file, tls_ca_cert_file, tls_ca_cert_dir, tls_protocols, tls_ciphers,
      tls_ciphersuites;
  TlsAuthClients tls_auth_clients;
  bool tls_replication, tls_cluster, tls_prefer_server_ciphers, tls_session_caching;
  int64_t tls_session_cache_size, tls_session_cache_timeout;
  // -- general
  bool daemonize;
  SupervisedMode supervised;
  std::string pidfile;
  LogLevel loglevel;
  std::string logfile;
  bool syslog_enabled;
  std::string syslog_ident;
  SyslogFacility syslog_facility;
  bool crash_log_enabled, crash_memcheck_enabled;
  int64_t databases;
  bool always_show_logo, set_proc_title;
  std::string proc_title_template;
  std::string ignore_warnings;
  ProtectedAction enable_protected_configs, enable_debug_command, enable_module_command;
  int64_t hz;  // kept within [1, 500] like Redis
  bool dynamic_hz;
  int64_t active_expire_effort;
  bool use_exit_on_panic;  // hidden
  int64_t watchdog_period;  // hidden
  std::string server_cpulist, bio_cpulist, aof_rewrite_cpulist, bgsave_cpulist;
  bool disable_thp;
  bool jemalloc_bg_thread;
  int64_t io_threads;
  bool io_threads_do_reads;
  OomScoreAdj oom_score_adj;
  std::array<int64_t, 3> oom_score_adj_values{};  // master, replica, background child
  int64_t shutdown_on_sigint, shutdown_on_sigterm;  // ShutdownFlag bits
  int64_t shutdown_timeout;
  // -- snapshotting
  std::vector<SaveParam> save;
  bool stop_writes_on_bgsave_error, rdbcompression, rdbchecksum;
  SanitizeDumpPayload sanitize_dump_payload;
  std::string dbfilename;
  bool rdb_del_sync_files;
  std::string dir;  // absolute; setting it changes the process' working directory, as in Redis
  bool rdb_save_incremental_fsync;
  int64_t rdb_key_save_delay, key_load_delay;  // hidden
  int64_t loading_process_events_interval_bytes;  // hidden
  // -- replication
  ReplicaOf replicaof;
  std::string masterauth, masteruser;
  bool replica_serve_stale_data, replica_read_only;
  bool repl_diskless_sync;
  int64_t repl_diskless_sync_delay, repl_diskless_sync_max_replicas;
  ReplDisklessLoad repl_diskless_load;
  int64_t repl_ping_replica_period, repl_timeout;
  bool repl_disable_tcp_nodelay;
  int64_t repl_backlog_size, repl_backlog_ttl;
  int64_t replica_priority;
  bool replica_announced;
  std::string replica_announce_ip;
  int64_t replica_announce_port;
  int64_t min_replicas_to_write, min_replicas_max_lag;
  bool replica_lazy_flush, replica_ignore_maxmemory, replica_ignore_disk_write_errors;
  PropagationErrorBehavior propagation_error_behavior;
  // -- security
  std::string requirepass;
  std::string aclfile;
  int64_t acllog_max_len;
  AclPubsubDefault acl_pubsub_default;
  // -- clients and memory
  int64_t maxclients;
  uint64_t maxmemory;
  MaxmemoryPolicy maxmemory_policy;
  int64_t maxmemory_samples, maxmemory_eviction_tenacity;
  int64_t maxmemory_clients;  // bytes, or -N for N percent of maxmemory (CONFIG GET shows "N%")
  std::array<ClientBufferLimit, kObufClassCount> client_output_buffer_limit;
  int64_t client_query_buffer_limit, proto_max_bulk_len;
  bool lazyfree_lazy_eviction, lazyfree_lazy_expire, lazyfree_lazy_server_del, lazyfree_lazy_user_del,
      lazyfree_lazy_user_flush;
  // -- append only file
  bool appendonly;
  std::string appendfilename, appenddirname;
  AppendFsync appendfsync;
  bool no_appendfsync_on_rewrite;
  int64_t auto_aof_rewrite_percentage, auto_aof_rewrite_min_size;
  bool aof_load_truncated, aof_use_rdb_preamble, aof_timestamp_enabled, aof_rewrite_incremental_fsync,
      aof_disable_auto_gc;
  // -- scripting
  int64_t busy_reply_threshold;  // alias lua-time-limit
  // -- cluster
  bool cluster_enabled;
  std::string cluster_config_file;
  int64_t cluster_node_timeout, cluster_port;
  int64_t cluster_replica_validity_factor, cluster_migration_barrier;
  bool cluster_allow_replica_migration, cluster_require_full_coverage, cluster_replica_no_failover;
  bool cluster_allow_reads_when_down, cluster_allow_pubsubshard_when_down;
  uint64_t cluster_link_sendbuf_limit;
  std::string cluster_announce_ip, cluster_announce_hostname;
  int64_t cluster_announce_port, cluster_announce_bus_port, cluster_announce_tls_port;
  ClusterEndpointType cluster_preferred_endpoint_type;
  // -- monitoring
  int64_t slowlog_log_slower_than, slowlog_max_len;
  int64_t latency_monitor_threshold;
  bool latency_tracking;
  std::vector<double> latency_tracking_info_percentiles;
  int notify_keyspace_events;  // NotifyFlag bits
  // -- data structure thresholds
  int64_t hash_max_listpack_entries, hash_max_listpack_value;
  int64_t list_max_listpack_size, list_compress_depth;
  int64_t set_max_intset_entries;
  int64_t zset_max_listpack_entries, zset_max_listpack_value;
  int64_t hll_sparse_max_bytes;
  int64_t stream_node_max_bytes, stream_node_max_entries;
  bool activerehashing;
  int64_t tracking_table_max_keys;
  // -- active defragmentation (accepted and stored; enabling it is refused as on a build without it)
  bool activedefrag;
  int64_t active_defrag_ignore_bytes, active_defrag_threshold_lower, active_defrag_threshold_upper;
  int64_t active_defrag_cycle_min, active_defrag_cycle_max, active_defrag_max_scan_fields;
  int64_t lfu_log_factor, lfu_decay_time;

  // ---- Not directives: state the parser needs or collects ----
  bool sentinel_mode = false;  // set before loading (argv[0] is *-sentinel or --sentinel was given)
  // File directives that are instructions rather than settings (rename-command, user, loadmodule,
  // "sentinel ...", module.name value) and had no handler registered (SetDirectiveHandler), in file order,
  // each as its words including the directive name (lower case).
  std::vector<std::vector<std::string>> deferred_directives;
};

// The process-wide configuration.
ServerConfig& Cfg();
// True when maxmemory-policy is one of the LFU (LRU) policies: OBJECT FREQ / IDLETIME, RDB FREQ / IDLE.
inline bool LfuPolicy() {
  MaxmemoryPolicy p = Cfg().maxmemory_policy;
  return p == MaxmemoryPolicy::kVolatileLfu || p == MaxmemoryPolicy::kAllkeysLfu;
}
inline bool LruPolicy() {
  MaxmemoryPolicy p = Cfg().maxmemory_policy;
  return p == MaxmemoryPolicy::kVolatileLru || p == MaxmemoryPolicy::kAllkeysLru;
}
// Puts every directive back to its default and forgets the config file path (tests; start-up).
void ResetConfigToDefaults();

// ---- Loading ---------------------------------------------------------------------------------------------

// Parses argv like redis-server: [configfile | -] [--directive args...] ... ("-" as the first or last
// argument reads the configuration from stdin; `--save` with no value means `save ""`), loading the file,
// then stdin, then the options. argv[0] is the program name. With argc == 1 nothing is loaded (defaults).
// On error returns false and sets *err:
//  - starting with "\n*** FATAL CONFIG FILE ERROR": the full text Redis writes to stderr before exit(1);
//  - otherwise a log message (e.g. "Fatal error, can't open config file '/x.conf': No such file or directory")
//    that Redis logs at warning level before exit(1).
bool LoadConfigFromArgs(int argc, char** argv, std::string* err);
// Applies redis.conf text: one directive per line, '#' comments, "double quoted" arguments with \n \r \t \b \a
// \" \\ \xHH escapes, 'single quoted' ones with \', `include <path-or-glob>`. Errors as above.
bool LoadConfigFromString(std::string_view text, std::string* err);

// Splits one line into words as redis.conf does; false on unbalanced quotes.
bool SplitConfigArgs(std::string_view line, std::vector<std::string>* out);
// Redis' quoted representation of s ("..." with \n \r \t \a \b \" \\ and \xHH escapes).
std::string QuoteConfigString(std::string_view s);
// Parses a memory value: digits with an optional unit (b, k=1000, kb=1024, m, mb, g, gb; any case).
bool ParseMemoryValue(std::string_view s, uint64_t* bytes);

// Handler for a file-only directive ("rename-command", "user", "loadmodule", "sentinel"): called with the
// line's words (argv[0] is the lower-cased directive) while the file is read; false with *err makes loading
// fail at that line. Without a handler the line is kept in Cfg().deferred_directives.
using DirectiveFn = bool (*)(std::span<const std::string> argv, std::string* err);
void SetDirectiveHandler(std::string_view directive, DirectiveFn fn);

// ---- CONFIG GET / SET / REWRITE ----------------------------------------------------------------------------

// Appends (name, value) for every directive matching one of the patterns (glob, case-insensitive; hidden
// directives only by exact name), without duplicates. An exact name is echoed as given.
void ConfigGet(std::span<const std::string_view> patterns, std::vector<std::pair<std::string, std::string>>* out);
// The CONFIG GET value of one directive (or alias); "" and false if unknown.
bool ConfigGetValue(std::string_view name, std::string* value);

struct ConfigSetContext {
  bool local_client = false;  // unix socket or loopback peer (for enable-protected-configs local)
  bool loading = false;       // the server is loading data (appendonly, dir, repl-diskless-load refuse)
};
// CONFIG SET name value [name value ...]: all or nothing. On failure returns false and sets *err to Redis' error
// reply without the leading '-' ("ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument
// must be a memory value", "ERR Unknown option or number of arguments for CONFIG SET - 'foo'", ...).
bool ConfigSet(std::span<const std::string_view> name_values, std::string* err, const ConfigSetContext& ctx = {});
// True if the directive's value must not appear in logs/slowlog/monitor (requirepass, masterauth, masteruser).
bool IsSensitiveConfig(std::string_view name);

// CONFIG REWRITE: rewrites the file the server was started with, keeping comments, unknown lines and the order
// of lines; changed directives are rewritten in place, new ones appended after "# Generated by CONFIG REWRITE".
// *err as Redis ("ERR The server is running without a config file", "ERR Rewriting config file: <strerror>").
bool ConfigRewrite(std::string* err);
// Rewrites `path` (the same algorithm; for tests and for the lead's DEBUG/SENTINEL uses).
bool ConfigRewriteFile(const std::string& path, std::string* err);
// Supplies the lines for a file-only directive on rewrite (e.g. "user" from the ACL module): its old lines are
// replaced in place by the returned ones (extra ones appended). Without a provider such lines stay untouched.
using RewriteLinesFn = std::vector<std::string> (*)();
void SetRewriteProvider(std::string_view directive, RewriteLinesFn fn);

// Lets the server react to a change (maxclients, hz, loglevel, port, bind, ...): called after a successful SET
// that changed the directive; returning false with *err rolls the whole CONFIG SET back. One function registered
// for several directives runs once per CONFIG SET. Not called while loading the configuration file.
using ConfigApplyFn = bool (*)(std::string* err);
void SetConfigApplyHook(std::string_view directive, ConfigApplyFn fn);

// Absolute path of the loaded config file ("" if none), for INFO server config_file.
std::string ConfigFilePath();

}  // namespace corvid
