// The delivery listing's answer: every row through the PHI rules of the operations API (the
// patient's external id masked, last_error reduced to its class), times in ISO 8601 UTC.
#include "gateway/ops/delivery_list_endpoint.hpp"

#include <boost/json.hpp>

#include "gateway/domain/ops/phi_redaction.hpp"
#include "gateway/domain/timestamps.hpp"
#include "gateway/ops/ops_query.hpp"
#include "gateway/ops/ops_responses.hpp"

namespace relay::ops {
namespace {

boost::json::value time_or_null(const std::optional<domain::EpochMicros>& instant) {
  if (!instant) return nullptr;
  return boost::json::string(domain::format_iso8601_utc(*instant));
}

const char* priority_name(int priority) {
  if (priority <= 0) return "Low";
  if (priority >= 2) return "High";
  return "Normal";
}

boost::json::object row_json(const pg::DeliveryListRow& row) {
  boost::json::array metriport_ids;
  for (const auto& id : row.metriport_message_ids) metriport_ids.emplace_back(id);
  const auto last_error = domain::ops::error_summary(row.last_error);
  return boost::json::object{
      {"id", row.id},
      {"message_id", row.message_id},
      {"vendor", row.vendor},
      {"sender", row.sender},
      {"patient_position", row.patient_position},
      {"patient_external_id_masked", domain::ops::mask_external_id(row.patient_external_id)},
      {"state", row.state},
      {"priority", priority_name(row.priority)},
      {"attempts", row.attempts},
      {"next_attempt_at", time_or_null(row.next_attempt_at)},
      {"created_at", domain::format_iso8601_utc(row.created_at)},
      {"updated_at", domain::format_iso8601_utc(row.updated_at)},
      {"accepted_at", time_or_null(row.accepted_at)},
      {"completed_at", time_or_null(row.completed_at)},
      {"metriport_message_ids", std::move(metriport_ids)},
      {"flagged", row.flagged},
      {"last_error", last_error ? boost::json::value(*last_error) : boost::json::value(nullptr)}};
}

}  // namespace

boost::asio::awaitable<http::Response> DeliveryListEndpoint::operator()(OpsRequest& request) {
  const unsigned version = request.version();
  auto filter = delivery_filter_of(request.target, {"limit", "cursor"});
  if (auto* refused = std::get_if<OpsError>(&filter)) co_return refused->to_response(version);
  auto limit = page_size_of(request.target);
  if (auto* refused = std::get_if<OpsError>(&limit)) co_return refused->to_response(version);
  std::optional<domain::ops::DeliveryCursor> after;
  if (const std::string* cursor = request.target.param("cursor")) {
    after = cursors_.decode(*cursor);
    if (!after) {
      co_return OpsError::bad_field("cursor",
                                    "Not a cursor this listing gave out: use next_cursor as it "
                                    "was answered, with the same filter.")
          .to_response(version);
    }
  }
  const auto& parsed_filter = std::get<domain::ops::DeliveryFilter>(filter);
  const auto page = co_await store_.list(parsed_filter, after, std::get<int>(limit));
  boost::json::array rows;
  for (const auto& row : page.rows) rows.push_back(row_json(row));
  boost::json::value next = nullptr;
  if (page.next) next = boost::json::string(cursors_.encode(*page.next));
  co_return json_response(
      beast_http::status::ok,
      boost::json::object{
          {"deliveries", std::move(rows)}, {"total", page.total}, {"next_cursor", next}},
      version);
}

}  // namespace relay::ops
