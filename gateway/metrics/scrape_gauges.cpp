// Families in the order their first series was added; a series' labels as given.
#include "gateway/metrics/scrape_gauges.hpp"

namespace relay::metrics {

void ScrapeGauges::add(std::string name, std::string help, prometheus::Labels labels,
                       std::function<double()> read) {
  std::lock_guard lock(mutex_);
  series_.push_back({std::move(name), std::move(help), std::move(labels), std::move(read)});
}

std::vector<prometheus::MetricFamily> ScrapeGauges::Collect() const {
  std::lock_guard lock(mutex_);
  std::vector<prometheus::MetricFamily> families;
  for (const auto& series : series_) {
    prometheus::MetricFamily* family = nullptr;
    for (auto& existing : families) {
      if (existing.name == series.name) family = &existing;
    }
    if (family == nullptr) {
      families.push_back({series.name, series.help, prometheus::MetricType::Gauge, {}});
      family = &families.back();
    }
    prometheus::ClientMetric metric;
    for (const auto& [name, value] : series.labels) metric.label.push_back({name, value});
    metric.gauge.value = series.read();
    family->metric.push_back(std::move(metric));
  }
  return families;
}

}  // namespace relay::metrics
