// relay-gateway deliveries VENDOR EXTERNAL_ID: one message's deliveries for operators, with each
// patient's state, attempts, Metriport patient id, Metriport message ids and last error.
#include <iostream>

#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/connection_string.hpp"
#include "adapters/postgres/delivery_listing.hpp"
#include "gateway/cli/cli.hpp"

namespace relay::cli {

int deliveries_command(const config::Config& config, const std::vector<std::string>& words) {
  if (words.size() != 3) return -1;
  if (config.database.url.empty()) {
    std::cerr << "relay-gateway: DATABASE_URL is not set\n";
    return 2;
  }
  pqxx::connection connection(pg::with_default_connect_timeout(config.database.url));
  pqxx::read_transaction tx(connection);
  const auto deliveries = pg::deliveries_of_message(tx, words[1], words[2]);
  if (!deliveries) {
    std::cerr << "relay-gateway: vendor '" << words[1] << "' has no message with ExternalId '"
              << words[2] << "'\n";
    return 1;
  }
  for (const auto& delivery : *deliveries) {
    std::cout << "delivery " << delivery.id << " patient " << delivery.patient_external_id
              << " state " << delivery.state << " attempts " << delivery.attempts
              << " metriport_patient " << delivery.metriport_patient_id.value_or("-")
              << " metriport_messages ";
    if (delivery.metriport_message_ids.empty()) std::cout << "-";
    for (std::size_t i = 0; i < delivery.metriport_message_ids.size(); ++i) {
      const auto& id = delivery.metriport_message_ids[i];
      std::cout << (i > 0 ? "," : "") << id;
    }
    if (delivery.flagged) std::cout << " flagged_unconfirmed";
    if (delivery.last_error) std::cout << " last_error \"" << *delivery.last_error << "\"";
    std::cout << "\n";
  }
  return 0;
}

}  // namespace relay::cli
