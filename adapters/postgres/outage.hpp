// Which database failures are an outage (the server is away, restarting, out of connection slots or
// read-only after a failover: retrying later succeeds) rather than a fault of the request or code.
#pragma once

#include <exception>
#include <optional>
#include <string>
#include <string_view>

namespace relay::pg {

// SQLSTATEs of a database that is temporarily unable to serve (see outage_reason()).
inline constexpr std::string_view sqlstate_admin_shutdown = "57P01";
inline constexpr std::string_view sqlstate_crash_shutdown = "57P02";
inline constexpr std::string_view sqlstate_cannot_connect_now = "57P03";
inline constexpr std::string_view sqlstate_too_many_connections = "53300";
inline constexpr std::string_view sqlstate_read_only_transaction = "25006";

// A log-safe reason when `failure` means the database is temporarily unavailable, else nullopt:
// - the connection broke or could not be made (pqxx::broken_connection, which libpqxx also throws
//   for SQLSTATE class 08 and for 53300 too_many_connections);
// - a commit whose outcome is unknown because the connection broke (pqxx::in_doubt_error): every
//   write the gateway makes is idempotent on retry (intake by ExternalId, webhooks by messageId);
// - class 08 (connection exception), 57P01 admin_shutdown (a restart or a failover terminated the
//   session), 57P02 crash_shutdown (another backend crashed, the server restarts), 57P03
//   cannot_connect_now (starting up, shutting down, in recovery), 53300 too_many_connections;
// - 25006 read_only_sql_transaction: a write reached a standby, which happens right after a
//   failover while addresses still point at the old primary (the pool reconnects on it).
// Everything else (constraint violations, bad data, syntax, disk full, ...) is a real fault.
std::optional<std::string> outage_reason(const std::exception& failure);

// True when the failure leaves the connection useless even if it is still open (25006: the server
// is a standby, so a new connection may reach the new primary).
bool needs_new_connection(const std::exception& failure);

}  // namespace relay::pg
