#include "commands/dispatcher.h"

#include <fmt/format.h>

#include "commands/cmd_util.h"
#include "corvid/errors.h"
#include "db/blocking.h"
#include "net/client.h"
#include "server/config.h"
#include "server/server.h"

namespace corvid {

bool AuthRequired() { return !Cfg().requirepass.empty(); }

bool ClientIsPaused(const Client& c) {
  Server& srv = Srv();
  if (srv.clients_paused_until_ms == 0) return false;
  if (srv.now_ms >= srv.clients_paused_until_ms) {
    srv.clients_paused_until_ms = 0;
    return false;
  }
  // PAUSE WRITE holds back only writes; the command is unknown until parsed, so all commands wait here
  // and Dispatch lets read-only ones through when the pause is WRITE-only.
  return !srv.pause_writes_only;
}

void CountError(std::string_view prefix) {
  if (prefix.empty()) return;
  ServerStats& st = Srv().stats;
  ++st.total_error_replies;
  auto it = st.error_counts.find(std::string(prefix));
  if (it != st.error_counts.end()) {
    ++it->second;
  } else if (st.error_counts.size() < 128) {  // Redis caps the number of distinct error prefixes
    st.error_counts.emplace(std::string(prefix), 1);
  }
}

namespace {

void Reject(Client& c, Command* cmd, std::string_view msg) {
  c.reply.Error(msg);
  CountError(c.reply.TakeLastError());
  if (cmd) ++cmd->rejected_calls;
}

std::string UnknownCommandMessage(CmdArgs argv) {
  std::string args;
  for (size_t j = 1; j < argv.size() && args.size() < 128; ++j) {
    size_t room = 128 - args.size();
    args += fmt::format("'{}' ", CStr(argv[j]).substr(0, room));
  }
  return fmt::format(fmt::runtime(err::kUnknownCommand), CStr(argv[0]).substr(0, 128), args);
}

bool ArityOk(const Command& cmd, size_t argc) {
  return cmd.arity > 0 ? argc == static_cast<size_t>(cmd.arity) : argc >= static_cast<size_t>(-cmd.arity);
}

}  // namespace

void Dispatch(Client& c, CmdArgs argv) {
  Server& srv = Srv();
  UpdateClock();
  Command* cmd = Commands().Find(argv[0]);
  if (cmd && !cmd->subcommands.empty() && argv.size() >= 2) {
    Command* sub = CommandRegistry::FindSub(*cmd, argv[1]);
    if (!sub) {
      std::string upper(cmd->name);
      for (char& ch : upper) ch = static_cast<char>(toupper(static_cast<unsigned char>(ch)));
      Reject(c, nullptr, fmt::format(fmt::runtime(err::kUnknownSubcommand), CStr(argv[1]).substr(0, 128), upper));
      return;
    }
    cmd = sub;
  }
  if (!cmd) {
    Reject(c, nullptr, UnknownCommandMessage(argv));
    return;
  }
  if (!ArityOk(*cmd, argv.size())) {
    Reject(c, cmd, fmt::format(fmt::runtime(err::kWrongArity), cmd->fullname));
    return;
  }
  if (!c.authenticated && !(cmd->flags & kCmdNoAuth)) {
    Reject(c, cmd, err::kNoAuth);
    return;
  }
  c.cur_cmd = cmd;
  int64_t start = srv.now_us;
  size_t mark = c.out.raw().size();
  cmd->handler(c, argv);
  // CLIENT REPLY OFF|SKIP: drop what this command wrote.
  if (c.flags & (kClientReplyOff | kClientReplySkip)) {
    c.out.raw().resize(mark);
    c.flags &= ~kClientReplySkip;
  }
  if (c.flags & kClientReplySkipNext) c.flags = (c.flags & ~kClientReplySkipNext) | kClientReplySkip;
  UpdateClock();
  cmd->usec += srv.now_us - start;
  ++cmd->calls;
  ++srv.stats.total_commands_processed;
  std::string_view e = c.reply.TakeLastError();
  if (!e.empty()) {
    CountError(e);
    ++cmd->failed_calls;
  }
  c.last_cmd = cmd;
  c.cur_cmd = nullptr;
  ServeBlockedClients();
}

void OnClientClosed(Client& c) { ForgetBlockedClient(c); }

}  // namespace corvid
