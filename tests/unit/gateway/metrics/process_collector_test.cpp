// Tests for gateway/metrics/process_collector: /proc parsing (command names with spaces and
// parentheses, limits, boot time) and the process_* families read from this test process.
#include "gateway/metrics/process_collector.hpp"

#include <boost/test/unit_test.hpp>

#include <set>

using namespace relay::metrics;

BOOST_AUTO_TEST_SUITE(process_collector)

BOOST_AUTO_TEST_CASE(stat_fields_are_counted_from_the_last_parenthesis) {
  // Fields 14 (utime), 15 (stime), 22 (starttime), 23 (vsize), 24 (rss) of proc(5).
  const std::string stat =
      "4242 (relay (gw) x) S 1 4242 4242 0 -1 4194560 1500 0 0 0 "
      "250 75 0 0 20 0 9 0 123456 987654321 4321 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 "
      "17 1 0 0 0 0 0\n";
  const auto parsed = parse_proc_stat(stat);
  BOOST_REQUIRE(parsed.has_value());
  BOOST_TEST(parsed->utime_ticks == 250u);
  BOOST_TEST(parsed->stime_ticks == 75u);
  BOOST_TEST(parsed->start_ticks_after_boot == 123456u);
  BOOST_TEST(parsed->virtual_bytes == 987654321u);
  BOOST_TEST(parsed->resident_pages == 4321);
}

BOOST_AUTO_TEST_CASE(malformed_stat_is_refused) {
  BOOST_TEST(!parse_proc_stat("").has_value());
  BOOST_TEST(!parse_proc_stat("4242 relay S 1 2 3").has_value());
  BOOST_TEST(!parse_proc_stat("4242 (relay) S 1 2 3").has_value());
  BOOST_TEST(!parse_proc_stat("4242 (relay) S 1 4242 4242 0 -1 4194560 1500 0 0 0 x 75 0 0 20 0 9 "
                              "0 123456 987654321 4321")
                  .has_value());
}

BOOST_AUTO_TEST_CASE(boot_time_and_open_file_limit) {
  BOOST_TEST(*parse_boot_time("cpu  1 2 3\nintr 5\nbtime 1700000000\nprocesses 9\n") ==
             1700000000u);
  BOOST_TEST(!parse_boot_time("cpu 1 2 3\n").has_value());
  const std::string limits =
      "Limit                     Soft Limit           Hard Limit           Units     \n"
      "Max cpu time              unlimited            unlimited            seconds   \n"
      "Max open files            1024                 524288               files     \n";
  BOOST_TEST(*parse_max_open_files(limits) == 1024u);
  BOOST_TEST(!parse_max_open_files("Max open files            unlimited   unlimited   files\n")
                  .has_value());
  BOOST_TEST(!parse_max_open_files("").has_value());
}

BOOST_AUTO_TEST_CASE(this_process_has_every_standard_family) {
  std::set<std::string> names;
  for (const auto& family : ProcessCollector().Collect()) {
    names.insert(family.name);
    BOOST_REQUIRE(family.metric.size() == 1u);
    const double value = family.type == prometheus::MetricType::Counter
                             ? family.metric[0].counter.value
                             : family.metric[0].gauge.value;
    BOOST_TEST(value >= 0, family.name);
    if (family.name != "process_cpu_seconds_total") BOOST_TEST(value > 0, family.name);
  }
  const std::set<std::string> expected{"process_cpu_seconds_total",
                                       "process_resident_memory_bytes",
                                       "process_virtual_memory_bytes",
                                       "process_open_fds",
                                       "process_max_fds",
                                       "process_start_time_seconds"};
  BOOST_TEST(names == expected);
}

BOOST_AUTO_TEST_CASE(unreadable_proc_leaves_families_out) {
  BOOST_TEST(ProcessCollector("/nonexistent/proc", "/nonexistent/stat").Collect().empty());
}

BOOST_AUTO_TEST_SUITE_END()
