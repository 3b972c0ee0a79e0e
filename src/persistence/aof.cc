#include "persistence/aof.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <asio.hpp>
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <vector>

#include "commands/command.h"
#include "db/db.h"
#include "net/client.h"
#include "net/listener.h"
#include "persistence/aof_rewrite.h"
#include "persistence/file_write.h"
#include "persistence/fork_child.h"
#include "persistence/mapped_file.h"
#include "persistence/rdb.h"
#include "server/config.h"
#include "server/latency.h"
#include "server/log.h"
#include "server/propagate.h"
#include "server/server.h"
#include "util/background_queue.h"

namespace corvid {

namespace {

AofState g_aof;

int64_t NowS() { return Srv().now_ms / 1000; }

// ---- file names and the manifest ----------------------------------------------------------------------------

struct AofFile {
  std::string name;
  int64_t seq = 0;
};

// What the manifest lists: the base (empty name: none yet), the incr files in order, the history files a rewrite
// replaced and `aof-disable-auto-gc yes` keeps, plus the highest sequence numbers used so far (new files continue
// from them).
struct Manifest {
  AofFile base;
  std::vector<AofFile> incrs, history;
  int64_t base_seq = 0, incr_seq = 0;
};
Manifest g_manifest;

std::string InDir(std::string_view name) { return fmt::format("{}/{}", Cfg().appenddirname, name); }
std::string ManifestName() { return Cfg().appendfilename + ".manifest"; }
std::string BaseName(int64_t seq, bool rdb) {
  return fmt::format("{}.{}.base.{}", Cfg().appendfilename, seq, rdb ? "rdb" : "aof");
}
std::string IncrName(int64_t seq) { return fmt::format("{}.{}.incr.aof", Cfg().appendfilename, seq); }
std::string TempRewriteName(pid_t pid) { return fmt::format("temp-rewriteaof-bg-{}.aof", pid); }

uint64_t FileSize(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

// Parses the manifest: lines of `key value` pairs (file NAME seq N type b|i|h), '#' comments. False with *err.
bool ParseManifest(std::string_view text, Manifest* m, std::string* err) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      *err = "The AOF manifest file is invalid format";
      return false;
    }
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string_view> words;
    for (size_t i = 0; i < line.size();) {
      size_t sp = line.find(' ', i);
      if (sp == std::string_view::npos) sp = line.size();
      if (sp > i) words.push_back(line.substr(i, sp - i));
      i = sp + 1;
    }
    if (words.size() % 2 != 0) {
      *err = "Invalid AOF manifest file format";
      return false;
    }
    AofFile f;
    char type = 0;
    for (size_t i = 0; i < words.size(); i += 2) {
      if (words[i] == "file") f.name = words[i + 1];
      else if (words[i] == "seq") f.seq = strtoll(std::string(words[i + 1]).c_str(), nullptr, 10);
      else if (words[i] == "type" && words[i + 1].size() == 1) type = words[i + 1][0];
    }
    if (f.name.empty() || f.seq <= 0 || (type != 'b' && type != 'i' && type != 'h')) {
      *err = "Invalid AOF manifest file format";
      return false;
    }
    if (type == 'b') {
      if (!m->base.name.empty()) {
        *err = "Found duplicate base file information";
        return false;
      }
      m->base = f;
      m->base_seq = std::max(m->base_seq, f.seq);
    } else if (type == 'i') {
      if (f.seq <= m->incr_seq) {
        *err = "Found a non-monotonic sequence number";
        return false;
      }
      m->incrs.push_back(f);
      m->incr_seq = f.seq;
    } else {
      m->history.push_back(f);
    }
  }
  if (m->base.name.empty() && m->incrs.empty()) {
    *err = "Found an empty AOF manifest";
    return false;
  }
  return true;
}

std::string ManifestText(const Manifest& m) {
  std::string out;
  if (!m.base.name.empty()) out += fmt::format("file {} seq {} type b\n", m.base.name, m.base.seq);
  for (const AofFile& f : m.history) out += fmt::format("file {} seq {} type h\n", f.name, f.seq);
  for (const AofFile& f : m.incrs) out += fmt::format("file {} seq {} type i\n", f.name, f.seq);
  return out;
}

// Writes data to fd whole (over short writes and EINTR); false with errno set.
bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
    } else if (n < 0 && errno != EINTR) {
      return false;
    } else if (n == 0) {
      errno = ENOSPC;
      return false;
    }
  }
  return true;
}

void FsyncDir() {
  int fd = open(Cfg().appenddirname.c_str(), O_RDONLY);
  if (fd < 0) return;
  fsync(fd);
  close(fd);
}

// Replaces the manifest on disk (temp file, fsync, rename) and in memory.
bool PersistManifest(const Manifest& m) {
  std::string tmp = InDir("temp-" + ManifestName());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  bool ok = fd >= 0 && WriteAll(fd, ManifestText(m)) && fsync(fd) == 0;
  int e = errno;
  if (fd >= 0) close(fd);
  if (ok && rename(tmp.c_str(), InDir(ManifestName()).c_str()) != 0) {
    ok = false;
    e = errno;
  }
  if (!ok) {
    LogWarning("Can't persist the AOF manifest file {}: {}", ManifestName(), strerror(e));
    unlink(tmp.c_str());
    return false;
  }
  FsyncDir();
  g_manifest = m;
  return true;
}

bool EnsureDir() {
  if (mkdir(Cfg().appenddirname.c_str(), 0755) == 0 || errno == EEXIST) return true;
  LogWarning("Can't open or create append-only dir {}: {}", Cfg().appenddirname, strerror(errno));
  return false;
}

// ---- writing ------------------------------------------------------------------------------------------------

std::string g_buf;              // propagated commands not written yet
int g_fd = -1;                  // the incr file commands are appended to
uint64_t g_incr_size = 0;       // its size
bool g_unsynced = false;        // written since the last fsync
int64_t g_last_fsync_ms = 0;
int64_t g_last_ts_s = -1;       // the last #TS annotation (aof-timestamp-enabled)

// The AOF's background thread (Redis' bio): everysec fsyncs, the close of a replaced incr file, the removal of
// files a rewrite made history.
struct FsyncJob {
  int fd = -1;
  bool close_after = false;
  std::string unlink_path;
};
auto RunFsyncJob = [](FsyncJob& j) {
  if (!j.unlink_path.empty()) unlink(j.unlink_path.c_str());
  if (j.fd < 0) return;
  fdatasync(j.fd);
  if (j.close_after) close(j.fd);
};
BackgroundQueue<FsyncJob, decltype(RunFsyncJob)>& FsyncQueue() {
  static BackgroundQueue<FsyncJob, decltype(RunFsyncJob)> q(RunFsyncJob);
  return q;
}

bool FsyncPostponed() { return Cfg().no_appendfsync_on_rewrite && (g_aof.child_pid != -1 || Rdb().child_pid != -1); }

void Feed(std::string_view resp) {
  if (Cfg().aof_timestamp_enabled) {
    int64_t s = NowS();
    if (s != g_last_ts_s) {
      g_buf += fmt::format("#TS:{}\r\n", s);
      g_last_ts_s = s;
    }
  }
  g_buf.append(resp);
}

// Makes fd the incr file commands go to; the one it replaces is fsynced and closed in the background.
void SwitchIncrFile(int fd, uint64_t size) {
  if (g_fd >= 0) FsyncQueue().Push(FsyncJob{g_fd, true, {}});
  g_fd = fd;
  g_incr_size = size;
  g_unsynced = false;
  g_last_ts_s = -1;
  ResetPropagatedDb(PropagationConsumer::kAof);
}

void CloseIncrFile() {
  if (g_fd < 0) return;
  FsyncQueue().Push(FsyncJob{g_fd, true, {}});
  g_fd = -1;
}

void BackgroundFsyncIfDue() {
  if (!g_unsynced || g_fd < 0 || Cfg().appendfsync != AppendFsync::kEverysec) return;
  if (Srv().now_ms - g_last_fsync_ms < 1000 || FsyncPostponed()) return;
  if (FsyncQueue().pending() > 0) {
    ++g_aof.delayed_fsync;  // the previous fsync is still running: try again on the next tick
    return;
  }
  FsyncQueue().Push(FsyncJob{g_fd, false, {}});
  g_unsynced = false;
  g_last_fsync_ms = Srv().now_ms;
}

// Opens (creating) an incr file for appending; -1 with a log line on failure.
int OpenIncr(const std::string& name, bool truncate) {
  int fd = open(InDir(name).c_str(), O_WRONLY | O_APPEND | O_CREAT | (truncate ? O_TRUNC : 0) | O_CLOEXEC, 0644);
  if (fd < 0) LogWarning("Can't open the append-only file {}: {}", name, strerror(errno));
  return fd;
}

// ---- loading ------------------------------------------------------------------------------------------------

enum class LoadStatus { kOk, kNotExist, kEmpty, kOpenErr, kFailed, kTruncated };

// Runs the commands of one AOF file (after its RDB preamble, if any) in a fake client.
class FileLoader {
 public:
  FileLoader(std::string name, bool is_last)
      : name_(std::move(name)), is_last_(is_last), old_style_(name_ == Cfg().appendfilename) {}

  LoadStatus Load(uint64_t done_before) {
    std::string path = InDir(name_);
    MappedFile file;
    int err_no = 0;
    if (!file.Open(path, &err_no)) {
      if (err_no == ENOENT) return LoadStatus::kNotExist;
      LogWarning("Fatal error: can't open the append log file {} for reading: {}", name_, strerror(err_no));
      return LoadStatus::kOpenErr;
    }
    data_ = file.data();
    if (data_.empty()) return LoadStatus::kEmpty;
    done_before_ = done_before;
    if (data_.substr(0, 5) == "REDIS") {
      // A file named appendfilename is a single-file AOF of Redis before 7.0: an RDB preamble, then commands.
      LogNotice("{}", old_style_ ? "Reading RDB preamble from AOF file..." : "Reading RDB base file on AOF loading...");
      std::string err;
      size_t consumed = 0;
      RdbLoadOptions opts;
      opts.progress = [this](size_t at) {
        Rdb().loading_loaded_bytes = done_before_ + at;
        Io().poll();
      };
      opts.aof_preamble = true;
      opts.consumed = &consumed;
      if (!RdbLoadImage(data_, &err, opts)) {
        LogWarning("{}", err);
        LogWarning("Error reading the {} {}, AOF loading aborted",
                   old_style_ ? "RDB preamble of the AOF file" : "RDB base file", name_);
        return LoadStatus::kFailed;
      }
      pos_ = valid_up_to_ = consumed;
      if (old_style_) LogNotice("Reading the remaining AOF tail...");
    }
    return RunCommands(path);
  }

 private:
  enum class Read { kOk, kEnd, kTruncated, kBad };

  // One line ending in \n (the \r before it dropped) at pos_.
  Read Line(std::string_view* line) {
    size_t nl = data_.find('\n', pos_);
    if (nl == std::string_view::npos) return Read::kTruncated;
    *line = data_.substr(pos_, nl - pos_);
    if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
    pos_ = nl + 1;
    return Read::kOk;
  }

  static bool Number(std::string_view s, int64_t* out) {
    if (s.empty() || s.size() > 18) return false;
    int64_t v = 0;
    for (char ch : s) {
      if (ch < '0' || ch > '9') return false;
      v = v * 10 + (ch - '0');
    }
    *out = v;
    return true;
  }

  // The next command into argv_; annotations (#...) are skipped.
  Read Next() {
    std::string_view line;
    do {
      if (pos_ == data_.size()) return Read::kEnd;
      Read r = Line(&line);
      if (r != Read::kOk) return r;
    } while (!line.empty() && line[0] == '#');
    int64_t argc;
    if (line.empty() || line[0] != '*' || !Number(line.substr(1), &argc) || argc < 1) return Read::kBad;
    argv_.clear();
    for (int64_t i = 0; i < argc; ++i) {
      Read r = Line(&line);
      if (r != Read::kOk) return r;
      int64_t len;
      if (line.empty() || line[0] != '$' || !Number(line.substr(1), &len)) return Read::kBad;
      if (data_.size() - pos_ < static_cast<uint64_t>(len) + 2) return Read::kTruncated;
      if (data_[pos_ + len] != '\r' || data_[pos_ + len + 1] != '\n') return Read::kBad;
      argv_.push_back(data_.substr(pos_, static_cast<size_t>(len)));
      pos_ += static_cast<size_t>(len) + 2;
    }
    return Read::kOk;
  }

  // Runs argv in the fake client; false (logged) for a command this server does not know.
  bool Run(CmdArgs argv) {
    Command* cmd = Commands().Find(argv[0]);
    if (cmd && !cmd->subcommands.empty() && argv.size() >= 2) cmd = CommandRegistry::FindSub(*cmd, argv[1]);
    if (!cmd || !cmd->handler) {
      LogWarning("Unknown command '{}' reading the append only file {}", argv[0].substr(0, 128), name_);
      return false;
    }
    bool arity_ok = cmd->arity > 0 ? argv.size() == static_cast<size_t>(cmd->arity)
                                   : argv.size() >= static_cast<size_t>(-cmd->arity);
    if (!arity_ok) {
      LogWarning("Wrong number of arguments for '{}' reading the append only file {}", argv[0].substr(0, 128), name_);
      return false;
    }
    UpdateClock();
    fake_.cur_cmd = cmd;
    cmd->handler(fake_, argv);
    fake_.cur_cmd = nullptr;
    fake_.out.raw().clear();
    return true;
  }

  LoadStatus RunCommands(const std::string& path) {
    size_t interval = static_cast<size_t>(std::max<int64_t>(Cfg().loading_process_events_interval_bytes, 1024));
    size_t next_poll = pos_ + interval;
    bool in_multi = false;
    size_t valid_before_multi = 0;
    std::vector<std::vector<std::string_view>> queued;  // MULTI runs at EXEC (a transaction cut short never runs)
    for (;;) {
      if (pos_ >= next_poll) {
        Rdb().loading_loaded_bytes = done_before_ + pos_;
        Io().poll();
        next_poll = pos_ + interval;
      }
      size_t start = pos_;
      Read r = Next();
      if (r == Read::kEnd) break;
      if (r == Read::kBad) {
        LogWarning("Bad file format reading the append only file {}: make a backup of your AOF file, then use "
                   "./redis-check-aof --fix <filename.manifest>",
                   name_);
        return LoadStatus::kFailed;
      }
      if (r == Read::kTruncated) return Truncated(path, in_multi ? valid_before_multi : valid_up_to_);
      bool is_multi = argv_.size() == 1 && strcasecmp(std::string(argv_[0]).c_str(), "multi") == 0;
      bool is_exec = argv_.size() == 1 && strcasecmp(std::string(argv_[0]).c_str(), "exec") == 0;
      if (is_multi && !in_multi) {
        in_multi = true;
        valid_before_multi = start;
      } else if (is_exec && in_multi) {
        in_multi = false;
        for (const auto& q : queued)
          if (!Run(q)) return LoadStatus::kFailed;
        queued.clear();
      } else if (in_multi) {
        queued.push_back(argv_);
      } else if (!Run(argv_)) {
        return LoadStatus::kFailed;
      }
      valid_up_to_ = pos_;
    }
    if (in_multi) {
      LogWarning("Revert incomplete MULTI/EXEC transaction in AOF file {}", name_);
      return Truncated(path, valid_before_multi);
    }
    return LoadStatus::kOk;
  }

  // The file ends inside a command: with aof-load-truncated the last file is cut back to its last whole command.
  LoadStatus Truncated(const std::string& path, size_t valid) {
    if (!Cfg().aof_load_truncated || !is_last_) {
      LogWarning("Unexpected end of file reading the append only file {}. You can: 1) Make a backup of your AOF "
                 "file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the "
                 "'aof-load-truncated' configuration option to yes and restart the server.",
                 name_);
      return LoadStatus::kFailed;
    }
    LogWarning("!!! Warning: short read while loading the AOF file {}!!!", name_);
    LogWarning("!!! Truncating the AOF {} at offset {} !!!", name_, valid);
    if (truncate(path.c_str(), static_cast<off_t>(valid)) != 0) {
      LogWarning("Error truncating the AOF file {}: {}", name_, strerror(errno));
      return LoadStatus::kFailed;
    }
    LogWarning("AOF {} loaded anyway because aof-load-truncated is enabled", name_);
    return LoadStatus::kTruncated;
  }

  std::string name_;
  bool is_last_, old_style_;
  std::string_view data_;
  size_t pos_ = 0, valid_up_to_ = 0;
  uint64_t done_before_ = 0;
  std::vector<std::string_view> argv_;
  Client fake_;
};

// Loads the files g_manifest lists into the (empty) databases. False on a fatal error (logged).
bool LoadFiles(bool* loaded_any) {
  *loaded_any = false;
  const Manifest& m = g_manifest;
  std::vector<std::pair<AofFile, bool>> files;  // name, is base
  if (!m.base.name.empty()) files.push_back({m.base, true});
  for (const AofFile& f : m.incrs) files.push_back({f, false});
  uint64_t total = 0;
  for (const auto& [f, base] : files) total += FileSize(InDir(f.name));
  RdbState& r = Rdb();
  r.loading = true;
  r.loading_start_s = NowS();
  r.loading_total_bytes = total;
  r.loading_loaded_bytes = 0;
  int64_t start = MonotonicUs();
  uint64_t done = 0;
  bool ok = true;
  for (size_t i = 0; i < files.size() && ok; ++i) {
    const auto& [f, base] = files[i];
    int64_t file_start = MonotonicUs();
    FileLoader loader(f.name, i + 1 == files.size());
    LoadStatus st = loader.Load(done);
    if (st == LoadStatus::kNotExist) {
      LogWarning("The AOF file {} doesn't exist", f.name);
      ok = false;
    } else if (st == LoadStatus::kOpenErr || st == LoadStatus::kFailed) {
      ok = false;
    } else if (st != LoadStatus::kEmpty) {
      *loaded_any = true;
      LogNotice("DB loaded from {} file {}: {:.3f} seconds", base ? "base" : "incr", f.name,
                (MonotonicUs() - file_start) / 1e6);
    }
    done += FileSize(InDir(f.name));
  }
  r.loading = false;
  if (ok && *loaded_any) LogNotice("DB loaded from append only file: {:.3f} seconds", (MonotonicUs() - start) / 1e6);
  Srv().stats.dirty = 0;
  return ok;
}

// Writes the base of a rewrite to path: an RDB image (aof-use-rdb-preamble) or commands.
bool WriteBase(const std::string& path, bool rdb) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    LogWarning("Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): {}", strerror(errno));
    return false;
  }
  std::string err;
  bool ok = WriteSyncClose(fd, &err, [rdb](int f, std::string* e) {
    return rdb ? RdbWriteDataset(f, e, true) : AofWriteDatasetAsCommands(f, e);
  });
  if (!ok) {
    LogWarning("Write error writing append only file on disk: {}", err);
    unlink(path.c_str());
  }
  return ok;
}

// ---- rewriting ----------------------------------------------------------------------------------------------

bool g_rewrite_rdb = true;      // the running rewrite writes an RDB base
int64_t g_rewrite_incr_seq = 0;  // the incr file opened when it started (kept when it succeeds)
AofFile g_pending_incr;          // appendonly turned on at run time: the incr file not in the manifest yet

// Opens the incr file commands go to from now on and forks the child that writes the new base.
bool StartRewrite() {
  if (!EnsureDir()) return false;
  AofWritePending();
  int64_t seq = g_manifest.incr_seq + 1;
  AofFile incr{IncrName(seq), seq};
  int new_fd = -1;
  if (g_aof.on) {
    int fd = OpenIncr(incr.name, true);
    if (fd < 0) return false;
    if (g_aof.wait_rewrite) {
      g_pending_incr = incr;  // listed once the first base exists
    } else {
      Manifest m = g_manifest;
      m.incrs.push_back(incr);
      m.incr_seq = seq;
      if (!PersistManifest(m)) {
        close(fd);
        unlink(InDir(incr.name).c_str());
        return false;
      }
    }
    g_manifest.incr_seq = seq;
    new_fd = fd;
    LogNotice("Creating AOF incr file {} on background rewrite", incr.name);
  }
  g_rewrite_incr_seq = g_aof.on ? seq : g_manifest.incr_seq + 1;
  g_rewrite_rdb = Cfg().aof_use_rdb_preamble;
  UpdateClock();
  ForkedChild child = ForkSaveChild("AOF rewrite", [] {
    std::string tmp = TempRewriteName(getpid());
    if (!WriteBase(tmp, g_rewrite_rdb)) return false;
    LogNotice("Successfully created the temporary AOF base file {}", tmp);
    return true;
  });
  // Commands go to the new incr file from now on. Switched after the fork: handing the old file to the fsync
  // thread wakes it, and a fork while another thread is inside the allocator can deadlock the child (ASan).
  if (new_fd >= 0) {
    SwitchIncrFile(new_fd, 0);
    SetPropagationSink(PropagationConsumer::kAof, Feed);
  }
  pid_t pid = child.pid;
  if (pid < 0) {
    LogWarning("Can't rewrite append only file in background: fork: {}", strerror(errno));
    g_aof.last_bgrewrite_ok = false;
    return false;
  }
  LogNotice("Background append only file rewriting started by pid {}", pid);
  g_aof.child_pid = pid;
  g_aof.child_cow_fd = child.cow_fd;
  g_aof.rewrite_start_s = NowS();
  g_aof.rewrite_scheduled = false;
  return true;
}

// Deletes the history files (in the background) and drops them from the manifest, unless aof-disable-auto-gc.
void RemoveHistory() {
  if (Cfg().aof_disable_auto_gc || g_manifest.history.empty()) return;
  Manifest m = g_manifest;
  std::vector<AofFile> history;
  history.swap(m.history);
  if (!PersistManifest(m)) return;
  for (const AofFile& f : history) {
    LogNotice("Removing the history file {} in the background", f.name);
    FsyncQueue().Push(FsyncJob{-1, false, InDir(f.name)});
  }
}

// The child wrote its base: it becomes the manifest's base, with the incr files opened since the rewrite began.
bool InstallRewrite(pid_t pid) {
  Manifest m = g_manifest;
  AofFile old_base = m.base;
  m.base_seq += 1;
  m.base = {BaseName(m.base_seq, g_rewrite_rdb), m.base_seq};
  std::string tmp = TempRewriteName(pid);
  if (!EnsureDir() || rename(tmp.c_str(), InDir(m.base.name).c_str()) != 0) {
    LogWarning("Error trying to rename the temporary AOF base file {} into {}: {}", tmp, m.base.name, strerror(errno));
    unlink(tmp.c_str());
    return false;
  }
  LogNotice("Successfully renamed the temporary AOF base file {} into {}", tmp, m.base.name);
  // History in Redis' order: the replaced incr files, then the replaced base.
  std::vector<AofFile> kept;
  for (const AofFile& f : m.incrs) (f.seq >= g_rewrite_incr_seq ? kept : m.history).push_back(f);
  if (!old_base.name.empty()) m.history.push_back(old_base);
  if (g_aof.wait_rewrite) kept.push_back(g_pending_incr);
  m.incrs = std::move(kept);
  if (!PersistManifest(m)) {
    unlink(InDir(m.base.name).c_str());
    return false;
  }
  RemoveHistory();
  uint64_t size = FileSize(InDir(m.base.name));
  for (const AofFile& f : m.incrs) size += FileSize(InDir(f.name));
  g_aof.current_size = g_aof.base_size = size;
  g_aof.wait_rewrite = false;
  return true;
}

void ReapRewrite() {
  int status;
  pid_t p = g_aof.child_pid;
  if (!ReapSaveChild(&g_aof.child_pid, &g_aof.child_cow_fd, &g_aof.last_cow_size, &status)) return;
  g_aof.last_rewrite_time_sec = NowS() - g_aof.rewrite_start_s;
  g_aof.rewrite_start_s = -1;
  bool ok = false;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    LogNotice("Background AOF rewrite terminated with success");
    ok = InstallRewrite(p);
    if (ok) LogNotice("Background AOF rewrite finished successfully");
  } else {
    if (WIFSIGNALED(status)) LogWarning("Background AOF rewrite terminated by signal {}", WTERMSIG(status));
    else LogWarning("Background AOF rewrite terminated with error");
    unlink(TempRewriteName(p).c_str());
  }
  if (ok) {
    ++g_aof.rewrites;
    g_aof.rewrites_consecutive_failures = 0;
  } else {
    ++g_aof.rewrites_consecutive_failures;
    if (g_aof.wait_rewrite) g_aof.rewrite_scheduled = true;  // the first base is still needed
  }
  g_aof.last_bgrewrite_ok = ok;
}

void KillRewriteChild() {
  if (g_aof.child_pid == -1) return;
  LogNotice("Killing running AOF rewrite child: {}", g_aof.child_pid);
  kill(g_aof.child_pid, SIGUSR1);
  int status;
  waitpid(g_aof.child_pid, &status, 0);
  unlink(TempRewriteName(g_aof.child_pid).c_str());
  TakeChildCowSize(&g_aof.child_cow_fd);
  g_aof.child_pid = -1;
  g_aof.rewrite_start_s = -1;
}

// Start-up without an AOF: a base of the (empty) dataset and a first incr file.
bool CreateBaseOnStartup() {
  Manifest m = g_manifest;
  m.base_seq += 1;
  bool rdb = Cfg().aof_use_rdb_preamble;
  m.base = {BaseName(m.base_seq, rdb), m.base_seq};
  if (!WriteBase(InDir(m.base.name), rdb)) return false;
  LogNotice("Creating AOF base file {} on server start", m.base.name);
  g_manifest = m;
  return true;
}

}  // namespace

AofState& Aof() { return g_aof; }

void AofReadManifest() {
  MappedFile file;
  int err_no = 0;
  if (!file.Open(InDir(ManifestName()), &err_no)) return;
  Manifest m;
  std::string err;
  if (ParseManifest(file.data(), &m, &err)) g_manifest = m;
}

bool AofLoadAtStartup() {
  MappedFile file;
  int err_no = 0;
  bool have_manifest = file.Open(InDir(ManifestName()), &err_no);
  if (!have_manifest && err_no != ENOENT) {
    LogWarning("Can't open the AOF manifest {} for reading: {}", ManifestName(), strerror(err_no));
    return false;
  }
  if (!have_manifest && access(Cfg().appendfilename.c_str(), F_OK) == 0) {
    // A single-file AOF of Redis before 7.0 in `dir`: it becomes the base of a new AOF directory.
    if (!EnsureDir() || rename(Cfg().appendfilename.c_str(), InDir(Cfg().appendfilename).c_str()) != 0) {
      LogWarning("Error moving the old-style AOF {} into the AOF directory {}: {}", Cfg().appendfilename,
                 Cfg().appenddirname, strerror(errno));
      return false;
    }
    Manifest m;
    m.base = {Cfg().appendfilename, 1};
    m.base_seq = 1;
    if (!PersistManifest(m)) return false;
    LogNotice("Successfully migrated an old-style AOF file ({}) into the AOF directory ({}).", Cfg().appendfilename,
              Cfg().appenddirname);
    have_manifest = file.Open(InDir(ManifestName()), &err_no);
  }
  if (have_manifest) {
    Manifest m;
    std::string err;
    if (!ParseManifest(file.data(), &m, &err)) {
      LogWarning("{}", err);
      return false;
    }
    g_manifest = m;
    bool loaded_any;
    if (!LoadFiles(&loaded_any)) return false;
    RemoveHistory();
  }
  if (!EnsureDir()) return false;
  if (g_manifest.base.name.empty() && g_manifest.incrs.empty() && !CreateBaseOnStartup()) return false;
  Manifest m = g_manifest;
  int fd;
  if (m.incrs.empty()) {
    m.incr_seq += 1;
    m.incrs.push_back({IncrName(m.incr_seq), m.incr_seq});
    fd = OpenIncr(m.incrs.back().name, true);
    if (fd < 0 || !PersistManifest(m)) return false;
    LogNotice("Creating AOF incr file {} on server start", m.incrs.back().name);
  } else {
    fd = OpenIncr(m.incrs.back().name, false);
    if (fd < 0) return false;
    LogNotice("Opening AOF incr file {} on server start", m.incrs.back().name);
  }
  uint64_t size = FileSize(InDir(m.base.name));
  for (const AofFile& f : m.incrs) size += FileSize(InDir(f.name));
  g_aof.current_size = g_aof.base_size = size;
  SwitchIncrFile(fd, FileSize(InDir(m.incrs.back().name)));
  g_last_fsync_ms = Srv().now_ms;
  g_aof.on = true;
  SetPropagationSink(PropagationConsumer::kAof, Feed);
  return true;
}

bool AofHasPending() { return !g_buf.empty(); }

void AofWritePending() {
  if (g_buf.empty()) return;
  if (g_fd < 0) {
    g_buf.clear();
    return;
  }
  int64_t start = MonotonicUs();
  bool ok = WriteAll(g_fd, g_buf);
  int e = errno;
  LatencyAddSampleIfNeeded("aof-write", (MonotonicUs() - start) / 1000);
  if (!ok) {
    // Keep the file a sequence of whole commands: cut a partial write back and keep the buffer for a retry.
    if (ftruncate(g_fd, static_cast<off_t>(g_incr_size)) != 0) {
      LogWarning("Could not remove short write from the append-only file. Redis may refuse to load the AOF the "
                 "next time it starts. ftruncate: {}", strerror(errno));
    }
    if (Cfg().appendfsync == AppendFsync::kAlways) {
      LogWarning("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
      _exit(1);
    }
    if (g_aof.last_write_ok) LogWarning("Error writing to the AOF file: {}", strerror(e));
    g_aof.last_write_ok = false;
    g_aof.last_write_error = strerror(e);
    return;
  }
  if (!g_aof.last_write_ok) LogWarning("AOF write error looks solved, Redis can write again.");
  g_aof.last_write_ok = true;
  g_incr_size += g_buf.size();
  g_aof.current_size += g_buf.size();
  if (g_buf.capacity() > (4u << 20)) std::string().swap(g_buf);
  else g_buf.clear();
  if (Cfg().appendfsync == AppendFsync::kAlways && !FsyncPostponed()) {
    start = MonotonicUs();
    if (fdatasync(g_fd) != 0) {
      LogWarning("Can't persist AOF for fsync error when the AOF fsync policy is 'always': {}. Exiting...",
                 strerror(errno));
      _exit(1);
    }
    LatencyAddSampleIfNeeded("aof-fsync-always", (MonotonicUs() - start) / 1000);
    g_last_fsync_ms = Srv().now_ms;
    return;
  }
  g_unsynced = true;
  BackgroundFsyncIfDue();
}

void AofCron() {
  if (g_aof.child_pid != -1) ReapRewrite();
  if (!g_aof.last_write_ok) AofWritePending();
  BackgroundFsyncIfDue();
  if (g_aof.child_pid != -1 || Rdb().child_pid != -1) return;
  if (g_aof.rewrite_scheduled) {
    StartRewrite();
    return;
  }
  const ServerConfig& cfg = Cfg();
  if (!g_aof.on || g_aof.wait_rewrite || cfg.auto_aof_rewrite_percentage <= 0 ||
      g_aof.current_size <= static_cast<uint64_t>(cfg.auto_aof_rewrite_min_size))
    return;
  uint64_t base = g_aof.base_size ? g_aof.base_size : 1;
  int64_t growth = static_cast<int64_t>(g_aof.current_size * 100 / base) - 100;
  if (growth >= cfg.auto_aof_rewrite_percentage) {
    LogNotice("Starting automatic rewriting of AOF on {}% growth", growth);
    StartRewrite();
  }
}

AofRewriteResult AofBgrewrite() {
  if (g_aof.child_pid != -1) return AofRewriteResult::kInProgress;
  if (Rdb().child_pid != -1) {
    g_aof.rewrite_scheduled = true;
    g_aof.rewrites_consecutive_failures = 0;
    return AofRewriteResult::kScheduled;
  }
  return StartRewrite() ? AofRewriteResult::kStarted : AofRewriteResult::kError;
}

bool AofEnable() {
  if (g_aof.on) return true;
  g_aof.on = g_aof.wait_rewrite = true;
  if (Rdb().child_pid != -1) {
    LogWarning("AOF was enabled but there is already another background operation. An AOF background was "
               "scheduled to start when possible.");
    g_aof.rewrite_scheduled = true;
    return true;
  }
  if (StartRewrite()) return true;
  LogWarning("Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above "
             "logs for more info about the error.");
  g_aof.on = g_aof.wait_rewrite = false;
  CloseIncrFile();
  SetPropagationSink(PropagationConsumer::kAof, nullptr);
  return false;
}

void AofDisable() {
  if (!g_aof.on) return;
  KillRewriteChild();
  AofWritePending();
  CloseIncrFile();
  SetPropagationSink(PropagationConsumer::kAof, nullptr);
  g_aof.on = g_aof.wait_rewrite = g_aof.rewrite_scheduled = false;
}

void AofShutdown() {
  KillRewriteChild();
  if (!g_aof.on) return;
  AofWritePending();
  if (g_fd >= 0) {
    LogNotice("Calling fsync() on the AOF file.");
    fdatasync(g_fd);
  }
}

bool AofWritesRefused() { return g_aof.on && !g_aof.last_write_ok; }

bool AofChildRunning() { return g_aof.child_pid != -1; }

uint64_t AofBufferLength() { return g_buf.size(); }

uint64_t AofPendingFsyncs() { return FsyncQueue().pending(); }

bool AofReload() {
  AofWritePending();
  if (g_fd >= 0) fdatasync(g_fd);
  for (auto& db : Srv().dbs) db->Clear();
  AofReadManifest();
  bool loaded_any;
  // What the files replay is in them already: nothing is propagated meanwhile.
  SetPropagationSink(PropagationConsumer::kAof, nullptr);
  bool ok = LoadFiles(&loaded_any);
  if (g_aof.on) SetPropagationSink(PropagationConsumer::kAof, Feed);
  if (!ok) return false;
  LogWarning("Append Only File loaded by DEBUG LOADAOF");
  return true;
}

}  // namespace corvid
