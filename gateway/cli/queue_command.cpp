// relay-gateway queue: the relay queue for operators: deliveries per state, Metriport sends still
// to make, and when they should all have gone out at the paced rate (the drain estimate).
#include <iostream>

#include "adapters/postgres/connection_string.hpp"
#include "adapters/postgres/delivery_listing.hpp"
#include "adapters/postgres/pacer_repository.hpp"
#include "gateway/cli/cli.hpp"
#include "gateway/domain/timestamps.hpp"
#include "gateway/relay/drain_estimate.hpp"
#include "gateway/relay/shared_pacer.hpp"

namespace relay::cli {

int queue_command(const config::Config& config, const std::vector<std::string>& words) {
  if (words.size() != 1) return -1;
  if (config.database.url.empty()) {
    std::cerr << "relay-gateway: DATABASE_URL is not set\n";
    return 2;
  }
  pqxx::connection connection(pg::with_default_connect_timeout(config.database.url));
  pqxx::work tx(connection);
  const auto counts = pg::queue_counts(tx);
  const auto configured =
      engine::initial_pacer_state(config.metriport.sends_per_minute, config.metriport.send_window);
  const auto row =
      pg::PacerRepository::lock_pacer(tx, "metriport", configured.limit, configured.window_micros);
  tx.commit();
  for (const auto& [state, count] : counts.deliveries_by_state) {
    std::cout << "deliveries " << state << " " << count << "\n";
  }
  const auto state = engine::state_from_row(row);
  const auto drain = engine::estimate_drain(counts.unsent_parts, state, domain::now_epoch_micros());
  std::cout << "sends_to_make " << counts.unsent_parts << "\n";
  std::cout << "send_limit " << state.limit << " per " << state.window_micros / 1'000'000 << " s\n";
  std::cout << "drains_in_seconds " << drain.count() << "\n";
  std::cout << "deliveries_flagged_unconfirmed " << counts.flagged << "\n";
  for (const auto& [type_and_outcome, count] : counts.webhooks_by_type_and_outcome) {
    std::cout << "webhooks " << type_and_outcome << " " << count << "\n";
  }
  std::cout << "webhooks_rejected " << counts.webhook_rejections << "\n";
  return 0;
}

}  // namespace relay::cli
