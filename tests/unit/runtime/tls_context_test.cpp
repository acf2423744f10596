// The TLS context without sockets: certificate and key files made here with OpenSSL (a self-signed EC
// certificate), loaded into a context with the configured lowest version and ALPN, and every way a file can
// be wrong, with the setting it names.
#include "runtime/tls_context.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

namespace herald {
namespace {

namespace fs = std::filesystem;

// A fresh P-256 key and a self-signed certificate for it, written as PEM files into a temporary folder.
class TlsFiles {
 public:
  TlsFiles() : dir_(fs::temp_directory_path() / ("herald-tls-test-" + std::to_string(::getpid()))) {
    fs::create_directories(dir_);
  }
  ~TlsFiles() { fs::remove_all(dir_); }

  // Writes `name`.pem (certificate) and `name`.key (see cert() and key()).
  void make(const std::string& name) {
    EVP_PKEY* pkey = EVP_EC_gen("P-256");
    X509* x509 = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(x509), 1);
    X509_gmtime_adj(X509_getm_notBefore(x509), 0);
    X509_gmtime_adj(X509_getm_notAfter(x509), 3600);
    X509_set_pubkey(x509, pkey);
    X509_NAME* subject = X509_get_subject_name(x509);
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(x509, subject);
    X509_sign(x509, pkey, EVP_sha256());
    FILE* cert_file = std::fopen(cert(name).c_str(), "w");
    PEM_write_X509(cert_file, x509);
    std::fclose(cert_file);
    FILE* key_file = std::fopen(key(name).c_str(), "w");
    PEM_write_PrivateKey(key_file, pkey, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(key_file);
    X509_free(x509);
    EVP_PKEY_free(pkey);
  }

  std::string cert(const std::string& name) const { return (dir_ / (name + ".pem")).string(); }
  std::string key(const std::string& name) const { return (dir_ / (name + ".key")).string(); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }

 private:
  fs::path dir_;
};

Config tls_config(const std::string& cert, const std::string& key) {
  Config config;
  config.tls_cert = cert;
  config.tls_key = key;
  return config;
}

// The setting and the message of the error that making the context throws.
std::pair<std::string, std::string> failure_of(const Config& config) {
  try {
    make_tls_context(config);
  } catch (const TlsSetupError& error) {
    return {error.key(), error.what()};
  }
  ADD_FAILURE() << "no TlsSetupError";
  return {};
}

TEST(TlsContext, TlsIsOnWithACertificateAndAKey) {
  EXPECT_FALSE(tls_enabled(Config{}));
  EXPECT_FALSE(tls_enabled(tls_config("cert.pem", "")));
  EXPECT_TRUE(tls_enabled(tls_config("cert.pem", "key.pem")));
}

TEST(TlsContext, LoadsAMatchingPairWithTheLowestVersionConfigured) {
  TlsFiles files;
  files.make("server");
  Config config = tls_config(files.cert("server"), files.key("server"));
  auto context = make_tls_context(config);
  EXPECT_EQ(SSL_CTX_get_min_proto_version(context->native_handle()), TLS1_2_VERSION);
  EXPECT_NE(SSL_CTX_get0_certificate(context->native_handle()), nullptr);
  config.tls_min_version = "1.3";
  EXPECT_EQ(SSL_CTX_get_min_proto_version(make_tls_context(config)->native_handle()), TLS1_3_VERSION);
}

TEST(TlsContext, EveryBadFileNamesItsSettingAndWhy) {
  TlsFiles files;
  files.make("first");
  files.make("second");
  std::string garbage = files.write("garbage.pem", "not a certificate\n");

  auto [missing_key, missing] = failure_of(tls_config(files.cert("none"), files.key("first")));
  EXPECT_EQ(missing_key, "tls.cert");
  EXPECT_EQ(missing, files.cert("none") + ": cannot read it: No such file or directory");

  auto [garbage_key, not_pem] = failure_of(tls_config(garbage, files.key("first")));
  EXPECT_EQ(garbage_key, "tls.cert");
  EXPECT_EQ(not_pem, garbage + ": not a PEM certificate (chain): no start line");

  auto [bad_key_key, bad_key] = failure_of(tls_config(files.cert("first"), garbage));
  EXPECT_EQ(bad_key_key, "tls.key");
  EXPECT_EQ(bad_key.rfind(garbage + ": not a PEM private key: ", 0), 0u) << bad_key;

  auto [mismatch_key, mismatch] = failure_of(tls_config(files.cert("first"), files.key("second")));
  EXPECT_EQ(mismatch_key, "tls.key");
  EXPECT_EQ(mismatch,
            files.key("second") + ": the key does not belong to the certificate in " + files.cert("first"));
}

TEST(TlsContext, TheHolderGivesNewConnectionsTheReplacement) {
  TlsFiles files;
  files.make("server");
  Config config = tls_config(files.cert("server"), files.key("server"));
  auto first = make_tls_context(config);
  TlsContextHolder holder(first);
  EXPECT_EQ(holder.current(), first);
  auto second = make_tls_context(config);
  holder.replace(second);
  EXPECT_EQ(holder.current(), second);
  EXPECT_EQ(first.use_count(), 1);  // only this test holds the first one now
}

}  // namespace
}  // namespace herald
