// Replication state shared by the master side (replicas of this server: replication/master.*) and the replica
// side (this server replicating a master: replication/replica.*): Redis' replid, replid2, master_repl_offset
// and second_replid_offset, and what INFO replication and ROLE report.
#pragma once
#include <cstdint>
#include <string>

namespace corvid {

class Client;

struct ReplicationState {
  std::string replid;                          // this server's replication ID: 40 hex digits
  std::string replid2 = std::string(40, '0');  // the previous ID, valid for offsets up to second_replid_offset
  int64_t master_repl_offset = 0;              // bytes of replication stream produced (or, on a replica, applied)
  int64_t second_replid_offset = -1;
};
ReplicationState& Repl();

// 40 random hex digits (replication IDs, the EOF mark of a diskless transfer).
std::string RandomHexId();
// A fresh random replication ID (start-up; a replica promoted to master moves the old one to replid2).
void NewReplicationId();

// INFO replication's lines.
void AppendReplicationInfo(std::string* out);

}  // namespace corvid
