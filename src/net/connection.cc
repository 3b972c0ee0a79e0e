#include "net/connection.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <asio/post.hpp>

#include "commands/dispatcher.h"
#include "persistence/aof.h"
#include "replication/master.h"
#include "server/config.h"
#include "server/log.h"
#include "net/client_memory.h"
#include "net/listener.h"
#include "net/poller.h"
#include "net/tls.h"
#include "server/server.h"

namespace corvid {

namespace {
constexpr size_t kReadChunk = 16 * 1024;
constexpr size_t kReadPerEvent = 256 * 1024;  // bytes one client may send before the others' turn
constexpr size_t kBigArg = 32 * 1024;  // reads for a big bulk are sized to fit it, as Redis' PROTO_MBULK_BIG_ARG
}  // namespace

Connection::Connection(int fd, bool unix_socket, SSL* ssl) : fd_(fd), ssl_(ssl), handshaking_(ssl != nullptr) {
  client_.fd = fd;
  client_.conn = this;
  if (unix_socket) client_.flags |= kClientUnixSocket;
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

Connection::~Connection() {
  if (!closed_) ::close(fd_);
  if (ssl_) TlsFreeSession(ssl_);
  free(qbuf_);
}

void Connection::Start() { PollerAdd(fd_, this); }

void Connection::EnsureReadRoom(size_t want, bool exact) {
  if (qcap_ - qend_ >= want) return;
  if (qstart_ > 0) {
    memmove(qbuf_, qbuf_ + qstart_, qend_ - qstart_);
    qend_ -= qstart_;
    qstart_ = 0;
    if (qcap_ - qend_ >= want) return;
  }
  size_t cap = exact ? qend_ + want : (qcap_ ? qcap_ : kReadChunk);
  while (cap - qend_ < want) cap *= 2;
  qbuf_ = static_cast<char*>(realloc(qbuf_, cap));
  if (!qbuf_) abort();
  qcap_ = cap;
}

void Connection::WatchWrite(bool on) {
  if (write_waiting_ == on) return;
  write_waiting_ = on;
  PollerWantWrite(fd_, this, on);
}

bool Connection::HandshakeDone() {
  if (!handshaking_) return true;
  switch (TlsHandshake(ssl_)) {
    case TlsIo::kDone:
      handshaking_ = false;
      WatchWrite(false);
      return true;
    case TlsIo::kWantRead:
      WatchWrite(false);
      return false;
    case TlsIo::kWantWrite:
      WatchWrite(true);
      return false;
    case TlsIo::kClosed:
    case TlsIo::kError:
      LogVerbose("Error accepting a client connection: {} (addr={} laddr={})", TlsErrorText(), client_.addr,
                 client_.laddr);
      Close();
      return false;
  }
  return false;
}

ssize_t Connection::ReadSome(char* buf, size_t len) {
  if (!ssl_) return ::read(fd_, buf, len);
  size_t n = 0;
  switch (TlsRead(ssl_, buf, len, &n)) {
    case TlsIo::kDone:
      return static_cast<ssize_t>(n);
    case TlsIo::kWantWrite:
      read_wants_write_ = true;
      WatchWrite(true);
      [[fallthrough]];
    case TlsIo::kWantRead:
      errno = EAGAIN;
      return -1;
    case TlsIo::kClosed:
      return 0;
    case TlsIo::kError:
      break;
  }
  errno = EIO;
  return -1;
}

ssize_t Connection::WriteSome(const char* buf, size_t len) {
  if (!ssl_) return ::send(fd_, buf, len, MSG_NOSIGNAL);
  size_t n = 0;
  switch (TlsWrite(ssl_, buf, len, &n)) {
    case TlsIo::kDone:
      return static_cast<ssize_t>(n);
    case TlsIo::kWantRead:  // renegotiation is refused, so this only waits for the peer's data
    case TlsIo::kWantWrite:
      errno = EAGAIN;
      return -1;
    case TlsIo::kClosed:
    case TlsIo::kError:
      break;
  }
  errno = EPIPE;
  return -1;
}

void Connection::OnReadable() {
  if (!HandshakeDone()) return;
  Server& srv = Srv();
  // Read until a short read (the socket is drained) or kReadPerEvent bytes (the level-triggered poller reports
  // the rest, after the other clients had their turn). A TLS session is read until it would block (a record is
  // shorter than a read), so no decrypted bytes stay behind in OpenSSL where the poller cannot see them.
  size_t read_now = 0;
  while (!closed_) {
    size_t want = kReadChunk;
    bool exact = false;
    if (parser_.PendingBulkBytes() >= kBigArg) {
      // A big argument: room for just the rest of it, so it ends up contiguous in a buffer of its size (as
      // Redis sizes its query buffer; the buffer counts as the client's memory).
      size_t end = parser_.BulkEnd(), have = qend_ - qstart_;
      if (end > have) {
        want = end - have;
        exact = true;
      }
    }
    EnsureReadRoom(want, exact);
    ssize_t n = ReadSome(qbuf_ + qend_, want);
    if (n > 0) {
      qend_ += n;
      srv.stats.net_input_bytes += n;
      ++srv.stats.io_reads_processed;
      client_.last_interaction_ms = srv.now_ms;
      read_now += n;
      if (!ssl_ && (static_cast<size_t>(n) < want || read_now >= kReadPerEvent)) break;
      if (qend_ - qstart_ > static_cast<size_t>(Cfg().client_query_buffer_limit)) break;
      // More may be waiting. Run the complete commands first, so a long pipeline passes through a small
      // buffer (its bytes count as used memory: a buffer grown by the whole pipeline would evict keys in bursts).
      if (parser_.PendingBulkBytes() < kBigArg) {
        ProcessInput();
        if (client_.flags & (kClientCloseAfterReply | kClientCloseAsap)) break;
      }
      continue;
    }
    if (n == 0) {
      Close();
      return;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    Close();
    return;
  }
  if (qend_ - qstart_ > static_cast<size_t>(Cfg().client_query_buffer_limit)) {
    LogWarning("Closing client that reached max query buffer length: id={} addr={} (qbuf initial bytes: ...)",
               client_.id, client_.addr);
    Close();
    return;
  }
  ProcessInput();
  // With commands for the AOF pending, replies wait for the end of this batch (FlushPendingWrites writes the
  // AOF once, then every reply).
  if (AofHasPending()) {
    FlushSoon();
    UpdateClientMemory(client_);
  } else {
    Flush();  // re-measures the client
  }
  // Client eviction is checked after each read and write, as Redis after processing input and in beforeSleep.
  EvictClients();
}

void Connection::OnWritable() {
  if (!HandshakeDone()) return;
  if (read_wants_write_) {
    read_wants_write_ = false;
    OnReadable();
    return;
  }
  Flush();
  EvictClients();
}

void Connection::ProcessInput() {
  Server& srv = Srv();
  srv.clock_fresh = false;
  RespParser::Limits lim;
  lim.max_bulk_len = Cfg().proto_max_bulk_len;
  while (qstart_ < qend_ && !closed_) {
    if (client_.flags & (kClientCloseAfterReply | kClientCloseAsap | kClientBlocked)) break;
    if (srv.clients_paused_until_ms && ClientIsPaused(client_)) break;
    lim.auth_required = !client_.authenticated && AuthRequired();
    size_t consumed = 0;
    RespParser::Result r = parser_.Parse(qbuf_ + qstart_, qend_ - qstart_, lim, &consumed);
    if (r == RespParser::Result::kIncomplete) break;
    if (r == RespParser::Result::kError) {
      LogVerbose("Protocol error ({}) from client: id={} addr={}", parser_.error(), client_.id, client_.addr);
      client_.reply.Error(parser_.error());
      CountError(client_.reply.TakeLastError());
      client_.flags |= kClientCloseAfterReply;
      qstart_ = qend_;
      break;
    }
    if (r == RespParser::Result::kCommand) {
      parser_.Args(qbuf_ + qstart_, &argv_);
      if (srv.clients_paused_until_ms && WriteIsPaused(client_, argv_)) break;  // parsed again when the pause ends
      Dispatch(client_, argv_);
      if (OutputLimitReached()) return;
    }
    qstart_ += consumed;
  }
  if (qstart_ == qend_) qstart_ = qend_ = 0;
  // Give back a big buffer once it is empty (after a large argument).
  if (qend_ == 0 && qcap_ > 4 * kReadChunk) {
    free(qbuf_);
    qbuf_ = nullptr;
    qcap_ = 0;
  }
}

bool Connection::OutputLimitReached() {
  ClientType type = TypeOf(client_);
  if (type == ClientType::kReplica && !OutputLimitApplies(client_)) return false;
  const ClientBufferLimit& lim = Cfg().client_output_buffer_limit[type == ClientType::kReplica  ? kObufReplica
                                                                  : type == ClientType::kPubSub ? kObufPubSub
                                                                                                : kObufNormal];
  if (lim.hard_bytes == 0 && lim.soft_bytes == 0) return false;
  Server& srv = Srv();
  uint64_t used = client_.out.size();
  bool over = lim.hard_bytes && used >= lim.hard_bytes;
  if (lim.soft_bytes && used >= lim.soft_bytes) {
    if (client_.obl_soft_since_ms == 0) client_.obl_soft_since_ms = srv.now_ms;
    if (srv.now_ms - client_.obl_soft_since_ms >= lim.soft_seconds * 1000) over = true;
  } else {
    client_.obl_soft_since_ms = 0;
  }
  if (!over) return false;
  LogWarning("Client id={} addr={} scheduled to be closed ASAP for overcoming of output buffer limits.", client_.id,
             client_.addr);
  Close();
  return true;
}

void Connection::Resume() {
  if (closed_) return;
  ProcessInput();
  Flush();
}

void Connection::Flush() {
  WriteOutput();
  if (!closed_) UpdateClientMemory(client_);
}

void Connection::WriteOutput() {
  if (closed_ || handshaking_) return;
  if (AofHasPending()) AofWritePending();  // no reply leaves before the writes it acknowledges are in the AOF
  Server& srv = Srv();
  OutputBuffer& out = client_.out;
  while (!out.empty()) {
    ssize_t n = WriteSome(out.data(), out.size());
    if (n > 0) {
      out.Consume(n);
      (client_.Has(kClientReplica) ? srv.stats.net_repl_output_bytes : srv.stats.net_output_bytes) += n;
      ++srv.stats.io_writes_processed;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (OutputLimitReached()) return;
      WatchWrite(true);
      return;
    }
    Close();
    return;
  }
  if (!read_wants_write_) WatchWrite(false);
  if (client_.on_output_drained) {
    client_.on_output_drained(client_);  // may queue more output
    if (!out.empty()) return FlushSoon();
  }
  if (client_.flags & kClientCloseAfterReply) Close();
}

namespace {
std::vector<std::shared_ptr<Connection>> g_flush_soon;
}  // namespace

void Connection::FlushSoon() {
  if (closed_ || flush_queued_) return;
  flush_queued_ = true;
  if (g_flush_soon.empty()) asio::post(Io(), FlushPendingWrites);
  g_flush_soon.push_back(shared_from_this());
}

void FlushPendingWrites() {
  static std::vector<std::shared_ptr<Connection>> batch;
  AofWritePending();
  batch.swap(g_flush_soon);
  for (const std::shared_ptr<Connection>& c : batch) {
    c->flush_queued_ = false;
    c->Flush();
  }
  batch.clear();
  EvictClients();
}

void Connection::Close() {
  if (closed_) return;
  std::shared_ptr<Connection> self = shared_from_this();  // UnregisterClient drops the registry's reference
  closed_ = true;
  PollerRemove(fd_);
  ::close(fd_);
  ForgetClientMemory(client_);
  UnregisterClient(client_);
  client_.conn = nullptr;
}

}  // namespace corvid
