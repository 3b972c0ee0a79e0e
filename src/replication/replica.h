// The replica side of replication: this server replicating a master (REPLICAOF host port). A non-blocking link on
// the event loop runs Redis' handshake (PING, AUTH, REPLCONF listening-port / capa, PSYNC), receives the
// snapshot of a full resync (a "$<len>" or diskless "$EOF:<mark>" RDB) into a temp file that becomes
// `dbfilename` and is loaded, then applies the master's command stream as a client flagged kClientMaster
// (no replies, except REPLCONF ACK for REPLCONF GETACK, and an ACK every second). When the link drops, the
// master's replid and offset are kept so the reconnection asks for a partial resync (PSYNC replid offset+1).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace corvid {

class Client;

// True while this server replicates a master (REPLICAOF host port in effect, link up or not).
bool IsReplica();
// True while a command received from the master runs: it may write on a read-only replica and sees logically
// expired keys (the master's DEL for them comes later).
bool ApplyingMasterStream();
// True when the link to the master is up and synced (ROLE state "connected", master_link_status:up).
bool MasterLinkUp();

// Db::SetExpire on a replica: a writable replica's own clients' keys with a TTL are remembered, to be expired by
// ExpireReplicaKeys (the master's keys wait for its DEL).
void RememberReplicaKeyWithExpire(int db, std::string_view key);
// The replica's active expiry (Redis' expireSlaveKeys), from the cron: deletes the remembered keys whose TTL
// passed, for about a millisecond at most.
void ExpireReplicaKeys();

// REPLICAOF host port: replicates host:port from now on (dropping the current master, if any). False when it is
// the master already replicated (nothing done). by: the client asking, for the log line.
bool ReplicaOfMaster(const std::string& host, int port, const Client& by);
// REPLICAOF NO ONE: becomes a master; the master's replid becomes replid2 (valid up to offset + 1) and a new
// replid is drawn. Nothing happens when this server is a master already.
void ReplicaOfNoOne(const Client& by);
// CLIENT KILL of the master client: the link drops (and reconnects at once, asking for a partial resync).
void KillMasterClient();
// Start-up: begins replicating Cfg().replicaof when it names a master, offering the replication ID and offset the
// loaded RDB file recorded (Rdb().loaded_repl_*) for a partial resync.
void StartReplicationFromConfig();

// True when an RDB saved now records the replication position (aux fields repl-id / repl-offset from Repl(), and
// *stream_db, the master stream's selected database): on a replica that synced with its master.
bool ReplicaSaveInfo(int* stream_db);

// INFO replication's replica lines, from master_host to replica_announced.
void AppendReplicaInfo(std::string* out);
// ROLE on a replica: ["slave", host, port, state, offset].
void ReplyReplicaRole(Client& c);

}  // namespace corvid
