#include "persistence/fork_child.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "server/log.h"
#include "server/server.h"

namespace corvid {

namespace {

// The process' private dirty memory: the pages it wrote since the fork (the copies copy-on-write made).
uint64_t PrivateDirtyBytes() {
  FILE* f = fopen("/proc/self/smaps_rollup", "r");
  if (!f) return 0;
  char line[256];
  uint64_t total = 0;
  while (fgets(line, sizeof(line), f)) {
    unsigned long long kb;
    if (sscanf(line, "Private_Dirty: %llu kB", &kb) == 1) total += kb * 1024;
  }
  fclose(f);
  return total;
}

// One report from the child to the parent (smaller than PIPE_BUF, so never split).
struct Report {
  uint64_t cow;
  uint64_t keys;
  uint64_t final;  // 1: the last one, sent when the work is done
};

ChildProgress g_progress;  // parent side

// Child side.
struct ChildState {
  int fd = -1;
  uint64_t keys = 0;
  int64_t last_report_us = 0;
  uint64_t cow_sum = 0, cow_samples = 0, cow_peak = 0;
};
ChildState g_child;

void SendReport(bool final) {
  uint64_t cow = PrivateDirtyBytes();
  g_child.cow_sum += cow;
  ++g_child.cow_samples;
  if (cow > g_child.cow_peak) g_child.cow_peak = cow;
  g_child.last_report_us = MonotonicUs();
  Report r{cow, g_child.keys, final ? 1u : 0u};
  if (g_child.fd >= 0) (void)!write(g_child.fd, &r, sizeof(r));
}

// Applies the reports waiting on fd; returns the CoW of the final one (0 if it did not come).
uint64_t DrainReports(int fd) {
  Report r;
  uint64_t final_cow = 0;
  while (read(fd, &r, sizeof(r)) == static_cast<ssize_t>(sizeof(r))) {
    g_progress.keys_processed = r.keys;
    g_progress.cow_size = r.cow;
    if (r.cow > g_progress.cow_peak) g_progress.cow_peak = r.cow;
    g_progress.cow_updated_ms = Srv().now_ms;
    if (r.final) final_cow = r.cow;
  }
  return final_cow;
}

}  // namespace

ForkedChild ForkSaveChild(const char* what, const std::function<bool()>& work) {
  int fds[2] = {-1, -1};
  if (pipe2(fds, O_CLOEXEC) != 0) fds[0] = fds[1] = -1;
  uint64_t keys_total = 0;
  for (auto& db : Srv().dbs) keys_total += db->size();
  ForkedChild child;
  child.pid = fork();
  if (child.pid == 0) {
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    SetLogRole('C');
    g_child = ChildState{fds[1], 0, MonotonicUs()};
    bool ok = work();
    SendReport(true);
    if (ok) {
      auto mb = [](uint64_t b) { return static_cast<double>(b) / (1024 * 1024); };
      LogNotice("Fork CoW for {}: current {:.0f} MB, peak {:.0f} MB, average {:.0f} MB", what,
                mb(PrivateDirtyBytes()), mb(g_child.cow_peak), mb(g_child.cow_sum / g_child.cow_samples));
    }
    _exit(ok ? 0 : 1);
  }
  if (fds[1] >= 0) close(fds[1]);
  for (auto& db : Srv().dbs) db->SetResizeAllowed(child.pid < 0);  // the cron allows it again after the child
  if (child.pid < 0) {
    if (fds[0] >= 0) close(fds[0]);
    return child;
  }
  if (fds[0] >= 0) fcntl(fds[0], F_SETFL, O_NONBLOCK);
  g_progress = ChildProgress{keys_total};
  child.cow_fd = fds[0];
  return child;
}

bool ReapSaveChild(pid_t* pid, int* cow_fd, uint64_t* last_cow, int* status) {
  if (waitpid(*pid, status, WNOHANG) != *pid) {
    if (*cow_fd >= 0) DrainReports(*cow_fd);  // what it reported while it runs
    return false;
  }
  *pid = -1;
  if (uint64_t cow = TakeChildCowSize(cow_fd)) *last_cow = cow;
  return true;
}

uint64_t TakeChildCowSize(int* cow_fd) {
  if (*cow_fd < 0) return 0;
  uint64_t cow = DrainReports(*cow_fd);
  close(*cow_fd);
  *cow_fd = -1;
  g_progress = ChildProgress{};
  return cow;
}

const ChildProgress& CurrentChildProgress() { return g_progress; }

void ChildKeySaved() {
  if (g_child.fd < 0) return;
  if ((++g_child.keys & 1023) == 0 && MonotonicUs() - g_child.last_report_us >= 1000000) SendReport(false);
}

}  // namespace corvid
