#include "net/poller.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <asio.hpp>
#include <cstdlib>
#include <memory>
#include <vector>

#include "db/tracking.h"
#include "net/connection.h"
#include "net/listener.h"

namespace corvid {

namespace {

constexpr int kMaxEvents = 1024;
int g_epfd = -1;
std::unique_ptr<asio::posix::stream_descriptor> g_outer;

void Modify(int op, int fd, Connection* conn, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = conn;
  epoll_ctl(g_epfd, op, fd, &ev);
}

void WaitReady();

// Serves one batch of ready clients; returns how many were ready.
int DrainOnce() {
  epoll_event events[kMaxEvents];
  int n = epoll_wait(g_epfd, events, kMaxEvents, 0);
  // Keep every connection of this batch alive until the batch is done (a command may close another client).
  // A batch may nest inside another one (served while a script is busy): each uses the part past `base`.
  static std::vector<std::shared_ptr<Connection>> hold;
  size_t base = hold.size();
  for (int i = 0; i < n; ++i) hold.push_back(static_cast<Connection*>(events[i].data.ptr)->shared_from_this());
  for (int i = 0; i < n; ++i) {
    Connection* c = hold[base + i].get();
    if (c->closed()) continue;
    uint32_t ev = events[i].events;
    if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP)) c->OnReadable();
    if (!c->closed() && (ev & EPOLLOUT)) c->OnWritable();
  }
  // As Redis' beforeSleep: the BCAST invalidations of the keys this batch modified, then the output other
  // clients received from this batch (publishes, invalidations, MONITOR lines, unblocked replies).
  TrackingFlushBroadcasts();
  FlushPendingWrites();
  hold.resize(base);
  return n;
}

// While clients keep being ready, poll again before going back through the Asio loop (which re-arms its wait
// with an epoll_ctl per round); bounded so timers and accepts are not held up.
void Drain() {
  for (int round = 0; round < 4 && DrainOnce() > 0; ++round) {
  }
}

void WaitReady() {
  g_outer->async_wait(asio::posix::descriptor_base::wait_read, [](const asio::error_code& ec) {
    if (ec) return;
    Drain();
    WaitReady();
  });
}

}  // namespace

void InitPoller() {
  g_epfd = epoll_create1(EPOLL_CLOEXEC);
  if (g_epfd < 0) abort();
  g_outer = std::make_unique<asio::posix::stream_descriptor>(Io(), g_epfd);
  WaitReady();
}

void ShutdownPoller() { g_outer.reset(); }

void PollerServeWhileBusy() { DrainOnce(); }

void PollerAdd(int fd, Connection* conn) { Modify(EPOLL_CTL_ADD, fd, conn, EPOLLIN); }

void PollerRemove(int fd) { epoll_ctl(g_epfd, EPOLL_CTL_DEL, fd, nullptr); }

void PollerWantWrite(int fd, Connection* conn, bool on) {
  Modify(EPOLL_CTL_MOD, fd, conn, on ? (EPOLLIN | EPOLLOUT) : EPOLLIN);
}

}  // namespace corvid
