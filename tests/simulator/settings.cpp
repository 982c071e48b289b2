// Reading and writing Settings as JSON: every key typed and range-checked, unknown keys refused, so
// a typo in a test's settings fails loudly instead of silently testing nothing.
#include "tests/simulator/settings.hpp"

#include <boost/json/string.hpp>

#include <cmath>
#include <functional>
#include <map>

namespace relay::sim {
namespace {
namespace json = boost::json;

using Apply = std::function<std::optional<std::string>(Settings&, const json::value&)>;

std::optional<std::int64_t> as_whole_number(const json::value& value) {
  if (value.is_int64()) return value.get_int64();
  if (value.is_uint64()) {
    if (value.get_uint64() > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(value.get_uint64());
  }
  if (value.is_double()) {
    const double d = value.get_double();
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9e15) {
      return static_cast<std::int64_t>(d);
    }
  }
  return std::nullopt;
}

Apply integer(std::int64_t Settings::*field, std::int64_t min, std::int64_t max) {
  return [=](Settings& s, const json::value& v) -> std::optional<std::string> {
    const auto number = as_whole_number(v);
    if (!number || *number < min || *number > max) {
      return "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max);
    }
    s.*field = *number;
    return std::nullopt;
  };
}

Apply rate(double Settings::*field) {
  return [=](Settings& s, const json::value& v) -> std::optional<std::string> {
    if (!v.is_number()) return "must be a number from 0 to 1";
    const double d = v.to_number<double>();
    if (!(d >= 0 && d <= 1)) return "must be a number from 0 to 1";
    s.*field = d;
    return std::nullopt;
  };
}

Apply text(std::string Settings::*field) {
  return [=](Settings& s, const json::value& v) -> std::optional<std::string> {
    if (!v.is_string()) return "must be a string";
    s.*field = std::string(v.get_string());
    return std::nullopt;
  };
}

const std::map<std::string, Apply, std::less<>>& appliers() {
  static const std::map<std::string, Apply, std::less<>> table = {
      {"latency_ms", integer(&Settings::latency_ms, 0, 600000)},
      {"error_rate", rate(&Settings::error_rate)},
      {"rate_429", rate(&Settings::rate_429)},
      {"retry_after_seconds", integer(&Settings::retry_after_seconds, 0, 86400)},
      {"ambiguous_rate", rate(&Settings::ambiguous_rate)},
      {"webhook_delay_ms", integer(&Settings::webhook_delay_ms, 0, 3600000)},
      {"webhook_duplicate_rate", rate(&Settings::webhook_duplicate_rate)},
      {"webhook_loss_rate", rate(&Settings::webhook_loss_rate)},
      {"webhook_reorder_window_ms", integer(&Settings::webhook_reorder_window_ms, 0, 3600000)},
      {"failed_rate", rate(&Settings::failed_rate)},
      {"failed_reason",
       [](Settings& s, const json::value& v) -> std::optional<std::string> {
         if (!v.is_string() || v.get_string().empty()) return "must be a non-empty string";
         s.failed_reason = std::string(v.get_string());
         return std::nullopt;
       }},
      {"answer_shape",
       [](Settings& s, const json::value& v) -> std::optional<std::string> {
         if (v.is_string() && v.get_string() == "message") {
           s.answer_shape = AnswerShape::message;
         } else if (v.is_string() && v.get_string() == "communication") {
           s.answer_shape = AnswerShape::communication;
         } else {
           return "must be \"message\" or \"communication\"";
         }
         return std::nullopt;
       }},
      {"send_limit_per_window", integer(&Settings::send_limit_per_window, 0, 1000000)},
      {"send_window_seconds", integer(&Settings::send_window_seconds, 1, 86400)},
      {"unknown_patients",
       [](Settings& s, const json::value& v) -> std::optional<std::string> {
         if (!v.is_array()) return "must be an array of strings";
         std::vector<std::string> ids;
         for (const auto& item : v.get_array()) {
           if (!item.is_string()) return "must be an array of strings";
           ids.emplace_back(item.get_string());
         }
         s.unknown_patients = std::move(ids);
         return std::nullopt;
       }},
      {"upload_url_ttl_ms", integer(&Settings::upload_url_ttl_ms, 0, 86400000)},
      {"seed",
       [](Settings& s, const json::value& v) -> std::optional<std::string> {
         const auto number = as_whole_number(v);
         if (v.is_uint64()) {
           s.seed = v.get_uint64();
         } else if (number && *number >= 0) {
           s.seed = static_cast<std::uint64_t>(*number);
         } else {
           return "must be a whole number >= 0";
         }
         return std::nullopt;
       }},
      {"webhook_url", text(&Settings::webhook_url)},
      {"webhook_key", text(&Settings::webhook_key)},
  };
  return table;
}

}  // namespace

json::object settings_to_json(const Settings& s) {
  json::array unknown;
  for (const auto& id : s.unknown_patients) unknown.emplace_back(id);
  return json::object{
      {"latency_ms", s.latency_ms},
      {"error_rate", s.error_rate},
      {"rate_429", s.rate_429},
      {"retry_after_seconds", s.retry_after_seconds},
      {"ambiguous_rate", s.ambiguous_rate},
      {"webhook_delay_ms", s.webhook_delay_ms},
      {"webhook_duplicate_rate", s.webhook_duplicate_rate},
      {"webhook_loss_rate", s.webhook_loss_rate},
      {"webhook_reorder_window_ms", s.webhook_reorder_window_ms},
      {"failed_rate", s.failed_rate},
      {"failed_reason", s.failed_reason},
      {"answer_shape", s.answer_shape == AnswerShape::message ? "message" : "communication"},
      {"send_limit_per_window", s.send_limit_per_window},
      {"send_window_seconds", s.send_window_seconds},
      {"unknown_patients", std::move(unknown)},
      {"upload_url_ttl_ms", s.upload_url_ttl_ms},
      {"seed", s.seed},
      {"webhook_url", s.webhook_url},
      {"webhook_key", s.webhook_key},
  };
}

std::optional<std::string> merge_settings(Settings& settings, const json::value& patch) {
  if (!patch.is_object()) return "settings must be a JSON object";
  Settings updated = settings;
  for (const auto& [key, value] : patch.get_object()) {
    const auto found = appliers().find(std::string_view(key));
    if (found == appliers().end()) return "unknown settings key \"" + std::string(key) + "\"";
    if (auto problem = found->second(updated, value)) {
      return std::string(key) + ": " + *problem;
    }
  }
  settings = std::move(updated);
  return std::nullopt;
}

}  // namespace relay::sim
