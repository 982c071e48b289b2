// Integration test of a PostgreSQL failover: a gateway on a primary and a synchronous standby
// (DATABASE_URL naming both, target_session_attrs=read-write) keeps intake and relay going while
// the primary dies and the standby is promoted; nothing acknowledged is lost or relayed twice.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "tests/integration/gateway/api/gateway_fixture.hpp"
#include "tests/integration/gateway/relay/relay_fixture.hpp"
#include "tests/support/postgres_cluster.hpp"

using namespace relay::testing;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

const std::string messages_path = "/api/OutgoingSecureMessages";
const std::string standby_name = "relay_standby";
const std::string database_name = "relay";
const std::string token_secret = "failover-test-token-secret-0123456789abc";
const std::string webhook_key = "failover-test-webhook-key-0123456789";
// libpq tries every host for connect_timeout (5 s): no answer may take longer than both.
constexpr auto answer_bound = 12s;

std::string pg_cluster_script() {
  return std::string(RELAY_SOURCE_DIR) + "/deploy/pg-cluster.sh";
}

std::string both_hosts_url(const PostgresCluster& primary, const PostgresCluster& standby) {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(primary.port()) +
         ",127.0.0.1:" + std::to_string(standby.port()) + "/" + database_name +
         "?target_session_attrs=read-write";
}

// Waits until the standby streams and the primary counts it as its synchronous standby.
bool wait_until_synchronous(const PostgresCluster& primary, Clock::duration timeout) {
  const auto until = Clock::now() + timeout;
  while (Clock::now() < until) {
    if (primary.query_text("SELECT sync_state FROM pg_stat_replication WHERE application_name = '" +
                           standby_name + "' AND state = 'streaming'") == "sync") {
      return true;
    }
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

std::filesystem::path write_config(const std::filesystem::path& folder) {
  const auto path = folder / "gateway.json";
  std::ofstream config(path);
  // Short leases, polls and reconciliation so the relay settles within seconds of the failover.
  config << R"({
    "http": {"threads": 2, "body_limit_bytes": 2097152, "header_limit_bytes": 8192,
             "read_timeout_seconds": 5, "shutdown_grace_seconds": 5},
    "database": {"pool_size": 4},
    "tokens": {"lifetime_seconds": 600},
    "routing": )"
         << GatewayFixture::default_routing_json() << R"(,
    "relay": {"enabled": true, "workers": 4, "lease_seconds": 8, "poll_interval_ms": 200,
              "max_attempts": 50, "backoff_base_ms": 20, "backoff_cap_ms": 400,
              "ambiguous_settle_seconds": 0, "reconcile_interval_seconds": 1,
              "reconcile_after_seconds": 2, "flag_after_seconds": 600},
    "metriport": {"send_window_seconds": 60, "request_timeout_seconds": 3,
                  "upload_timeout_seconds": 3, "connect_timeout_seconds": 2}})"
         << "\n";
  return path;
}

std::string vendor_password(const std::string& database_url) {
  const auto result =
      run_cli({"vendor", "add", "failover-vendor"}, {{"DATABASE_URL", database_url}});
  BOOST_REQUIRE_MESSAGE(result.exit_code == 0, "vendor add failed: " << result.err);
  std::istringstream lines(result.out);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.starts_with("password: ")) return line.substr(10);
  }
  BOOST_FAIL("vendor add printed no password line");
  return {};
}

TestMessage failover_message(int number) {
  TestMessage message("FO-" + std::to_string(number), {"FOP-" + std::to_string(number)});
  message.subject = "Failover " + std::to_string(number);
  return message;
}

struct Attempt {
  std::string external_id;
  int status = 0;  // 0: no answer within the client's timeout, or the connection failed
  std::string body;
  std::string retry_after;
  Clock::time_point started;
  Clock::duration took{};
};

// Posts distinct messages one after another from its own thread until stopped, recording every
// answer (the vendor's view of the failover).
class IntakeLoop {
 public:
  IntakeLoop(std::uint16_t port, const std::string& token) : client_("127.0.0.1", port, 20s) {
    client_.set_default_header("Authorization", "Bearer " + token);
    thread_ = std::thread([this] { run(); });
  }
  ~IntakeLoop() { stop(); }

  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::vector<Attempt> attempts() const {
    std::lock_guard lock(mutex_);
    return attempts_;
  }
  // Answers with `status` to requests started at or after `since`.
  std::size_t count(int status, Clock::time_point since) const {
    std::lock_guard lock(mutex_);
    std::size_t found = 0;
    for (const auto& attempt : attempts_) {
      if (attempt.status == status && attempt.started >= since) ++found;
    }
    return found;
  }

 private:
  void run() {
    for (int number = 1; !stopping_; ++number) {
      Attempt attempt;
      attempt.external_id = failover_message(number).external_id;
      attempt.started = Clock::now();
      try {
        const auto answer =
            client_.post(messages_path, RelayFixture::portal_json(failover_message(number)));
        attempt.status = answer.status;
        attempt.body = answer.body.substr(0, 300);
        attempt.retry_after = answer.header("Retry-After");
      } catch (const HttpClientError& failure) {
        attempt.body = failure.what();
        client_.close();
      }
      attempt.took = Clock::now() - attempt.started;
      {
        std::lock_guard lock(mutex_);
        attempts_.push_back(attempt);
      }
      std::this_thread::sleep_for(25ms);
    }
  }

  HttpClient client_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<Attempt> attempts_;
  std::thread thread_;
};

// Polls GET /readyz on the operations listener every 100 ms from its own thread.
class ReadinessWatch {
 public:
  explicit ReadinessWatch(std::uint16_t ops_port) : client_("127.0.0.1", ops_port, 20s) {
    thread_ = std::thread([this] { run(); });
  }
  ~ReadinessWatch() { stop(); }

  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }
  // Whether /readyz answered `status` to a poll started at or after `since`.
  bool seen(int status, Clock::time_point since) const {
    std::lock_guard lock(mutex_);
    for (const auto& poll : polls_) {
      if (poll.status == status && poll.started >= since) return true;
    }
    return false;
  }
  // Polls answered before `until` with anything but 200.
  std::size_t not_ready_before(Clock::time_point until) const {
    std::lock_guard lock(mutex_);
    std::size_t found = 0;
    for (const auto& poll : polls_) {
      if (poll.finished < until && poll.status != 200) ++found;
    }
    return found;
  }

 private:
  void run() {
    while (!stopping_) {
      const auto started = Clock::now();
      int status = 0;
      try {
        status = client_.get("/readyz").status;
      } catch (const HttpClientError&) {
        client_.close();
      }
      {
        std::lock_guard lock(mutex_);
        polls_.push_back({started, Clock::now(), status});
      }
      std::this_thread::sleep_for(100ms);
    }
  }

  HttpClient client_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  struct Poll {
    Clock::time_point started;
    Clock::time_point finished;
    int status = 0;  // 0: no answer
  };
  std::vector<Poll> polls_;
  std::thread thread_;
};

bool wait_until(const std::function<bool()>& condition, Clock::duration timeout) {
  return SimulatorProcess::wait_until(
      condition, std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
}

std::int64_t count_rows(const std::string& url, const std::string& sql) {
  pqxx::connection connection(url);
  pqxx::read_transaction tx(connection);
  return tx.exec1(sql)[0].as<std::int64_t>();
}

std::set<std::string> stored_external_ids(const std::string& url) {
  pqxx::connection connection(url);
  pqxx::read_transaction tx(connection);
  std::set<std::string> ids;
  for (const auto& row : tx.exec("SELECT external_id FROM messages")) {
    ids.insert(row[0].as<std::string>());
  }
  return ids;
}

struct TempFolder {
  TempFolder() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "relay-failover-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path = pattern;
  }
  ~TempFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::filesystem::path path;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(database_failover)

BOOST_AUTO_TEST_CASE(a_promoted_synchronous_standby_takes_over_and_nothing_acknowledged_is_lost) {
  // A primary and its synchronous streaming standby, each on its own loopback port.
  PostgresCluster primary(pg_cluster_script());
  primary.execute("CREATE DATABASE " + database_name);
  PostgresCluster standby(primary, standby_name);
  // Set after the base backup, so the promoted standby does not wait for a standby of its own.
  primary.execute("ALTER SYSTEM SET synchronous_standby_names = '" + standby_name + "'");
  primary.execute("SELECT pg_reload_conf()");
  BOOST_REQUIRE_MESSAGE(wait_until_synchronous(primary, 20s), "the standby never became sync");
  BOOST_TEST(primary.query_text("SHOW synchronous_commit") == "on");

  const std::string database_url = both_hosts_url(primary, standby);
  const auto migrated = run_cli({"migrate"}, {{"DATABASE_URL", database_url}});
  BOOST_REQUIRE_MESSAGE(migrated.exit_code == 0, "migrate failed: " << migrated.err);
  const std::string password = vendor_password(database_url);

  SimulatorOptions simulator_options;
  // Metriport answers after 200 ms, so sends are in flight when the primary dies.
  simulator_options.settings_json = R"({"webhook_delay_ms": 50, "latency_ms": 200})";
  SimulatorProcess simulator(simulator_options);
  TempFolder folder;
  GatewayProcess gateway(write_config(folder.path).string(),
                         {{"DATABASE_URL", database_url},
                          {"GATEWAY_TOKEN_SECRET", token_secret},
                          {"METRIPORT_BASE_URL", simulator.base_url()},
                          {"METRIPORT_API_KEY", simulator_options.api_key},
                          {"METRIPORT_SENDS_PER_MINUTE", "100000"},
                          {"METRIPORT_WEBHOOK_KEY", webhook_key}});
  simulator.set_settings(boost::json::serialize(boost::json::object{
      {"webhook_url", gateway.base_url() + "/webhooks/metriport"}, {"webhook_key", webhook_key}}));
  const pid_t gateway_pid = gateway.pid();

  HttpClient anonymous("127.0.0.1", gateway.port());
  const auto token_answer =
      anonymous.post("/token", "grant_type=password&username=failover-vendor&password=" + password,
                     {{"Content-Type", "application/x-www-form-urlencoded"}});
  BOOST_REQUIRE_MESSAGE(token_answer.status == 200, "token: " << token_answer.body);
  const std::string token(parse_json(token_answer.body).at("access_token").as_string());

  const auto started = Clock::now();
  ReadinessWatch readiness(gateway.ops_port());
  IntakeLoop intake(gateway.port(), token);
  // Before: messages acknowledged and relayed.
  BOOST_REQUIRE(wait_until(
      [&] {
        return intake.count(200, started) >= 20 &&
               simulator.received().at("messages").as_array().size() >= 8;
      },
      30s));

  // The primary dies as in a crash: intake and readiness answer 503 while no primary exists.
  const auto killed = Clock::now();
  primary.stop_immediately();
  BOOST_TEST_MESSAGE("primary killed");
  BOOST_TEST(wait_until(
      [&] { return intake.count(503, killed) >= 3 && readiness.seen(503, killed); }, 15s));
  std::this_thread::sleep_for(1s);  // the relay's loops meet the gap too
  BOOST_TEST(gateway.running());

  const auto promoting = Clock::now();
  standby.promote();
  const auto promoted = Clock::now();
  BOOST_TEST_MESSAGE("standby promoted");
  BOOST_TEST(standby.query_text("SELECT pg_is_in_recovery()") == "f");

  // After: the same process reconnects on its own (no restart) and takes messages again.
  BOOST_TEST_REQUIRE(wait_until([&] { return readiness.seen(200, promoted); }, 30s));
  const auto recovered = Clock::now();
  BOOST_TEST(wait_until([&] { return intake.count(200, recovered) >= 15; }, 30s));
  intake.stop();
  readiness.stop();
  BOOST_TEST(gateway.running());
  BOOST_TEST(gateway.pid() == gateway_pid);
  BOOST_TEST(readiness.not_ready_before(killed) == 0u);
  BOOST_TEST(readiness.not_ready_before(promoting) > 0u);
  BOOST_TEST_MESSAGE(
      "recovered "
      << std::chrono::duration_cast<std::chrono::milliseconds>(recovered - promoted).count()
      << " ms after the promotion");

  // Every answer was a 200 or a 503 with Retry-After, none of them slow; a 503 only in the gap.
  const auto attempts = intake.attempts();
  std::set<std::string> acknowledged;
  std::vector<std::string> refused;
  for (const auto& attempt : attempts) {
    BOOST_TEST_CONTEXT(attempt.external_id) {
      BOOST_TEST((attempt.status == 200 || attempt.status == 503),
                 "status " << attempt.status << ": " << attempt.body);
      BOOST_TEST((attempt.took < answer_bound));
      if (attempt.status == 503) {
        BOOST_TEST(!attempt.retry_after.empty());
        BOOST_TEST((attempt.started + attempt.took > killed));
        // A connection attempt begun in the gap may fail just after readiness came back.
        BOOST_TEST((attempt.started < recovered + 2s));
        refused.push_back(attempt.external_id);
      }
      if (attempt.status == 200) acknowledged.insert(attempt.external_id);
    }
  }
  BOOST_TEST_MESSAGE(attempts.size() << " posts: " << acknowledged.size() << " answered 200, "
                                     << refused.size() << " answered 503");
  BOOST_TEST(refused.size() >= 3u);

  // What answered 200 is in the promoted database, and readable through the gateway.
  const std::string promoted_url = standby.url(database_name);
  const auto stored = stored_external_ids(promoted_url);
  for (const auto& id : acknowledged) BOOST_TEST(stored.count(id) == 1u, id << " was lost");

  // A client retries what was refused; retrying is safe (idempotent by ExternalId).
  HttpClient client("127.0.0.1", gateway.port(), 20s);
  client.set_default_header("Authorization", "Bearer " + token);
  for (const auto& id : refused) {
    const int number = std::stoi(id.substr(3));
    const auto answer =
        client.post(messages_path, RelayFixture::portal_json(failover_message(number)));
    BOOST_TEST(answer.status == 200, id << ": " << answer.status << " " << answer.body);
    if (answer.status == 200) acknowledged.insert(id);
  }
  BOOST_TEST(count_rows(promoted_url, "SELECT count(*) FROM messages") ==
             static_cast<std::int64_t>(acknowledged.size()));

  // Every delivery (one patient per message) completes; each reached Metriport exactly once.
  const auto expected = static_cast<std::int64_t>(acknowledged.size());
  const bool completed = wait_until(
      [&] {
        return count_rows(promoted_url,
                          "SELECT count(*) FROM deliveries WHERE state = 'completed'") == expected;
      },
      45s);
  BOOST_TEST(completed, count_rows(promoted_url,
                                   "SELECT count(*) FROM deliveries "
                                   "WHERE state = 'completed'")
                            << " of " << expected << " deliveries completed");
  BOOST_TEST(count_rows(promoted_url, "SELECT count(*) FROM deliveries") == expected);
  BOOST_TEST(
      count_rows(promoted_url, "SELECT count(DISTINCT metriport_message_id) FROM delivery_sends") ==
      expected);
  std::map<std::string, int> sends_per_subject;
  const auto received = simulator.received();
  for (const auto& message : received.at("messages").as_array()) {
    ++sends_per_subject[std::string(message.as_object().at("subject").as_string())];
  }
  BOOST_TEST(sends_per_subject.size() == acknowledged.size());
  for (const auto& [subject, sends] : sends_per_subject) {
    BOOST_TEST(sends == 1, subject << " was sent " << sends << " times");
  }
  for (const auto& id : acknowledged) {
    BOOST_TEST_CONTEXT(id) {
      const auto answer = client.get(messages_path + "?externalId=" + id);
      BOOST_TEST_REQUIRE(answer.status == 200, answer.body);
      const auto model = parse_json(answer.body).as_object();
      BOOST_TEST(std::string(model.at("externalId").as_string()) == id);
      BOOST_TEST(std::string(model.at("status").as_string()) == "Sent");
    }
  }

  BOOST_TEST(gateway.running());
  const auto log = gateway.log_text();
  BOOST_TEST(log.find("request.database_unavailable") != std::string::npos);
  BOOST_TEST(log.find("request.failed") == std::string::npos);  // no outage answered as a fault
  BOOST_TEST(log.find("relay.loop_failed") == std::string::npos);
  // Whatever the relay logged as failed was the outage, named as such (a kind, never "fault").
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(R"("level":"error")") == std::string::npos) continue;
    BOOST_TEST_CONTEXT(line) {
      BOOST_TEST(line.find(R"("reason":")") != std::string::npos);
      BOOST_TEST(line.find(R"("reason":"fault")") == std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
