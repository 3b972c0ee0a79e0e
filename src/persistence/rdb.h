// RDB snapshots of the whole dataset: writing and reading the file, SAVE, BGSAVE (a forked child writes
// temp-<pid>.rdb, fsyncs and renames it over `dbfilename` in `dir`; the cron reaps it), `save` points, loading at
// start-up (answering -LOADING meanwhile), the shutdown save, and the state INFO persistence reports.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "db/value.h"
#include "persistence/rdb_format.h"

namespace corvid {

struct RdbState {
  // Loading.
  bool loading = false;
  int64_t loading_start_s = 0;
  uint64_t loading_total_bytes = 0, loading_loaded_bytes = 0;
  uint64_t last_load_keys_loaded = 0, last_load_keys_expired = 0;
  // The replication info (aux fields repl-id, repl-offset, repl-stream-db) of the last image loaded; empty id
  // or -1 when it had none.
  std::string loaded_repl_id;
  int64_t loaded_repl_offset = -1, loaded_repl_stream_db = -1;
  // Saving.
  pid_t child_pid = -1;
  bool child_to_pipe = false;  // the child streams to replicas (diskless replication), not to dbfilename
  int child_cow_fd = -1;
  uint64_t last_cow_size = 0;  // INFO rdb_last_cow_size
  int64_t bgsave_start_s = -1;
  int64_t last_bgsave_time_sec = -1;
  int64_t last_bgsave_try_s = 0;
  bool last_bgsave_ok = true;
  bool bgsave_scheduled = false;
  uint64_t saves = 0;
  uint64_t dirty_before_bgsave = 0;
};
// The process' RDB state (loop thread only).
RdbState& Rdb();

// Writers of extra top-level opcodes (FUNCTION2 libraries, ...) called after the aux fields; readers of such
// opcodes. The reader consumes the opcode's payload (the opcode byte is already read).
using RdbOpcodeSaveFn = void (*)(rdb::Writer& w);
using RdbOpcodeLoadFn = bool (*)(rdb::Reader& r);
void RegisterRdbOpcodeSaver(RdbOpcodeSaveFn fn);
void RegisterRdbOpcodeLoader(uint8_t opcode, RdbOpcodeLoadFn fn);

// Writes every database as an RDB file to fd (not closed); aof_base marks it as an AOF base (aux field). False
// with *err on a write error or a value of a type that cannot be saved.
bool RdbWriteDataset(int fd, std::string* err, bool aof_base = false);
struct RdbLoadOptions {
  std::function<void(size_t)> progress;  // called with the bytes read every loading-process-events-interval-bytes
  bool replace = false;       // a key already present is replaced (DEBUG RELOAD MERGE), else it is an error
  bool aof_preamble = false;  // keys already expired are kept: the AOF's commands may still use them
  size_t* consumed = nullptr; // receives the image's length (an AOF goes on with commands after it)
};
// Loads an RDB image into the databases (added to what they hold). False with *err naming the offset on corrupt
// or truncated data (the databases may then hold part of the image).
bool RdbLoadImage(std::string_view data, std::string* err, const RdbLoadOptions& opts = {});

// Loads the RDB file at path into the databases (a replica's full resync: keys already expired are kept, the
// master deletes them), answering -LOADING meanwhile as at start-up; progress is called as RdbLoadOptions says.
// False with *err (Redis' log line) when it cannot be read or is corrupt.
bool RdbLoadFile(const std::string& path, std::string* err, bool keep_expired,
                 const std::function<void(size_t)>& progress);

// SAVE: writes dir/dbfilename synchronously; logs and returns false on failure.
bool RdbSave();
enum class BgsaveResult { kStarted, kInProgress, kError };
// BGSAVE: forks the child that writes the snapshot.
BgsaveResult RdbBgsave();
// Diskless replication (Redis' rdbSaveToSlavesSockets): forks the RDB child writing prefix, the RDB image and
// suffix to fd, a pipe's write end (which this closes in the parent). Reaping it logs as Redis' socket
// transfers (no save is recorded) and calls ReplicasBgsaveDone. False if a child runs or fork failed.
bool RdbBgsaveToPipe(int fd, const std::string& prefix, const std::string& suffix);
// Stops the running RDB child with SIGUSR1 (not counted as a failed save); the cron reaps it.
void RdbKillChild();
// Once per cron tick: reaps a finished child, starts scheduled saves and those the `save` points ask for.
void RdbCron();
// Start-up: loads dir/dbfilename if it exists (with Redis' log lines), polling the event loop meanwhile so
// clients get -LOADING. False when the file is corrupt: the server must exit.
bool RdbLoadAtStartup();
// Shutdown: stops a running child and saves when `save` is true (SHUTDOWN SAVE, or save points configured
// and not NOSAVE); nothing is saved while loading. False if that save failed.
bool RdbShutdown(bool save);
// DEBUG RELOAD: save (unless !save), flush (unless !flush) and load the file again, its keys replacing those
// present when merge. False with *err.
bool RdbReload(bool save, bool flush, bool merge, std::string* err);
// Sets the LRU idle time or LFU counter of a loaded or restored value as Redis' objectSetLRUOrLFU: freq under
// an LFU maxmemory-policy, idle_s (seconds) otherwise; a negative argument leaves the value as it is.
void RestoreLruOrLfu(Value& v, int64_t freq, int64_t idle_s);
// The -MISCONF condition: stop-writes-on-bgsave-error, save points, and the last background save failed.
bool RdbWritesRefused();

}  // namespace corvid
