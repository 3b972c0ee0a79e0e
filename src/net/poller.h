// Readiness for client sockets: one level-triggered epoll set that the Asio loop waits on as a single
// descriptor. Each wake-up drains every ready client (as Redis' ae loop does), so a request costs one read and
// one write; epoll calls are shared by all clients ready at the same time. (Asio's per-socket edge-triggered
// waits would add an epoll_ctl re-arm per request.)
#pragma once
#include <cstdint>

namespace corvid {

class Connection;

// Registers fd for readability; events are delivered to conn. REQUIRES: InitPoller() was called.
void PollerAdd(int fd, Connection* conn);
// Stops watching fd (before it is closed).
void PollerRemove(int fd);
// Adds (on) or removes (off) interest in writability of fd.
void PollerWantWrite(int fd, Connection* conn, bool on);
// Creates the epoll set and starts waiting on it from the Asio loop.
void InitPoller();
// Serves the clients ready now, from inside a long command (a busy script); they are answered -BUSY unless
// their command may run meanwhile. The caller removes its own client's fd first.
void PollerServeWhileBusy();
// Releases the epoll set (before the event loop is destroyed).
void ShutdownPoller();

}  // namespace corvid
