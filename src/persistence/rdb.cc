#include "persistence/rdb.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "db/db.h"
#include "net/listener.h"
#include "replication/master.h"
#include "persistence/aof.h"
#include "persistence/file_write.h"
#include "persistence/fork_child.h"
#include "persistence/mapped_file.h"
#include "persistence/rdb_value.h"
#include "replication/replica.h"
#include "replication/replication.h"
#include "server/config.h"
#include "server/log.h"
#include "server/memory.h"
#include "server/server.h"
#include "server/version.h"

namespace corvid {

namespace {

RdbState g_state;
std::vector<RdbOpcodeSaveFn> g_opcode_savers;
RdbOpcodeLoadFn g_opcode_loaders[256] = {};

// Seconds Redis waits after a failed background save before a save point may try again.
constexpr int64_t kBgsaveRetryDelay = 5;

int64_t NowS() { return Srv().now_ms / 1000; }

void AuxField(rdb::Writer& w, std::string_view key, std::string_view val) {
  w.Byte(rdb::kOpAux);
  w.String(key, false);
  w.String(val, false);
}

void AuxField(rdb::Writer& w, std::string_view key, int64_t val) { AuxField(w, key, std::to_string(val)); }

// One key as rdbSaveKeyValuePair writes it: expire, LRU idle or LFU counter, type, key, value.
void WriteKey(rdb::Writer& w, Db& db, KeyEntry* e, uint8_t type, bool compress) {
  int64_t when = db.GetExpire(e);
  if (when != -1) {
    w.Byte(rdb::kOpExpireTimeMs);
    w.U64Le(static_cast<uint64_t>(when));
  }
  if (LruPolicy()) {
    uint32_t now = Srv().lru_clock, lru = e->val.lru();
    w.Byte(rdb::kOpIdle);
    w.Len(now >= lru ? now - lru : 0xFFFFFF - lru + now);
  } else if (LfuPolicy()) {
    w.Byte(rdb::kOpFreq);
    w.Byte(static_cast<uint8_t>(e->val.lru() & 0xFF));
  }
  w.Byte(type);
  w.String(e->key.view(), compress);
  rdb::SaveValue(w, e->val, compress);
}

std::string DbPath() { return Cfg().dbfilename; }

// rdbSave: temp file, write, fsync, rename. Logs failures as Redis does.
bool SaveToFile(const std::string& path) {
  std::string tmp = fmt::format("temp-{}.rdb", getpid());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  char cwd[4096];
  if (!getcwd(cwd, sizeof(cwd))) strcpy(cwd, "unknown");
  if (fd < 0) {
    LogWarning("Failed opening the temp RDB file {} (in server root dir {}) for saving: {}", tmp, cwd, strerror(errno));
    return false;
  }
  std::string err;
  bool ok = WriteSyncClose(fd, &err, [](int f, std::string* e) { return RdbWriteDataset(f, e); });
  if (!ok) {
    LogWarning("Write error saving DB on disk: {}", err);
    unlink(tmp.c_str());
    return false;
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    LogWarning("Error moving temp DB file {} on the final destination {} (in server root dir {}): {}", tmp, path, cwd,
               strerror(errno));
    unlink(tmp.c_str());
    return false;
  }
  LogNotice("DB saved on disk");
  return true;
}

// After a successful save (foreground, or a background one that finished).
void SaveSucceeded(uint64_t dirty_before, int64_t when_s) {
  Server& s = Srv();
  s.stats.dirty = s.stats.dirty >= dirty_before ? s.stats.dirty - dirty_before : 0;
  s.lastsave_s = when_s;
  ++g_state.saves;
}

// Loads the file at path with Redis' log lines; *missing when it does not exist.
bool LoadFile(const std::string& path, bool* missing, std::string* err,
              const std::function<void(size_t)>& progress = {}, bool replace = false, bool keep_expired = false) {
  MappedFile file;
  int err_no = 0;
  *missing = false;
  if (!file.Open(path, &err_no)) {
    *missing = err_no == ENOENT;
    *err = fmt::format("Fatal error loading the DB: {}. Exiting.", strerror(err_no));
    return false;
  }
  g_state.loading = true;
  g_state.loading_start_s = NowS();
  g_state.loading_total_bytes = file.data().size();
  g_state.loading_loaded_bytes = 0;
  RdbLoadOptions opts;
  opts.progress = progress;
  opts.replace = replace;
  opts.aof_preamble = keep_expired;
  bool ok = RdbLoadImage(file.data(), err, opts);
  g_state.loading = false;
  return ok;
}

}  // namespace

RdbState& Rdb() { return g_state; }

void RestoreLruOrLfu(Value& v, int64_t freq, int64_t idle_s) {
  if (LfuPolicy()) {
    if (freq >= 0) v.set_lru(static_cast<uint32_t>(((Srv().now_ms / 60000) & 0xFFFF) << 8) | static_cast<uint32_t>(freq));
  } else if (idle_s >= 0) {
    int64_t abs = static_cast<int64_t>(Srv().lru_clock) - idle_s;
    while (abs < 0) abs += 0xFFFFFF;
    v.set_lru(static_cast<uint32_t>(abs));
  }
}

void RegisterRdbOpcodeSaver(RdbOpcodeSaveFn fn) { g_opcode_savers.push_back(fn); }
void RegisterRdbOpcodeLoader(uint8_t opcode, RdbOpcodeLoadFn fn) { g_opcode_loaders[opcode] = fn; }

bool RdbWriteDataset(int fd, std::string* err, bool aof_base) {
  const ServerConfig& cfg = Cfg();
  bool compress = cfg.rdbcompression;
  rdb::Writer w(fd);
  if (aof_base ? cfg.aof_rewrite_incremental_fsync : cfg.rdb_save_incremental_fsync) w.FsyncEvery(rdb::kIncrementalFsyncBytes);
  w.Raw(fmt::format("REDIS{:04}", rdb::kVersion));
  AuxField(w, "redis-ver", kRedisVersion);
  AuxField(w, "redis-bits", 64);
  AuxField(w, "ctime", Srv().now_ms / 1000);
  AuxField(w, "used-mem", static_cast<int64_t>(ReadMemoryStats().allocated));
  // A replica records where it is in its master's history (Redis' rdbPopulateSaveInfo), to resync partially
  // after a restart.
  if (int stream_db; ReplicaSaveInfo(&stream_db)) {
    AuxField(w, "repl-stream-db", stream_db);
    AuxField(w, "repl-id", Repl().replid);
    AuxField(w, "repl-offset", Repl().master_repl_offset);
  }
  AuxField(w, "aof-base", aof_base ? 1 : 0);
  for (RdbOpcodeSaveFn fn : g_opcode_savers) fn(w);
  bool failed = false;
  for (auto& dbp : Srv().dbs) {
    Db& db = *dbp;
    if (db.size() == 0) continue;
    w.Byte(rdb::kOpSelectDb);
    w.Len(static_cast<uint64_t>(db.index()));
    w.Byte(rdb::kOpResizeDb);
    w.Len(db.size());
    w.Len(db.expires_size());
    db.ForEach([&](KeyEntry* e) {
      uint8_t type;
      if (failed || !w.ok()) return;
      if (!rdb::ValueType(e->val, &type, err)) {
        failed = true;
        return;
      }
      WriteKey(w, db, e, type, compress);
      ChildKeySaved();
      if (cfg.rdb_key_save_delay > 0) usleep(static_cast<useconds_t>(cfg.rdb_key_save_delay));
    });
    if (failed) return false;
  }
  w.Byte(rdb::kOpEof);
  w.U64Le(cfg.rdbchecksum ? w.Crc() : 0);
  if (!w.Flush()) {
    *err = strerror(errno);
    return false;
  }
  return true;
}

bool RdbLoadImage(std::string_view data, std::string* err, const RdbLoadOptions& opts) {
  const auto& progress = opts.progress;
  bool replace = opts.replace;
  rdb::Reader r(data);
  auto fail = [&](std::string_view what) {
    r.Fail(what);
    *err = fmt::format("Internal error in RDB reading offset {}, function at rdb.cc -> {}", r.error_offset(), r.error());
    return false;
  };
  std::string_view magic;
  if (!r.Raw(9, &magic) || magic.substr(0, 5) != "REDIS") return fail("Wrong signature trying to load DB from file");
  int version = 0;
  for (char c : magic.substr(5)) version = version * 10 + (c - '0');
  if (version < 1 || version > rdb::kVersion) return fail(fmt::format("Can't handle RDB format version {}", version));
  const ServerConfig& cfg = Cfg();
  Server& srv = Srv();
  UpdateClock();
  Db* db = srv.dbs[0].get();
  int64_t expire_ms = -1, freq = -1, idle = -1;
  uint64_t loaded = 0, expired = 0, empty_skipped = 0;
  size_t interval = static_cast<size_t>(std::max<int64_t>(cfg.loading_process_events_interval_bytes, 1024));
  size_t next_progress = interval;
  std::string key, aux_val;
  g_state.loaded_repl_id.clear();
  g_state.loaded_repl_offset = g_state.loaded_repl_stream_db = -1;
  for (;;) {
    if (progress && r.offset() >= next_progress) {
      g_state.loading_loaded_bytes = r.offset();
      progress(r.offset());
      next_progress = r.offset() + interval;
    }
    uint8_t type;
    if (!r.Byte(&type)) return fail(r.error());
    switch (type) {
      case rdb::kOpExpireTime:  // seconds, 4 bytes (RDB < 3)
      case rdb::kOpExpireTimeMs: {
        bool secs = type == rdb::kOpExpireTime;
        uint64_t t;
        if (!r.UintLe(secs ? 4 : 8, &t)) return fail(r.error());
        expire_ms = static_cast<int64_t>(t) * (secs ? 1000 : 1);
        continue;
      }
      case rdb::kOpFreq: {
        uint8_t f;
        if (!r.Byte(&f)) return fail(r.error());
        freq = f;
        continue;
      }
      case rdb::kOpIdle: {
        uint64_t i;
        if (!r.Len(&i)) return fail(r.error());
        idle = static_cast<int64_t>(i);
        continue;
      }
      case rdb::kOpSelectDb: {
        uint64_t id;
        if (!r.Len(&id)) return fail(r.error());
        if (id >= srv.dbs.size())
          return fail(fmt::format("FATAL: Data file was created with a Redis server configured to handle more "
                                  "than {} databases. Exiting",
                                  srv.dbs.size()));
        db = srv.dbs[id].get();
        continue;
      }
      case rdb::kOpResizeDb: {
        uint64_t a, b;
        if (!r.Len(&a) || !r.Len(&b)) return fail(r.error());
        continue;
      }
      case rdb::kOpAux: {
        if (!r.String(&key) || !r.String(&aux_val)) return fail(r.error());
        if (key == "redis-ver") {
          LogNotice("Loading RDB produced by version {}", aux_val);
        } else if (key == "ctime") {
          int64_t age = srv.now_ms / 1000 - strtoll(aux_val.c_str(), nullptr, 10);
          LogNotice("RDB age {} seconds", age < 0 ? 0 : age);
        } else if (key == "used-mem") {
          LogNotice("RDB memory usage when created {:.2f} Mb", strtoll(aux_val.c_str(), nullptr, 10) / (1024.0 * 1024));
        } else if (key == "aof-base" && strtoll(aux_val.c_str(), nullptr, 10) != 0) {
          LogNotice("RDB is base AOF");
        } else if (key == "repl-id" && aux_val.size() == 40) {
          g_state.loaded_repl_id = aux_val;
        } else if (key == "repl-offset") {
          g_state.loaded_repl_offset = strtoll(aux_val.c_str(), nullptr, 10);
        } else if (key == "repl-stream-db") {
          g_state.loaded_repl_stream_db = strtoll(aux_val.c_str(), nullptr, 10);
        }
        continue;
      }
      case rdb::kOpEof:
        break;
      default:
        if (RdbOpcodeLoadFn fn = g_opcode_loaders[type]) {
          if (!fn(r)) return fail(r.error().empty() ? fmt::format("Failed loading opcode {}", type) : r.error());
          continue;
        }
        if (!rdb::IsLoadableType(type)) {
          if (type == rdb::kOpModuleAux || type == rdb::kTypeModule2)
            return fail("The RDB file contains module data, which corvid cannot load");
          if (type == rdb::kOpFunction2 || type == rdb::kOpFunction)
            return fail("The RDB file contains functions, which this server cannot load");
          return fail(fmt::format("Unknown RDB encoding type {}", type));
        }
        if (!r.String(&key)) return fail(r.error());
        Value v;
        switch (rdb::LoadValue(r, type, &v)) {
          case rdb::LoadResult::kError: return fail(r.error());
          case rdb::LoadResult::kEmpty:
            if (empty_skipped++ < 10) LogNotice("rdbLoadObject skipping empty key: {}", key);
            break;
          case rdb::LoadResult::kOk:
            if (expire_ms != -1 && expire_ms < srv.now_ms && !opts.aof_preamble) {
              ++expired;
              break;
            }
            if (replace) {
              db->Delete(key);
            } else if (db->Find(key)) {
              return fail(fmt::format("RDB has duplicated key '{}' in DB {}", key, db->index()));
            }
            KeyEntry* e = db->Add(key, std::move(v));
            if (expire_ms != -1) db->SetExpire(e, expire_ms);
            RestoreLruOrLfu(e->val, freq, idle);
            ++loaded;
            if (cfg.key_load_delay > 0) usleep(static_cast<useconds_t>(cfg.key_load_delay));
            break;
        }
        expire_ms = freq = idle = -1;
        continue;
    }
    break;  // EOF
  }
  if (version >= 5) {
    uint64_t expected = rdb::Crc64(0, data.data(), r.offset());
    uint64_t stored;
    if (!r.UintLe(8, &stored)) return fail(r.error());
    if (stored == 0) {
      LogWarning("RDB file was saved with checksum disabled: no check performed.");
    } else if (cfg.rdbchecksum && stored != expected) {
      *err = fmt::format("Wrong RDB checksum expected: ({:016x}) got ({:016x}). Aborting now.", stored, expected);
      return false;
    }
  }
  if (opts.consumed) *opts.consumed = r.offset();
  g_state.last_load_keys_loaded = loaded;
  g_state.last_load_keys_expired = expired;
  LogNotice("Done loading RDB, keys loaded: {}, keys expired: {}.", loaded, expired);
  return true;
}

bool RdbSave() {
  if (g_state.child_pid != -1) return false;
  uint64_t dirty = Srv().stats.dirty;
  UpdateClock();
  if (!SaveToFile(DbPath())) return false;
  SaveSucceeded(dirty, NowS());
  g_state.last_bgsave_ok = true;
  return true;
}

BgsaveResult RdbBgsave() {
  if (g_state.child_pid != -1 || AofChildRunning()) return BgsaveResult::kInProgress;
  UpdateClock();
  g_state.dirty_before_bgsave = Srv().stats.dirty;
  g_state.last_bgsave_try_s = NowS();
  std::string path = DbPath();
  ForkedChild child = ForkSaveChild("RDB", [&path] { return SaveToFile(path); });
  pid_t pid = child.pid;
  if (pid < 0) {
    g_state.last_bgsave_ok = false;
    LogWarning("Can't save in background: fork: {}", strerror(errno));
    return BgsaveResult::kError;
  }
  LogNotice("Background saving started by pid {}", pid);
  g_state.child_pid = pid;
  g_state.child_cow_fd = child.cow_fd;
  g_state.bgsave_start_s = NowS();
  g_state.bgsave_scheduled = false;
  return BgsaveResult::kStarted;
}

bool RdbBgsaveToPipe(int fd, const std::string& prefix, const std::string& suffix) {
  if (g_state.child_pid != -1 || AofChildRunning()) {
    close(fd);
    return false;
  }
  UpdateClock();
  ForkedChild child = ForkSaveChild("RDB", [&] {
    std::string err;
    bool ok = write(fd, prefix.data(), prefix.size()) == static_cast<ssize_t>(prefix.size()) &&
              RdbWriteDataset(fd, &err) &&
              write(fd, suffix.data(), suffix.size()) == static_cast<ssize_t>(suffix.size());
    close(fd);
    return ok;
  });
  close(fd);
  if (child.pid < 0) {
    LogWarning("Can't save in background: fork: {}", strerror(errno));
    return false;
  }
  LogNotice("Background RDB transfer started by pid {}", child.pid);
  g_state.child_pid = child.pid;
  g_state.child_cow_fd = child.cow_fd;
  g_state.child_to_pipe = true;
  g_state.bgsave_start_s = NowS();
  return true;
}

void RdbKillChild() {
  if (g_state.child_pid != -1) kill(g_state.child_pid, SIGUSR1);
}

void RdbCron() {
  Server& srv = Srv();
  int64_t now = NowS();
  if (g_state.child_pid != -1) {
    int status;
    pid_t p = g_state.child_pid;
    if (!ReapSaveChild(&g_state.child_pid, &g_state.child_cow_fd, &g_state.last_cow_size, &status)) return;
    g_state.last_bgsave_time_sec = now - g_state.bgsave_start_s;
    g_state.bgsave_start_s = -1;
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (std::exchange(g_state.child_to_pipe, false)) {
      if (ok)
        LogNotice("Background RDB transfer terminated with success");
      else if (WIFSIGNALED(status))
        LogWarning("Background transfer terminated by signal {}", WTERMSIG(status));
      else
        LogWarning("Background transfer error");
      ReplicasBgsaveDone(ok, true);
      return;
    }
    if (ok) {
      LogNotice("Background saving terminated with success");
      SaveSucceeded(g_state.dirty_before_bgsave, now);
      g_state.last_bgsave_ok = true;
    } else if (WIFSIGNALED(status)) {
      LogWarning("Background saving terminated by signal {}", WTERMSIG(status));
      unlink(fmt::format("temp-{}.rdb", p).c_str());
      // A child killed on purpose (SIGUSR1) does not count as an error, as Redis.
      if (WTERMSIG(status) != SIGUSR1) g_state.last_bgsave_ok = false;
    } else {
      LogWarning("Background saving error");
      g_state.last_bgsave_ok = false;
    }
    ReplicasBgsaveDone(ok, false);
    return;
  }
  if (AofChildRunning()) return;  // one child at a time
  if (g_state.bgsave_scheduled) {
    RdbBgsave();
    return;
  }
  for (const SaveParam& sp : Cfg().save) {
    if (srv.stats.dirty >= static_cast<uint64_t>(sp.changes) && now - srv.lastsave_s > sp.seconds &&
        (now - g_state.last_bgsave_try_s > kBgsaveRetryDelay || g_state.last_bgsave_ok)) {
      LogNotice("{} changes in {} seconds. Saving...", sp.changes, sp.seconds);
      RdbBgsave();
      return;
    }
  }
}

bool RdbLoadAtStartup() {
  int64_t start = MonotonicUs();
  bool missing;
  std::string err;
  // Clients connecting meanwhile are served between chunks (and get -LOADING for most commands).
  auto poll = [](size_t) { Io().poll(); };
  if (LoadFile(DbPath(), &missing, &err, poll)) {
    LogNotice("DB loaded from disk: {:.3f} seconds", (MonotonicUs() - start) / 1e6);
    return true;
  }
  if (missing) return true;
  if (err.rfind("Internal error", 0) == 0) {
    LogWarning("Short read or OOM loading DB. Unrecoverable error, aborting now.");
    LogWarning("{}", err);
    LogWarning("Terminating server after rdb file reading failure.");
  } else {
    LogWarning("{}", err);
  }
  return false;
}

bool RdbLoadFile(const std::string& path, std::string* err, bool keep_expired,
                 const std::function<void(size_t)>& progress) {
  bool missing;
  return LoadFile(path, &missing, err, progress, false, keep_expired);
}

bool RdbShutdown(bool save) {
  if (g_state.child_pid != -1) {
    LogWarning("There is a child saving an .rdb. Killing it!");
    kill(g_state.child_pid, SIGUSR1);
    int status;
    waitpid(g_state.child_pid, &status, 0);
    unlink(fmt::format("temp-{}.rdb", g_state.child_pid).c_str());
    TakeChildCowSize(&g_state.child_cow_fd);
    g_state.child_pid = -1;
  }
  // While loading, the dataset is partial: never save it (Redis turns SAVE into NOSAVE then).
  if (!save || g_state.loading) return true;
  LogNotice("Saving the final RDB snapshot before exiting.");
  if (!RdbSave()) {
    LogWarning("Error trying to save the DB, can't exit.");
    return false;
  }
  return true;
}

bool RdbReload(bool save, bool flush, bool merge, std::string* err) {
  if (save && !RdbSave()) {
    *err = "ERR Error trying to save the RDB dump, check server logs.";
    return false;
  }
  if (flush)
    for (auto& db : Srv().dbs) db->Clear();
  bool missing;
  std::string load_err;
  if (!LoadFile(DbPath(), &missing, &load_err, {}, merge)) {
    LogWarning("{}", load_err);
    *err = "ERR Error trying to load the RDB dump, check server logs.";
    return false;
  }
  LogWarning("DB reloaded by DEBUG RELOAD");
  return true;
}

bool RdbWritesRefused() {
  const ServerConfig& cfg = Cfg();
  return cfg.stop_writes_on_bgsave_error && !cfg.save.empty() && !g_state.last_bgsave_ok;
}

}  // namespace corvid
