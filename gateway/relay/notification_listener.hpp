// Listens on PostgreSQL's relay_deliveries channel on its own connection and thread, and wakes the
// workers when intake queues deliveries. Polling stays as the fallback, so a lost NOTIFY only
// delays.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace relay::engine {

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

}  // namespace relay::engine
