// Turns the store's sparse (measure, minutes ago, count) rows into one dense series per measure,
// oldest minute first, so a chart can draw them as they are.
#include "gateway/ops/activity_endpoint.hpp"

#include <array>
#include <map>
#include <vector>

#include <boost/json.hpp>

#include "gateway/domain/timestamps.hpp"
#include "gateway/ops/ops_responses.hpp"
#include "gateway/ops/query_reader.hpp"

namespace relay::ops {

boost::asio::awaitable<http::Response> ActivityEndpoint::operator()(OpsRequest& request) {
  QueryReader reader(request.target, {});
  if (reader.error()) co_return reader.error()->to_response(request.version());

  const pg::ActivityFacts facts = co_await store_.activity();
  constexpr std::array measures{"intake", "sends", "completions", "failures", "rate_limited"};
  std::map<std::string, std::vector<std::int64_t>> dense;
  for (const char* measure : measures) {
    dense[measure].assign(pg::activity_minutes, 0);
  }
  for (const auto& minute : facts.minutes) {
    const auto found = dense.find(minute.measure);
    if (found == dense.end() || minute.minutes_ago < 0 ||
        minute.minutes_ago >= pg::activity_minutes) {
      continue;
    }
    found->second[pg::activity_minutes - 1 - minute.minutes_ago] += minute.count;
  }
  boost::json::object series;
  for (const auto& [measure, counts] : dense) {
    series[measure] = boost::json::array(counts.begin(), counts.end());
  }
  co_return json_response(beast_http::status::ok,
                          boost::json::object{{"as_of", domain::format_iso8601_utc(facts.now)},
                                              {"minute_seconds", 60},
                                              {"series", std::move(series)}},
                          request.version());
}

}  // namespace relay::ops
