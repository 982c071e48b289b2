// Per request: classify (the listener's function), index a slot, observe. A slot's histogram is
// made once, by Family::Add (thread-safe, idempotent for equal labels), then read lock-free.
#include "gateway/metrics/http_metrics.hpp"

#include <utility>

#include "gateway/metrics/buckets.hpp"

namespace relay::metrics {
namespace {

namespace beast_http = boost::beast::http;

constexpr std::array<std::string_view, HttpMetrics::method_count> method_names{
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "other"};

std::size_t method_index(beast_http::verb method) {
  switch (method) {
    case beast_http::verb::get:
      return 0;
    case beast_http::verb::head:
      return 1;
    case beast_http::verb::post:
      return 2;
    case beast_http::verb::put:
      return 3;
    case beast_http::verb::delete_:
      return 4;
    case beast_http::verb::patch:
      return 5;
    case beast_http::verb::options:
      return 6;
    default:
      return 7;
  }
}

constexpr std::array<std::string_view, HttpMetrics::refusal_count> refusal_names{
    "connection_limit", "body_budget",      "body_too_slow",
    "body_too_large",   "header_too_large", "malformed"};

}  // namespace

HttpMetrics::HttpMetrics(const HttpFamilies& families, std::string listener,
                         std::vector<std::string> route_names, RouteClassifier classify)
    : durations_(families.durations),
      listener_(std::move(listener)),
      route_names_(route_names.empty() ? std::vector<std::string>{"unknown"}
                                       : std::move(route_names)),
      classify_(std::move(classify)),
      slots_(std::make_unique<std::atomic<prometheus::Histogram*>[]>(
          route_names_.size() * method_count * status_class_count)) {
  for (std::size_t i = 0; i < refusal_count; ++i) {
    refusals_[i] = &families.refusals.Add(
        {{"listener", listener_}, {"reason", std::string(refusal_names[i])}});
  }
}

prometheus::Histogram& HttpMetrics::histogram(std::size_t route, std::size_t method,
                                              std::size_t status) {
  auto& slot = slots_[(route * method_count + method) * status_class_count + status];
  if (auto* known = slot.load(std::memory_order_acquire)) return *known;
  auto& made = durations_.Add({{"listener", listener_},
                               {"route", route_names_[route]},
                               {"method", std::string(method_names[method])},
                               {"status_class", std::string(status_class_names[status])}},
                              buckets::http);
  slot.store(&made, std::memory_order_release);
  return made;
}

void HttpMetrics::on_answered(const http::RequestHeader& header, unsigned status,
                              std::chrono::steady_clock::duration elapsed) noexcept {
  try {
    std::size_t route = classify_ ? classify_(header) : route_names_.size() - 1;
    if (route >= route_names_.size()) route = route_names_.size() - 1;
    histogram(route, method_index(header.method()), status_class_index(static_cast<int>(status)))
        .Observe(std::chrono::duration<double>(elapsed).count());
  } catch (...) {
    // Metrics never fail a request (only an allocation failure could get here).
  }
}

void HttpMetrics::on_refused(http::TransportRefusal refusal) noexcept {
  const auto index = static_cast<std::size_t>(refusal);
  if (index < refusal_count) refusals_[index]->Increment();
}

}  // namespace relay::metrics
