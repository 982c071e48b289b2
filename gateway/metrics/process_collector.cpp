// /proc parsing (pure functions, unit-tested) and the families built from it, with the names and
// units of Prometheus's client_golang process collector.
#include "gateway/metrics/process_collector.hpp"

#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace relay::metrics {
namespace {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

template <class T>
std::optional<T> number(std::string_view text) {
  T value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> found;
  std::size_t at = 0;
  while (at < text.size()) {
    while (at < text.size() && (text[at] == ' ' || text[at] == '\t' || text[at] == '\n')) ++at;
    const std::size_t start = at;
    while (at < text.size() && text[at] != ' ' && text[at] != '\t' && text[at] != '\n') ++at;
    if (at > start) found.push_back(text.substr(start, at - start));
  }
  return found;
}

prometheus::MetricFamily family(std::string name, std::string help, prometheus::MetricType type,
                                double value) {
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  return {std::move(name), std::move(help), type, {std::move(metric)}};
}

}  // namespace

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
  // "pid (comm) state ppid ...": the command ends at the last ')'; fields count from 1 (pid).
  const auto close = text.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  const auto fields = words(text.substr(close + 1));
  // fields[0] is field 3 (state): field N is fields[N - 3].
  if (fields.size() < 22) return std::nullopt;
  const auto utime = number<std::uint64_t>(fields[11]);
  const auto stime = number<std::uint64_t>(fields[12]);
  const auto start = number<std::uint64_t>(fields[19]);
  const auto vsize = number<std::uint64_t>(fields[20]);
  const auto rss = number<std::int64_t>(fields[21]);
  if (!utime || !stime || !start || !vsize || !rss) return std::nullopt;
  return ProcStat{*utime, *stime, *start, *vsize, *rss};
}

std::optional<std::uint64_t> parse_boot_time(std::string_view proc_stat) {
  std::size_t at = 0;
  while (at < proc_stat.size()) {
    auto end = proc_stat.find('\n', at);
    if (end == std::string_view::npos) end = proc_stat.size();
    const auto line = words(proc_stat.substr(at, end - at));
    if (line.size() == 2 && line[0] == "btime") return number<std::uint64_t>(line[1]);
    at = end + 1;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> parse_max_open_files(std::string_view limits) {
  constexpr std::string_view name = "Max open files";
  const auto at = limits.find(name);
  if (at == std::string_view::npos) return std::nullopt;
  auto end = limits.find('\n', at);
  if (end == std::string_view::npos) end = limits.size();
  const auto values = words(limits.substr(at + name.size(), end - at - name.size()));
  if (values.empty()) return std::nullopt;
  return number<std::uint64_t>(values[0]);  // "unlimited" is no number
}

ProcessCollector::ProcessCollector(std::string proc_dir, std::string proc_stat)
    : proc_dir_(std::move(proc_dir)), proc_stat_(std::move(proc_stat)) {
  if (const auto text = read_file(proc_stat_)) boot_time_ = parse_boot_time(*text);
}

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  using prometheus::MetricType;
  std::vector<prometheus::MetricFamily> families;
  const auto ticks_per_second = static_cast<double>(sysconf(_SC_CLK_TCK));
  const auto page_bytes = static_cast<double>(sysconf(_SC_PAGESIZE));
  const auto stat_text = read_file(proc_dir_ + "/stat");
  const auto stat = stat_text ? parse_proc_stat(*stat_text) : std::nullopt;
  if (stat && ticks_per_second > 0) {
    families.push_back(
        family("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
               MetricType::Counter,
               static_cast<double>(stat->utime_ticks + stat->stime_ticks) / ticks_per_second));
    families.push_back(family("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                              MetricType::Gauge, static_cast<double>(stat->virtual_bytes)));
    families.push_back(family("process_resident_memory_bytes", "Resident memory size in bytes.",
                              MetricType::Gauge,
                              static_cast<double>(stat->resident_pages) * page_bytes));
    if (boot_time_) {
      families.push_back(
          family("process_start_time_seconds",
                 "Start time of the process since unix epoch in seconds.", MetricType::Gauge,
                 static_cast<double>(*boot_time_) +
                     static_cast<double>(stat->start_ticks_after_boot) / ticks_per_second));
    }
  }
  std::error_code error;
  std::size_t open = 0;
  for (auto it = std::filesystem::directory_iterator(proc_dir_ + "/fd", error);
       !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
    ++open;
  }
  if (!error) {
    families.push_back(family("process_open_fds", "Number of open file descriptors.",
                              MetricType::Gauge, static_cast<double>(open)));
  }
  if (const auto limits = read_file(proc_dir_ + "/limits")) {
    if (const auto max = parse_max_open_files(*limits)) {
      families.push_back(family("process_max_fds", "Maximum number of open file descriptors.",
                                MetricType::Gauge, static_cast<double>(*max)));
    }
  }
  return families;
}

}  // namespace relay::metrics
