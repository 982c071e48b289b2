// systemd notifications through libsystemd's sd_notify and sd_watchdog_enabled when the build
// found libsystemd (RELAY_HAVE_SYSTEMD); sd_notify itself does nothing when NOTIFY_SOCKET is unset.
#include "gateway/cli/service_notifier.hpp"

#include <cstdint>

#include "gateway/log/log.hpp"

#ifdef RELAY_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace relay::cli {
namespace {

void notify(const std::string& state) {
#ifdef RELAY_HAVE_SYSTEMD
  // unset_environment = 0: the variables stay for anything that reads them later.
  const int sent = sd_notify(0, state.c_str());
  if (sent < 0) log::warn("systemd.notify_failed", {{"error", std::to_string(-sent)}});
#else
  (void)state;
#endif
}

// WATCHDOG_USEC when the service manager expects pings from this process, else zero.
std::chrono::microseconds watchdog_timeout() {
#ifdef RELAY_HAVE_SYSTEMD
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0) return std::chrono::microseconds(usec);
#endif
  return std::chrono::microseconds(0);
}

}  // namespace

ServiceNotifier::ServiceNotifier(boost::asio::any_io_executor executor) : timer_(executor) {}

bool ServiceNotifier::built_in() {
#ifdef RELAY_HAVE_SYSTEMD
  return true;
#else
  return false;
#endif
}

void ServiceNotifier::ready(const std::string& status) {
  notify("READY=1\nSTATUS=" + status);
  const auto timeout = watchdog_timeout();
  if (timeout.count() == 0) return;
  ping_interval_ = timeout / 2;
  log::info("systemd.watchdog", {{"interval_ms", std::to_string(ping_interval_.count() / 1000)}});
  notify("WATCHDOG=1");
  schedule_ping();
}

void ServiceNotifier::stopping() {
  notify("STOPPING=1\nSTATUS=stopping");
}

void ServiceNotifier::schedule_ping() {
  timer_.expires_after(ping_interval_);
  timer_.async_wait([this](const boost::system::error_code& error) {
    if (error) return;
    notify("WATCHDOG=1");
    schedule_ping();
  });
}

}  // namespace relay::cli
