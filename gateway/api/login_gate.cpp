// The login decision: name kind (in memory), throttle, failed-login bucket, hashing lane, then the
// answer; every refusal is a value (LoginOutcome) the token endpoint maps to its HTTP answer.
#include "gateway/api/login_gate.hpp"

#include <optional>
#include <random>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/auth/password_hash.hpp"
#include "gateway/log/log.hpp"

namespace relay::api {
namespace {

using Kind = LoginOutcome::Kind;
constexpr std::chrono::seconds busy_retry_after{1};
constexpr std::chrono::seconds refusal_log_interval{10};

// Verifying against this hash when the user name is unknown keeps the answer time the same, so
// timing does not reveal which vendor names exist. Made once at start, which also times a hash.
struct Decoy {
  std::string hash;
  std::chrono::microseconds took{0};
};

Decoy make_decoy() {
  const auto started = std::chrono::steady_clock::now();
  Decoy decoy{auth::hash_password("relay-gateway-decoy-password"), {}};
  decoy.took = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started);
  return decoy;
}

const Decoy& decoy() {
  static const Decoy made = make_decoy();
  return made;
}

}  // namespace

LoginGate::LoginGate(const config::AuthSettings& settings, pg::ConnectionPool& pool)
    : store_(pool),
      decoy_hash_(decoy().hash),
      vendor_names_(pool, settings.vendor_names_refresh),
      throttle_(settings.max_failures_per_name, settings.failure_window,
                settings.max_tracked_unknown_names),
      failed_logins_(settings.failed_logins_per_minute, settings.failed_login_burst,
                     auth::TokenBucket::Clock::now()),
      hashing_(static_cast<std::size_t>(settings.hash_threads), settings.hash_queue_limit,
               settings.hash_queue_reserved_for_vendors, decoy().took) {}

boost::asio::awaitable<LoginOutcome> LoginGate::check(const std::string& user_name,
                                                      const std::string& password) {
  bool listed = vendor_names_.contains(user_name);
  const auto decision =
      throttle_.begin_attempt(user_name, listed ? auth::NameKind::vendor : auth::NameKind::unknown,
                              auth::LoginThrottle::Clock::now());
  if (!decision.allowed()) {
    // A name's own limit answers at once for both kinds; a full table only refuses unknown names,
    // so that refusal waits like a hash would.
    if (decision.table_full) co_await wait_like_a_hash();
    co_return refused(Kind::too_many_attempts, decision.retry_after);
  }
  if (!listed && !failed_logins_.try_take(auth::TokenBucket::Clock::now())) {
    // Past the failed-login limit an unlisted name gets neither a query nor a hash; a vendor
    // added since the names were read is found by the reload this may start (one per interval).
    co_await vendor_names_.reload_if_due();
    listed = vendor_names_.contains(user_name);
    if (!listed) {
      co_await wait_like_a_hash();
      co_return refused(Kind::too_many_attempts,
                        failed_logins_.retry_after(auth::TokenBucket::Clock::now()));
    }
  }
  // A listed name, or an unlisted one within the failed-login limit: one query either way, so
  // below the limit both take the same steps.
  std::optional<pg::VendorCredentials> vendor;
  std::exception_ptr lookup_failure;
  try {
    vendor = co_await store_.find_by_name(user_name);
  } catch (...) {
    lookup_failure = std::current_exception();
  }
  if (lookup_failure) {
    // No password was checked (e.g. the database is away: 503): not an attempt against the limit.
    throttle_.cancel_attempt(user_name, listed ? auth::NameKind::vendor : auth::NameKind::unknown);
    std::rethrow_exception(lookup_failure);
  }
  if (!listed && !vendor) co_return co_await check_unknown(password);
  if (!listed) {  // a vendor added since the names were read
    vendor_names_.add(user_name);
    throttle_.mark_vendor(user_name);
  }
  co_return co_await check_vendor(user_name, password, vendor);
}

boost::asio::awaitable<LoginOutcome> LoginGate::check_unknown(const std::string& password) {
  const auto hashed = co_await hashing_.run(auth::HashLane::unknown, [this, &password] {
    return auth::verify_password(password, decoy_hash_);
  });
  if (!hashed) {
    co_await wait_like_a_hash();
    co_return refused(Kind::busy, busy_retry_after);
  }
  log::warn("token.refused", {{"reason", "invalid_grant"}});
  co_return LoginOutcome{};
}

boost::asio::awaitable<LoginOutcome> LoginGate::check_vendor(
    const std::string& user_name, const std::string& password,
    const std::optional<pg::VendorCredentials>& vendor) {
  const auto vendor_id =
      co_await hashing_.run(auth::HashLane::vendor, [this, &vendor, &password]() {
        if (!vendor) {  // listed, but no longer in the database
          (void)auth::verify_password(password, decoy_hash_);
          return std::int64_t{0};
        }
        const bool matches = auth::verify_password(password, vendor->password_hash);
        return matches && !vendor->disabled ? vendor->id : std::int64_t{0};
      });
  if (!vendor_id) co_return refused(Kind::busy, busy_retry_after);
  if (*vendor_id != 0) {
    throttle_.record_success(user_name);
    co_return LoginOutcome{Kind::issued, *vendor_id, {}};
  }
  if (const auto refusal = refusal_for_a_failure()) {
    co_return refused(refusal->kind, refusal->retry_after);
  }
  log::warn("token.refused", {{"reason", "invalid_grant"}});
  co_return LoginOutcome{};
}

std::optional<LoginOutcome> LoginGate::refusal_for_a_failure() {
  const auto now = auth::TokenBucket::Clock::now();
  if (!failed_logins_.try_take(now)) {
    return LoginOutcome{Kind::too_many_attempts, 0, failed_logins_.retry_after(now)};
  }
  if (hashing_.lane_full(auth::HashLane::unknown)) {
    return LoginOutcome{Kind::busy, 0, busy_retry_after};
  }
  return std::nullopt;
}

boost::asio::awaitable<void> LoginGate::wait_like_a_hash() {
  thread_local std::minstd_rand random{std::random_device{}()};
  std::uniform_real_distribution<double> factor(1.0, 2.0);
  const auto wait = std::chrono::duration_cast<std::chrono::microseconds>(
      hashing_.typical_job_time() * factor(random));
  const auto executor = co_await boost::asio::this_coro::executor;
  boost::asio::steady_timer timer(executor, wait);
  co_await timer.async_wait(boost::asio::use_awaitable);
}

LoginOutcome LoginGate::refused(Kind kind, std::chrono::seconds retry_after) {
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  const auto count = ++refusals_since_log_;
  auto last = last_refusal_log_.load();
  const auto interval =
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(refusal_log_interval).count();
  if (now - last >= interval && last_refusal_log_.compare_exchange_strong(last, now)) {
    refusals_since_log_ -= count;
    log::warn("token.refusals",
              {{"count", std::to_string(count)},
               {"last_reason", kind == Kind::busy ? "hashing_queue_full" : "too_many_attempts"}});
  }
  return {kind, 0, retry_after};
}

}  // namespace relay::api
