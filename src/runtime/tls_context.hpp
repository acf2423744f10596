// TLS for herald's listeners: the server-side OpenSSL context made from the [tls] settings (certificate
// chain and key PEM files, lowest TLS version, Mozilla's "intermediate" ciphers for TLS 1.2, OpenSSL's
// defaults for 1.3, ALPN http/1.1), and the holder through which SIGHUP gives new connections a
// reloaded context while open connections keep the one they started with.
#pragma once
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <mutex>
#include <string>

#include "runtime/config.hpp"

namespace herald {

using TlsContext = boost::asio::ssl::context;

// TLS is on when a certificate and a key are set.
inline bool tls_enabled(const Config& config) { return !config.tls_cert.empty() && !config.tls_key.empty(); }

// A problem with a [tls] file or setting; `key()` names the setting ("tls.cert", "tls.key", ...).
class TlsSetupError : public std::runtime_error {
 public:
  TlsSetupError(std::string key, const std::string& problem)
      : std::runtime_error(problem), key_(std::move(key)) {}
  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

// Loads the certificate chain and the key of `config` into a new server context. Throws TlsSetupError
// when a file cannot be read or parsed, or when the key does not belong to the certificate.
std::shared_ptr<TlsContext> make_tls_context(const Config& config);

// The context new TLS connections get. Each connection's OpenSSL session holds a reference to the
// context it was made with, so replacing it leaves open connections untouched.
class TlsContextHolder {
 public:
  explicit TlsContextHolder(std::shared_ptr<TlsContext> context) : context_(std::move(context)) {}

  std::shared_ptr<TlsContext> current() const {
    std::lock_guard lock(mutex_);
    return context_;
  }
  void replace(std::shared_ptr<TlsContext> context) {
    std::lock_guard lock(mutex_);
    context_ = std::move(context);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<TlsContext> context_;
};

}  // namespace herald
