// Tells systemd (Type=notify) how `serve` is doing: READY=1 once both listeners accept, STOPPING=1
// on SIGTERM, WATCHDOG=1 from the io_context at half of WATCHDOG_USEC. No-op without NOTIFY_SOCKET.
#pragma once

#include <chrono>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

namespace relay::cli {

class ServiceNotifier {
 public:
  explicit ServiceNotifier(boost::asio::any_io_executor executor);

  // READY=1 with a STATUS= line (addresses only), then the watchdog pings when systemd asked for
  // them (WatchdogSec=): each is a timer on the io_context, so a stuck loop stops the pings.
  void ready(const std::string& status);
  // STOPPING=1: the service manager sees the shutdown begin (pings go on until the loop ends).
  void stopping();

  // Built with libsystemd (the notifications are real); otherwise every call does nothing.
  static bool built_in();

 private:
  void schedule_ping();

  boost::asio::steady_timer timer_;
  std::chrono::microseconds ping_interval_{0};
};

}  // namespace relay::cli
