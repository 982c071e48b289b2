// The relay's rules for Metriport's final word (the state machine's settlement of an accepted
// delivery, the send audit details), handed to the settlement store; settlements go to metrics.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "adapters/postgres/settlement_store.hpp"
#include "gateway/metrics/relay_metrics.hpp"

namespace relay::engine {

// The actor of what Metriport's webhooks settle, whether the applier or the relay (a webhook that
// beat the send's answer) applies them.
inline const std::string webhook_actor = "metriport:webhook";

class RelaySettlementRules : public pg::SettlementRules {
 public:
  explicit RelaySettlementRules(int max_attempts) : max_attempts_(max_attempts) {}

  std::optional<pg::DeliveryChange> settlement(const pg::SettlementFacts& facts) const override;
  std::string send_audit_detail(int part, int parts,
                                std::string_view metriport_message_id) const override;

 private:
  int max_attempts_;
};

// Hands a committed transaction's settlements to the metrics.
void report(const pg::Settlements& settled, metrics::RelayMetrics& metrics);

}  // namespace relay::engine
