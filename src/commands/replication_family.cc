// Replication commands: ROLE, REPLICAOF / SLAVEOF (and, as the master side is built, the replication handshake).
#include "commands/cmd_util.h"
#include "commands/command.h"
#include "corvid/errors.h"
#include "net/client.h"
#include "replication/replica.h"
#include "replication/replication.h"
#include "server/config.h"

namespace corvid {

namespace {

// ROLE on a master: ["master", offset, [[ip, port, acked offset] per replica]]; on a replica the replica form.
void RoleCmd(Client& c, CmdArgs) {
  if (IsReplica()) return ReplyReplicaRole(c);
  c.reply.Array(3);
  c.reply.Bulk("master");
  c.reply.Int(Repl().master_repl_offset);
  c.reply.EmptyArray();
}

// REPLICAOF host port | NO ONE.
void ReplicaofCmd(Client& c, CmdArgs args) {
  if (Cfg().cluster_enabled) return c.reply.Error(err::kReplicaofCluster);
  if (Is(args[1], "no") && Is(args[2], "one")) {
    ReplicaOfNoOne(c);
    return c.reply.Ok();
  }
  int64_t port = 0;
  if (!ArgInt64(c, args[2], &port, err::kInvalidMasterPort)) return;
  if (port < 0 || port > 65535) return c.reply.Error(err::kInvalidMasterPort);
  if (!ReplicaOfMaster(std::string(args[1]), static_cast<int>(port), c))
    return c.reply.Simple("OK Already connected to specified master");
  c.reply.Ok();
}

constexpr CommandRow kRows[] = {
    {"role", 1, "noscript loading stale fast", 0, 0, 0, "@admin @fast @dangerous", RoleCmd, "", "", "2.8.12", "Returns the replication role"},
    {"replicaof", 3, "admin noscript stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", ReplicaofCmd, "",
     "args(host-port{host port:integer}|no-one{NO ONE})", "5.0.0",
     "Make the server a replica of another instance, or promote it as master."},
    {"slaveof", 3, "admin noscript stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", ReplicaofCmd, "",
     "args(host-port{host port:integer}|no-one{NO ONE})", "1.0.0",
     "Make the server a replica of another instance, or promote it as master."},
};

}  // namespace

void RegisterReplicationFamily(CommandRegistry& r) { r.Add(kRows); }

}  // namespace corvid
