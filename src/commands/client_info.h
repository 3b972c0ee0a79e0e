// The CLIENT LIST / CLIENT INFO description of a client (also the ACL LOG's client-info).
#pragma once
#include <string>

#include "commands/command.h"

namespace corvid {

class Client;

// One CLIENT LIST line without the newline: Redis 7.0's fields in its order (id=... addr=... user=... resp=...).
// argv-mem counts the arguments of the command c is running (running: the caller's own CLIENT LIST/INFO) or is
// blocked in.
std::string ClientInfoLine(const Client& c, CmdArgs running = {});

}  // namespace corvid
