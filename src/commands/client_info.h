// The CLIENT LIST / CLIENT INFO description of a client (also the ACL LOG's client-info).
#pragma once
#include <string>

namespace corvid {

class Client;

// One CLIENT LIST line without the newline: Redis 7.0's fields in its order (id=... addr=... user=... resp=...).
std::string ClientInfoLine(const Client& c);

}  // namespace corvid
