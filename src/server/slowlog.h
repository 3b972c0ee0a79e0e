// The slow log (SLOWLOG GET/LEN/RESET): the most recent commands that ran for at least
// slowlog-log-slower-than microseconds, at most slowlog-max-len of them, newest first.
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "commands/command.h"

namespace corvid {

class Client;

struct SlowlogEntry {
  int64_t id;
  int64_t time_s;       // unix time the command was logged
  int64_t duration_us;
  std::vector<std::string> args;  // at most 32 (the last then says "... (N more arguments)"), each at most
                                  // 128 bytes plus "... (N more bytes)"; passwords "(redacted)"
  std::string peer;     // client "ip:port"
  std::string name;     // client name at the time
};

// Logs c's command argv if duration_us reaches slowlog-log-slower-than (>= 0), then trims to slowlog-max-len.
void SlowlogPushIfNeeded(const Client& c, CmdArgs argv, int64_t duration_us);
// Newest first.
const std::deque<SlowlogEntry>& SlowlogEntries();
// Empties the log (ids keep counting).
void SlowlogReset();

}  // namespace corvid
