#include "net/listener.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <unordered_map>
#include <vector>

#include "acl/acl.h"
#include "commands/dispatcher.h"
#include "corvid/errors.h"
#include "net/connection.h"
#include "net/tls.h"
#include "server/config.h"
#include "server/log.h"
#include "server/server.h"

namespace corvid {

namespace {

std::vector<std::unique_ptr<asio::ip::tcp::acceptor>> g_tcp;
std::vector<std::unique_ptr<asio::ip::tcp::acceptor>> g_tls;  // tls-port
std::unique_ptr<asio::local::stream_protocol::acceptor> g_unix;
std::unordered_map<Client*, std::shared_ptr<Connection>> g_conns;

std::string FormatEndpoint(const asio::ip::tcp::endpoint& ep) {
  auto a = ep.address();
  if (a.is_v6() && a.to_v6().is_v4_mapped()) a = asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
  return a.to_string() + ":" + std::to_string(ep.port());
}

bool IsDefaultBind() {
  const auto& b = Cfg().bind;
  return b.size() == 2 && b[0] == "*" && b[1] == "-::*";
}

void SetupTcpSocket(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  int64_t ka = Cfg().tcp_keepalive;
  if (ka > 0) {
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
    int idle = static_cast<int>(ka), intvl = std::max(1, idle / 3), cnt = 3;
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
  }
}

// Refuses fd with an error line, in clear text: a TLS client only sees the connection close (as with Redis 7.0,
// whose line cannot go out before the handshake).
void Refuse(int fd, bool tls, std::string_view line) {
  if (!tls) (void)!::write(fd, line.data(), line.size());
  ::close(fd);
  ++Srv().stats.rejected_connections;
}

// Hands an accepted fd to a new Connection, or refuses it (maxclients, protected mode).
void Admit(int fd, bool unix_socket, std::string addr, std::string laddr, bool loopback, bool tls = false) {
  Server& srv = Srv();
  if (srv.clients.size() >= static_cast<size_t>(Cfg().maxclients)) {
    return Refuse(fd, tls, "-" + std::string(err::kMaxClients) + "\r\n");
  }
  if (Cfg().protected_mode && !unix_socket && !loopback && IsDefaultBind() && !AuthRequired()) {
    static const char kDenied[] =
        "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for "
        "the default user. In this mode connections are only accepted from the loopback interface. If you want to "
        "connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable "
        "protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by "
        "connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly "
        "accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) "
        "Alternatively you can just disable the protected mode by editing the Redis configuration file, and "
        "setting the protected mode option to 'no', and then restarting the server. 3) If you started the server "
        "manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an "
        "authentication password for the default user. NOTE: You only need to do one of the above things in "
        "order for the server to start accepting connections from the outside.\r\n";
    return Refuse(fd, tls, std::string_view(kDenied, sizeof(kDenied) - 1));
  }
  SSL* ssl = nullptr;
  if (tls && !(ssl = TlsNewSession(fd))) {
    LogWarning("Error creating a TLS session: {}", TlsErrorText());
    ::close(fd);
    return;
  }
  auto conn = std::make_shared<Connection>(fd, unix_socket, ssl);
  Client& c = conn->client();
  c.addr = std::move(addr);
  c.laddr = std::move(laddr);
  g_conns.emplace(&c, conn);
  RegisterClient(c);
  ++srv.stats.total_connections_received;
  conn->Start();
}

void AdmitTcp(asio::ip::tcp::socket sock, bool tls) {
  asio::error_code e1, e2;
  auto peer = sock.remote_endpoint(e1);
  auto local = sock.local_endpoint(e2);
  if (e1 || e2) return;
  int fd = sock.release();
  SetupTcpSocket(fd);
  auto pa = peer.address();
  bool loopback = pa.is_loopback() || (pa.is_v6() && pa.to_v6().is_v4_mapped() &&
                                       asio::ip::make_address_v4(asio::ip::v4_mapped, pa.to_v6()).is_loopback());
  Admit(fd, false, FormatEndpoint(peer), FormatEndpoint(local), loopback, tls);
}

void AdmitUnix(asio::local::stream_protocol::socket sock) {
  int fd = sock.release();
  std::string path = Cfg().unixsocket;
  Admit(fd, true, path + ":0", path + ":0", true);
}

void AcceptTcp(asio::ip::tcp::acceptor* acc, bool tls) {
  acc->async_accept([acc, tls](const asio::error_code& ec, asio::ip::tcp::socket sock) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) AdmitTcp(std::move(sock), tls);
    else LogWarning("Accepting client connection: {}", ec.message());
    AcceptTcp(acc, tls);
  });
}

void AcceptUnix() {
  g_unix->async_accept([](const asio::error_code& ec, asio::local::stream_protocol::socket sock) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) AdmitUnix(std::move(sock));
    AcceptUnix();
  });
}

// Accepts what is waiting on acc without blocking, admitting each connection.
template <typename Acceptor, typename AdmitFn>
void AcceptWaiting(Acceptor& acc, AdmitFn admit) {
  asio::error_code ec;
  acc.non_blocking(true, ec);
  while (!ec) {
    auto sock = acc.accept(ec);
    if (!ec) admit(std::move(sock));
  }
}

// Listens on addr:port into listeners (g_tcp, or g_tls for TLS connections).
bool ListenTcp(const std::string& addr_in, int port, bool tls) {
  bool optional = !addr_in.empty() && addr_in[0] == '-';
  std::string addr = optional ? addr_in.substr(1) : addr_in;
  asio::ip::address ip;
  bool v6 = false;
  if (addr == "*") {
    ip = asio::ip::address_v4::any();
  } else if (addr == "::*") {
    ip = asio::ip::address_v6::any();
    v6 = true;
  } else {
    asio::error_code ec;
    ip = asio::ip::make_address(addr, ec);
    if (ec) {
      LogWarning("Warning: Could not create server TCP listening socket {}:{}: Invalid address", addr, port);
      return optional;
    }
    v6 = ip.is_v6();
  }
  asio::ip::tcp::endpoint ep(ip, static_cast<unsigned short>(port));
  auto acc = std::make_unique<asio::ip::tcp::acceptor>(Io());
  asio::error_code ec;
  acc->open(ep.protocol(), ec);
  if (!ec) acc->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec && v6) acc->set_option(asio::ip::v6_only(true), ec);
  if (!ec) acc->bind(ep, ec);
  if (!ec) acc->listen(static_cast<int>(Cfg().tcp_backlog), ec);
  if (ec) {
    // Optional addresses ('-' prefix) are skipped when the address family or address is unavailable.
    if (optional && (ec == asio::error::address_family_not_supported || ec.value() == EADDRNOTAVAIL ||
                     ec.value() == EPROTONOSUPPORT || ec.value() == EADDRNOTAVAIL))
      return true;
    LogWarning("Warning: Could not create server TCP listening socket {}:{}: bind: {}", addr, port, ec.message());
    return false;
  }
  AcceptTcp(acc.get(), tls);
  (tls ? g_tls : g_tcp).push_back(std::move(acc));
  return true;
}

bool OpenTcpListeners(int64_t port, const std::vector<std::string>& bind, bool tls) {
  if (port == 0) return true;
  for (const std::string& a : bind)
    if (!ListenTcp(a, static_cast<int>(port), tls)) return false;
  return true;
}

void CloseTcpListeners(bool tls) {
  asio::error_code ec;
  auto& listeners = tls ? g_tls : g_tcp;
  for (auto& a : listeners) a->close(ec);
  listeners.clear();
}

}  // namespace

bool RebindTcpListeners(bool tls) {
  std::vector<std::pair<std::string, int>> old;
  for (auto& a : tls ? g_tls : g_tcp) {
    asio::error_code ec;
    auto ep = a->local_endpoint(ec);
    if (!ec) old.emplace_back(ep.address().to_string(), ep.port());
  }
  CloseTcpListeners(tls);
  if (OpenTcpListeners(tls ? Cfg().tls_port : Cfg().port, Cfg().bind, tls)) return true;
  CloseTcpListeners(tls);
  for (auto& [addr, port] : old) ListenTcp(addr, port, tls);
  return false;
}

asio::io_context& Io() {
  static asio::io_context io(ASIO_CONCURRENCY_HINT_UNSAFE_IO);
  return io;
}

void AcceptWaitingConnections() {
  for (auto& acc : g_tcp) AcceptWaiting(*acc, [](asio::ip::tcp::socket s) { AdmitTcp(std::move(s), false); });
  for (auto& acc : g_tls) AcceptWaiting(*acc, [](asio::ip::tcp::socket s) { AdmitTcp(std::move(s), true); });
  if (g_unix) AcceptWaiting(*g_unix, AdmitUnix);
}

bool StartListeners() {
  const ServerConfig& cfg = Cfg();
  if (!OpenTcpListeners(cfg.port, cfg.bind, false)) {
    LogWarning("Failed listening on port {} (TCP), aborting.", cfg.port);
    return false;
  }
  if ((cfg.tls_port || cfg.tls_replication || cfg.tls_cluster) && !TlsConfigure()) {
    LogWarning("Failed to configure TLS. Check logs for more info.");
    return false;
  }
  if (!OpenTcpListeners(cfg.tls_port, cfg.bind, true)) {
    LogWarning("Failed listening on port {} (TLS), aborting.", cfg.tls_port);
    return false;
  }
  if (!cfg.unixsocket.empty()) {
    ::unlink(cfg.unixsocket.c_str());
    asio::error_code ec;
    g_unix = std::make_unique<asio::local::stream_protocol::acceptor>(Io());
    asio::local::stream_protocol::endpoint ep(cfg.unixsocket);
    g_unix->open(ep.protocol(), ec);
    if (!ec) g_unix->bind(ep, ec);
    if (!ec) g_unix->listen(static_cast<int>(cfg.tcp_backlog), ec);
    if (ec) {
      LogWarning("Failed opening Unix socket: {}", ec.message());
      return false;
    }
    if (cfg.unixsocketperm) chmod(cfg.unixsocket.c_str(), static_cast<mode_t>(cfg.unixsocketperm));
    AcceptUnix();
  }
  if (g_tcp.empty() && g_tls.empty() && !g_unix) {
    LogWarning("Configured to not listen anywhere, exiting.");
    return false;
  }
  return true;
}

void StopListeners() {
  CloseTcpListeners(false);
  CloseTcpListeners(true);
  asio::error_code ec;
  if (g_unix) {
    g_unix->close(ec);
    g_unix.reset();
    ::unlink(Cfg().unixsocket.c_str());
  }
}

void RegisterClient(Client& c) {
  Server& srv = Srv();
  c.id = srv.next_client_id++;
  c.ctime_ms = c.last_interaction_ms = srv.now_ms;
  acl::SetDefaultAuth(c);
  srv.clients.emplace(c.id, &c);
}

void UnregisterClient(Client& c) {
  Srv().clients.erase(c.id);
  OnClientClosed(c);
  g_conns.erase(&c);  // may drop the last owner; Connection::Close holds a reference through its caller
}

void CloseAllConnections() {
  std::vector<std::shared_ptr<Connection>> all;
  for (auto& [c, conn] : g_conns) all.push_back(conn);
  for (auto& conn : all) conn->Close();
}

}  // namespace corvid
