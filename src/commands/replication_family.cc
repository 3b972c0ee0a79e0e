// Replication commands: ROLE, REPLICAOF / SLAVEOF, the master side of the replication handshake (REPLCONF,
// PSYNC, SYNC) and WAIT.
#include <fmt/format.h>

#include "commands/cmd_util.h"
#include "commands/command.h"
#include "corvid/errors.h"
#include "net/client.h"
#include "replication/master.h"
#include "replication/replica.h"
#include "replication/replication.h"
#include "server/config.h"
#include "server/server.h"
#include "util/numeric.h"

namespace corvid {

namespace {

// ROLE on a master: ["master", offset, [[ip, port, acked offset] per online replica]]; on a replica the replica
// form.
void RoleCmd(Client& c, CmdArgs) {
  if (IsReplica()) return ReplyReplicaRole(c);
  c.reply.Array(3);
  c.reply.Bulk("master");
  c.reply.Int(Repl().master_repl_offset);
  ReplyReplicaList(c.reply);
}

// REPLCONF <option> <value> ...: replies +OK, except ACK and GETACK which reply nothing.
void ReplconfCmd(Client& c, CmdArgs args) {
  if (args.size() % 2 == 0) return c.reply.Error(err::kSyntax);
  for (size_t j = 1; j < args.size(); j += 2) {
    std::string_view opt = args[j], val = args[j + 1];
    if (Is(opt, "listening-port")) {
      int64_t port;
      if (!ArgInt64(c, val, &port)) return;
      SetReplicaListeningPort(c, port);
    } else if (Is(opt, "ip-address")) {
      constexpr size_t kNetHostStrLen = 256;  // Redis' NET_HOST_STR_LEN
      if (val.size() >= kNetHostStrLen)
        return c.reply.Error(fmt::format(fmt::runtime(err::kReplconfIpTooLong), val.size()));
      SetReplicaAnnouncedIp(c, val);
    } else if (Is(opt, "capa")) {
      AddReplicaCapa(c, val);
    } else if (Is(opt, "rdb-only")) {
      int64_t v;
      if (!ArgInt64(c, val, &v)) return;
      if (v < 0 || v > 1) return c.reply.Error(err::kReplconfRdbOnlyRange);
      SetReplicaRdbOnly(c, v == 1);
    } else if (Is(opt, "rdb-filter-only")) {
      // redis-cli --replica sends an empty filter; "functions" (an RDB of the functions only) is not supported.
      if (!val.empty()) return c.reply.Error(fmt::format(fmt::runtime(err::kReplconfFilterUnsupported), val));
    } else if (Is(opt, "ack")) {
      int64_t offset;
      if (StringToInt64(val, &offset)) ReplicaAck(c, offset);  // FACK <aof offset> may follow; unused here
      return;
    } else if (Is(opt, "getack")) {
      return;  // answered by a replica to its master
    } else {
      return c.reply.Error(fmt::format(fmt::runtime(err::kReplconfUnknown), CStr(opt)));
    }
  }
  c.reply.Ok();
}

// SYNC, and PSYNC <replid> <offset>.
void SyncCmd(Client& c, CmdArgs args) {
  if (c.Has(kClientReplica)) return;  // already a replica: ignored, as Redis
  if (IsReplica()) return c.reply.Error(MasterLinkUp() ? err::kSyncChained : err::kSyncNoMasterLink);
  bool psync = args.size() == 3;
  int64_t offset = -1;
  if (psync && !ArgInt64(c, args[2], &offset)) return;
  if (!c.out.empty()) return c.reply.Error(err::kSyncPendingOutput);
  AttachReplica(c, psync, psync ? args[1] : std::string_view("?"), offset);
}

// WAIT numreplicas timeout(ms).
void WaitCmd(Client& c, CmdArgs args) {
  if (IsReplica()) return c.reply.Error(err::kWaitOnReplica);
  int64_t n, timeout;
  if (!ArgInt64(c, args[1], &n)) return;
  if (!ArgInt64(c, args[2], &timeout, err::kWaitTimeoutNotInt)) return;
  if (timeout < 0) return c.reply.Error(err::kTimeoutNegative);
  WaitForReplicas(c, args, n, timeout > 0 ? Srv().now_ms + timeout : 0);
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
    {"replconf", -1, "admin noscript loading stale allow_busy", 0, 0, 0, "@admin @slow @dangerous", ReplconfCmd, "", "", "3.0.0", "An internal command for configuring the replication stream"},
    {"psync", -3, "admin noscript no_async_loading no_multi", 0, 0, 0, "@admin @slow @dangerous", SyncCmd, "", "replicationid:string offset:integer", "2.8.0", "Internal command used for replication"},
    {"sync", 1, "admin noscript no_async_loading no_multi", 0, 0, 0, "@admin @slow @dangerous", SyncCmd, "", "", "1.0.0", "Internal command used for replication"},
    {"wait", 3, "noscript", 0, 0, 0, "@slow @connection", WaitCmd, "", "numreplicas:integer timeout:integer", "3.0.0", "Waits for replicas to acknowledge writes"},
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
