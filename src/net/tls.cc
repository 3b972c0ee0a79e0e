#include "net/tls.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <strings.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "server/config.h"
#include "server/log.h"

namespace corvid {

namespace {

SSL_CTX* g_ctx = nullptr;

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

enum : unsigned { kTls1 = 1, kTls11 = 2, kTls12 = 4, kTls13 = 8 };

// tls-protocols as a set of kTls* bits (unset: TLSv1.2 and TLSv1.3, as Redis); 0 on an unknown name.
unsigned ParseProtocols(const std::string& spec) {
  if (spec.empty()) return kTls12 | kTls13;
  unsigned bits = 0;
  size_t i = 0;
  while (i < spec.size()) {
    size_t j = spec.find(' ', i);
    if (j == std::string::npos) j = spec.size();
    std::string_view word(spec.data() + i, j - i);
    i = j + 1;
    if (word.empty()) continue;
    if (EqualsNoCase(word, "TLSv1")) bits |= kTls1;
    else if (EqualsNoCase(word, "TLSv1.1")) bits |= kTls11;
    else if (EqualsNoCase(word, "TLSv1.2")) bits |= kTls12;
    else if (EqualsNoCase(word, "TLSv1.3")) bits |= kTls13;
    else return 0;
  }
  return bits;
}

// Loads the DH parameters file into ctx; false (logged) on failure.
bool LoadDhParams(SSL_CTX* ctx, const std::string& path) {
  BIO* bio = BIO_new_file(path.c_str(), "r");
  if (!bio) {
    LogWarning("Failed to load {}: {}", path, strerror(errno));
    return false;
  }
  EVP_PKEY* params = PEM_read_bio_Parameters(bio, nullptr);
  BIO_free(bio);
  if (!params) {
    LogWarning("Failed to load DH params file: {}", TlsErrorText());
    return false;
  }
  if (SSL_CTX_set0_tmp_dh_pkey(ctx, params) <= 0) {
    EVP_PKEY_free(params);
    LogWarning("Failed to load DH params file: {}", TlsErrorText());
    return false;
  }
  return true;
}

// A context from the directives, or nullptr after logging why not (Redis' tlsConfigure order and messages).
SSL_CTX* BuildContext() {
  const ServerConfig& cfg = Cfg();
  if (cfg.tls_cert_file.empty()) {
    LogWarning("No tls-cert-file configured!");
    return nullptr;
  }
  if (cfg.tls_key_file.empty()) {
    LogWarning("No tls-key-file configured!");
    return nullptr;
  }
  if ((cfg.tls_auth_clients != TlsAuthClients::kNo || cfg.tls_cluster || cfg.tls_replication) &&
      cfg.tls_ca_cert_file.empty() && cfg.tls_ca_cert_dir.empty()) {
    LogWarning(
        "Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication or "
        "tls-auth-clients are enabled!");
    return nullptr;
  }
  unsigned protocols = ParseProtocols(cfg.tls_protocols);
  if (!protocols) {
    LogWarning("Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.");
    return nullptr;
  }
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) return nullptr;
  auto fail = [ctx]() -> SSL_CTX* {
    SSL_CTX_free(ctx);
    return nullptr;
  };
  uint64_t opts = SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 | SSL_OP_NO_COMPRESSION;  // OpenSSL 3 refuses client renegotiation by default
  if (!(protocols & kTls1)) opts |= SSL_OP_NO_TLSv1;
  if (!(protocols & kTls11)) opts |= SSL_OP_NO_TLSv1_1;
  if (!(protocols & kTls12)) opts |= SSL_OP_NO_TLSv1_2;
  if (!(protocols & kTls13)) opts |= SSL_OP_NO_TLSv1_3;
  if (cfg.tls_prefer_server_ciphers) opts |= SSL_OP_CIPHER_SERVER_PREFERENCE;
  SSL_CTX_set_options(ctx, opts);
  if (protocols & (kTls1 | kTls11)) SSL_CTX_set_security_level(ctx, 0);  // old protocols need SHA-1 signatures
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  if (cfg.tls_session_caching) {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    SSL_CTX_sess_set_cache_size(ctx, cfg.tls_session_cache_size);
    SSL_CTX_set_timeout(ctx, cfg.tls_session_cache_timeout);
    SSL_CTX_set_session_id_context(ctx, reinterpret_cast<const unsigned char*>("redis"), 5);
  } else {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  }
  if (!cfg.tls_key_file_pass.empty())
    SSL_CTX_set_default_passwd_cb_userdata(ctx, const_cast<char*>(cfg.tls_key_file_pass.c_str()));
  if (SSL_CTX_use_certificate_chain_file(ctx, cfg.tls_cert_file.c_str()) <= 0) {
    LogWarning("Failed to load certificate: {}: {}", cfg.tls_cert_file, TlsErrorText());
    return fail();
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, cfg.tls_key_file.c_str(), SSL_FILETYPE_PEM) <= 0) {
    LogWarning("Failed to load private key: {}: {}", cfg.tls_key_file, TlsErrorText());
    return fail();
  }
  if ((!cfg.tls_ca_cert_file.empty() || !cfg.tls_ca_cert_dir.empty()) &&
      SSL_CTX_load_verify_locations(ctx, cfg.tls_ca_cert_file.empty() ? nullptr : cfg.tls_ca_cert_file.c_str(),
                                    cfg.tls_ca_cert_dir.empty() ? nullptr : cfg.tls_ca_cert_dir.c_str()) <= 0) {
    LogWarning("Failed to configure CA certificate(s) file/directory: {}", TlsErrorText());
    return fail();
  }
  if (!cfg.tls_dh_params_file.empty() && !LoadDhParams(ctx, cfg.tls_dh_params_file)) return fail();
  if (!cfg.tls_ciphers.empty() && !SSL_CTX_set_cipher_list(ctx, cfg.tls_ciphers.c_str())) {
    LogWarning("Failed to configure ciphers: {}", cfg.tls_ciphers);
    return fail();
  }
  if (!cfg.tls_ciphersuites.empty() && !SSL_CTX_set_ciphersuites(ctx, cfg.tls_ciphersuites.c_str())) {
    LogWarning("Failed to configure ciphersuites: {}", cfg.tls_ciphersuites);
    return fail();
  }
  return ctx;
}

// Maps the result of an SSL call that returned ret; blocked is what a socket that would block means for it.
TlsIo Outcome(SSL* ssl, int ret, TlsIo blocked) {
  switch (SSL_get_error(ssl, ret)) {
    case SSL_ERROR_WANT_READ:
      return TlsIo::kWantRead;
    case SSL_ERROR_WANT_WRITE:
      return TlsIo::kWantWrite;
    case SSL_ERROR_ZERO_RETURN:
      return TlsIo::kClosed;
    case SSL_ERROR_SYSCALL:
      if (ERR_peek_error() == 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return blocked;
      return errno == 0 ? TlsIo::kClosed : TlsIo::kError;
    default:
      return TlsIo::kError;
  }
}

}  // namespace

bool TlsConfigure() {
  SSL_CTX* ctx = BuildContext();
  ERR_clear_error();
  if (!ctx) return false;
  if (g_ctx) SSL_CTX_free(g_ctx);  // sessions keep their own reference
  g_ctx = ctx;
  return true;
}

bool TlsConfigured() { return g_ctx != nullptr; }

SSL* TlsNewSession(int fd) {
  if (!g_ctx) return nullptr;
  SSL* ssl = SSL_new(g_ctx);
  if (!ssl) return nullptr;
  switch (Cfg().tls_auth_clients) {
    case TlsAuthClients::kNo:
      SSL_set_verify(ssl, SSL_VERIFY_NONE, nullptr);
      break;
    case TlsAuthClients::kOptional:
      SSL_set_verify(ssl, SSL_VERIFY_PEER, nullptr);
      break;
    case TlsAuthClients::kYes:
      break;  // the context's SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT
  }
  SSL_set_fd(ssl, fd);
  SSL_set_accept_state(ssl);
  return ssl;
}

void TlsFreeSession(SSL* ssl) { SSL_free(ssl); }

TlsIo TlsHandshake(SSL* ssl) {
  ERR_clear_error();
  int ret = SSL_do_handshake(ssl);
  return ret == 1 ? TlsIo::kDone : Outcome(ssl, ret, TlsIo::kWantRead);
}

TlsIo TlsRead(SSL* ssl, char* buf, size_t len, size_t* n) {
  ERR_clear_error();
  errno = 0;
  int ret = SSL_read_ex(ssl, buf, len, n);
  return ret == 1 ? TlsIo::kDone : Outcome(ssl, ret, TlsIo::kWantRead);
}

TlsIo TlsWrite(SSL* ssl, const char* buf, size_t len, size_t* n) {
  ERR_clear_error();
  errno = 0;
  int ret = SSL_write_ex(ssl, buf, len, n);
  return ret == 1 ? TlsIo::kDone : Outcome(ssl, ret, TlsIo::kWantWrite);
}

std::string TlsErrorText() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (!e) return "Unknown error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof(buf));
  return buf;
}

}  // namespace corvid
