// relay_logins_total: one counter per listener and outcome, made up front.
#include "gateway/metrics/login_metrics.hpp"

#include <string>
#include <string_view>

namespace relay::metrics {

LoginMetrics::LoginMetrics(prometheus::Registry& registry) {
  static constexpr std::array<std::string_view, login_result_count> results{
      "issued", "invalid_grant", "throttled", "busy"};
  auto& family = prometheus::BuildCounter()
                     .Name("relay_logins_total")
                     .Help(
                         "Password logins by listener (vendor: POST /token; ops: POST "
                         "/ops/api/login) and outcome.")
                     .Register(registry);
  for (std::size_t i = 0; i < login_result_count; ++i) {
    counters_[i] = &family.Add({{"listener", "vendor"}, {"outcome", std::string(results[i])}});
    counters_[login_result_count + i] =
        &family.Add({{"listener", "ops"}, {"outcome", std::string(results[i])}});
  }
}

void LoginMetrics::count(LoginListener listener, LoginResult result) noexcept {
  const std::size_t base = listener == LoginListener::ops ? login_result_count : 0;
  counters_[base + static_cast<std::size_t>(result)]->Increment();
}

}  // namespace relay::metrics
