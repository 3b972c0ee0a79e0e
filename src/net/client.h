// Per-connection client state seen by command handlers: reply builder, selected db, identity, flags.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/reply_builder.h"

namespace corvid {

class Db;
struct Command;
namespace acl {
struct User;
}
class Connection;

// The commands queued after MULTI, their arguments packed back to back in one buffer that keeps its capacity
// across transactions (queueing allocates nothing once warm).
class QueuedCommands {
 public:
  void Push(std::span<const std::string_view> argv);
  // Sets *argv to the arguments of command i; the views stay valid until the next Push or Clear.
  void Get(size_t i, std::vector<std::string_view>* argv) const;
  size_t size() const { return cmd_first_arg_.size(); }
  void Clear();
  // Bytes the queued commands take (0 when none are queued; the kept capacity is not counted).
  size_t MemoryBytes() const {
    return bytes_.size() + (arg_end_.size() + cmd_first_arg_.size()) * sizeof(size_t);
  }

 private:
  std::string bytes_;
  std::vector<size_t> arg_end_;          // end offset in bytes_ of each argument
  std::vector<size_t> cmd_first_arg_;    // index in arg_end_ of each command's first argument
};

enum ClientFlag : uint32_t {
  kClientCloseAfterReply = 1u << 0,  // close once the output buffer is written (QUIT, protocol error)
  kClientCloseAsap = 1u << 1,        // close now, drop pending output (CLIENT KILL, output limit)
  kClientUnixSocket = 1u << 2,
  kClientReplyOff = 1u << 3,         // CLIENT REPLY OFF
  kClientReplySkipNext = 1u << 4,    // CLIENT REPLY SKIP (arms kClientReplySkip for the next command)
  kClientReplySkip = 1u << 5,
  kClientNoEvict = 1u << 6,
  kClientNoTouch = 1u << 7,
  kClientPubSub = 1u << 8,
  kClientMulti = 1u << 9,
  kClientBlocked = 1u << 10,
  kClientMonitor = 1u << 11,
  kClientMultiDirty = 1u << 12,    // a command failed to queue: EXEC answers EXECABORT
  kClientDenyBlocking = 1u << 13,  // running EXEC: blocking commands act as if timed out
  kClientTracking = 1u << 14,      // CLIENT TRACKING ON (db/tracking.h)
  kClientTrackingBcast = 1u << 15,
  kClientTrackingOptin = 1u << 16,
  kClientTrackingOptout = 1u << 17,
  kClientTrackingCaching = 1u << 18,  // CLIENT CACHING YES/NO given for the next command
  kClientTrackingNoloop = 1u << 19,
  kClientTrackingBrokenRedir = 1u << 20,  // the REDIRECT client has gone
  kClientReplica = 1u << 21,              // a replica of this server (after SYNC/PSYNC): CLIENT LIST flag S
  kClientMaster = 1u << 22,               // the link to our master: its writes are obeyed, nothing is replied
};

// Redis' client types (CLIENT LIST/KILL TYPE, client-output-buffer-limit classes).
enum class ClientType { kNormal, kReplica, kPubSub, kMaster };

class Client;
// The type of c: our master's link, a replica, a pub/sub subscriber (RESP2 subscribed mode) or normal.
ClientType TypeOf(const Client& c);

class Client {
 public:
  Client();
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // The selected database; REQUIRES: SelectDb succeeded at least once (the constructor selects 0).
  Db& db() { return *db_; }
  int db_index() const { return db_index_; }
  // Selects database idx; false if out of range.
  bool SelectDb(int idx);
  bool Has(uint32_t f) const { return flags & f; }

  uint64_t id;
  OutputBuffer out;
  ReplyBuilder reply{&out};
  uint32_t flags = 0;
  bool authenticated = false;
  acl::User* user;  // the ACL user (acl::SetDefaultAuth); fake clients keep acl::UnrestrictedUser()
  std::string name;
  std::string lib_name, lib_ver;
  std::string addr = "?:0", laddr = "?:0";  // "ip:port" of the peer and of our socket
  int fd = -1;
  int64_t ctime_ms = 0;             // when the connection was accepted
  int64_t last_interaction_ms = 0;  // for OBJECT-style idle and `timeout`
  const Command* last_cmd = nullptr;
  const Command* cur_cmd = nullptr;
  int64_t obl_soft_since_ms = 0;  // when the output buffer first exceeded the soft limit (0 = not over)
  size_t mem_usage = 0;           // ClientMemoryUsage when last measured, as counted in the clients' total
  Connection* conn = nullptr;     // the I/O side; nullptr for fake clients (scripts, AOF loading)
  QueuedCommands multi_queue;                   // commands queued after MULTI
  uint64_t tracking_redirect = 0;               // CLIENT TRACKING REDIRECT id (0 = none)
  std::vector<std::string> tracking_prefixes;   // CLIENT TRACKING BCAST PREFIX ... (sorted)
  int64_t repl_woff = 0;  // the replication offset right after this client's last propagated write (WAIT)
  void (*on_output_drained)(Client& c) = nullptr;  // called once the output buffer is written out (a replica's RDB)

 private:
  Db* db_ = nullptr;
  int db_index_ = 0;
};

}  // namespace corvid
