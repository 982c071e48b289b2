// A throwaway certificate for TLS tests, made at run time with OpenSSL's C API: P-256 key,
// CN=localhost, subjectAltName DNS:localhost and IP:127.0.0.1 by default, valid for one day.
#pragma once

#include <string>

namespace relay::metriport::test_support {

struct SelfSignedCert {
  std::string cert_pem;
  std::string key_pem;
};

// Throws std::runtime_error when OpenSSL fails. `alt_names` is the subjectAltName value.
SelfSignedCert make_self_signed_cert(const std::string& alt_names = "DNS:localhost,IP:127.0.0.1");

}  // namespace relay::metriport::test_support
