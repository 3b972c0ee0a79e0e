#include "net/client.h"

#include "acl/acl.h"
#include "server/server.h"

namespace corvid {

void QueuedCommands::Push(std::span<const std::string_view> argv) {
  cmd_first_arg_.push_back(arg_end_.size());
  for (std::string_view a : argv) {
    bytes_.append(a);
    arg_end_.push_back(bytes_.size());
  }
}

void QueuedCommands::Get(size_t i, std::vector<std::string_view>* argv) const {
  size_t first = cmd_first_arg_[i];
  size_t last = i + 1 < cmd_first_arg_.size() ? cmd_first_arg_[i + 1] : arg_end_.size();
  argv->clear();
  size_t start = first == 0 ? 0 : arg_end_[first - 1];
  for (size_t j = first; j < last; ++j) {
    argv->emplace_back(bytes_.data() + start, arg_end_[j] - start);
    start = arg_end_[j];
  }
}

void QueuedCommands::Clear() {
  bytes_.clear();
  arg_end_.clear();
  cmd_first_arg_.clear();
}

ClientType TypeOf(const Client& c) {
  if (c.Has(kClientMaster)) return ClientType::kMaster;
  if (c.Has(kClientReplica) && !c.Has(kClientMonitor)) return ClientType::kReplica;
  if (c.Has(kClientPubSub)) return ClientType::kPubSub;
  return ClientType::kNormal;
}

Client::Client() : id(0), user(acl::UnrestrictedUser()) { SelectDb(0); }

Client::~Client() = default;

bool Client::SelectDb(int idx) {
  Server& s = Srv();
  if (idx < 0 || idx >= static_cast<int>(s.dbs.size())) return false;
  db_ = s.dbs[idx].get();
  db_index_ = idx;
  return true;
}

}  // namespace corvid
