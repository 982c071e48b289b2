// Settings of the Metriport client: where the API is, the key, timeouts, pool size, trust anchors.
// Plain values filled from the gateway configuration; the client validates base_url when built.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace relay::metriport {

struct ClientSettings {
  std::string base_url;  // e.g. https://api.metriport.com/medical/v1
  std::string api_key;   // sent as x-api-key on base_url calls only; never logged
  // Resolve + TCP connect + TLS handshake of one new connection.
  std::chrono::milliseconds connect_timeout{10'000};
  // One whole exchange (waiting for a pooled connection, connecting, writing, reading the answer).
  std::chrono::milliseconds request_timeout{30'000};
  // Like request_timeout, for the PUT of a document to its upload URL (files up to 50 MB).
  std::chrono::milliseconds upload_timeout{120'000};
  // Open connections (idle + in use) per scheme/host/port; callers beyond it wait for one.
  std::size_t max_connections_per_host = 16;
  // A pooled connection idle longer than this is closed instead of reused (servers close idle
  // keep-alive connections after a few seconds; Node's default is 5 s).
  std::chrono::milliseconds idle_timeout{4'000};
  // Extra trust anchors (PEM) besides the system CAs, e.g. a private CA in front of a sandbox.
  std::optional<std::string> ca_file;
  // Larger answers are refused (the exchange fails, the connection is closed).
  std::size_t max_answer_bytes = 8 * 1024 * 1024;
};

}  // namespace relay::metriport
