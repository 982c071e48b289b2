// Every operation's series made up front (6 operations x 6 status classes), so a report is an
// array index and an atomic add: no lookup, no string built per call.
#include "gateway/metrics/metriport_metrics.hpp"

#include <string>

#include "gateway/metrics/buckets.hpp"

namespace relay::metrics {

MetriportMetrics::MetriportMetrics(prometheus::Registry& registry) {
  auto& requests = prometheus::BuildCounter()
                       .Name("relay_metriport_requests_total")
                       .Help(
                           "HTTP requests to Metriport by operation and answer status class "
                           "(no_answer: connect failure, timeout or dropped connection).")
                       .Register(registry);
  auto& durations = prometheus::BuildHistogram()
                        .Name("relay_metriport_request_duration_seconds")
                        .Help(
                            "Duration of HTTP requests to Metriport by operation, including "
                            "waiting for a pooled connection.")
                        .Register(registry);
  auto& rate_limited = prometheus::BuildCounter()
                           .Name("relay_metriport_rate_limited_total")
                           .Help("Metriport answers 429 (rate limited) by operation.")
                           .Register(registry);
  for (std::size_t op = 0; op < metriport::operation_count; ++op) {
    const std::string operation(metriport::to_string(static_cast<metriport::Operation>(op)));
    for (std::size_t status = 0; status < status_class_count; ++status) {
      requests_[op * status_class_count + status] = &requests.Add(
          {{"operation", operation}, {"status_class", std::string(status_class_names[status])}});
    }
    durations_[op] = &durations.Add({{"operation", operation}}, buckets::metriport);
    rate_limited_[op] = &rate_limited.Add({{"operation", operation}});
  }
}

void MetriportMetrics::on_call(const metriport::CallReport& report) noexcept {
  const auto op = static_cast<std::size_t>(report.operation);
  if (op >= metriport::operation_count) return;
  requests_[op * status_class_count + status_class_index(report.http_status)]->Increment();
  durations_[op]->Observe(std::chrono::duration<double>(report.elapsed).count());
  if (report.http_status == 429) rate_limited_[op]->Increment();
}

}  // namespace relay::metrics
