// The operator views' SQL. Counting unsent parts: a delivery without planned sends yet counts as
// one part (most messages need one send per patient).
#include "adapters/postgres/delivery_listing.hpp"

#include "adapters/postgres/message_rows.hpp"

namespace relay::pg {
namespace {

constexpr const char* message_of_vendor = R"sql(
SELECT m.id::text FROM messages m JOIN vendors v ON v.id = m.vendor_id
WHERE v.name = $1 AND m.external_id = $2)sql";

constexpr const char* deliveries_of_message_sql = R"sql(
SELECT d.id, d.patient_position, d.patient_external_id, d.state, d.attempts,
       d.metriport_patient_id, d.last_error, d.flagged_at IS NOT NULL,
       coalesce((SELECT string_agg(coalesce(s.metriport_message_id, 'pending'), ',' ORDER BY s.part)
                 FROM delivery_sends s WHERE s.delivery_id = d.id), '')
FROM deliveries d WHERE d.message_id = $1::uuid ORDER BY d.patient_position)sql";

constexpr const char* deliveries_by_state = "SELECT state, count(*) FROM deliveries GROUP BY state";

constexpr const char* deliveries_flagged =
    "SELECT count(*) FROM deliveries WHERE state = 'accepted' AND flagged_at IS NOT NULL";

constexpr const char* webhooks_by_outcome = R"sql(
SELECT event_type || ' ' || coalesce(outcome, 'new'), count(*) FROM webhook_events GROUP BY 1)sql";

constexpr const char* webhook_rejection_count = "SELECT count(*) FROM webhook_rejections";

// A delivery still to relay counts its pending or in-doubt sends, or one when it has none (not
// planned yet); set-based over delivery_sends_unsent_idx, so its cost follows the backlog.
constexpr const char* unsent_parts = R"sql(
SELECT count(*) FILTER (WHERE s.n IS NULL) + coalesce(sum(s.n), 0)
FROM deliveries d
LEFT JOIN (SELECT delivery_id, count(*) AS n FROM delivery_sends
           WHERE status IN ('pending', 'sending') GROUP BY delivery_id) s ON s.delivery_id = d.id
WHERE d.state IN ('queued', 'retry_wait', 'resolving', 'uploading', 'sending'))sql";

std::vector<std::string> split_keep_empty(const std::string& text) {
  std::vector<std::string> items;
  if (text.empty()) return items;
  std::size_t start = 0;
  for (;;) {
    const auto comma = text.find(',', start);
    items.push_back(text.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return items;
}

}  // namespace

std::optional<std::vector<DeliveryView>> deliveries_of_message(pqxx::transaction_base& tx,
                                                               const std::string& vendor_name,
                                                               const std::string& external_id) {
  const auto message = tx.exec_params(message_of_vendor, vendor_name, external_id);
  if (message.empty()) return std::nullopt;
  std::vector<DeliveryView> views;
  for (const auto& row :
       tx.exec_params(deliveries_of_message_sql, message[0][0].as<std::string>())) {
    DeliveryView view;
    view.id = row[0].as<std::int64_t>();
    view.patient_position = row[1].as<int>();
    view.patient_external_id = row[2].as<std::string>();
    view.state = row[3].as<std::string>();
    view.attempts = row[4].as<int>();
    view.metriport_patient_id = nullable<std::string>(row[5]);
    view.last_error = nullable<std::string>(row[6]);
    view.flagged = row[7].as<bool>();
    view.metriport_message_ids = split_keep_empty(row[8].as<std::string>());
    views.push_back(std::move(view));
  }
  return views;
}

std::int64_t count_unsent_parts(pqxx::transaction_base& tx) {
  return tx.exec1(unsent_parts)[0].as<std::int64_t>();
}

std::int64_t count_flagged_unconfirmed(pqxx::transaction_base& tx) {
  return tx.exec1(deliveries_flagged)[0].as<std::int64_t>();
}

QueueCounts queue_counts(pqxx::transaction_base& tx) {
  QueueCounts counts;
  for (const auto& row : tx.exec(deliveries_by_state)) {
    counts.deliveries_by_state[row[0].as<std::string>()] = row[1].as<std::int64_t>();
  }
  counts.unsent_parts = count_unsent_parts(tx);
  counts.flagged = count_flagged_unconfirmed(tx);
  for (const auto& row : tx.exec(webhooks_by_outcome)) {
    counts.webhooks_by_type_and_outcome[row[0].as<std::string>()] = row[1].as<std::int64_t>();
  }
  counts.webhook_rejections = tx.exec1(webhook_rejection_count)[0].as<std::int64_t>();
  return counts;
}

}  // namespace relay::pg
