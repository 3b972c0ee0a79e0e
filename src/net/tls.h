// TLS for client connections (OpenSSL): one server context built from the tls-* directives, and non-blocking
// per-connection sessions that Connection drives from the same readiness events as plain sockets.
#pragma once
#include <cstddef>
#include <string>

typedef struct ssl_st SSL;

namespace corvid {

// (Re)builds the server context from Cfg(). On failure logs Redis' reason, keeps the previous context and
// returns false.
bool TlsConfigure();
// True once a context was built.
bool TlsConfigured();

// A new server-side session on the accepted socket fd, or nullptr (logged) when no context exists.
SSL* TlsNewSession(int fd);
void TlsFreeSession(SSL* ssl);

// Outcome of one non-blocking TLS step.
enum class TlsIo { kDone, kWantRead, kWantWrite, kClosed, kError };
// Advances the handshake.
TlsIo TlsHandshake(SSL* ssl);
// Reads up to len bytes into buf; *n is set when kDone.
TlsIo TlsRead(SSL* ssl, char* buf, size_t len, size_t* n);
// Writes up to len bytes from buf (a partial write sets *n below len); *n is set when kDone.
TlsIo TlsWrite(SSL* ssl, const char* buf, size_t len, size_t* n);
// Text of the last OpenSSL error of this thread (for logs), cleared afterwards.
std::string TlsErrorText();

}  // namespace corvid
