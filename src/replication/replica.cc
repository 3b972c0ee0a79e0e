#include "replication/replica.h"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <asio.hpp>
#include <cstdio>
#include <memory>
#include <set>
#include <string_view>
#include <vector>

#include "acl/acl.h"
#include "commands/client_info.h"
#include "commands/cmd_util.h"
#include "commands/dispatcher.h"
#include "net/client.h"
#include "net/listener.h"
#include "net/poller.h"
#include "persistence/aof.h"
#include "persistence/rdb.h"
#include "protocol/resp_parser.h"
#include "replication/master.h"
#include "replication/replication.h"
#include "server/propagate.h"
#include "server/config.h"
#include "server/log.h"
#include "server/server.h"

namespace corvid {

namespace {

// Redis' repl_state, as far as ROLE tells them apart.
enum class LinkState { kNone, kConnect, kConnecting, kHandshake, kTransfer, kConnected };

class Link;

struct ReplicaState {
  std::string host;  // empty: this server is a master
  int port = 0;
  LinkState state = LinkState::kNone;
  std::shared_ptr<Link> link;  // the current connection attempt or synced link
  // The master's replication ID and the offset applied from it: of the link when connected, else of the cached
  // master (kept to ask for a partial resync). has_cached: there is one.
  std::string master_replid;
  int64_t reploff = 0, read_reploff = 0;
  int master_db = 0;  // the database the master's stream has selected (kept across a partial resync)
  bool has_cached = false;
  int64_t down_since_s = 0;   // when the synced link last went down (0: never)
  int64_t last_io_ms = 0;     // last data from the master (handshake, transfer, stream)
  int64_t transfer_size = -1, transfer_read = 0;  // the snapshot being received (-1: no header yet, 0: EOF mark)
  bool applying = false;
  std::unique_ptr<asio::steady_timer> cron;
  std::set<std::pair<int, std::string>> keys_with_expire;  // a writable replica's own keys with a TTL
};

ReplicaState& g = *new ReplicaState;  // never destroyed: its socket and timer must not outlive the event loop

int64_t NowS() { return Srv().now_ms / 1000; }
bool IsErrorLine(const std::string& line) { return !line.empty() && line[0] == '-'; }

void StartConnect();
// Drops the link after an error or timeout: a synced link reconnects at once, an attempt on the next cron.
void LinkLost();

// One connection to the master: handshake, snapshot transfer, then the command stream.
class Link : public std::enable_shared_from_this<Link> {
 public:
  Link() : sock_(Io()), resolver_(Io()), pause_timer_(Io()) {}
  ~Link() { CloseTemp(true); }

  void Start();
  // Closes the socket; callbacks still queued see that the link is no longer current and do nothing.
  void Stop() {
    asio::error_code ec;
    resolver_.cancel();
    pause_timer_.cancel();
    sock_.close(ec);
    if (master_registered_) UnregisterClient(*master_);
    master_registered_ = false;
  }
  void Send(std::string_view data);
  // REPLCONF ACK <applied offset>.
  void SendAck() { Send(Command({"REPLCONF", "ACK", std::to_string(g.reploff)})); }

 private:
  enum class Step { kPing, kAuth, kPort, kIp, kCapa, kPsync, kBulkHeader, kBulkBody, kStream };

  bool Current() const { return g.link.get() == this; }
  static std::string Command(std::initializer_list<std::string_view> args) {
    std::string out;
    AppendRespCommand(&out, std::span<const std::string_view>(args.begin(), args.size()));
    return out;
  }
  void Read();
  void Write();
  // Consumes what the buffer holds for the current step; false when the link was dropped.
  bool Process();
  // Takes one CRLF-terminated line out of the buffer (without the CRLF); false when none is whole yet.
  bool TakeLine(std::string* line);
  bool OnPingReply(const std::string& line);
  void SendHandshake();
  void SendPsync();
  bool OnPsyncReply(const std::string& line);
  bool OnBulkHeader(const std::string& line);
  bool ReceiveBulk();
  bool LoadSnapshot();
  void BecomeConnected();
  bool ApplyStream();
  // CLIENT PAUSE holds the master's commands back as any client's (Redis pauses its master client too): the
  // stream is applied again once the pause ends.
  void RetryAfterPause();
  void CloseTemp(bool remove);
  // Gives up this attempt: the cron connects again (state connect).
  bool Fail();

  asio::ip::tcp::socket sock_;
  asio::ip::tcp::resolver resolver_;
  asio::steady_timer pause_timer_;  // while CLIENT PAUSE holds the stream back: looks again every 10 ms
  char chunk_[64 * 1024];
  std::string in_;
  std::string out_, writing_buf_;
  bool writing_ = false;
  Step step_ = Step::kPing;
  // Snapshot transfer.
  int tmp_fd_ = -1;
  std::string tmp_name_;
  std::string eof_mark_;  // 40 bytes in diskless ($EOF:) mode, else empty
  std::string tail_;      // the last bytes received, to find the mark
  int64_t bulk_left_ = 0;
  std::string new_replid_;
  int64_t new_offset_ = 0;
  // Command stream.
  std::unique_ptr<Client> master_;
  bool master_registered_ = false;  // master_ is in Srv().clients
  size_t executed_ = 0;  // bytes at the start of in_ already run (an open transaction's)
  RespParser parser_;
  std::vector<std::string_view> argv_;
};

void Link::Start() {
  g.state = LinkState::kConnecting;
  g.last_io_ms = Srv().now_ms;
  auto self = shared_from_this();
  resolver_.async_resolve(g.host, std::to_string(g.port), [self](const asio::error_code& ec, auto results) {
    if (!self->Current()) return;
    if (ec) {
      LogWarning("Unable to connect to MASTER: {}", ec.message());
      self->Fail();
      return;
    }
    asio::async_connect(self->sock_, results, [self](const asio::error_code& ec2, const auto&) {
      if (!self->Current()) return;
      if (ec2) {
        LogWarning("Error condition on socket for SYNC: {}", ec2.message());
        self->Fail();
        return;
      }
      LogNotice("Non blocking connect for SYNC fired the event.");
      asio::error_code ignored;
      self->sock_.set_option(asio::ip::tcp::no_delay(true), ignored);
      g.state = LinkState::kHandshake;
      self->step_ = Step::kPing;
      self->Send(Command({"PING"}));
      self->Read();
    });
  });
}

void Link::Send(std::string_view data) {
  out_.append(data);
  if (!writing_) Write();
}

void Link::Write() {
  if (out_.empty()) return;
  writing_ = true;
  writing_buf_.swap(out_);
  out_.clear();
  auto self = shared_from_this();
  asio::async_write(sock_, asio::buffer(writing_buf_), [self](const asio::error_code& ec, size_t n) {
    self->writing_ = false;
    self->writing_buf_.clear();
    if (!self->Current()) return;
    if (ec) {
      self->Fail();
      return;
    }
    if (self->step_ == Step::kStream) Srv().stats.net_output_bytes += n;  // ACKs; the handshake is not counted
    self->Write();
  });
}

void Link::Read() {
  auto self = shared_from_this();
  sock_.async_read_some(asio::buffer(chunk_), [self](const asio::error_code& ec, size_t n) {
    if (!self->Current()) return;
    if (ec) {
      if (self->step_ == Step::kBulkBody)
        LogWarning("I/O error trying to sync with MASTER: {}",
                   ec == asio::error::eof ? "connection lost" : ec.message());
      self->Fail();
      return;
    }
    UpdateClock();
    g.last_io_ms = Srv().now_ms;
    self->in_.append(self->chunk_, n);
    if (self->Process()) self->Read();
  });
}

bool Link::TakeLine(std::string* line) {
  size_t nl = in_.find('\n');
  if (nl == std::string::npos) return false;
  size_t end = nl > 0 && in_[nl - 1] == '\r' ? nl - 1 : nl;
  line->assign(in_, 0, end);
  in_.erase(0, nl + 1);
  return true;
}

bool Link::Process() {
  std::string line;
  for (;;) {
    switch (step_) {
      case Step::kBulkBody:
        return ReceiveBulk();
      case Step::kStream:
        return ApplyStream();
      default:
        break;
    }
    if (!TakeLine(&line)) return true;
    bool ok = true;
    switch (step_) {
      case Step::kPing:
        ok = OnPingReply(line);
        break;
      case Step::kAuth:
        if (IsErrorLine(line)) {
          LogWarning("Unable to AUTH to MASTER: {}", line);
          return Fail();
        }
        step_ = Step::kPort;
        break;
      case Step::kPort:
        if (IsErrorLine(line)) LogNotice("(Non critical) Master does not understand REPLCONF listening-port: {}", line);
        step_ = Cfg().replica_announce_ip.empty() ? Step::kCapa : Step::kIp;
        break;
      case Step::kIp:
        if (IsErrorLine(line)) LogNotice("(Non critical) Master does not understand REPLCONF ip-address: {}", line);
        step_ = Step::kCapa;
        break;
      case Step::kCapa:
        if (IsErrorLine(line)) LogNotice("(Non critical) Master does not understand REPLCONF capa: {}", line);
        SendPsync();
        break;
      case Step::kPsync:
        ok = OnPsyncReply(line);
        break;
      case Step::kBulkHeader:
        ok = OnBulkHeader(line);
        break;
      default:
        break;
    }
    if (!ok) return false;
  }
}

bool Link::OnPingReply(const std::string& line) {
  // An error other than an authentication one means the master cannot serve us now.
  if (line.empty()) return true;
  if (line[0] == '-' && line.compare(0, 7, "-NOAUTH") != 0 && line.compare(0, 7, "-NOPERM") != 0 &&
      line.compare(0, 27, "-ERR operation not permitted") != 0) {
    LogWarning("Error reply to PING from master: '{}'", line);
    return Fail();
  }
  LogNotice("Master replied to PING, replication can continue...");
  SendHandshake();
  return true;
}

void Link::SendHandshake() {
  const ServerConfig& cfg = Cfg();
  std::string out;
  if (!cfg.masterauth.empty()) {
    out += cfg.masteruser.empty() ? Command({"AUTH", cfg.masterauth})
                                  : Command({"AUTH", cfg.masteruser, cfg.masterauth});
  }
  int64_t port = cfg.replica_announce_port ? cfg.replica_announce_port : cfg.port;
  out += Command({"REPLCONF", "listening-port", std::to_string(port)});
  if (!cfg.replica_announce_ip.empty()) out += Command({"REPLCONF", "ip-address", cfg.replica_announce_ip});
  out += Command({"REPLCONF", "capa", "eof", "capa", "psync2"});
  Send(out);
  step_ = cfg.masterauth.empty() ? Step::kPort : Step::kAuth;
}

void Link::SendPsync() {
  if (g.has_cached) {
    std::string off = std::to_string(g.reploff + 1);
    LogNotice("Trying a partial resynchronization (request {}:{}).", g.master_replid, off);
    Send(Command({"PSYNC", g.master_replid, off}));
  } else {
    LogNotice("Partial resynchronization not possible (no cached master)");
    Send(Command({"PSYNC", "?", "-1"}));
  }
  step_ = Step::kPsync;
}

bool Link::OnPsyncReply(const std::string& line) {
  if (line.empty()) return true;  // newlines keep the link alive until the master answers
  if (line.rfind("+FULLRESYNC", 0) == 0) {
    char id[41] = {0};
    long long off = 0;
    if (sscanf(line.c_str() + 11, " %40s %lld", id, &off) != 2 || strlen(id) != 40) {
      LogWarning("Master replied with wrong +FULLRESYNC syntax.");
      return Fail();
    }
    new_replid_ = id;
    new_offset_ = off;
    LogNotice("Full resync from master: {}:{}", new_replid_, new_offset_);
    g.state = LinkState::kTransfer;
    g.transfer_size = -1;
    g.transfer_read = 0;
    tmp_name_ = fmt::format("temp-{}.{}.tmp", NowS(), getpid());
    tmp_fd_ = open(tmp_name_.c_str(), O_CREAT | O_WRONLY | O_EXCL | O_TRUNC, 0644);
    if (tmp_fd_ < 0) {
      LogWarning("Opening the temp file needed for MASTER <-> REPLICA synchronization: {}", strerror(errno));
      return Fail();
    }
    step_ = Step::kBulkHeader;
    return true;
  }
  if (line.rfind("+CONTINUE", 0) == 0) {
    LogNotice("Successful partial resynchronization with master.");
    std::string_view rest = std::string_view(line).substr(9);
    while (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
    if (rest.size() >= 40 && rest.substr(0, 40) != g.master_replid) {
      // The master changed ID (it was promoted): our history up to here stays valid under the old one.
      ReplicationState& r = Repl();
      r.replid2 = g.master_replid;
      r.second_replid_offset = g.reploff + 1;
      g.master_replid = std::string(rest.substr(0, 40));
      r.replid = g.master_replid;
      LogNotice("Master replication ID changed to {}", g.master_replid);
    }
    g.has_cached = false;
    LogNotice("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
    BecomeConnected();
    return ApplyStream();
  }
  if (line.rfind("-NOMASTERLINK", 0) == 0 || line.rfind("-LOADING", 0) == 0) {
    LogNotice("Master is currently unable to PSYNC but should be in the future: {}", line);
    return Fail();
  }
  LogWarning("Unexpected reply to PSYNC from master: {}", line);
  return Fail();
}

bool Link::OnBulkHeader(const std::string& line) {
  if (line.empty()) return true;  // a newline: the master is still producing the snapshot
  if (IsErrorLine(line)) {
    LogWarning("MASTER aborted replication with an error: {}", line.substr(1));
    return Fail();
  }
  if (line[0] != '$') {
    LogWarning("Bad protocol from MASTER, the first byte is not '$' (we received '{}'), are you sure the host and "
               "port are right?", line);
    return Fail();
  }
  if (line.rfind("$EOF:", 0) == 0 && line.size() >= 5 + 40) {
    eof_mark_ = line.substr(5, 40);
    g.transfer_size = 0;  // as Redis: the size is unknown, the byte count still goes up
    LogNotice("MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk");
  } else {
    bulk_left_ = strtoll(line.c_str() + 1, nullptr, 10);
    g.transfer_size = bulk_left_;
    LogNotice("MASTER <-> REPLICA sync: receiving {} bytes from master to disk", bulk_left_);
  }
  step_ = Step::kBulkBody;
  return true;
}

bool Link::ReceiveBulk() {
  size_t take = eof_mark_.empty() ? std::min<size_t>(in_.size(), static_cast<size_t>(bulk_left_)) : in_.size();
  if (take > 0) {
    if (write(tmp_fd_, in_.data(), take) != static_cast<ssize_t>(take)) {
      LogWarning("Write error or short write writing to the DB dumped on disk during MASTER <-> REPLICA "
                 "synchronization: {}", strerror(errno));
      return Fail();
    }
    g.transfer_read += static_cast<int64_t>(take);
    // As Redis: the snapshot and the stream count as replication input, the handshake's replies not at all.
    Srv().stats.net_repl_input_bytes += take;
    if (eof_mark_.empty()) {
      bulk_left_ -= static_cast<int64_t>(take);
    } else {
      tail_.append(in_, 0, take);
      if (tail_.size() > eof_mark_.size()) tail_.erase(0, tail_.size() - eof_mark_.size());
    }
    in_.erase(0, take);
  }
  bool done = eof_mark_.empty() ? bulk_left_ == 0 : tail_ == eof_mark_;
  if (!done) return true;
  // In EOF mode the mark was written to the file too: cut it off.
  if (!eof_mark_.empty() && ftruncate(tmp_fd_, g.transfer_read - static_cast<int64_t>(eof_mark_.size())) != 0) {
    LogWarning("Error truncating the RDB file received from the master for SYNC: {}", strerror(errno));
    return Fail();
  }
  if (!LoadSnapshot()) return false;
  // In EOF mode the master waits for a first ACK to start the stream.
  if (!eof_mark_.empty()) SendAck();
  return ApplyStream();
}

bool Link::LoadSnapshot() {
  if (fsync(tmp_fd_) != 0) {
    LogWarning("Failed trying to sync the temp DB to disk in MASTER <-> REPLICA synchronization: {}", strerror(errno));
    return Fail();
  }
  CloseTemp(false);
  const std::string& target = Cfg().dbfilename;
  if (rename(tmp_name_.c_str(), target.c_str()) != 0) {
    LogWarning("Failed trying to rename the temp DB into {} in MASTER <-> REPLICA synchronization: {}", target,
               strerror(errno));
    unlink(tmp_name_.c_str());
    return Fail();
  }
  if (g.has_cached) {
    LogNotice("Discarding previously cached master state.");
    g.has_cached = false;
  }
  bool aof_on = Cfg().appendonly;
  if (aof_on) AofDisable();  // the AOF is written again from the new dataset (Redis' restartAOFAfterSYNC)
  LogNotice("MASTER <-> REPLICA sync: Flushing old data");
  for (auto& db : Srv().dbs) db->Clear(Cfg().replica_lazy_flush);
  LogNotice("MASTER <-> REPLICA sync: Loading DB in memory");
  std::string err;
  // Clients are served between chunks (most commands get -LOADING), as Redis' processEventsWhileBlocked; the
  // link itself is not read meanwhile.
  auto serve_clients = [](size_t) {
    UpdateClock();
    g.last_io_ms = Srv().now_ms;
    AcceptWaitingConnections();
    PollerServeWhileBusy();
  };
  if (!RdbLoadFile(target, &err, /*keep_expired=*/true, serve_clients)) {
    LogWarning("{}", err);
    LogWarning("Failed trying to load the MASTER synchronization DB from disk, check server logs.");
    if (aof_on && !AofEnable()) LogWarning("Failed enabling the AOF after successful master synchronization!");
    return Fail();
  }
  g.master_replid = new_replid_;
  g.reploff = g.read_reploff = new_offset_;
  g.master_db = 0;  // the master starts the stream with a SELECT
  ReplicationState& r = Repl();
  r.replid = new_replid_;
  r.master_repl_offset = new_offset_;
  r.replid2 = std::string(40, '0');
  r.second_replid_offset = -1;
  LogNotice("MASTER <-> REPLICA sync: Finished with success");
  if (aof_on && !AofEnable()) LogWarning("Failed enabling the AOF after successful master synchronization!");
  BecomeConnected();
  return true;
}

void Link::BecomeConnected() {
  master_ = std::make_unique<Client>();
  RegisterClient(*master_);  // listed by CLIENT LIST (flags=M), CLIENT KILL TYPE MASTER drops the link
  master_registered_ = true;
  master_->flags |= kClientMaster;
  master_->SelectDb(g.master_db);
  master_->user = acl::UnrestrictedUser();
  master_->authenticated = true;
  master_->fd = sock_.native_handle();
  asio::error_code ec;
  auto remote = sock_.remote_endpoint(ec), local = sock_.local_endpoint(ec);
  master_->addr = fmt::format("{}:{}", remote.address().to_string(), remote.port());
  master_->laddr = fmt::format("{}:{}", local.address().to_string(), local.port());
  parser_.Reset();
  g.state = LinkState::kConnected;
  step_ = Step::kStream;
  g.read_reploff = g.reploff;  // ApplyStream counts what the buffer holds
}

bool Link::ApplyStream() {
  // in_ starts at the applied offset (g.reploff); executed_ bytes of it ran already but belong to a transaction
  // not closed yet: the applied offset moves past a transaction only once its EXEC ran, as in Redis.
  auto self = shared_from_this();
  RespParser::Limits lim;
  lim.max_bulk_len = Cfg().proto_max_bulk_len;
  int64_t base = g.reploff;
  size_t applied = 0;
  int64_t read_now = base + static_cast<int64_t>(in_.size());
  Srv().stats.net_repl_input_bytes += read_now - g.read_reploff;
  g.read_reploff = read_now;
  while (executed_ < in_.size() && Current()) {
    size_t consumed = 0;
    RespParser::Result r = parser_.Parse(in_.data() + executed_, in_.size() - executed_, lim, &consumed);
    if (r == RespParser::Result::kIncomplete) break;
    if (r == RespParser::Result::kError) {
      LogWarning("Protocol error ({}) from master: closing the link", parser_.error());
      return Fail();
    }
    if (r == RespParser::Result::kCommand) {
      parser_.Args(in_.data() + executed_, &argv_);
      if (Srv().clients_paused_until_ms && (ClientIsPaused(*master_) || WriteIsPaused(*master_, argv_))) {
        RetryAfterPause();  // parsed again then
        break;
      }
      if (argv_.size() == 3 && Is(argv_[0], "replconf") && Is(argv_[1], "getack")) {
        SendAck();
      } else {
        g.applying = true;
        Dispatch(*master_, argv_);
        g.applying = false;
        std::string& out = master_->out.raw();
        if (!out.empty() && out[0] == '-')
          LogWarning("== CRITICAL == This replica is sending an error to its master: '{}' after processing the "
                     "command '{}'", out.substr(1, out.find('\r') - 1), argv_[0]);
        out.clear();
      }
    }
    executed_ += consumed;
    if (!master_->Has(kClientMulti)) {
      applied = executed_;
      g.reploff = base + static_cast<int64_t>(applied);
      Repl().master_repl_offset = g.reploff;
    }
  }
  if (!Current()) return false;
  if (AofHasPending()) AofWritePending();  // as Redis' beforeSleep: the applied writes reach the AOF now
  g.master_db = master_->db_index();
  in_.erase(0, applied);
  executed_ -= applied;
  master_->last_interaction_ms = Srv().now_ms;
  return true;
}

void Link::RetryAfterPause() {
  auto self = shared_from_this();
  pause_timer_.expires_after(std::chrono::milliseconds(10));
  pause_timer_.async_wait([self](const asio::error_code& ec) {
    if (ec || !self->Current()) return;
    UpdateClock();
    self->ApplyStream();
  });
}

void Link::CloseTemp(bool remove) {
  if (tmp_fd_ < 0) return;
  close(tmp_fd_);
  tmp_fd_ = -1;
  if (remove) unlink(tmp_name_.c_str());
}

bool Link::Fail() {
  if (!Current()) return false;
  LinkLost();
  return false;
}

// Closes the current link (or connection attempt). A synced master's replid and offset are kept for PSYNC.
void DropLink() {
  if (!g.link) return;
  std::shared_ptr<Link> link = std::move(g.link);
  link->Stop();
  if (g.state != LinkState::kConnected) return;
  LogWarning("Connection with master lost.");
  LogNotice("Caching the disconnected master state.");
  g.has_cached = true;
  g.down_since_s = NowS();
}

void LinkLost() {
  bool connected = g.state == LinkState::kConnected;
  DropLink();
  g.state = LinkState::kConnect;
  if (connected && !g.host.empty()) {
    // Reconnect at once rather than in a second: the master's backlog may not keep our offset for long.
    LogNotice("Reconnecting to MASTER {}:{}", g.host, g.port);
    StartConnect();
  }
}

void StartConnect() {
  g.link = std::make_shared<Link>();
  g.link->Start();
  LogNotice("MASTER <-> REPLICA sync started");
}

// Once a second (Redis' replicationCron): connects when due, times out a silent master, sends the ACK.
void Cron() {
  if (g.host.empty()) return;
  UpdateClock();
  int64_t idle_s = (Srv().now_ms - g.last_io_ms) / 1000;
  int64_t timeout = Cfg().repl_timeout;
  switch (g.state) {
    case LinkState::kConnecting:
    case LinkState::kHandshake:
      if (idle_s > timeout) {
        LogWarning("Timeout connecting to the MASTER...");
        LinkLost();
      }
      break;
    case LinkState::kTransfer:
      if (idle_s > timeout) {
        LogWarning("Timeout receiving bulk data from MASTER... If the problem persists try to set the "
                   "'repl-timeout' parameter in redis.conf to a larger value.");
        LinkLost();
      }
      break;
    case LinkState::kConnected:
      if (idle_s > timeout) {
        LogWarning("MASTER timeout: no data nor PING received...");
        LinkLost();
      } else {
        g.link->SendAck();
      }
      break;
    case LinkState::kConnect:
      LogNotice("Connecting to MASTER {}:{}", g.host, g.port);
      StartConnect();
      break;
    case LinkState::kNone:
      break;
  }
}

void ScheduleCron() {
  if (!g.cron) g.cron = std::make_unique<asio::steady_timer>(Io());
  g.cron->expires_after(std::chrono::seconds(1));
  g.cron->async_wait([](const asio::error_code& ec) {
    if (ec || g.host.empty()) return;
    Cron();
    ScheduleCron();
  });
}

// Points the replica at host:port and connects (Redis' replicationSetMaster). offer_history: a server that was a
// master offers its own replication ID and offset for a partial resync (not at a start-up without them).
void SetMaster(const std::string& host, int port, bool offer_history) {
  bool was_master = g.host.empty();
  DisconnectReplicas();
  DropLink();
  g.host = host;
  g.port = port;
  Cfg().replicaof.host = host;
  Cfg().replicaof.port = port;
  if (was_master && offer_history) {
    // Our own history may be the new master's: offer it for a partial resync.
    LogNotice("Before turning into a replica, using my own master parameters to synthesize a cached master: I may "
              "be able to synchronize with the new master with just a partial transfer.");
    g.master_replid = Repl().replid;
    g.reploff = g.read_reploff = Repl().master_repl_offset;
    g.has_cached = true;
  }
  if (was_master) ScheduleCron();
  g.state = LinkState::kConnect;
  LogNotice("Connecting to MASTER {}:{}", host, port);
  StartConnect();
}

}  // namespace

bool IsReplica() { return !g.host.empty(); }
bool ApplyingMasterStream() { return g.applying; }
bool MasterLinkUp() { return g.state == LinkState::kConnected; }

bool ReplicaOfMaster(const std::string& host, int port, const Client& by) {
  if (!g.host.empty() && Is(g.host, host) && g.port == port) {
    LogNotice("REPLICAOF would result into synchronization with the master we are already connected with. No "
              "operation performed.");
    return false;
  }
  SetMaster(host, port, true);
  LogNotice("REPLICAOF {}:{} enabled (user request from '{}')", host, port, ClientInfoLine(by));
  return true;
}

void ReplicaOfNoOne(const Client& by) {
  if (g.host.empty()) return;
  DropLink();
  g.host.clear();
  g.port = 0;
  Cfg().replicaof.host.clear();
  Cfg().replicaof.port = 0;
  if (g.has_cached) LogNotice("Discarding previously cached master state.");
  g.has_cached = false;
  g.state = LinkState::kNone;
  g.keys_with_expire.clear();  // the master's active expiry takes them over
  if (g.cron) g.cron->cancel();
  // Redis' shiftReplicationId: the old history stays valid for PSYNC up to here under replid2.
  ReplicationState& r = Repl();
  r.replid2 = r.replid;
  r.second_replid_offset = r.master_repl_offset + 1;
  NewReplicationId();
  LogWarning("Setting secondary replication ID to {}, valid up to offset: {}. New replication ID is {}", r.replid2,
             r.second_replid_offset, r.replid);
  LogNotice("MASTER MODE enabled (user request from '{}')", ClientInfoLine(by));
}

void KillMasterClient() {
  if (g.state == LinkState::kConnected) LinkLost();
}

void StartReplicationFromConfig() {
  const ReplicaOf& ro = Cfg().replicaof;
  if (ro.host.empty()) return;
  const RdbState& rdb = Rdb();
  bool history = !rdb.loaded_repl_id.empty() && rdb.loaded_repl_offset >= 0 && rdb.loaded_repl_stream_db >= 0 &&
                 rdb.loaded_repl_stream_db < static_cast<int64_t>(Srv().dbs.size());
  if (history) {
    Repl().replid = rdb.loaded_repl_id;
    Repl().master_repl_offset = rdb.loaded_repl_offset;
    g.master_db = static_cast<int>(rdb.loaded_repl_stream_db);
  }
  SetMaster(ro.host, static_cast<int>(ro.port), history);  // without a recorded position: PSYNC ? -1
}

void RememberReplicaKeyWithExpire(int db, std::string_view key) {
  if (g.applying || Cfg().replica_read_only || Rdb().loading) return;
  g.keys_with_expire.emplace(db, std::string(key));
}

void ExpireReplicaKeys() {
  // Each call goes on from where the previous one stopped, so a long list is covered over several ticks.
  static std::pair<int, std::string> resume_at;
  std::set<std::pair<int, std::string>>& keys = g.keys_with_expire;
  int64_t deadline = MonotonicUs() + 1000;
  auto it = keys.lower_bound(resume_at);
  for (size_t checked = 0; checked < keys.size(); ++checked) {
    if (it == keys.end()) it = keys.begin();
    if (static_cast<size_t>(it->first) < Srv().dbs.size() && GetDb(it->first).ExpireIfDue(it->second))
      ++it;
    else
      it = keys.erase(it);
    if (checked % 64 == 63 && MonotonicUs() > deadline) break;
  }
  resume_at = it == keys.end() ? std::pair<int, std::string>() : *it;
}

bool ReplicaSaveInfo(int* stream_db) {
  if (g.host.empty() || (g.state != LinkState::kConnected && !g.has_cached)) return false;
  *stream_db = g.master_db;
  return true;
}

void AppendReplicaInfo(std::string* out) {
  int64_t now_s = NowS();
  auto o = std::back_inserter(*out);
  bool linked = g.state == LinkState::kConnected;
  bool has_offsets = linked || g.has_cached;
  fmt::format_to(o,
                 "master_host:{}\r\nmaster_port:{}\r\nmaster_link_status:{}\r\nmaster_last_io_seconds_ago:{}\r\n"
                 "master_sync_in_progress:{}\r\nslave_read_repl_offset:{}\r\nslave_repl_offset:{}\r\n",
                 g.host, g.port, linked ? "up" : "down", linked ? (Srv().now_ms - g.last_io_ms) / 1000 : -1,
                 g.state == LinkState::kTransfer ? 1 : 0, has_offsets ? g.read_reploff : 1,
                 has_offsets ? g.reploff : 1);
  if (g.state == LinkState::kTransfer) {
    double perc = g.transfer_size ? static_cast<double>(g.transfer_read) / static_cast<double>(g.transfer_size) * 100 : 0;
    fmt::format_to(o,
                   "master_sync_total_bytes:{}\r\nmaster_sync_read_bytes:{}\r\nmaster_sync_left_bytes:{}\r\n"
                   "master_sync_perc:{:.2f}\r\nmaster_sync_last_io_seconds_ago:{}\r\n",
                   g.transfer_size, g.transfer_read, g.transfer_size - g.transfer_read, perc,
                   (Srv().now_ms - g.last_io_ms) / 1000);
  }
  if (!linked) fmt::format_to(o, "master_link_down_since_seconds:{}\r\n", g.down_since_s ? now_s - g.down_since_s : -1);
  const ServerConfig& cfg = Cfg();
  fmt::format_to(o, "slave_priority:{}\r\nslave_read_only:{}\r\nreplica_announced:{}\r\n", cfg.replica_priority,
                 cfg.replica_read_only ? 1 : 0, cfg.replica_announced ? 1 : 0);
}

void ReplyReplicaRole(Client& c) {
  static constexpr const char* kStates[] = {"none", "connect", "connecting", "handshake", "sync", "connected"};
  c.reply.Array(5);
  c.reply.Bulk("slave");
  c.reply.Bulk(g.host);
  c.reply.Int(g.port);
  c.reply.Bulk(kStates[static_cast<int>(g.state)]);
  c.reply.Int(g.state == LinkState::kConnected ? g.reploff : -1);
}

}  // namespace corvid
