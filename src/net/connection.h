// The I/O side of a client: reads requests on readiness (net/poller), parses and runs every complete command in
// the buffer, then writes the replies with one non-blocking write, waiting for writability only if the kernel is
// full.
#pragma once
#include <memory>
#include <string_view>
#include <vector>

#include "net/client.h"
#include "protocol/resp_parser.h"

typedef struct ssl_st SSL;

namespace corvid {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // Takes ownership of the connected socket fd, and of ssl (a TLS session on fd whose handshake has not run
  // yet) when not null.
  Connection(int fd, bool unix_socket, SSL* ssl = nullptr);
  ~Connection();

  // Starts watching the socket.
  void Start();
  // Readiness callbacks from the poller.
  void OnReadable();
  void OnWritable();
  // Closes now, dropping unsent output.
  void Close();
  // Runs commands still waiting in the query buffer (after CLIENT UNPAUSE or an unblock), then flushes.
  void Resume();
  Client& client() { return client_; }
  bool closed() const { return closed_; }
  size_t QueryBufferBytes() const { return qend_ - qstart_; }
  size_t QueryBufferCapacity() const { return qcap_; }
  // Writes pending output now (used for replies produced outside a read, e.g. unblocked clients).
  void Flush();
  // Writes pending output before the loop next waits (as Redis' beforeSleep), once however many times it is
  // called: a burst of publishes to a subscriber costs one write.
  void FlushSoon();

 private:
  // Parses and runs commands until the buffer has no whole command left (or the client must stop).
  void ProcessInput();
  // Makes room for want more bytes after qend_: the buffer doubles, or (exact) grows to just what is wanted.
  void EnsureReadRoom(size_t want, bool exact);
  // Closes the client if its pending output passed client-output-buffer-limit (hard, or soft for long enough).
  bool OutputLimitReached();
  // Flush without the client memory update.
  void WriteOutput();
  // One read or write on the socket or its TLS session, with read(2)/send(2) results: -1 with errno EAGAIN when
  // it would block.
  ssize_t ReadSome(char* buf, size_t len);
  ssize_t WriteSome(const char* buf, size_t len);
  // Runs the TLS handshake as far as the socket allows; false while it is not done (or the client was closed).
  bool HandshakeDone();
  // Starts or stops watching writability.
  void WatchWrite(bool on);

  int fd_;
  Client client_;
  RespParser parser_;
  std::vector<std::string_view> argv_;
  char* qbuf_ = nullptr;
  size_t qcap_ = 0, qstart_ = 0, qend_ = 0;
  bool closed_ = false;
  bool write_waiting_ = false;  // writability is being watched
  bool flush_queued_ = false;   // FlushSoon was called and the flush has not happened yet
  SSL* ssl_ = nullptr;          // the TLS session, on a tls-port connection
  bool handshaking_ = false;    // the TLS handshake has not finished
  bool read_wants_write_ = false;  // a TLS read must wait for writability (the peer asked for a key update)
  friend void FlushPendingWrites();
};

// Flushes every connection FlushSoon queued. The poller calls it after each batch of ready clients; a posted
// handler covers output produced elsewhere (timers, cron).
void FlushPendingWrites();

// Closes every connection (shutdown).
void CloseAllConnections();

}  // namespace corvid
