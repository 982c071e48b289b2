// Decides a password login (POST /token) so that a flood of logins cannot starve the rest of the
// gateway: per-name throttle, a process-wide failed-login limit, bounded hashing with a vendor
// lane.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/vendor_store.hpp"
#include "gateway/api/vendor_names.hpp"
#include "gateway/auth/hashing_pool.hpp"
#include "gateway/auth/login_throttle.hpp"
#include "gateway/auth/token_bucket.hpp"
#include "gateway/config/config.hpp"

namespace relay::api {

struct LoginOutcome {
  enum class Kind {
    issued,             // vendor_id is set
    invalid_grant,      // wrong name or password (after a hash)
    too_many_attempts,  // 429: the name's throttle or the failed-login limit; retry_after is set
    busy,               // 503: the hashing queue is full; retry_after is set
  };
  Kind kind = Kind::invalid_grant;
  std::int64_t vendor_id = 0;
  std::chrono::seconds retry_after{0};
};

class LoginGate {
 public:
  LoginGate(const config::AuthSettings& settings, pg::ConnectionPool& pool);

  // Checks the name and password. A name not among the vendor names in memory takes a token of
  // the failed-login limit first; with one it is looked up and hashed (against a decoy when
  // unknown) like a vendor's, without one it gets neither query nor hash: 429, answered after a
  // timer about as long as a hash, so the answer time hides little of which names exist. For the
  // same reason a vendor's failed login is answered as an unknown name would be at that moment
  // (429 or 503 instead of invalid_grant).
  boost::asio::awaitable<LoginOutcome> check(const std::string& user_name,
                                             const std::string& password);

 private:
  // The hash of a vendor's password on the vendor lane (vendor: nullopt when the name is listed
  // but no longer in the database), then the answer.
  boost::asio::awaitable<LoginOutcome> check_vendor(
      const std::string& user_name, const std::string& password,
      const std::optional<pg::VendorCredentials>& vendor);
  // The decoy hash on the unknown lane (503 when it is full), then invalid_grant.
  boost::asio::awaitable<LoginOutcome> check_unknown(const std::string& password);
  // A vendor's failed login takes a token of the failed-login limit; then this is the refusal an
  // unknown name would get now instead of its hash, or nullopt when it would be hashed.
  std::optional<LoginOutcome> refusal_for_a_failure();
  // Waits (on a timer, no CPU) between one and two typical hash times.
  boost::asio::awaitable<void> wait_like_a_hash();
  LoginOutcome refused(LoginOutcome::Kind kind, std::chrono::seconds retry_after);

  pg::VendorStore store_;
  std::string decoy_hash_;
  VendorNames vendor_names_;
  auth::LoginThrottle throttle_;
  auth::TokenBucket failed_logins_;
  auth::HashingPool hashing_;
  // Refusals are logged as counts, one line per interval at most, not one line per request.
  std::atomic<std::int64_t> refusals_since_log_{0};
  std::atomic<std::int64_t> last_refusal_log_{0};  // steady_clock ticks
};

}  // namespace relay::api
