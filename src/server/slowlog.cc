#include "server/slowlog.h"

#include <fmt/format.h>

#include "net/client.h"
#include "pubsub/pubsub.h"
#include "server/config.h"
#include "server/server.h"

namespace corvid {

namespace {
constexpr size_t kMaxArgc = 32;
constexpr size_t kMaxString = 128;

std::deque<SlowlogEntry> g_log;
int64_t g_next_id = 0;
}  // namespace

void SlowlogPushIfNeeded(const Client& c, CmdArgs argv, int64_t duration_us) {
  const ServerConfig& cfg = Cfg();
  if (cfg.slowlog_log_slower_than < 0) return;
  if (duration_us >= cfg.slowlog_log_slower_than) {
    SlowlogEntry e{g_next_id++, Srv().now_ms / 1000, duration_us, {}, c.addr, c.name};
    std::vector<bool> redacted = RedactedArgs(argv);
    size_t n = std::min(argv.size(), kMaxArgc);
    e.args.reserve(n);
    for (size_t j = 0; j < n; ++j) {
      if (n != argv.size() && j == n - 1) {
        e.args.push_back(fmt::format("... ({} more arguments)", argv.size() - n + 1));
      } else if (redacted[j]) {
        e.args.emplace_back("(redacted)");
      } else if (argv[j].size() > kMaxString) {
        e.args.push_back(fmt::format("{}... ({} more bytes)", argv[j].substr(0, kMaxString),
                                     argv[j].size() - kMaxString));
      } else {
        e.args.emplace_back(argv[j]);
      }
    }
    g_log.push_front(std::move(e));
  }
  while (g_log.size() > static_cast<uint64_t>(cfg.slowlog_max_len)) g_log.pop_back();
}

const std::deque<SlowlogEntry>& SlowlogEntries() { return g_log; }

void SlowlogReset() { g_log.clear(); }

}  // namespace corvid
