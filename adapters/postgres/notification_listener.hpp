// Listens on a PostgreSQL channel (the relay: relay_deliveries) on its own connection and thread,
// and calls back on each notification; the relay's polling stays the fallback for a lost NOTIFY.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace relay::pg {

class NotificationListener {
 public:
  // on_notify runs on the listener's thread; keep it short (WakeSignal::notify_all).
  NotificationListener(std::string database_url, std::string channel,
                       std::function<void()> on_notify);
  ~NotificationListener();  // stop()
  NotificationListener(const NotificationListener&) = delete;
  NotificationListener& operator=(const NotificationListener&) = delete;

  void start();
  void stop();

 private:
  void run();

  std::string database_url_;
  std::string channel_;
  std::function<void()> on_notify_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace relay::pg
