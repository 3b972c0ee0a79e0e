// Replication commands: ROLE (and, as the two sides are built, the replication handshake and REPLICAOF).
#include "commands/cmd_util.h"
#include "commands/command.h"
#include "replication/replication.h"

namespace corvid {

namespace {

// ROLE on a master: ["master", offset, [[ip, port, acked offset] per replica]].
void RoleCmd(Client& c, CmdArgs) {
  c.reply.Array(3);
  c.reply.Bulk("master");
  c.reply.Int(Repl().master_repl_offset);
  c.reply.EmptyArray();
}

constexpr CommandRow kRows[] = {
    {"role", 1, "noscript loading stale fast", 0, 0, 0, "@admin @fast @dangerous", RoleCmd, "", "", "2.8.12", "Returns the replication role"},
};

}  // namespace

void RegisterReplicationFamily(CommandRegistry& r) { r.Add(kRows); }

}  // namespace corvid
