// load_config: the JSON file, then environment overrides, each value checked by one table of keys
// so the file key and its GATEWAY_<SECTION>_<KEY> variable share a parser and an error message.
#include "gateway/config/config.hpp"

#include <boost/json.hpp>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string_view>

extern char** environ;

namespace relay::config {
namespace json = boost::json;

namespace {

// One value to apply: from the file (json set, name like "http.threads") or from the environment
// (text set, name like "GATEWAY_HTTP_THREADS"). Error messages name the key, never the value.
struct Input {
  std::string name;
  const json::value* json = nullptr;
  std::string text;
};

[[noreturn]] void fail(const std::string& name, std::string_view rule) {
  throw ConfigError(name + ": " + std::string(rule));
}

std::optional<std::int64_t> parse_decimal(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::int64_t read_integer(const Input& in, std::int64_t min, std::int64_t max) {
  const std::string rule =
      "must be an integer in " + std::to_string(min) + ".." + std::to_string(max);
  std::optional<std::int64_t> value;
  if (in.json != nullptr) {
    if (in.json->is_int64()) {
      value = in.json->get_int64();
    } else if (in.json->is_uint64()) {
      fail(in.name, rule);
    }
  } else {
    value = parse_decimal(in.text);
  }
  if (!value || *value < min || *value > max) fail(in.name, rule);
  return *value;
}

bool read_bool(const Input& in) {
  if (in.json != nullptr) {
    if (!in.json->is_bool()) fail(in.name, "must be true or false");
    return in.json->get_bool();
  }
  if (in.text == "true") return true;
  if (in.text == "false") return false;
  fail(in.name, "must be true or false");
}

std::string read_string(const Input& in) {
  if (in.json == nullptr) return in.text;
  if (!in.json->is_string()) fail(in.name, "must be a string");
  return std::string(in.json->get_string());
}

std::size_t utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (unsigned char c : text) count += (c & 0xC0) != 0x80;
  return count;
}

bool has_control(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7F) return true;
  }
  return false;
}

// "host:port", "[v6-address]:port"; an unbracketed host may not contain ':'.
void apply_listen(std::string& listen_host, std::uint16_t& listen_port, const Input& in) {
  const std::string text = read_string(in);
  constexpr std::string_view rule =
      "must be host:port with port 0..65535 (IPv6 in brackets, e.g. [::1]:8080)";
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) fail(in.name, rule);
  std::string host = text.substr(0, colon);
  const auto port = parse_decimal(std::string_view(text).substr(colon + 1));
  if (!port || *port > 65535 || text.size() - colon - 1 > 5) fail(in.name, rule);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    if (host.find(':') == std::string::npos) fail(in.name, rule);
  } else if (host.find_first_of(":[]") != std::string::npos) {
    fail(in.name, rule);
  }
  if (host.empty() || host.find_first_of(" \t/") != std::string::npos || has_control(host)) {
    fail(in.name, rule);
  }
  listen_host = host;
  listen_port = static_cast<std::uint16_t>(*port);
}

std::vector<std::string> split_keys(const std::string& text) {
  std::vector<std::string> keys;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string key = text.substr(start, end - start);
    const auto first = key.find_first_not_of(" \t\r\n");
    const auto last = key.find_last_not_of(" \t\r\n");
    if (first != std::string::npos) keys.push_back(key.substr(first, last - first + 1));
    start = end + 1;
  }
  return keys;
}

// ---- The key table
// -------------------------------------------------------------------------------

using Apply = void (*)(Config&, const Input&);

struct Key {
  std::string_view section;  // "" for top-level keys
  std::string_view name;     // as in the file
  bool fixed_name;           // top-level DESIGN.md name: the environment variable has the same name
  Apply apply;
};

constexpr std::int64_t gib4 = 4LL * 1024 * 1024 * 1024;

// IDs are btree index keys (messages (vendor_id, external_id), message_patients (external_id)), and
// PostgreSQL refuses an index entry over about 2700 bytes (a third of an 8 KiB page). At 4 bytes
// per UTF-8 character, 500 characters (2000 bytes) always fit; file names share the cap.
constexpr std::int64_t max_indexed_chars = 500;

const std::vector<Key>& keys() {
  static const std::vector<Key> table = {
      {"", "DATABASE_URL", true,
       [](Config& c, const Input& in) { c.database.url = read_string(in); }},
      {"", "GATEWAY_LISTEN", true,
       [](Config& c, const Input& in) {
         apply_listen(c.http.listen_host, c.http.listen_port, in);
       }},
      {"", "GATEWAY_OPS_LISTEN", true,
       [](Config& c, const Input& in) { apply_listen(c.ops.listen_host, c.ops.listen_port, in); }},
      {"", "GATEWAY_TOKEN_SECRET", true,
       [](Config& c, const Input& in) { c.tokens.secret = read_string(in); }},
      {"", "METRIPORT_BASE_URL", true,
       [](Config& c, const Input& in) {
         std::string url = read_string(in);
         if (!url.empty() && url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
           fail(in.name, "must start with https:// or http://");
         }
         if (has_control(url) || url.find(' ') != std::string::npos) {
           fail(in.name, "must not contain spaces or control characters");
         }
         while (!url.empty() && url.back() == '/') url.pop_back();
         c.metriport.base_url = url;
       }},
      {"", "METRIPORT_API_KEY", true,
       [](Config& c, const Input& in) { c.metriport.api_key = read_string(in); }},
      {"", "METRIPORT_WEBHOOK_KEY", true,
       [](Config& c, const Input& in) { c.metriport.webhook_keys = split_keys(read_string(in)); }},
      {"", "METRIPORT_SENDS_PER_MINUTE", true,
       [](Config& c, const Input& in) {
         c.metriport.sends_per_minute = static_cast<int>(read_integer(in, 1, 100000));
       }},
      {"", "webhook_path", false,
       [](Config& c, const Input& in) {
         std::string path = read_string(in);
         if (path.empty() || path.front() != '/' || path.size() > 255 || has_control(path) ||
             path.find_first_of(" ?#") != std::string::npos) {
           fail(in.name, "must be an absolute path of at most 255 characters, without query");
         }
         c.webhook_path = path;
       }},

      {"http", "threads", false,
       [](Config& c, const Input& in) {
         c.http.threads = static_cast<int>(read_integer(in, 1, 256));
       }},
      {"http", "header_limit_bytes", false,
       [](Config& c, const Input& in) {
         c.http.header_limit_bytes = static_cast<std::size_t>(read_integer(in, 1, 1024 * 1024));
       }},
      {"http", "body_limit_bytes", false,
       [](Config& c, const Input& in) {
         c.http.body_limit_bytes = static_cast<std::size_t>(read_integer(in, 1, gib4));
       }},
      {"http", "first_byte_timeout_seconds", false,
       [](Config& c, const Input& in) {
         c.http.first_byte_timeout = std::chrono::seconds(read_integer(in, 1, 86400));
       }},
      {"http", "read_timeout_seconds", false,
       [](Config& c, const Input& in) {
         c.http.read_timeout = std::chrono::seconds(read_integer(in, 1, 86400));
       }},
      {"http", "write_timeout_seconds", false,
       [](Config& c, const Input& in) {
         c.http.write_timeout = std::chrono::seconds(read_integer(in, 1, 86400));
       }},
      {"http", "keep_alive_timeout_seconds", false,
       [](Config& c, const Input& in) {
         c.http.keep_alive_timeout = std::chrono::seconds(read_integer(in, 1, 86400));
       }},
      {"http", "max_connections", false,
       [](Config& c, const Input& in) {
         c.http.max_connections = static_cast<std::size_t>(read_integer(in, 1, 1'000'000));
       }},
      {"http", "shutdown_grace_seconds", false,
       [](Config& c, const Input& in) {
         c.http.shutdown_grace = std::chrono::seconds(read_integer(in, 0, 3600));
       }},
      {"http", "drain_delay_seconds", false,
       [](Config& c, const Input& in) {
         c.http.drain_delay = std::chrono::seconds(read_integer(in, 0, 3600));
       }},
      {"http", "max_inflight_body_bytes", false,
       [](Config& c, const Input& in) {
         c.http.max_inflight_body_bytes =
             static_cast<std::size_t>(read_integer(in, 1, 68'719'476'736));
       }},
      {"http", "max_body_bytes_per_client", false,
       [](Config& c, const Input& in) {
         c.http.max_body_bytes_per_client =
             static_cast<std::size_t>(read_integer(in, 1, 68'719'476'736));
       }},
      {"http", "body_rate_grace_seconds", false,
       [](Config& c, const Input& in) {
         c.http.body_rate_grace = std::chrono::seconds(read_integer(in, 0, 3600));
       }},
      {"http", "min_body_bytes_per_second", false,
       [](Config& c, const Input& in) {
         c.http.min_body_bytes_per_second =
             static_cast<std::size_t>(read_integer(in, 1, 1'073'741'824));
       }},

      {"database", "pool_size", false,
       [](Config& c, const Input& in) {
         c.database.pool_size = static_cast<int>(read_integer(in, 1, 64));
       }},

      {"metriport", "send_window_seconds", false,
       [](Config& c, const Input& in) {
         c.metriport.send_window = std::chrono::seconds(read_integer(in, 1, 3600));
       }},
      {"metriport", "connect_timeout_seconds", false,
       [](Config& c, const Input& in) {
         c.metriport.connect_timeout = std::chrono::seconds(read_integer(in, 1, 300));
       }},
      {"metriport", "request_timeout_seconds", false,
       [](Config& c, const Input& in) {
         c.metriport.request_timeout = std::chrono::seconds(read_integer(in, 1, 600));
       }},
      {"metriport", "upload_timeout_seconds", false,
       [](Config& c, const Input& in) {
         c.metriport.upload_timeout = std::chrono::seconds(read_integer(in, 1, 3600));
       }},
      {"metriport", "max_connections_per_host", false,
       [](Config& c, const Input& in) {
         c.metriport.max_connections_per_host = static_cast<std::size_t>(read_integer(in, 1, 1024));
       }},
      {"metriport", "ca_file", false,
       [](Config& c, const Input& in) {
         std::string path = read_string(in);
         if (path.size() > 4096 || has_control(path)) {
           fail(in.name, "must be a file path without control characters");
         }
         c.metriport.ca_file = path;
       }},

      {"relay", "enabled", false,
       [](Config& c, const Input& in) { c.relay.enabled = read_bool(in); }},
      {"relay", "workers", false,
       [](Config& c, const Input& in) {
         c.relay.workers = static_cast<int>(read_integer(in, 1, 1024));
       }},
      {"relay", "lease_seconds", false,
       [](Config& c, const Input& in) {
         c.relay.lease = std::chrono::seconds(read_integer(in, 5, 3600));
       }},
      {"relay", "poll_interval_ms", false,
       [](Config& c, const Input& in) {
         c.relay.poll_interval = std::chrono::milliseconds(read_integer(in, 10, 600000));
       }},
      {"relay", "max_attempts", false,
       [](Config& c, const Input& in) {
         c.relay.max_attempts = static_cast<int>(read_integer(in, 1, 1000));
       }},
      {"relay", "backoff_base_ms", false,
       [](Config& c, const Input& in) {
         c.relay.backoff_base = std::chrono::milliseconds(read_integer(in, 1, 3600000));
       }},
      {"relay", "backoff_cap_ms", false,
       [](Config& c, const Input& in) {
         c.relay.backoff_cap = std::chrono::milliseconds(read_integer(in, 1, 86400000));
       }},
      {"relay", "ambiguous_settle_seconds", false,
       [](Config& c, const Input& in) {
         c.relay.ambiguous_settle = std::chrono::seconds(read_integer(in, 0, 3600));
       }},
      {"relay", "reconcile_after_seconds", false,
       [](Config& c, const Input& in) {
         c.relay.reconcile_after = std::chrono::seconds(read_integer(in, 1, 30 * 86400));
       }},
      {"relay", "flag_after_seconds", false,
       [](Config& c, const Input& in) {
         c.relay.flag_after = std::chrono::seconds(read_integer(in, 1, 365 * 86400));
       }},
      {"relay", "reconcile_interval_seconds", false,
       [](Config& c, const Input& in) {
         c.relay.reconcile_interval = std::chrono::seconds(read_integer(in, 1, 86400));
       }},
      {"webhooks", "max_body_bytes", false,
       [](Config& c, const Input& in) {
         c.webhooks.max_body_bytes =
             static_cast<std::size_t>(read_integer(in, 1024, 64 * 1024 * 1024));
       }},
      {"webhooks", "body_budget_bytes", false,
       [](Config& c, const Input& in) {
         c.webhooks.body_budget_bytes =
             static_cast<std::size_t>(read_integer(in, 1024, 1024LL * 1024 * 1024));
       }},
      {"webhooks", "body_budget_bytes_per_client", false,
       [](Config& c, const Input& in) {
         c.webhooks.body_budget_bytes_per_client =
             static_cast<std::size_t>(read_integer(in, 1024, 1024LL * 1024 * 1024));
       }},
      {"relay", "patient_cache_ttl_seconds", false,
       [](Config& c, const Input& in) {
         c.relay.patient_cache_ttl = std::chrono::seconds(read_integer(in, 0, 30 * 86400));
       }},

      {"ops", "session_lifetime_seconds", false,
       [](Config& c, const Input& in) {
         c.ops.session_lifetime = std::chrono::seconds(read_integer(in, 60, 86400));
       }},
      {"ops", "bulk_action_cap", false,
       [](Config& c, const Input& in) {
         c.ops.bulk_action_cap = static_cast<std::size_t>(read_integer(in, 1, 1'000'000));
       }},
      {"ops", "cookie_secure", false,
       [](Config& c, const Input& in) { c.ops.cookie_secure = read_bool(in); }},

      {"retention", "enabled", false,
       [](Config& c, const Input& in) { c.retention.enabled = read_bool(in); }},
      {"retention", "content_days", false,
       [](Config& c, const Input& in) {
         c.retention.content_days = static_cast<int>(read_integer(in, 1, 36500));
       }},
      {"retention", "records_days", false,
       [](Config& c, const Input& in) {
         c.retention.records_days = static_cast<int>(read_integer(in, 1, 36500));
       }},
      {"retention", "batch_size", false,
       [](Config& c, const Input& in) {
         c.retention.batch_size = static_cast<int>(read_integer(in, 1, 100000));
       }},
      {"retention", "interval_seconds", false,
       [](Config& c, const Input& in) {
         c.retention.interval = std::chrono::seconds(read_integer(in, 10, 7 * 86400));
       }},

      {"auth", "hash_threads", false,
       [](Config& c, const Input& in) {
         c.auth.hash_threads = static_cast<int>(read_integer(in, 1, 64));
       }},
      {"auth", "hash_queue_limit", false,
       [](Config& c, const Input& in) {
         c.auth.hash_queue_limit = static_cast<std::size_t>(read_integer(in, 1, 10000));
       }},
      {"auth", "hash_queue_reserved_for_vendors", false,
       [](Config& c, const Input& in) {
         c.auth.hash_queue_reserved_for_vendors =
             static_cast<std::size_t>(read_integer(in, 0, 10000));
       }},
      {"auth", "failed_logins_per_minute", false,
       [](Config& c, const Input& in) {
         c.auth.failed_logins_per_minute = static_cast<std::size_t>(read_integer(in, 1, 1'000'000));
       }},
      {"auth", "failed_login_burst", false,
       [](Config& c, const Input& in) {
         c.auth.failed_login_burst = static_cast<std::size_t>(read_integer(in, 1, 1'000'000));
       }},
      {"auth", "max_failures_per_name", false,
       [](Config& c, const Input& in) {
         c.auth.max_failures_per_name = static_cast<std::size_t>(read_integer(in, 1, 1000));
       }},
      {"auth", "failure_window_seconds", false,
       [](Config& c, const Input& in) {
         c.auth.failure_window = std::chrono::seconds(read_integer(in, 1, 86400));
       }},
      {"auth", "max_tracked_unknown_names", false,
       [](Config& c, const Input& in) {
         c.auth.max_tracked_unknown_names =
             static_cast<std::size_t>(read_integer(in, 1, 10'000'000));
       }},
      {"auth", "vendor_names_refresh_ms", false,
       [](Config& c, const Input& in) {
         c.auth.vendor_names_refresh = std::chrono::milliseconds(read_integer(in, 10, 600000));
       }},

      {"tokens", "lifetime_seconds", false,
       [](Config& c, const Input& in) {
         c.tokens.lifetime = std::chrono::seconds(read_integer(in, 1, 7 * 86400));
       }},

      {"intake", "max_patients", false,
       [](Config& c, const Input& in) {
         c.intake.max_patients = static_cast<std::size_t>(read_integer(in, 1, 100'000));
       }},
      {"intake", "max_attachments", false,
       [](Config& c, const Input& in) {
         c.intake.max_attachments = static_cast<std::size_t>(read_integer(in, 1, 1000));
       }},
      {"intake", "max_attachment_bytes", false,
       [](Config& c, const Input& in) {
         c.intake.max_attachment_bytes = static_cast<std::size_t>(read_integer(in, 1, gib4));
       }},
      {"intake", "max_total_attachment_bytes", false,
       [](Config& c, const Input& in) {
         c.intake.max_total_attachment_bytes = static_cast<std::size_t>(read_integer(in, 1, gib4));
       }},
      {"intake", "max_body_chars", false,
       [](Config& c, const Input& in) {
         c.intake.max_body_chars = static_cast<std::size_t>(read_integer(in, 1, 100'000'000));
       }},
      {"intake", "max_id_chars", false,
       [](Config& c, const Input& in) {
         c.intake.max_id_chars = static_cast<std::size_t>(read_integer(in, 1, max_indexed_chars));
       }},
      {"intake", "max_file_name_chars", false,
       [](Config& c, const Input& in) {
         c.intake.max_file_name_chars =
             static_cast<std::size_t>(read_integer(in, 1, max_indexed_chars));
       }},
      {"intake", "high_priority_subject_prefix", false,
       [](Config& c, const Input& in) {
         std::string prefix = read_string(in);
         if (utf8_length(prefix) > 100 || has_control(prefix)) {
           fail(in.name, "must be at most 100 characters without control characters");
         }
         c.intake.high_priority_subject_prefix = prefix;
       }},
  };
  return table;
}

constexpr std::string_view sections[] = {"http",  "database", "tokens", "intake",    "metriport",
                                         "relay", "webhooks", "ops",    "retention", "auth"};

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string env_name(const Key& key) {
  if (key.fixed_name) return std::string(key.name);
  if (key.section.empty()) return "GATEWAY_" + upper(key.name);
  return "GATEWAY_" + upper(key.section) + "_" + upper(key.name);
}

std::string file_name(std::string_view section, std::string_view name) {
  return section.empty() ? std::string(name) : std::string(section) + "." + std::string(name);
}

const Key* find_key(std::string_view section, std::string_view name) {
  for (const auto& key : keys()) {
    if (key.section == section && key.name == name) return &key;
  }
  return nullptr;
}

// ---- Routing (file only)
// -------------------------------------------------------------------------

const json::object& as_object(const json::value& value, const std::string& name) {
  if (!value.is_object()) fail(name, "must be an object");
  return value.get_object();
}

domain::Route parse_route(const json::value& value, const std::string& name) {
  domain::Route route;
  bool has_destination = false;
  for (const auto& [field, item] : as_object(value, name)) {
    const std::string item_name = name + "." + std::string(field);
    if (field == "destination") {
      if (!item.is_string()) fail(item_name, "must be a string");
      const std::string_view destination = item.get_string();
      if (utf8_length(destination) < 1 || utf8_length(destination) > 255 ||
          has_control(destination) || destination.find_first_of(" \t") != std::string_view::npos) {
        fail(item_name, "must be 1..255 characters without spaces (a Direct address or an OID)");
      }
      route.destination = std::string(destination);
      has_destination = true;
    } else if (field == "intended_recipient_npi") {
      if (!item.is_array()) fail(item_name, "must be an array of NPI strings");
      const auto& list = item.get_array();
      if (list.size() > 10) fail(item_name, "must hold at most 10 NPIs");
      for (const auto& npi : list) {
        const bool ten_digits = npi.is_string() && npi.get_string().size() == 10 &&
                                parse_decimal(npi.get_string()).has_value();
        if (!ten_digits) fail(item_name, "each NPI must be a string of exactly 10 digits");
        route.intended_recipient_npi.emplace_back(npi.get_string());
      }
    } else {
      fail(item_name, "unknown key");
    }
  }
  if (!has_destination) fail(name + ".destination", "is required");
  return route;
}

// The "default" and "routes" keys of a routing section (top level or one vendor's), under prefix.
bool parse_route_entry(std::string_view field, const json::value& item, const std::string& prefix,
                       std::map<std::string, domain::Route>& by_sender,
                       std::optional<domain::Route>& default_route) {
  if (field == "default") {
    if (!item.is_null()) default_route = parse_route(item, prefix + ".default");
    return true;
  }
  if (field != "routes") return false;
  for (const auto& [sender, route] : as_object(item, prefix + ".routes")) {
    if (sender.empty() || utf8_length(sender) > 255) {
      fail(prefix + ".routes", "sender IDs must be 1..255 characters");
    }
    by_sender[std::string(sender)] = parse_route(route, prefix + ".routes." + std::string(sender));
  }
  return true;
}

RoutingTable parse_routing(const json::value& value) {
  RoutingTable table;
  for (const auto& [field, item] : as_object(value, "routing")) {
    if (parse_route_entry(field, item, "routing", table.by_sender, table.default_route)) continue;
    if (field != "vendors") fail("routing." + std::string(field), "unknown key");
    for (const auto& [vendor, section] : as_object(item, "routing.vendors")) {
      const std::string prefix = "routing.vendors." + std::string(vendor);
      if (vendor.empty() || vendor.size() > 100) {
        fail("routing.vendors", "vendor names must be 1..100 characters");
      }
      auto& routes = table.by_vendor[std::string(vendor)];
      for (const auto& [key, entry] : as_object(section, prefix)) {
        if (!parse_route_entry(key, entry, prefix, routes.by_sender, routes.default_route)) {
          fail(prefix + "." + std::string(key), "unknown key");
        }
      }
    }
  }
  return table;
}

// ---- Sources
// -------------------------------------------------------------------------------------

json::value read_json_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw ConfigError(path + ": cannot open configuration file");
  std::ostringstream contents;
  contents << file.rdbuf();
  if (file.bad()) throw ConfigError(path + ": cannot read configuration file");
  boost::system::error_code ec;
  json::value value = json::parse(contents.str(), ec);
  if (ec) throw ConfigError(path + ": invalid JSON (" + ec.message() + ")");
  return value;
}

void apply_file(Config& config, const json::value& root) {
  for (const auto& [field, value] : as_object(root, "configuration file")) {
    const std::string_view name = field;
    if (name == "routing") {
      config.routing = parse_routing(value);
      continue;
    }
    bool is_section = false;
    for (auto section : sections) is_section = is_section || section == name;
    if (is_section) {
      for (const auto& [inner, inner_value] : as_object(value, std::string(name))) {
        const Key* key = find_key(name, inner);
        if (key == nullptr) fail(file_name(name, inner), "unknown key");
        key->apply(config, Input{file_name(name, inner), &inner_value, {}});
      }
      continue;
    }
    const Key* key = find_key("", name);
    if (key == nullptr) fail(std::string(name), "unknown key");
    key->apply(config, Input{std::string(name), &value, {}});
  }
}

std::optional<std::string> get_env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::string read_secret_file(const std::string& variable, const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw ConfigError(variable + ": cannot open " + path + " (" + std::strerror(errno) + ")");
  }
  std::string contents{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  if (file.bad()) throw ConfigError(variable + ": cannot read " + path);
  while (!contents.empty() && (contents.back() == '\n' || contents.back() == '\r')) {
    contents.pop_back();
  }
  return contents;
}

void apply_environment(Config& config) {
  for (const auto& key : keys()) {
    const std::string name = env_name(key);
    auto value = get_env(name);
    if (key.fixed_name) {
      if (auto path = get_env(name + "_FILE")) {
        if (value) throw ConfigError(name + " and " + name + "_FILE are both set; use one");
        key.apply(config, Input{name + "_FILE", nullptr, read_secret_file(name + "_FILE", *path)});
        continue;
      }
    }
    if (value) key.apply(config, Input{name, nullptr, *value});
  }
}

// A GATEWAY_<SECTION>_ variable that names no key is a typo: refuse it rather than ignore it.
void reject_unknown_environment() {
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::string_view name = text.substr(0, text.find('='));
    if (name.rfind("GATEWAY_ROUTING_", 0) == 0) {
      fail(std::string(name), "routing is read from the configuration file only");
    }
    bool fixed = false;  // GATEWAY_OPS_LISTEN is a fixed name, not a key of the "ops" section
    for (const auto& key : keys()) {
      fixed =
          fixed || (key.fixed_name && (env_name(key) == name || env_name(key) + "_FILE" == name));
    }
    if (fixed) continue;
    for (auto section : sections) {
      const std::string prefix = "GATEWAY_" + upper(section) + "_";
      if (name.rfind(prefix, 0) != 0) continue;
      bool known = false;
      for (const auto& key : keys())
        known = known || (key.section == section && env_name(key) == name);
      if (!known) fail(std::string(name), "unknown setting (see config/README.md)");
    }
  }
}

void check_combination(const Config& config) {
  if (!config.tokens.secret.empty() && config.tokens.secret.size() < 32) {
    throw ConfigError("GATEWAY_TOKEN_SECRET: must be at least 32 bytes");
  }
  // A body the whole budget cannot hold would be refused as "busy, retry" forever.
  if (config.http.max_inflight_body_bytes < config.http.body_limit_bytes) {
    throw ConfigError("http.max_inflight_body_bytes: must be at least http.body_limit_bytes");
  }
  if (config.http.max_body_bytes_per_client < config.http.body_limit_bytes) {
    throw ConfigError("http.max_body_bytes_per_client: must be at least http.body_limit_bytes");
  }
  if (config.webhooks.body_budget_bytes_per_client < config.webhooks.max_body_bytes) {
    throw ConfigError(
        "webhooks.body_budget_bytes_per_client: must be at least "
        "webhooks.max_body_bytes");
  }
  if (config.webhooks.body_budget_bytes < config.webhooks.max_body_bytes) {
    throw ConfigError("webhooks.body_budget_bytes: must be at least webhooks.max_body_bytes");
  }
  if (config.ops.listen_port != 0 && config.ops.listen_port == config.http.listen_port &&
      config.ops.listen_host == config.http.listen_host) {
    throw ConfigError(
        "GATEWAY_OPS_LISTEN: must differ from GATEWAY_LISTEN (the operations "
        "listener is separate)");
  }
  if (config.retention.records_days < config.retention.content_days) {
    throw ConfigError("retention.records_days: must be at least retention.content_days");
  }
  // Reserving the whole queue for vendors would leave unknown names none: allowed (they are then
  // always refused), but never more than the queue.
  if (config.auth.hash_queue_reserved_for_vendors > config.auth.hash_queue_limit) {
    throw ConfigError(
        "auth.hash_queue_reserved_for_vendors: must not exceed auth.hash_queue_limit");
  }
  if (config.relay.backoff_base > config.relay.backoff_cap) {
    throw ConfigError("relay.backoff_base_ms: must not exceed relay.backoff_cap_ms");
  }
  if (config.relay.flag_after < config.relay.reconcile_after) {
    throw ConfigError("relay.flag_after_seconds: must be at least relay.reconcile_after_seconds");
  }
  // Every Metriport call starts with a renewed lease; it must not expire before the call ends,
  // or another process could take the delivery over while a send is still in flight.
  const auto longest_call =
      std::max(config.metriport.request_timeout, config.metriport.upload_timeout);
  if (config.relay.lease < longest_call + lease_margin) {
    throw ConfigError("relay.lease_seconds: must be at least " +
                      std::to_string((longest_call + lease_margin).count()) +
                      " (the longer of metriport.request_timeout_seconds and "
                      "metriport.upload_timeout_seconds, plus 5)");
  }
}

}  // namespace

std::optional<domain::Route> RoutingTable::route_for(const std::string& sender_external_id) const {
  if (const auto found = by_sender.find(sender_external_id); found != by_sender.end()) {
    return found->second;
  }
  return default_route;
}

std::optional<domain::Route> RoutingTable::route_for(const std::string& vendor_name,
                                                     const std::string& sender_external_id) const {
  if (const auto vendor = by_vendor.find(vendor_name); vendor != by_vendor.end()) {
    const auto& routes = vendor->second;
    if (const auto found = routes.by_sender.find(sender_external_id);
        found != routes.by_sender.end()) {
      return found->second;
    }
    if (routes.default_route) return routes.default_route;
  }
  return route_for(sender_external_id);
}

Config load_config(const std::optional<std::string>& file_path) {
  Config config;
  if (file_path) apply_file(config, read_json_file(*file_path));
  apply_environment(config);
  reject_unknown_environment();
  check_combination(config);
  return config;
}

}  // namespace relay::config
