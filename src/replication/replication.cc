#include "replication/replication.h"

#include <fmt/format.h>

#include <iterator>
#include <random>

#include "replication/master.h"
#include "replication/replica.h"

namespace corvid {

ReplicationState& Repl() {
  static ReplicationState state;
  return state;
}

std::string RandomHexId() {
  static const char kHex[] = "0123456789abcdef";
  std::random_device rd;
  std::string id(40, '0');
  for (char& c : id) c = kHex[rd() & 15];
  return id;
}

void NewReplicationId() { Repl().replid = RandomHexId(); }

void AppendReplicationInfo(std::string* out) {
  const ReplicationState& r = Repl();
  if (IsReplica()) {
    out->append("role:slave\r\n");
    AppendReplicaInfo(out);
  } else {
    out->append("role:master\r\n");
  }
  AppendReplicasInfo(out);
  fmt::format_to(std::back_inserter(*out),
                 "master_failover_state:no-failover\r\nmaster_replid:{}\r\nmaster_replid2:{}\r\n"
                 "master_repl_offset:{}\r\nsecond_repl_offset:{}\r\n",
                 r.replid, r.replid2, r.master_repl_offset, r.second_replid_offset);
  AppendBacklogInfo(out);
}

}  // namespace corvid
