// Background saves in a forked child (copy-on-write snapshot of the dataset): BGSAVE and BGREWRITEAOF.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <functional>

namespace corvid {

struct ForkedChild {
  pid_t pid = -1;     // -1: fork failed (errno set)
  int cow_fd = -1;    // read end of the pipe the child reports its copy-on-write size on
};
// Forks a child that runs work() and exits 0 when it returns true (1 otherwise), without running any destructor of
// the parent's state and leaving every descriptor alone (closing them through Asio would deregister the parent's
// sockets from the shared epoll). Before exiting the child logs "Fork CoW for <what>: ..." and reports the memory
// it copied (its private dirty pages) to the parent.
ForkedChild ForkSaveChild(const char* what, const std::function<bool()>& work);
// The copy-on-write bytes a finished child reported on *cow_fd (0 if none); closes it and sets it to -1 and
// clears CurrentChildProgress(). Call after reaping the child.
uint64_t TakeChildCowSize(int* cow_fd);

// What the running child reported so far (INFO persistence current_* fields); zero when no child runs.
struct ChildProgress {
  uint64_t keys_total = 0;      // keys in the dataset at the fork
  uint64_t keys_processed = 0;  // keys the child has written
  uint64_t cow_size = 0, cow_peak = 0;
  int64_t cow_updated_ms = 0;   // when cow_size was reported (0: never)
};
const ChildProgress& CurrentChildProgress();
// In a child: counts one written key; now and then (every 1024 keys, at most once a second) reports the keys
// written and the copy-on-write size to the parent, as Redis' child info. A no-op outside a child.
void ChildKeySaved();
// Reaps the child *pid if it has exited (without waiting): *pid becomes -1, *status its wait status, *last_cow
// the copy-on-write size it reported (kept when it reported none). False while it still runs, after taking the
// progress it reported meanwhile (CurrentChildProgress). Called from the cron.
bool ReapSaveChild(pid_t* pid, int* cow_fd, uint64_t* last_cow, int* status);

}  // namespace corvid
