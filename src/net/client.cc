#include "net/client.h"

#include "server/server.h"

namespace corvid {

Client::Client() : id(0) { SelectDb(0); }

Client::~Client() = default;

bool Client::SelectDb(int idx) {
  Server& s = Srv();
  if (idx < 0 || idx >= static_cast<int>(s.dbs.size())) return false;
  db_ = s.dbs[idx].get();
  db_index_ = idx;
  return true;
}

}  // namespace corvid
