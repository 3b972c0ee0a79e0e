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

}  // namespace

ForkedChild ForkSaveChild(const char* what, const std::function<bool()>& work) {
  int fds[2] = {-1, -1};
  if (pipe2(fds, O_CLOEXEC) != 0) fds[0] = fds[1] = -1;
  ForkedChild child;
  child.pid = fork();
  if (child.pid == 0) {
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    SetLogRole('C');
    bool ok = work();
    uint64_t cow = PrivateDirtyBytes();
    if (ok) {
      double mb = static_cast<double>(cow) / (1024 * 1024);
      LogNotice("Fork CoW for {}: current {:.0f} MB, peak {:.0f} MB, average {:.0f} MB", what, mb, mb, mb);
    }
    if (fds[1] >= 0) (void)!write(fds[1], &cow, sizeof(cow));
    _exit(ok ? 0 : 1);
  }
  if (fds[1] >= 0) close(fds[1]);
  for (auto& db : Srv().dbs) db->SetResizeAllowed(child.pid < 0);  // the cron allows it again after the child
  if (child.pid < 0) {
    if (fds[0] >= 0) close(fds[0]);
    return child;
  }
  child.cow_fd = fds[0];
  return child;
}

bool ReapSaveChild(pid_t* pid, int* cow_fd, uint64_t* last_cow, int* status) {
  if (waitpid(*pid, status, WNOHANG) != *pid) return false;
  *pid = -1;
  if (uint64_t cow = TakeChildCowSize(cow_fd)) *last_cow = cow;
  return true;
}

uint64_t TakeChildCowSize(int* cow_fd) {
  uint64_t cow = 0;
  if (*cow_fd < 0) return 0;
  if (read(*cow_fd, &cow, sizeof(cow)) != static_cast<ssize_t>(sizeof(cow))) cow = 0;
  close(*cow_fd);
  *cow_fd = -1;
  return cow;
}

}  // namespace corvid
