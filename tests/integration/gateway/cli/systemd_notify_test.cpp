// Integration tests of the systemd notifications of `serve`: a unix datagram socket stands in for
// systemd's NOTIFY_SOCKET and sees READY=1, WATCHDOG=1 pings (WATCHDOG_USEC) and STOPPING=1.
#include <boost/test/unit_test.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/integration/gateway/api/gateway_fixture.hpp"

using namespace relay::testing;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// A bound AF_UNIX datagram socket in a private folder, read with a deadline.
class NotifySocket {
 public:
  NotifySocket() {
    char folder[] = "/tmp/relay-notify-XXXXXX";
    if (!::mkdtemp(folder)) throw std::runtime_error("mkdtemp failed");
    folder_ = folder;
    path_ = folder_ + "/notify.sock";
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path_.c_str(), sizeof(address.sun_path) - 1);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      throw std::runtime_error("bind failed");
    }
  }
  ~NotifySocket() {
    ::close(fd_);
    std::error_code ignored;
    std::filesystem::remove_all(folder_, ignored);
  }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  const std::string& path() const { return path_; }

  // The next datagram, or nullopt when none arrives within timeout.
  std::optional<std::string> receive(std::chrono::milliseconds timeout) {
    pollfd waiting{fd_, POLLIN, 0};
    if (::poll(&waiting, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
    char buffer[4096];
    const auto size = ::recv(fd_, buffer, sizeof(buffer), 0);
    if (size < 0) return std::nullopt;
    return std::string(buffer, static_cast<std::size_t>(size));
  }

  // Datagrams until one contains needle (returned, with those before it) or the time runs out.
  std::vector<std::string> receive_until(const std::string& needle,
                                         std::chrono::milliseconds timeout) {
    std::vector<std::string> seen;
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      auto datagram = receive(left);
      if (!datagram) break;
      seen.push_back(*datagram);
      if (datagram->find(needle) != std::string::npos) break;
    }
    return seen;
  }

 private:
  std::string folder_;
  std::string path_;
  int fd_ = -1;
};

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

int count_containing(const std::vector<std::string>& datagrams, const std::string& needle) {
  int count = 0;
  for (const auto& datagram : datagrams) count += contains(datagram, needle) ? 1 : 0;
  return count;
}

const std::string relay_off = R"("relay": {"enabled": false})";

}  // namespace

BOOST_AUTO_TEST_SUITE(systemd_notify)

#ifdef RELAY_HAVE_SYSTEMD

BOOST_AUTO_TEST_CASE(ready_once_both_listeners_accept_then_stopping_on_sigterm) {
  NotifySocket systemd;
  GatewayFixture fixture(GatewayFixture::default_routing_json(), relay_off,
                         {{"NOTIFY_SOCKET", systemd.path()}});
  const auto first = systemd.receive(10s);
  BOOST_REQUIRE(first.has_value());
  BOOST_TEST(contains(*first, "READY=1"), *first);
  BOOST_TEST(
      contains(*first, "STATUS=listening on 127.0.0.1:" + std::to_string(fixture.gateway->port())),
      *first);
  // READY=1 promised both listeners: each answers at once.
  BOOST_TEST(fixture.anonymous_client().get("/livez").status == 200);
  BOOST_TEST(HttpClient("127.0.0.1", fixture.gateway->ops_port()).get("/livez").status == 200);

  fixture.gateway->signal(SIGTERM);
  const auto after = systemd.receive_until("STOPPING=1", 10s);
  BOOST_REQUIRE(!after.empty());
  BOOST_TEST(contains(after.back(), "STOPPING=1"), after.back());
  // Without WATCHDOG_USEC there are no pings.
  BOOST_TEST(count_containing(after, "WATCHDOG=1") == 0);
  BOOST_TEST(fixture.gateway->wait_for_exit(20s).value_or(-1) == 0);
}

BOOST_AUTO_TEST_CASE(watchdog_pings_at_half_of_watchdog_usec_until_the_process_ends) {
  NotifySocket systemd;
  // 400 ms: a ping about every 200 ms.
  GatewayFixture fixture(GatewayFixture::default_routing_json(), relay_off,
                         {{"NOTIFY_SOCKET", systemd.path()}, {"WATCHDOG_USEC", "400000"}});
  const auto ready = systemd.receive_until("READY=1", 10s);
  BOOST_REQUIRE(!ready.empty());
  BOOST_TEST(contains(ready.back(), "READY=1"));
  BOOST_TEST(count_containing(ready, "WATCHDOG=1") == 0);  // nothing before READY=1

  // At least three pings in 2 s (about ten are due), none of them READY or STOPPING.
  std::vector<std::string> pings;
  const auto until = Clock::now() + 2s;
  while (Clock::now() < until) {
    auto datagram = systemd.receive(100ms);
    if (datagram) pings.push_back(*datagram);
  }
  BOOST_TEST(count_containing(pings, "WATCHDOG=1") >= 3);
  BOOST_TEST(count_containing(pings, "READY=1") == 0);
  BOOST_TEST(count_containing(pings, "STOPPING=1") == 0);

  fixture.gateway->signal(SIGTERM);
  const auto stopping = systemd.receive_until("STOPPING=1", 10s);
  BOOST_REQUIRE(!stopping.empty());
  BOOST_TEST(contains(stopping.back(), "STOPPING=1"), stopping.back());
  BOOST_TEST(fixture.gateway->wait_for_exit(20s).value_or(-1) == 0);
}

BOOST_AUTO_TEST_CASE(a_watchdog_meant_for_another_process_is_not_pinged) {
  NotifySocket systemd;
  // WATCHDOG_PID names the process systemd watches; a gateway started by it (pid 1 here) stays
  // silent, as sd_watchdog_enabled(3) defines.
  GatewayFixture fixture(
      GatewayFixture::default_routing_json(), relay_off,
      {{"NOTIFY_SOCKET", systemd.path()}, {"WATCHDOG_USEC", "200000"}, {"WATCHDOG_PID", "1"}});
  const auto ready = systemd.receive_until("READY=1", 10s);
  BOOST_REQUIRE(!ready.empty());
  std::vector<std::string> later;
  const auto until = Clock::now() + 1s;
  while (Clock::now() < until) {
    auto datagram = systemd.receive(100ms);
    if (datagram) later.push_back(*datagram);
  }
  BOOST_TEST(count_containing(later, "WATCHDOG=1") == 0);
}

#else

BOOST_AUTO_TEST_CASE(without_libsystemd_nothing_is_sent) {
  NotifySocket systemd;
  GatewayFixture fixture(GatewayFixture::default_routing_json(), relay_off,
                         {{"NOTIFY_SOCKET", systemd.path()}, {"WATCHDOG_USEC", "200000"}});
  BOOST_TEST_MESSAGE("built without libsystemd: the notifications are a no-op");
  BOOST_TEST(!systemd.receive(1s).has_value());
}

#endif

BOOST_AUTO_TEST_SUITE_END()
