#include "replication/replication.h"

#include <fmt/format.h>

#include <iterator>
#include <random>

#include "replication/replica.h"
#include "server/config.h"

namespace corvid {

ReplicationState& Repl() {
  static ReplicationState state;
  return state;
}

void NewReplicationId() {
  static const char kHex[] = "0123456789abcdef";
  std::random_device rd;
  std::string id(40, '0');
  for (char& c : id) c = kHex[rd() & 15];
  Repl().replid = std::move(id);
}

void AppendReplicationInfo(std::string* out) {
  const ReplicationState& r = Repl();
  if (IsReplica()) {
    out->append("role:slave\r\n");
    AppendReplicaInfo(out);
  } else {
    out->append("role:master\r\n");
  }
  fmt::format_to(std::back_inserter(*out),
                 "connected_slaves:0\r\nmaster_failover_state:no-failover\r\nmaster_replid:{}\r\n"
                 "master_replid2:{}\r\nmaster_repl_offset:{}\r\nsecond_repl_offset:{}\r\nrepl_backlog_active:0\r\n"
                 "repl_backlog_size:{}\r\nrepl_backlog_first_byte_offset:0\r\nrepl_backlog_histlen:0\r\n",
                 r.replid, r.replid2, r.master_repl_offset, r.second_replid_offset, Cfg().repl_backlog_size);
}

}  // namespace corvid
