// The master side of replication (Redis' replication.c, master half): replicas attach with SYNC/PSYNC; each
// gets a full resynchronization (+FULLRESYNC, the RDB a BGSAVE wrote to disk, then the writes made since the
// fork) or a partial one (+CONTINUE and the replication backlog from the offset it asks for); then every
// propagated write streams to it, with a PING every repl-ping-replica-period seconds. Replicas acknowledge
// with REPLCONF ACK; WAIT blocks until enough of them acknowledged a client's writes; min-replicas-to-write
// refuses writes while too few replicas are fresh.
//
// The backlog is created (with a new replication ID, as Redis) when the first replica attaches; until then
// no stream is produced and master_repl_offset stays where it is.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "commands/command.h"

namespace corvid {

class Client;
class ReplyBuilder;

// A circular buffer holding the last `size` bytes of the replication stream, as Redis' repl_backlog.
class ReplBacklog {
 public:
  // An empty backlog whose next byte will be at stream offset start_offset + 1.
  ReplBacklog(size_t size, int64_t start_offset);
  void Append(std::string_view data);
  // Redis' repl_backlog_first_byte_offset: offset of the oldest byte held (end_offset + 1 when empty).
  int64_t first_offset() const { return end_offset_ - static_cast<int64_t>(histlen_) + 1; }
  int64_t end_offset() const { return end_offset_; }
  size_t histlen() const { return histlen_; }
  size_t size() const { return buf_.size(); }
  // True when a replica asking for the stream from offset (its next byte) can be served from here.
  bool Covers(int64_t offset) const { return offset >= first_offset() && offset <= end_offset_ + 1; }
  // Appends the bytes from offset to the end to *out. REQUIRES: Covers(offset).
  void CopyFrom(int64_t offset, std::string* out) const;
  // Changes the capacity, keeping the newest bytes that fit.
  void Resize(size_t size);

 private:
  std::string buf_;
  size_t idx_ = 0;      // where the next byte goes
  size_t histlen_ = 0;  // bytes held
  int64_t end_offset_;  // stream offset of the newest byte
};

// REPLCONF listening-port / ip-address / capa from a client about to sync.
void SetReplicaListeningPort(Client& c, int64_t port);
void SetReplicaAnnouncedIp(Client& c, std::string_view ip);
void AddReplicaCapa(Client& c, std::string_view capa);
// REPLCONF rdb-only 1: the client wants the RDB and no stream (redis-cli --rdb); it is closed once sent.
void SetReplicaRdbOnly(Client& c, bool on);
// REPLCONF ACK <offset>: a replica processed the stream up to offset (ignored from other clients).
void ReplicaAck(Client& c, int64_t offset);

// SYNC (psync false) or PSYNC <replid> <offset>: attaches c as a replica, replying +CONTINUE and the backlog
// when a partial resynchronization is possible, else starting (or joining) a BGSAVE for a full one.
// REQUIRES: c is not a replica yet and has no pending output.
void AttachReplica(Client& c, bool psync, std::string_view replid, int64_t offset);

// WAIT numreplicas: replies at once when enough replicas acknowledged c's last write (or inside MULTI), else
// asks the replicas for ACKs and blocks c until they do or deadline_ms passes (0 = forever).
void WaitForReplicas(Client& c, CmdArgs args, int64_t numreplicas, int64_t deadline_ms);

// False when min-replicas-to-write / min-replicas-max-lag are set and too few replicas are fresh (-NOREPLICAS).
bool EnoughGoodReplicas();

// Attached replicas (online or syncing).
size_t ReplicaCount();
// Bytes held for replicas: their output buffers and the streams held back for them (not counted for maxmemory,
// as Redis), and the backlog's buffer.
uint64_t ReplicaBufferBytes();
uint64_t BacklogBytes();
// INFO replication's "connected_slaves" and "slaveN:" lines, and its repl_backlog_* lines.
void AppendReplicasInfo(std::string* out);
void AppendBacklogInfo(std::string* out);
// ROLE's list of online replicas: [ip, port, acked offset] each.
void ReplyReplicaList(ReplyBuilder& reply);

// True when client-output-buffer-limit applies to c's output (not while a replica is sent its RDB).
bool OutputLimitApplies(const Client& c);
// Once per cron tick: starts pending BGSAVEs for replicas, puts replicas whose RDB was sent online, and once
// a second sends keepalives, PINGs and drops replicas silent for repl-timeout.
void MasterCron();
// The RDB child ended (ok: it wrote everything). After a BGSAVE to disk the replicas waiting for it get the file
// and the stream since its fork; after a diskless transfer (to_pipe) they are online and get that stream after
// their first ACK.
void ReplicasBgsaveDone(bool ok, bool to_pipe);
// This server turns into a replica (Redis' disconnectSlaves in replicationSetMaster): its replicas are
// disconnected and the backlog freed (corvid does not serve replicas from a replica).
void DisconnectReplicas();
// A client disconnects: forgets it as a replica.
void ForgetReplicationClient(Client& c);

}  // namespace corvid
