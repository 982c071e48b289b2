// relay-gateway ops retry|cancel|pause|resume: the operations API's delivery actions and relay
// pauses from a shell, through the same stores, filter parser, cap and audit (actor "cli").
#include <iostream>
#include <map>

#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/relay_pause_store.hpp"
#include "gateway/cli/cli.hpp"
#include "gateway/cli/run_sync.hpp"
#include "gateway/domain/ops/delivery_filter.hpp"
#include "gateway/log/log.hpp"
#include "gateway/ops/delivery_actions.hpp"

namespace relay::cli {
namespace {

constexpr const char* cli_actor = "cli";

struct Flags {
  std::map<std::string, std::string> values;  // "--patient-external-id P" -> patient_external_id
  bool dry_run = false;
};

// --name VALUE pairs (and --dry-run when allowed); nullopt (with a message) for anything else.
std::optional<Flags> parse_flags(const std::vector<std::string>& words, std::size_t from,
                                 bool dry_run_allowed) {
  Flags flags;
  for (std::size_t i = from; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (dry_run_allowed && word == "--dry-run") {
      flags.dry_run = true;
      continue;
    }
    if (!word.starts_with("--") || word.size() < 3 || i + 1 >= words.size()) {
      // The word is not echoed: it may be a value (a patient id).
      std::cerr << "relay-gateway: argument " << i << ": expected --NAME VALUE\n";
      return std::nullopt;
    }
    std::string name = word.substr(2);
    for (char& c : name) {
      if (c == '-') c = '_';
    }
    if (!flags.values.emplace(name, words[++i]).second) {
      std::cerr << "relay-gateway: --" << word.substr(2, 64) << " is given twice\n";
      return std::nullopt;
    }
  }
  return flags;
}

// The parameter's flag spelling: patient_external_id -> --patient-external-id.
std::string flag_name(std::string field) {
  for (char& c : field) {
    if (c == '_') c = '-';
  }
  return "--" + field;
}

int act_on_deliveries(ops::DeliveryActions& actions, ops::DeliveryAction action,
                      const Flags& flags) {
  auto parsed = domain::ops::parse_delivery_filter(flags.values);
  if (const auto* refused = std::get_if<domain::ops::FilterError>(&parsed)) {
    std::cerr << "relay-gateway: " << flag_name(refused->field) << ": " << refused->message << "\n";
    return 2;
  }
  const auto& filter = std::get<domain::ops::DeliveryFilter>(parsed);
  if (filter.matches_everything()) {
    std::cerr << "relay-gateway: ops " << ops::action_name(action)
              << " needs at least one filter (e.g. --state dead)\n";
    return 2;
  }
  const auto result =
      run_sync(actions.by_filter(action, filter, flags.dry_run, std::string(cli_actor)));
  if (result.over_cap) {
    std::cerr << "relay-gateway: the filter matches " << result.matched
              << " deliveries, more than ops.bulk_action_cap (" << actions.cap()
              << "): narrow it (e.g. --created-from/--created-to); nothing changed\n";
    return 1;
  }
  std::cout << "matched " << result.matched << "\n";
  if (flags.dry_run) {
    std::cout << "would_change " << result.would_change << "\n";
    return 0;
  }
  log::info("ops.deliveries_action", {{"action", std::string(ops::action_name(action))},
                                      {"actor", cli_actor},
                                      {"matched", std::to_string(result.matched)},
                                      {"changed", std::to_string(result.changed)}});
  std::cout << "changed " << result.changed << "\n";
  std::cout << "skipped " << result.matched - result.changed << "\n";
  return 0;
}

int pause_or_resume(pg::RelayPauseStore& store, bool pausing, const Flags& flags) {
  std::optional<std::string> vendor;
  for (const auto& [name, value] : flags.values) {
    if (name != "vendor") {
      std::cerr << "relay-gateway: ops " << (pausing ? "pause" : "resume")
                << " takes only --vendor\n";
      return 2;
    }
    vendor = value;
  }
  const std::string actor = cli_actor;
  const auto change =
      pausing ? run_sync(store.pause(vendor, actor)) : run_sync(store.resume(vendor, actor));
  if (change == pg::PauseChange::unknown_vendor) {
    std::cerr << "relay-gateway: no vendor named '" << *vendor << "'\n";
    return 1;
  }
  const std::string scope = vendor ? "vendor " + *vendor : std::string("everyone");
  const bool changed = change == pg::PauseChange::changed;
  if (pausing) {
    std::cout << (changed ? "relaying paused for " : "relaying was already paused for ") << scope
              << "\n";
  } else {
    std::cout << (changed ? "relaying resumed for " : "relaying was not paused for ") << scope
              << "\n";
  }
  return 0;
}

}  // namespace

int ops_command(const config::Config& config, const std::vector<std::string>& words) {
  if (words.size() < 2) return -1;
  const std::string& verb = words[1];
  const auto action = ops::parse_delivery_action(verb);
  const bool pause_verb = verb == "pause" || verb == "resume";
  if (!action && !pause_verb) return -1;
  const auto flags = parse_flags(words, 2, action.has_value());
  if (!flags) return 2;
  if (config.database.url.empty()) {
    std::cerr << "relay-gateway: DATABASE_URL is not set\n";
    return 2;
  }
  pg::ConnectionPool pool(config.database.url, 1);
  if (action) {
    ops::DeliveryActions actions(pool, static_cast<std::int64_t>(config.ops.bulk_action_cap));
    return act_on_deliveries(actions, *action, *flags);
  }
  pg::RelayPauseStore store(pool);
  return pause_or_resume(store, verb == "pause", *flags);
}

}  // namespace relay::cli
