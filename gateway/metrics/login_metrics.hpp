// Password logins on both listeners (POST /token, POST /ops/api/login) by outcome, for
// relay_logins_total{listener,outcome}: refusals show a guessing attack or a locked-out client.
#pragma once

#include <array>
#include <cstddef>

#include <prometheus/counter.h>
#include <prometheus/registry.h>

namespace relay::metrics {

enum class LoginListener { vendor, ops };
enum class LoginResult {
  issued,         // a token was issued
  invalid_grant,  // wrong name or password, or a disabled account
  throttled,      // 429: too many failures for the name, or the failed-login limit
  busy,           // 503: the password-hashing queue is full
};
inline constexpr std::size_t login_result_count = 4;

class LoginMetrics {
 public:
  explicit LoginMetrics(prometheus::Registry& registry);
  void count(LoginListener listener, LoginResult result) noexcept;

 private:
  std::array<prometheus::Counter*, 2 * login_result_count> counters_{};
};

}  // namespace relay::metrics
