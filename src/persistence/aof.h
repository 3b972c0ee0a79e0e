// The append-only file in Redis 7.0's multi-part form. In `dir`/`appenddirname` a manifest (`appendfilename`
// .manifest) lists one base file (an RDB image, NAME.N.base.rdb, or commands, NAME.N.base.aof) and the incremental
// files (NAME.N.incr.aof) holding the commands propagated since (server/propagate.h feeds them). Commands are
// buffered while the loop runs and written before any reply is sent; `appendfsync always` fsyncs them then,
// `everysec` hands an fsync to a background thread once a second, `no` leaves it to the kernel.
// BGREWRITEAOF opens a new incr file (new writes go there), forks a child that writes a new base from the dataset,
// and once it succeeds the manifest drops the older base and incr files, which are deleted.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <string>

namespace corvid {

struct AofState {
  bool on = false;            // appendonly: commands are written to the incr file (INFO aof_enabled)
  bool wait_rewrite = false;  // turned on at run time: the first base is being written
  pid_t child_pid = -1;       // the rewrite child
  int child_cow_fd = -1;
  uint64_t last_cow_size = 0;  // INFO aof_last_cow_size
  int64_t rewrite_start_s = -1, last_rewrite_time_sec = -1;
  bool rewrite_scheduled = false;
  bool last_bgrewrite_ok = true;
  bool last_write_ok = true;
  std::string last_write_error;
  uint64_t rewrites = 0, rewrites_consecutive_failures = 0;
  uint64_t current_size = 0;  // base + incr files (INFO aof_current_size)
  uint64_t base_size = 0;     // the size after the last rewrite (auto-aof-rewrite-percentage compares to it)
  uint64_t delayed_fsync = 0;
};
// The process' AOF state (loop thread only).
AofState& Aof();

// Start-up with `appendonly yes`: loads the base and incr files the manifest lists (with Redis' log lines,
// -LOADING answered meanwhile), or creates a base and an incr file when there is no AOF yet, then appends to
// the last incr file. False when the AOF is corrupt or cannot be read or created: the server must exit.
bool AofLoadAtStartup();
// Reads the manifest (if any): BGREWRITEAOF and CONFIG SET appendonly yes continue its numbering.
void AofReadManifest();
// True when commands wait in the buffer.
bool AofHasPending();
// Writes the buffered commands to the incr file (fsyncing under appendfsync always). Called before replies are
// sent. On a write error the commands stay buffered and writes are refused until a retry succeeds.
void AofWritePending();
// Once per cron tick: background fsync (everysec), a finished rewrite child, scheduled and automatic rewrites,
// retry of a failed write.
void AofCron();
enum class AofRewriteResult { kStarted, kScheduled, kInProgress, kError };
// BGREWRITEAOF. kScheduled while an RDB child runs (started by the cron once it ends).
AofRewriteResult AofBgrewrite();
// CONFIG SET appendonly yes/no at run time. Enable starts a rewrite that writes the first base; false when it
// cannot start.
bool AofEnable();
void AofDisable();
// Shutdown: kills a rewrite child, writes and fsyncs what is buffered.
void AofShutdown();
// The -MISCONF condition for the AOF: appendonly is on and the last write failed.
bool AofWritesRefused();
// True while the rewrite child runs (BGSAVE must wait).
bool AofChildRunning();
// Bytes buffered for the AOF, and background fsyncs not finished (INFO).
uint64_t AofBufferLength();
uint64_t AofPendingFsyncs();
// DEBUG LOADAOF: writes and fsyncs the buffer, empties the databases and loads the files the manifest on disk
// lists. False (logged) when they cannot be loaded (the databases then hold what was loaded).
bool AofReload();

}  // namespace corvid
