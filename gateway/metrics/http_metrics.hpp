// The gateway's side of the HTTP transport's observer port, one per listener: request durations by
// route, method and status class, and the transport's own refusals.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>

#include "gateway/http/request_observer.hpp"
#include "gateway/metrics/status_class.hpp"

namespace relay::metrics {

// Names a request's route: an index into the listener's fixed route names (the last one is the
// catch-all for paths no route serves). Runs per request on the connection's strand: keep it cheap.
using RouteClassifier = std::function<std::size_t(const http::RequestHeader& header)>;

struct HttpFamilies {
  prometheus::Family<prometheus::Histogram>& durations;
  prometheus::Family<prometheus::Counter>& refusals;
};

class HttpMetrics final : public http::RequestObserver {
 public:
  // route_names: the listener's fixed route names, the catch-all last; classify picks one.
  HttpMetrics(const HttpFamilies& families, std::string listener,
              std::vector<std::string> route_names, RouteClassifier classify);

  void on_answered(const http::RequestHeader& header, unsigned status,
                   std::chrono::steady_clock::duration elapsed) noexcept override;
  void on_refused(http::TransportRefusal refusal) noexcept override;

  // GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS, then "other" for any other verb.
  static constexpr std::size_t method_count = 8;
  static constexpr std::size_t refusal_count = 6;

 private:
  prometheus::Histogram& histogram(std::size_t route, std::size_t method, std::size_t status);

  prometheus::Family<prometheus::Histogram>& durations_;
  const std::string listener_;
  const std::vector<std::string> route_names_;
  const RouteClassifier classify_;
  // One slot per route x method x status class, filled on first use (a series appears once the
  // combination happens; the pointer is then read without a lock).
  std::unique_ptr<std::atomic<prometheus::Histogram*>[]> slots_;
  std::array<prometheus::Counter*, refusal_count> refusals_{};
};

}  // namespace relay::metrics
