#include "replication/master.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <asio.hpp>

#include <algorithm>
#include <iterator>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "corvid/errors.h"
#include "db/blocking.h"
#include "net/client.h"
#include "net/connection.h"
#include "net/listener.h"
#include "persistence/aof.h"
#include "persistence/rdb.h"
#include "protocol/reply_builder.h"
#include "replication/replica.h"
#include "replication/replication.h"
#include "server/config.h"
#include "server/log.h"
#include "server/propagate.h"
#include "server/server.h"

namespace corvid {

// ---- backlog ----

ReplBacklog::ReplBacklog(size_t size, int64_t start_offset) : buf_(std::max<size_t>(size, 1), '\0'),
                                                              end_offset_(start_offset) {}

void ReplBacklog::Append(std::string_view data) {
  end_offset_ += static_cast<int64_t>(data.size());
  size_t cap = buf_.size();
  if (data.size() > cap) data.remove_prefix(data.size() - cap);
  while (!data.empty()) {
    size_t n = std::min(cap - idx_, data.size());
    buf_.replace(idx_, n, data.data(), n);
    idx_ = (idx_ + n) % cap;
    data.remove_prefix(n);
    histlen_ = std::min(cap, histlen_ + n);
  }
}

void ReplBacklog::CopyFrom(int64_t offset, std::string* out) const {
  size_t skip = static_cast<size_t>(offset - first_offset());
  size_t len = histlen_ - skip;
  size_t cap = buf_.size();
  size_t pos = (idx_ + cap - histlen_ + skip) % cap;
  while (len > 0) {
    size_t n = std::min(cap - pos, len);
    out->append(buf_, pos, n);
    pos = (pos + n) % cap;
    len -= n;
  }
}

void ReplBacklog::Resize(size_t size) {
  std::string keep;
  CopyFrom(end_offset_ - static_cast<int64_t>(std::min(histlen_, size)) + 1, &keep);
  ReplBacklog fresh(size, end_offset_ - static_cast<int64_t>(keep.size()));
  fresh.Append(keep);
  *this = std::move(fresh);
}

namespace {

// Redis' slave states. Replicas in kSendBulk and kOnline receive the stream as it is produced.
// kRdbTransmitted: an rdb-only replica got its RDB and is about to be closed.
enum class ReplicaState { kWaitBgsaveStart, kWaitBgsaveEnd, kSendBulk, kOnline, kRdbTransmitted };

struct Replica {
  Client* client;
  bool attached = false;     // SYNC/PSYNC done (before: only REPLCONF options were given)
  bool pre_psync = false;    // attached with SYNC: gets no +FULLRESYNC line
  bool capa_eof = false, capa_psync2 = false;
  bool rdb_only = false;       // REPLCONF rdb-only 1: no stream, closed after its RDB
  ReplicaState state = ReplicaState::kWaitBgsaveStart;
  bool diskless = false;       // its RDB streams from the child's pipe ("$EOF:" format)
  bool stream_on_ack = false;  // diskless RDB sent: the stream (pending) starts with its first ACK
  int64_t wait_since_s = 0;    // when it asked for a full sync (repl-diskless-sync-delay)
  int64_t listening_port = 0;
  std::string announced_ip;
  int64_t initial_offset = 0;  // the offset of the RDB it is sent (full resync)
  int64_t ack_offset = 0;
  int64_t ack_time_s = 0;
  std::string pending;  // the stream produced since its RDB's fork, sent after the RDB
  int bulk_fd = -1;      // the RDB file being sent (kSendBulk)
  uint64_t bulk_left = 0;
};

std::unordered_map<Client*, std::unique_ptr<Replica>> g_links;  // every client that sent REPLCONF or synced
std::vector<Replica*> g_replicas;                                // the attached ones, in attach order
std::unique_ptr<ReplBacklog> g_backlog;
int64_t g_last_second_s = 0, g_last_ping_s = 0;
int64_t g_no_replicas_since_s = -1;  // when the last replica left (-1: since start-up)

struct Waiter {
  Client* client;
  int64_t offset, numreplicas;
};
std::vector<Waiter> g_waiters;
bool g_getack_pending = false;  // a REPLCONF GETACK is about to be sent

int64_t NowS() { return Srv().now_ms / 1000; }

Replica& LinkOf(Client& c) {
  std::unique_ptr<Replica>& r = g_links[&c];
  if (!r) {
    r = std::make_unique<Replica>();
    r->client = &c;
  }
  return *r;
}

Replica* AttachedReplica(const Client& c) {
  auto it = g_links.find(const_cast<Client*>(&c));
  return it != g_links.end() && it->second->attached ? it->second.get() : nullptr;
}

// The replica's IP: the one it announced, else its connection's peer address.
std::string ReplicaIp(const Replica& r) {
  if (!r.announced_ip.empty()) return r.announced_ip;
  std::string_view addr = r.client->addr;
  addr = addr.substr(0, addr.rfind(':'));
  if (addr.size() >= 2 && addr.front() == '[') addr = addr.substr(1, addr.size() - 2);
  return std::string(addr);
}

// Redis' replicationGetSlaveName: "ip:port" for the logs.
std::string ReplicaName(const Replica& r) {
  std::string ip = ReplicaIp(r);
  if (ip.empty()) return fmt::format("client id #{}", r.client->id);
  if (r.listening_port == 0) return ip + ":<unknown-replica-port>";
  return ip.find(':') != std::string::npos ? fmt::format("[{}]:{}", ip, r.listening_port)
                                           : fmt::format("{}:{}", ip, r.listening_port);
}

void Send(Client& c, std::string_view data) {
  c.out.Append(data);
  if (c.conn) c.conn->FlushSoon();
}

void CloseReplica(Client& c) {
  if (c.conn) c.conn->Close();
}

void CloseAfterSent(Client& c) {
  c.flags |= kClientCloseAfterReply;
  if (c.conn) c.conn->FlushSoon();
}

// The propagation sink: the stream goes to the backlog and to every replica (held back for those whose RDB is
// being written).
void FeedStream(std::string_view resp) {
  g_backlog->Append(resp);
  Repl().master_repl_offset = g_backlog->end_offset();
  for (Replica* r : g_replicas) {
    if (r->rdb_only) continue;
    if (r->state == ReplicaState::kWaitBgsaveEnd || r->state == ReplicaState::kSendBulk || r->stream_on_ack)
      r->pending.append(resp);
    else if (r->state != ReplicaState::kWaitBgsaveStart)
      Send(*r->client, resp);
  }
}

// A new replication history: a new ID, and no previous one (Redis' changeReplicationId + clearReplicationId2).
void NewReplicationHistory() {
  NewReplicationId();
  Repl().replid2 = std::string(40, '0');
  Repl().second_replid_offset = -1;
}

void CreateBacklog() {
  // A master promoted from replica (REPLICAOF NO ONE) keeps the IDs it set, so its former siblings may continue.
  if (Repl().second_replid_offset == -1) NewReplicationHistory();
  g_backlog = std::make_unique<ReplBacklog>(static_cast<size_t>(Cfg().repl_backlog_size), Repl().master_repl_offset);
  SetPropagationSink(PropagationConsumer::kReplication, FeedStream);
  LogNotice("Replication backlog created, my new replication IDs are '{}' and '{}'", Repl().replid, Repl().replid2);
}

size_t CountAcked(int64_t offset) {
  size_t n = 0;
  for (const Replica* r : g_replicas) n += r->state == ReplicaState::kOnline && r->ack_offset >= offset;
  return n;
}

// Replies to the WAIT clients whose replicas are now enough.
void ServeWaiters() {
  for (size_t i = 0; i < g_waiters.size();) {
    Waiter w = g_waiters[i];
    size_t acked = CountAcked(w.offset);
    if (static_cast<int64_t>(acked) < w.numreplicas) {
      ++i;
      continue;
    }
    g_waiters.erase(g_waiters.begin() + static_cast<std::ptrdiff_t>(i));
    w.client->reply.Int(static_cast<int64_t>(acked));
    EndBlockOnEvent(*w.client);
  }
}

// A WAIT ends without enough ACKs: at its timeout it replies the count it has.
void WaitEnded(Client& c, bool reply) {
  auto it = std::find_if(g_waiters.begin(), g_waiters.end(), [&](const Waiter& w) { return w.client == &c; });
  if (it == g_waiters.end()) return;
  int64_t offset = it->offset;
  g_waiters.erase(it);
  if (reply) c.reply.Int(static_cast<int64_t>(CountAcked(offset)));
}

// Sends +FULLRESYNC (unless it used SYNC) and holds the stream from offset on until the RDB is sent.
void SetupFullResync(Replica& r, int64_t offset) {
  r.initial_offset = offset;
  r.state = ReplicaState::kWaitBgsaveEnd;
  ResetPropagatedDb(PropagationConsumer::kReplication);  // the replica's stream starts with a SELECT
  if (!r.pre_psync) Send(*r.client, fmt::format("+FULLRESYNC {} {}\r\n", Repl().replid, offset));
}

// r stops being a replica (the client may stay).
void Detach(Replica& r) {
  std::erase(g_replicas, &r);
  r.attached = false;
  if (g_replicas.empty()) g_no_replicas_since_s = NowS();
}

// Replicas refused when the BGSAVE for them could not start: an error, then the connection closes.
void FailWaitingReplicas() {
  LogWarning("BGSAVE for replication failed");
  for (Replica* r : std::vector<Replica*>(g_replicas)) {
    if (r->state != ReplicaState::kWaitBgsaveStart) continue;
    Client& c = *r->client;
    Detach(*r);
    c.flags &= ~kClientReplica;
    c.reply.Error(err::kReplBgsaveFailed);
    c.flags |= kClientCloseAfterReply;
    if (c.conn) c.conn->FlushSoon();
  }
}

// The read end of the diskless child's pipe: what it writes is relayed to the replicas of the transfer. Reading
// pauses while one of them has kPipeBacklog bytes unsent, and resumes as their output drains (so the child
// waits for the slowest replica, as Redis' rdbPipeReadHandler).
std::unique_ptr<asio::posix::stream_descriptor> g_pipe;
char g_pipe_buf[16 * 1024];
bool g_pipe_paused = false;
constexpr size_t kPipeBacklog = 1024 * 1024;

// r is a replica of the running diskless transfer.
bool PipeTarget(const Replica& r) {
  return r.diskless && (r.state == ReplicaState::kWaitBgsaveEnd || r.state == ReplicaState::kRdbTransmitted ||
                        r.stream_on_ack);
}

bool PipeTargetsBehind() {
  return std::any_of(g_replicas.begin(), g_replicas.end(),
                     [](const Replica* r) { return PipeTarget(*r) && r->client->out.size() >= kPipeBacklog; });
}

void RelayPipe();

// A transfer's replica wrote its output out (Client::on_output_drained): reading goes on if all caught up.
void ResumePipe(Client&) {
  if (!g_pipe || !g_pipe_paused || PipeTargetsBehind()) return;
  g_pipe_paused = false;
  RelayPipe();
}

void RelayPipe() {
  g_pipe->async_read_some(asio::buffer(g_pipe_buf), [](const asio::error_code& ec, size_t n) {
    size_t up = 0;
    for (Replica* r : g_replicas) {
      if (!PipeTarget(*r)) continue;
      ++up;
      if (n > 0) Send(*r->client, std::string_view(g_pipe_buf, n));
    }
    if (!ec) {
      if (PipeTargetsBehind())
        g_pipe_paused = true;
      else
        RelayPipe();
      return;
    }
    LogNotice("Diskless rdb transfer, done reading from pipe, {} replicas still up.", up);
    g_pipe.reset();
    g_pipe_paused = false;
    for (Replica* r : g_replicas) {
      if (!PipeTarget(*r)) continue;
      r->client->on_output_drained = nullptr;
      if (r->state == ReplicaState::kRdbTransmitted) CloseAfterSent(*r->client);
    }
  });
}

// Redis' startBgsaveForReplication: the RDB goes to the replicas' sockets when repl-diskless-sync is on and
// every waiting replica takes the EOF format, else to disk. The waiting replicas get +FULLRESYNC.
void StartBgsaveForReplication() {
  bool to_sockets = Cfg().repl_diskless_sync;
  for (const Replica* r : g_replicas)
    if (r->state == ReplicaState::kWaitBgsaveStart && !r->capa_eof) to_sockets = false;
  LogNotice("Starting BGSAVE for SYNC with target: {}", to_sockets ? "replicas sockets" : "disk");
  if (!to_sockets) {
    if (RdbBgsave() != BgsaveResult::kStarted) return FailWaitingReplicas();
  } else {
    int fds[2];
    std::string mark = RandomHexId();
    if (pipe2(fds, O_CLOEXEC) != 0) return FailWaitingReplicas();
    if (!RdbBgsaveToPipe(fds[1], "$EOF:" + mark + "\r\n", mark)) {
      close(fds[0]);
      return FailWaitingReplicas();
    }
    g_pipe = std::make_unique<asio::posix::stream_descriptor>(Io(), fds[0]);
    RelayPipe();
  }
  for (Replica* r : g_replicas) {
    if (r->state != ReplicaState::kWaitBgsaveStart) continue;
    r->diskless = to_sockets;
    if (to_sockets) r->client->on_output_drained = ResumePipe;
    SetupFullResync(*r, Repl().master_repl_offset);
  }
}

// Redis' replicaPutOnline, once r has its whole RDB (or, diskless, once the child sent it all).
void PutOnline(Replica& r) {
  if (r.rdb_only) {
    LogNotice("RDB transfer completed, rdb only replica ({}) should be disconnected asap", ReplicaName(r));
    r.state = ReplicaState::kRdbTransmitted;
    if (!g_pipe) CloseAfterSent(*r.client);
    return;
  }
  r.state = ReplicaState::kOnline;
  r.ack_time_s = NowS();  // no false timeout
  LogNotice("Synchronization with replica {} succeeded", ReplicaName(r));
}

bool ChildRunning() { return Rdb().child_pid != -1 || AofChildRunning(); }

// Redis' masterTryPartialResynchronization: true (and the backlog sent) when r can continue from offset.
bool TryPartialResync(Replica& r, std::string_view replid, int64_t offset) {
  const ReplicationState& st = Repl();
  if (replid != st.replid && (replid != st.replid2 || offset > st.second_replid_offset)) {
    if (replid != "?") {
      if (replid != st.replid2)
        LogNotice("Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '{}', my "
                  "replication IDs are '{}' and '{}')", replid, st.replid, st.replid2);
      else
        LogNotice("Partial resynchronization not accepted: Requested offset for second ID was {}, but I can "
                  "reply up to {}", offset, st.second_replid_offset);
    } else {
      LogNotice("Full resync requested by replica {}", ReplicaName(r));
    }
    return false;
  }
  if (!g_backlog || !g_backlog->Covers(offset)) {
    LogNotice("Unable to partial resync with replica {} for lack of backlog (Replica request was: {}).",
              ReplicaName(r), offset);
    if (offset > st.master_repl_offset)
      LogWarning("Warning: replica {} tried to PSYNC with an offset that is greater than the master replication "
                 "offset.", ReplicaName(r));
    return false;
  }
  r.attached = true;
  r.state = ReplicaState::kOnline;
  r.ack_time_s = NowS();
  r.client->flags |= kClientReplica;
  g_replicas.push_back(&r);
  std::string out = r.capa_psync2 ? fmt::format("+CONTINUE {}\r\n", st.replid) : std::string("+CONTINUE\r\n");
  size_t head = out.size();
  g_backlog->CopyFrom(offset, &out);
  Send(*r.client, out);
  LogNotice("Partial resynchronization request from {} accepted. Sending {} bytes of backlog starting from offset "
            "{}.", ReplicaName(r), out.size() - head, offset);
  return true;
}

// Sends r the next chunk of its RDB file once its output is written out (Redis' sendBulkToSlave); after the last
// one, the stream held back since the fork, and r is online.
void SendBulkChunk(Client& c) {
  Replica* r = AttachedReplica(c);
  if (!r || r->state != ReplicaState::kSendBulk) return;
  constexpr uint64_t kChunk = 256 * 1024;
  if (r->bulk_left > 0) {
    std::string& raw = c.out.raw();
    size_t at = raw.size();
    raw.resize(at + std::min(kChunk, r->bulk_left));
    ssize_t n = read(r->bulk_fd, raw.data() + at, raw.size() - at);
    if (n <= 0) {
      raw.resize(at);
      LogWarning("Read error sending DB to replica: {}", n < 0 ? strerror(errno) : "premature EOF");
      return CloseAfterSent(c);
    }
    raw.resize(at + static_cast<size_t>(n));
    r->bulk_left -= static_cast<uint64_t>(n);
    return;
  }
  close(r->bulk_fd);
  r->bulk_fd = -1;
  c.on_output_drained = nullptr;
  Send(c, r->pending);
  std::string().swap(r->pending);
  PutOnline(*r);
  if (!g_waiters.empty()) ServeWaiters();
}

}  // namespace

void SetReplicaListeningPort(Client& c, int64_t port) { LinkOf(c).listening_port = port; }

void SetReplicaAnnouncedIp(Client& c, std::string_view ip) { LinkOf(c).announced_ip = std::string(ip); }

void AddReplicaCapa(Client& c, std::string_view capa) {
  Replica& r = LinkOf(c);
  if (capa == "eof") r.capa_eof = true;
  if (capa == "psync2") r.capa_psync2 = true;
}

void SetReplicaRdbOnly(Client& c, bool on) { LinkOf(c).rdb_only = on; }

void ReplicaAck(Client& c, int64_t offset) {
  Replica* r = AttachedReplica(c);
  if (!r) return;
  if (offset > r->ack_offset) r->ack_offset = offset;
  r->ack_time_s = NowS();
  if (r->stream_on_ack) {  // the replica loaded its diskless RDB: the stream since the fork follows
    r->stream_on_ack = false;
    Send(c, r->pending);
    std::string().swap(r->pending);
  }
  if (!g_waiters.empty()) ServeWaiters();
}

void AttachReplica(Client& c, bool psync, std::string_view replid, int64_t offset) {
  Replica& r = LinkOf(c);
  LogNotice("Replica {} asks for synchronization", ReplicaName(r));
  if (psync) {
    if (TryPartialResync(r, replid, offset)) {
      ++Srv().stats.sync_partial_ok;
      return;
    }
    if (replid != "?") ++Srv().stats.sync_partial_err;
  } else {
    r.pre_psync = true;
  }
  ++Srv().stats.sync_full;
  r.attached = true;
  r.state = ReplicaState::kWaitBgsaveStart;
  c.flags |= kClientReplica;
  g_replicas.push_back(&r);
  if (g_replicas.size() == 1 && !g_backlog) CreateBacklog();
  r.wait_since_s = NowS();
  const ServerConfig& cfg = Cfg();
  if (Rdb().child_pid != -1 && Rdb().child_to_pipe) {
    LogNotice("Current BGSAVE has socket target. Waiting for next BGSAVE for SYNC");
  } else if (Rdb().child_pid != -1) {
    // A BGSAVE is writing to disk: join it if another replica waits for it (its stream since the fork is copied).
    auto other = std::find_if(g_replicas.begin(), g_replicas.end(),
                              [](const Replica* o) { return o->state == ReplicaState::kWaitBgsaveEnd; });
    if (other != g_replicas.end()) {
      r.pending = (*other)->pending;
      SetupFullResync(r, (*other)->initial_offset);
      LogNotice("Waiting for end of BGSAVE for SYNC");
    } else {
      LogNotice("Can't attach the replica to the current BGSAVE. Waiting for next BGSAVE for SYNC");
    }
  } else if (cfg.repl_diskless_sync && r.capa_eof && cfg.repl_diskless_sync_delay > 0) {
    // MasterCron starts the diskless transfer after repl-diskless-sync-delay, for every replica then waiting.
  } else if (AofChildRunning() || g_pipe) {
    LogNotice("No BGSAVE in progress, but another BG operation is active. BGSAVE for replication delayed");
  } else {
    StartBgsaveForReplication();
  }
}

void WaitForReplicas(Client& c, CmdArgs args, int64_t numreplicas, int64_t deadline_ms) {
  size_t acked = CountAcked(c.repl_woff);
  if (static_cast<int64_t>(acked) >= numreplicas || c.Has(kClientMulti) || !CanBlock(c)) {
    c.reply.Int(static_cast<int64_t>(acked));
    return;
  }
  g_waiters.push_back({&c, c.repl_woff, numreplicas});
  BlockOnEvent(c, args, deadline_ms, WaitEnded);
  // One GETACK for all the WAITs of this loop iteration, after them (Redis sends it from beforeSleep).
  if (!g_backlog || std::exchange(g_getack_pending, true)) return;
  asio::post(Io(), [] {
    g_getack_pending = false;
    if (g_backlog) FeedStream("*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n");
  });
}

namespace {
// min-replicas-to-write and min-replicas-max-lag are both set.
bool MinReplicasOn() { return Cfg().min_replicas_to_write > 0 && Cfg().min_replicas_max_lag > 0; }

// Online replicas that acknowledged within min-replicas-max-lag seconds.
int64_t GoodReplicaCount() {
  int64_t good = 0, now = NowS();
  for (const Replica* r : g_replicas)
    good += r->state == ReplicaState::kOnline && now - r->ack_time_s <= Cfg().min_replicas_max_lag;
  return good;
}
}  // namespace

bool EnoughGoodReplicas() {
  return IsReplica() || !MinReplicasOn() || GoodReplicaCount() >= Cfg().min_replicas_to_write;
}

size_t ReplicaCount() { return g_replicas.size(); }

uint64_t ReplicaBufferBytes() {
  uint64_t n = 0;
  for (const Replica* r : g_replicas) n += r->client->out.Capacity() + r->pending.capacity();
  return n;
}

uint64_t BacklogBytes() { return g_backlog ? g_backlog->size() : 0; }

void AppendReplicasInfo(std::string* out) {
  auto it = std::back_inserter(*out);
  fmt::format_to(it, "connected_slaves:{}\r\n", g_replicas.size());
  if (MinReplicasOn()) fmt::format_to(it, "min_slaves_good_slaves:{}\r\n", GoodReplicaCount());
  int64_t now = NowS();
  size_t i = 0;
  for (const Replica* r : g_replicas) {
    if (r->state == ReplicaState::kRdbTransmitted) continue;
    const char* state = r->state == ReplicaState::kOnline     ? "online"
                        : r->state == ReplicaState::kSendBulk ? "send_bulk"
                                                              : "wait_bgsave";
    fmt::format_to(it, "slave{}:ip={},port={},state={},offset={},lag={}\r\n", i++, ReplicaIp(*r), r->listening_port,
                   state, r->ack_offset, now - r->ack_time_s);
  }
}

void AppendBacklogInfo(std::string* out) {
  fmt::format_to(std::back_inserter(*out),
                 "repl_backlog_active:{}\r\nrepl_backlog_size:{}\r\nrepl_backlog_first_byte_offset:{}\r\n"
                 "repl_backlog_histlen:{}\r\n",
                 g_backlog ? 1 : 0, Cfg().repl_backlog_size, g_backlog ? g_backlog->first_offset() : 0,
                 g_backlog ? g_backlog->histlen() : 0);
}

void ReplyReplicaList(ReplyBuilder& reply) {
  size_t online = 0;
  for (const Replica* r : g_replicas) online += r->state == ReplicaState::kOnline;
  reply.Array(online);
  for (const Replica* r : g_replicas) {
    if (r->state != ReplicaState::kOnline) continue;
    reply.Array(3);
    reply.Bulk(ReplicaIp(*r));
    reply.Bulk(fmt::format_int(r->listening_port).str());
    reply.Bulk(fmt::format_int(r->ack_offset).str());
  }
}

bool OutputLimitApplies(const Client& c) {
  const Replica* r = AttachedReplica(c);
  return !r || (r->state == ReplicaState::kOnline && !r->stream_on_ack);
}

// repl-backlog-ttl: a master without replicas for that long frees its backlog (and takes a new ID), as Redis.
void FreeIdleBacklog() {
  const ServerConfig& cfg = Cfg();
  if (!g_backlog || cfg.repl_backlog_ttl == 0 || IsReplica()) return;
  if (g_no_replicas_since_s < 0) g_no_replicas_since_s = NowS();
  if (NowS() - g_no_replicas_since_s <= cfg.repl_backlog_ttl) return;
  NewReplicationHistory();
  SetPropagationSink(PropagationConsumer::kReplication, nullptr);
  g_backlog.reset();
  LogNotice("Replication backlog freed after {} seconds without connected replicas.", cfg.repl_backlog_ttl);
}

void MasterCron() {
  if (g_replicas.empty()) return FreeIdleBacklog();
  if (!ChildRunning() && !g_pipe) {
    // Redis' replicationStartPendingFork: a diskless transfer waits repl-diskless-sync-delay seconds for more
    // replicas (or until repl-diskless-sync-max-replicas wait).
    const ServerConfig& cfg = Cfg();
    int64_t waiting = 0, max_idle = 0;
    for (const Replica* r : g_replicas) {
      if (r->state != ReplicaState::kWaitBgsaveStart) continue;
      ++waiting;
      max_idle = std::max(max_idle, NowS() - r->wait_since_s);
    }
    if (waiting > 0 && (!cfg.repl_diskless_sync || max_idle >= cfg.repl_diskless_sync_delay ||
                        (cfg.repl_diskless_sync_max_replicas > 0 && waiting >= cfg.repl_diskless_sync_max_replicas)))
      StartBgsaveForReplication();
  }
  if (g_backlog && g_backlog->size() != static_cast<size_t>(Cfg().repl_backlog_size))
    g_backlog->Resize(static_cast<size_t>(Cfg().repl_backlog_size));

  int64_t now = NowS();
  if (now == g_last_second_s) return;
  g_last_second_s = now;
  const ServerConfig& cfg = Cfg();
  if (now - g_last_ping_s >= cfg.repl_ping_replica_period) {
    g_last_ping_s = now;
    FeedStream("*1\r\n$4\r\nping\r\n");  // lower case, as Redis
  }
  std::vector<Client*> timed_out;
  for (Replica* r : g_replicas) {
    if (r->state == ReplicaState::kWaitBgsaveStart || (r->state == ReplicaState::kWaitBgsaveEnd && !r->diskless)) {
      Send(*r->client, "\n");  // keeps the link alive while the RDB is prepared
    } else if (r->state == ReplicaState::kOnline && !r->pre_psync && now - r->ack_time_s > cfg.repl_timeout) {
      LogWarning("Disconnecting timedout replica (streaming sync): {}", ReplicaName(*r));
      timed_out.push_back(r->client);
    }
  }
  for (Client* c : timed_out) CloseReplica(*c);
}

void ReplicasBgsaveDone(bool ok, bool to_pipe) {
  std::vector<Client*> failed;
  for (Replica* r : g_replicas) {
    if (r->state != ReplicaState::kWaitBgsaveEnd) continue;
    if (!ok) {
      LogWarning("SYNC failed. BGSAVE child returned an error");
      failed.push_back(r->client);
      continue;
    }
    if (to_pipe) {
      LogNotice("Streamed RDB transfer with replica {} succeeded (socket). Waiting for REPLCONF ACK from replica to "
                "enable streaming", ReplicaName(*r));
      PutOnline(*r);
      r->stream_on_ack = r->state == ReplicaState::kOnline;
      continue;
    }
    int fd = open(Cfg().dbfilename.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
      LogWarning("SYNC failed. Can't open/stat DB after BGSAVE: {}", strerror(errno));
      if (fd >= 0) close(fd);
      failed.push_back(r->client);
      continue;
    }
    Client& c = *r->client;
    r->bulk_fd = fd;
    r->bulk_left = static_cast<uint64_t>(sb.st_size);
    r->state = ReplicaState::kSendBulk;
    c.on_output_drained = SendBulkChunk;
    Send(c, fmt::format("${}\r\n", sb.st_size));
  }
  for (Client* c : failed) CloseReplica(*c);
}

void DisconnectReplicas() {
  std::vector<Client*> all;
  for (Replica* r : g_replicas) all.push_back(r->client);
  for (Client* c : all) CloseReplica(*c);
  if (!g_backlog) return;
  SetPropagationSink(PropagationConsumer::kReplication, nullptr);
  g_backlog.reset();
}

void ForgetReplicationClient(Client& c) {
  auto it = g_links.find(&c);
  if (it == g_links.end()) return;
  Replica* r = it->second.get();
  if (r->attached) {
    LogWarning("Connection with replica {} lost.", ReplicaName(*r));
    if (r->bulk_fd >= 0) close(r->bulk_fd);
    bool pipe_target = PipeTarget(*r);
    bool was_waiting = r->state == ReplicaState::kWaitBgsaveEnd;
    Detach(*r);
    // The RDB child works for nobody now: a diskless transfer stops, and a BGSAVE too unless `save` wants it.
    bool others = std::any_of(g_replicas.begin(), g_replicas.end(),
                              [](const Replica* o) { return o->state == ReplicaState::kWaitBgsaveEnd; });
    if (was_waiting && !others && Rdb().child_pid != -1) {
      if (Rdb().child_to_pipe) {
        LogWarning("Diskless rdb transfer, last replica dropped, killing fork child.");
        RdbKillChild();
      } else if (Cfg().save.empty()) {
        RdbKillChild();
      }
    }
    if (pipe_target) ResumePipe(c);  // it may have been the one the pipe waited for
  }
  g_links.erase(it);
}

}  // namespace corvid
