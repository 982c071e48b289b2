// Tests for gateway/metrics/http_metrics: requests land in the series of their listener, route,
// method and status class; an out-of-range route is the catch-all; refusals count by reason.
#include "gateway/metrics/http_metrics.hpp"

#include <boost/test/unit_test.hpp>

#include <prometheus/registry.h>

using namespace relay::metrics;
using relay::http::TransportRefusal;
namespace beast_http = boost::beast::http;

namespace {

struct Families {
  prometheus::Registry registry;
  HttpFamilies families{prometheus::BuildHistogram().Name("d_seconds").Help("d").Register(registry),
                        prometheus::BuildCounter().Name("r_total").Help("r").Register(registry)};

  // The value of the one sample of family `name` with exactly these labels (histograms: count).
  std::optional<double> value(const std::string& name,
                              const std::map<std::string, std::string>& labels) const {
    for (const auto& family : registry.Collect()) {
      if (family.name != name) continue;
      for (const auto& metric : family.metric) {
        std::map<std::string, std::string> have;
        for (const auto& label : metric.label) have[label.name] = label.value;
        if (have != labels) continue;
        return family.type == prometheus::MetricType::Histogram
                   ? static_cast<double>(metric.histogram.sample_count)
                   : metric.counter.value;
      }
    }
    return std::nullopt;
  }
};

relay::http::RequestHeader header(beast_http::verb method, const std::string& target) {
  relay::http::RequestHeader made;
  made.method(method);
  made.target(target);
  return made;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(http_metrics, Families)

BOOST_AUTO_TEST_CASE(requests_are_observed_by_route_method_and_status_class) {
  HttpMetrics metrics(families, "vendor", {"token", "messages", "unknown"},
                      [](const relay::http::RequestHeader& request) -> std::size_t {
                        return request.target() == "/token" ? 0 : 7;  // 7: out of range
                      });
  metrics.on_answered(header(beast_http::verb::post, "/token"), 200, std::chrono::milliseconds(3));
  metrics.on_answered(header(beast_http::verb::post, "/token"), 204, std::chrono::milliseconds(1));
  metrics.on_answered(header(beast_http::verb::post, "/token"), 429, std::chrono::milliseconds(1));
  metrics.on_answered(header(beast_http::verb::propfind, "/x/42"), 404, std::chrono::seconds(1));

  BOOST_TEST(*value("d_seconds", {{"listener", "vendor"},
                                  {"route", "token"},
                                  {"method", "POST"},
                                  {"status_class", "2xx"}}) == 2);
  BOOST_TEST(*value("d_seconds", {{"listener", "vendor"},
                                  {"route", "token"},
                                  {"method", "POST"},
                                  {"status_class", "4xx"}}) == 1);
  BOOST_TEST(*value("d_seconds", {{"listener", "vendor"},
                                  {"route", "unknown"},
                                  {"method", "other"},
                                  {"status_class", "4xx"}}) == 1);
  BOOST_TEST(!value("d_seconds", {{"listener", "vendor"},
                                  {"route", "messages"},
                                  {"method", "POST"},
                                  {"status_class", "2xx"}}));
}

BOOST_AUTO_TEST_CASE(refusals_count_by_listener_and_reason_from_zero) {
  HttpMetrics vendor(families, "vendor", {"unknown"}, {});
  HttpMetrics ops(families, "ops", {"unknown"}, {});
  vendor.on_refused(TransportRefusal::connection_limit);
  vendor.on_refused(TransportRefusal::connection_limit);
  ops.on_refused(TransportRefusal::header_too_large);
  BOOST_TEST(*value("r_total", {{"listener", "vendor"}, {"reason", "connection_limit"}}) == 2);
  BOOST_TEST(*value("r_total", {{"listener", "ops"}, {"reason", "header_too_large"}}) == 1);
  BOOST_TEST(*value("r_total", {{"listener", "ops"}, {"reason", "body_budget"}}) == 0);
  BOOST_TEST(*value("r_total", {{"listener", "vendor"}, {"reason", "malformed"}}) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
