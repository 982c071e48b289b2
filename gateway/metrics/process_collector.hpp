// The standard process_* metrics (CPU, memory, file descriptors, start time) that Prometheus's own
// clients export, read from /proc/self at each scrape: prometheus-cpp does not provide them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

namespace relay::metrics {

// The fields of /proc/<pid>/stat the metrics need (proc(5): utime, stime, starttime, vsize, rss).
struct ProcStat {
  std::uint64_t utime_ticks = 0;
  std::uint64_t stime_ticks = 0;
  std::uint64_t start_ticks_after_boot = 0;
  std::uint64_t virtual_bytes = 0;
  std::int64_t resident_pages = 0;
};

// Parses /proc/<pid>/stat; the command name may hold spaces and parentheses. nullopt when
// malformed.
std::optional<ProcStat> parse_proc_stat(std::string_view text);
// The "btime" of /proc/stat: boot time in seconds since the epoch.
std::optional<std::uint64_t> parse_boot_time(std::string_view proc_stat);
// The soft "Max open files" of /proc/<pid>/limits; nullopt when unlimited or absent.
std::optional<std::uint64_t> parse_max_open_files(std::string_view limits);

class ProcessCollector final : public prometheus::Collectable {
 public:
  // proc_dir: "/proc/self" (tests may point it elsewhere); proc_stat: "/proc/stat".
  explicit ProcessCollector(std::string proc_dir = "/proc/self",
                            std::string proc_stat = "/proc/stat");
  // Whatever cannot be read is left out (never a made-up value).
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const std::string proc_dir_;
  const std::string proc_stat_;
  std::optional<std::uint64_t> boot_time_;  // read once
};

}  // namespace relay::metrics
