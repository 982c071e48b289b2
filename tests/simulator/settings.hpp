// The simulator's switchable behaviour (faults, delays, limits, answer shape, webhook target) and
// its JSON form, used at start (--settings) and at run time (POST /_sim/settings).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace relay::sim {

enum class AnswerShape { message, communication };

// Rates are probabilities 0..1 drawn per request (or per webhook); times in milliseconds.
struct Settings {
  std::int64_t latency_ms = 0;           // delay before every API answer (after processing)
  double error_rate = 0;                 // API calls answered 500 (a send is not stored)
  double rate_429 = 0;                   // API calls answered 429 with Retry-After
  std::int64_t retry_after_seconds = 1;  // Retry-After of those random 429s
  double ambiguous_rate = 0;             // sends stored, then the connection dropped unanswered
  std::int64_t webhook_delay_ms = 100;   // send -> status change and message.status webhook
  double webhook_duplicate_rate = 0;     // the same webhook bytes posted twice
  double webhook_loss_rate = 0;          // the webhook is not posted (status still changes)
  std::int64_t webhook_reorder_window_ms = 0;  // extra random 0..N ms before posting
  double failed_rate = 0;                      // outcomes "failed" instead of "completed"
  std::string failed_reason = "Recipient address rejected by the receiving HISP";
  AnswerShape answer_shape = AnswerShape::message;
  std::int64_t send_limit_per_window = 0;  // fixed-window send limit; 0 = off
  std::int64_t send_window_seconds = 60;
  std::vector<std::string> unknown_patients;  // external IDs answered 404
  std::int64_t upload_url_ttl_ms = 180000;
  std::uint64_t seed = 0;   // fault decisions; 0 = random
  std::string webhook_url;  // empty: no webhooks posted (statuses still change)
  std::string webhook_key;
};

boost::json::object settings_to_json(const Settings& settings);

// Applies a JSON object of settings keys over `settings`: all or nothing. Returns an error naming
// the key and the rule when a key is unknown or a value has the wrong type or range.
std::optional<std::string> merge_settings(Settings& settings, const boost::json::value& patch);

}  // namespace relay::sim
