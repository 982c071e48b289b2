// Builds the one TLS context the client shares between its connections (an SSL_CTX may be used
// from several threads once set up). Old protocol versions and compression are off.
#include "adapters/metriport/tls_context.hpp"

namespace relay::metriport {

boost::asio::ssl::context make_client_tls_context(const std::optional<std::string>& ca_file) {
  namespace ssl = boost::asio::ssl;
  ssl::context context(ssl::context::tls_client);
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                      ssl::context::no_compression);
  context.set_default_verify_paths();
  if (ca_file && !ca_file->empty()) context.load_verify_file(*ca_file);
  context.set_verify_mode(ssl::verify_peer);
  return context;
}

}  // namespace relay::metriport
