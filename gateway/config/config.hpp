// The gateway's configuration: a JSON file (--config), every key overridable by environment.
// DESIGN.md's fixed names (DATABASE_URL, GATEWAY_LISTEN, ...) override the top-level keys.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "gateway/domain/message.hpp"

namespace relay::config {

struct HttpSettings {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  int threads = 2;
  std::size_t header_limit_bytes = 16 * 1024;
  std::size_t body_limit_bytes = 32 * 1024 * 1024;
  // A new connection must send its first byte within this; then read_timeout bounds each silence.
  std::chrono::seconds first_byte_timeout{5};
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds write_timeout{30};
  std::chrono::seconds keep_alive_timeout{60};
  std::size_t max_connections = 1024;
  std::chrono::seconds shutdown_grace{10};
  // After SIGTERM, /readyz answers 503 at once; the listeners keep serving this long (so load
  // balancers see it and stop sending) before they stop accepting and drain.
  std::chrono::seconds drain_delay{0};
  std::size_t max_inflight_body_bytes = 256 * 1024 * 1024;   // all connections' bodies together
  std::size_t max_body_bytes_per_client = 64 * 1024 * 1024;  // one IPv4 address or IPv6 /64
  std::size_t min_body_bytes_per_second = 64 * 1024;  // a running rate: slower uploads are cut off
  std::chrono::seconds body_rate_grace{5};            // before the minimum rate applies
};

struct DatabaseSettings {
  std::string url;  // DATABASE_URL, libpq connection string or URI
  int pool_size = 4;
};

struct TokenSettings {
  std::string secret;  // GATEWAY_TOKEN_SECRET; at least 32 bytes
  std::chrono::seconds lifetime{3600};
};

struct IntakeLimits {
  std::size_t max_patients = 500;
  std::size_t max_attachments = 20;
  std::size_t max_attachment_bytes = 10 * 1024 * 1024;
  std::size_t max_total_attachment_bytes = 25 * 1024 * 1024;
  std::size_t max_body_chars = 1'000'000;
  std::size_t max_id_chars = 255;
  std::size_t max_file_name_chars = 255;
  std::string high_priority_subject_prefix;  // e.g. "[URGENT] "; empty for none
};

// One vendor's own routes, consulted before the global table (sender IDs are only unique per
// vendor).
struct VendorRoutes {
  std::map<std::string, domain::Route> by_sender;
  std::optional<domain::Route> default_route;
};

struct RoutingTable {
  std::map<std::string, domain::Route> by_sender;  // keyed by FromSecureRecipientExternalId
  std::optional<domain::Route> default_route;
  std::map<std::string, VendorRoutes> by_vendor;  // keyed by vendor name
  // The route for a sender, or nullopt when neither the table nor the default has one.
  std::optional<domain::Route> route_for(const std::string& sender_external_id) const;
  // The vendor's route for the sender, then the vendor's default, then route_for(sender).
  std::optional<domain::Route> route_for(const std::string& vendor_name,
                                         const std::string& sender_external_id) const;
};

struct MetriportSettings {
  std::string base_url;                   // METRIPORT_BASE_URL, ends in /medical/v1
  std::string api_key;                    // METRIPORT_API_KEY
  std::vector<std::string> webhook_keys;  // METRIPORT_WEBHOOK_KEY, comma-separated during rotation
  int sends_per_minute = 20;              // METRIPORT_SENDS_PER_MINUTE
  std::chrono::seconds send_window{60};   // Metriport's fixed rate-limit window
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds request_timeout{30};
  std::chrono::seconds upload_timeout{120};  // the PUT of one document's bytes
  std::size_t max_connections_per_host = 16;
  std::string ca_file;  // extra trusted CA bundle (PEM) besides the system CAs; empty for none
};

// The relay engine: how many deliveries one process works on at once, leases, retries, wake-ups.
struct RelaySettings {
  bool enabled = true;  // false: this process only serves HTTP (intake, reads)
  int workers = 8;      // deliveries in flight at once in this process
  // At least the longest Metriport call plus lease_margin: a lease never ends mid-request.
  std::chrono::seconds lease{300};
  std::chrono::milliseconds poll_interval{2000};  // fallback when no NOTIFY arrives
  int max_attempts = 8;
  std::chrono::milliseconds backoff_base{1000};
  std::chrono::milliseconds backoff_cap{300000};
  std::chrono::seconds patient_cache_ttl{86400};
  // After an ambiguous send, the wait before Metriport's message list is trusted to show it.
  std::chrono::seconds ambiguous_settle{60};
  // Accepted deliveries with no webhook for this long get their status read from Metriport (and
  // again every reconcile_after while unconfirmed); after flag_after they are flagged for
  // operators.
  std::chrono::seconds reconcile_after{900};
  std::chrono::seconds flag_after{86400};
  std::chrono::seconds reconcile_interval{60};  // how often a process looks for them
};

// The Metriport webhook receiver (its path is the top-level webhook_path).
struct WebhookSettings {
  // A message.status event is at most about 35 KiB (a 5,000-character reason, escaped).
  std::size_t max_body_bytes = 64 * 1024;
  // The webhooks' own share of body memory (vendor uploads cannot take it) and one client's part.
  std::size_t body_budget_bytes = 4 * 1024 * 1024;
  std::size_t body_budget_bytes_per_client = 1024 * 1024;
};

// The operations listener (GATEWAY_OPS_LISTEN): operator API, dashboard, metrics and probes. It
// shares the vendor listener's limits and timeouts (http) and has its own address.
struct OpsSettings {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8090;
  std::chrono::seconds session_lifetime{1800};  // an operator login's absolute lifetime
  std::size_t bulk_action_cap = 1000;           // deliveries one bulk retry/cancel may match
  bool cookie_secure = false;  // mark the session cookie Secure (TLS terminated in front)
};

// What is purged, and when, of messages whose relaying is over.
struct RetentionSettings {
  bool enabled = true;
  int content_days = 30;   // bodies, subjects, names and attachment bytes: purged after this
  int records_days = 365;  // completed messages, their deliveries and webhook events: deleted
  int batch_size = 500;    // rows per transaction
  std::chrono::seconds interval{3600};  // how often each process tries (one at a time overall)
};

// POST /token under a login flood: password hashing on threads of its own with a bounded queue
// (part of it reserved for existing vendors' names), a process-wide limit on failed logins, and
// the per-name throttle.
struct AuthSettings {
  int hash_threads = 1;
  std::size_t hash_queue_limit = 8;                 // hashes waiting for a thread, both lanes
  std::size_t hash_queue_reserved_for_vendors = 4;  // of those, only vendors' names may take
  std::size_t failed_logins_per_minute = 60;        // refill rate of the failed-login bucket
  std::size_t failed_login_burst = 20;              // its capacity
  std::size_t max_failures_per_name = 10;
  std::chrono::seconds failure_window{300};
  std::size_t max_tracked_unknown_names = 10000;
  std::chrono::milliseconds vendor_names_refresh{1000};  // at most one reload of the names each
};

inline constexpr std::chrono::seconds lease_margin{5};

struct Config {
  HttpSettings http;
  DatabaseSettings database;
  TokenSettings tokens;
  IntakeLimits intake;
  RoutingTable routing;
  MetriportSettings metriport;
  RelaySettings relay;
  WebhookSettings webhooks;
  OpsSettings ops;
  RetentionSettings retention;
  AuthSettings auth;
  std::string webhook_path = "/webhooks/metriport";
};

// Reads the file (if any), then applies environment overrides. Throws ConfigError naming the key.
Config load_config(const std::optional<std::string>& file_path);

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace relay::config
