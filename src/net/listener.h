// Listening sockets (TCP on the `bind` list and `port`, and the `unixsocket`), accepting into Connections.
#pragma once
#include <asio.hpp>
#include <string>

namespace corvid {

class Client;

// The process' event loop.
asio::io_context& Io();

// Opens every configured listener; on failure logs Redis' message and returns false.
bool StartListeners();
// Closes the plain (or, with tls, the tls-port) TCP listeners and opens them again from the current port or
// tls-port and bind (CONFIG SET); on failure the old ones are restored and false is returned.
bool RebindTcpListeners(bool tls);
// Stops accepting and removes the unix socket file.
void StopListeners();
// Accepts the connections waiting on the listeners now, without going through the event loop (while a busy
// script holds it, so that SCRIPT KILL can come from a new connection).
void AcceptWaitingConnections();

// Client registry (Srv().clients) maintenance, called by Connection.
void RegisterClient(Client& c);
void UnregisterClient(Client& c);

}  // namespace corvid
