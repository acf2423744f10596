// TLS contexts (see tls_context.hpp).
#include "runtime/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cerrno>
#include <fstream>
#include <system_error>

namespace herald {
namespace ssl = boost::asio::ssl;
namespace {

// Mozilla's "intermediate" configuration for TLS 1.2 (ECDHE key exchange, AES-GCM and ChaCha20-Poly1305);
// TLS 1.3 keeps OpenSSL's default suites.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// The first OpenSSL error of the queue as text (and the queue emptied), or `fallback`: the first says
// what was wrong ("no start line"), the later ones only where it was noticed ("PEM lib").
std::string openssl_error(const std::string& fallback) {
  unsigned long code = ERR_peek_error();
  ERR_clear_error();
  if (code == 0) return fallback;
  const char* reason = ERR_reason_error_string(code);
  return reason != nullptr ? reason : fallback;
}

// A readable file, or a TlsSetupError that says why not (OpenSSL's own messages hide the errno).
void check_readable(const std::string& key, const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw TlsSetupError(key, path + ": cannot read it: " + std::generic_category().message(errno));
}

// Offers http/1.1 to a client that asks for it; a client that offers only other protocols (h2) goes on
// without ALPN and speaks HTTP/1.1 anyway or leaves.
int select_http11(SSL*, const unsigned char** out, unsigned char* out_length, const unsigned char* in,
                  unsigned int in_length, void*) {
  static const unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, out_length, kHttp11, sizeof(kHttp11), in, in_length) !=
      OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_NOACK;
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

void configure_protocol(TlsContext& context, const std::string& min_version) {
  SSL_CTX* native = context.native_handle();
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                      ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  SSL_CTX_set_min_proto_version(native, min_version == "1.3" ? TLS1_3_VERSION : TLS1_2_VERSION);
  if (SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1)
    throw TlsSetupError("tls.min_version", "the cipher list is not supported: " + openssl_error("unknown"));
  // An idle connection gives its read and write buffers back to OpenSSL's allocator.
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_alpn_select_cb(native, select_http11, nullptr);
}

void load_files(TlsContext& context, const Config& config) {
  check_readable("tls.cert", config.tls_cert);
  check_readable("tls.key", config.tls_key);
  SSL_CTX* native = context.native_handle();
  ERR_clear_error();
  if (SSL_CTX_use_certificate_chain_file(native, config.tls_cert.c_str()) != 1)
    throw TlsSetupError("tls.cert", config.tls_cert + ": not a PEM certificate (chain): " +
                                        openssl_error("no certificate found"));
  if (SSL_CTX_use_PrivateKey_file(native, config.tls_key.c_str(), SSL_FILETYPE_PEM) != 1) {
    if (ERR_GET_REASON(ERR_peek_error()) == X509_R_KEY_VALUES_MISMATCH) {
      ERR_clear_error();
      throw TlsSetupError(
          "tls.key", config.tls_key + ": the key does not belong to the certificate in " + config.tls_cert);
    }
    throw TlsSetupError("tls.key",
                        config.tls_key + ": not a PEM private key: " + openssl_error("no key found"));
  }
  if (SSL_CTX_check_private_key(native) != 1)
    throw TlsSetupError("tls.key", config.tls_key + ": the key does not belong to the certificate in " +
                                       config.tls_cert + " (" + openssl_error("mismatch") + ")");
}

}  // namespace

std::shared_ptr<TlsContext> make_tls_context(const Config& config) {
  auto context = std::make_shared<TlsContext>(ssl::context::tls_server);
  configure_protocol(*context, config.tls_min_version);
  load_files(*context, config);
  return context;
}

}  // namespace herald
