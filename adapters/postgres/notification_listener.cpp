// The LISTEN loop: waits for notifications one second at a time (so stop() is prompt), and on a
// broken connection logs, waits, and reconnects; the workers keep polling meanwhile.
#include "adapters/postgres/notification_listener.hpp"

#include <chrono>

#include <pqxx/pqxx>

#include "adapters/postgres/connection_string.hpp"
#include "gateway/log/log.hpp"

namespace relay::pg {

namespace {

class WakeReceiver : public pqxx::notification_receiver {
 public:
  WakeReceiver(pqxx::connection_base& connection, const std::string& channel,
               std::function<void()>& on_notify)
      : pqxx::notification_receiver(connection, channel), on_notify_(on_notify) {}
  void operator()(const std::string&, int) override { on_notify_(); }

 private:
  std::function<void()>& on_notify_;
};

}  // namespace

NotificationListener::NotificationListener(std::string database_url, std::string channel,
                                           std::function<void()> on_notify)
    : database_url_(with_default_connect_timeout(database_url)),
      channel_(std::move(channel)),
      on_notify_(std::move(on_notify)) {}

NotificationListener::~NotificationListener() {
  stop();
}

void NotificationListener::start() {
  thread_ = std::thread([this] { run(); });
}

void NotificationListener::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void NotificationListener::run() {
  while (!stopping_) {
    try {
      pqxx::connection connection(database_url_);
      WakeReceiver receiver(connection, channel_, on_notify_);
      on_notify_();  // anything queued while not listening is picked up now
      while (!stopping_) connection.await_notification(1, 0);
    } catch (const std::exception&) {
      // pqxx messages can quote connection details; log only that the listener lost its link.
      log::warn("relay.listener_reconnecting", {{"channel", channel_}});
      for (int i = 0; i < 20 && !stopping_; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  }
}

}  // namespace relay::pg
