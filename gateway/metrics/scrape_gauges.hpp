// Gauges whose value is asked for at each scrape (open connections, body bytes held), for state a
// component already keeps: nothing to update on the hot path.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/labels.h>
#include <prometheus/metric_family.h>

namespace relay::metrics {

class ScrapeGauges final : public prometheus::Collectable {
 public:
  // Adds one series; series with the same name form one family (help: the first one's). read runs
  // on the scraping thread: it must be thread-safe and cheap, and outlive this object's scrapes.
  void add(std::string name, std::string help, prometheus::Labels labels,
           std::function<double()> read);
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  struct Series {
    std::string name;
    std::string help;
    prometheus::Labels labels;
    std::function<double()> read;
  };
  mutable std::mutex mutex_;
  std::vector<Series> series_;
};

}  // namespace relay::metrics
