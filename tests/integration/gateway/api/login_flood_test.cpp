// Integration tests of POST /token under a flood of random user names against the real gateway:
// a real vendor still logs in, intake still stores messages, and the flood is mostly refused.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/gateway/api/gateway_fixture.hpp"

using namespace relay::testing;

namespace {

const std::map<std::string, std::string> form_headers{
    {"Content-Type", "application/x-www-form-urlencoded"}};

constexpr int flood_threads = 32;
constexpr int max_requests_per_thread = 2000;  // a bound; the flood is stopped long before

// What the flood saw, by status (0: the client failed: timeout, reset).
struct FloodTally {
  std::mutex mutex;
  std::map<int, int> statuses;
  int refusals_without_retry_after = 0;
  std::atomic<int> answered{0};
};

void flood(std::uint16_t port, int thread_index, const std::atomic<bool>& stop, FloodTally& tally) {
  std::mt19937_64 random(std::random_device{}() + static_cast<unsigned>(thread_index));
  HttpClient client("127.0.0.1", port, std::chrono::seconds(30));
  for (int i = 0; i < max_requests_per_thread && !stop; ++i) {
    const std::string name =
        "flood" + std::to_string(thread_index) + "x" + std::to_string(random());
    int status = 0;
    bool retry_after = false;
    try {
      const auto answer = client.post(
          "/token", "grant_type=password&username=" + name + "&password=guess", form_headers);
      status = answer.status;
      retry_after = !answer.header("Retry-After").empty();
    } catch (const HttpClientError&) {
      client.close();
    }
    std::lock_guard lock(tally.mutex);
    ++tally.statuses[status];
    if ((status == 429 || status == 503) && !retry_after) ++tally.refusals_without_retry_after;
    ++tally.answered;
  }
}

// Waits (bounded) until the flood has had at least `count` answers.
void wait_for_answers(const FloodTally& tally, int count) {
  for (int i = 0; i < 1200 && tally.answered < count; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::string message_with_external_id(const std::string& sample_text, const std::string& id) {
  auto message = parse_json(sample_text).as_object();
  message["externalId"] = id;
  return boost::json::serialize(message);
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(login_flood, GatewayFixture)

BOOST_AUTO_TEST_CASE(real_logins_and_intake_go_on_while_random_names_are_refused) {
  const auto vendor = add_vendor("acme");
  const auto message = sample("message.json");

  FloodTally tally;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < flood_threads; ++i) {
    threads.emplace_back(flood, gateway->port(), i, std::cref(stop), std::ref(tally));
  }
  wait_for_answers(tally, 2 * flood_threads);

  // (a) The real vendor logs in during the flood, and (b) intake stores messages.
  auto client = anonymous_client();
  client.set_timeout(std::chrono::seconds(30));
  std::vector<int> login_statuses;
  std::vector<int> intake_statuses;
  for (int round = 0; round < 3; ++round) {
    const auto login = client.post("/token", post_form_body(vendor), form_headers);
    login_statuses.push_back(login.status);
    if (login.status != 200) continue;
    const auto token = std::string(parse_json(login.body).at("access_token").as_string());
    const auto stored =
        client.post("/api/OutgoingSecureMessages",
                    message_with_external_id(message, "FLOOD-" + std::to_string(round)),
                    {{"Authorization", "Bearer " + token}});
    intake_statuses.push_back(stored.status);
    wait_for_answers(tally, tally.answered + flood_threads);  // the flood goes on in between
  }
  wait_for_answers(tally, 6 * flood_threads);
  stop = true;
  for (auto& thread : threads) thread.join();

  BOOST_TEST(login_statuses == (std::vector<int>{200, 200, 200}), boost::test_tools::per_element());
  BOOST_TEST(intake_statuses == (std::vector<int>{200, 200, 200}),
             boost::test_tools::per_element());
  BOOST_TEST(count("SELECT count(*) FROM messages WHERE external_id LIKE 'FLOOD-%'") == 3);

  // The flood: only invalid_grant (hashed) and refusals with Retry-After, mostly refusals.
  int total = 0;
  for (const auto& [status, seen] : tally.statuses) {
    BOOST_TEST_CONTEXT("status " << status) {
      BOOST_TEST((status == 400 || status == 429 || status == 503));
    }
    total += seen;
  }
  const int refusals = tally.statuses[429] + tally.statuses[503];
  BOOST_TEST_MESSAGE("flood answers: " << total << ", 400: " << tally.statuses[400] << ", 429: "
                                       << tally.statuses[429] << ", 503: " << tally.statuses[503]);
  BOOST_TEST(total >= 6 * flood_threads);
  BOOST_TEST(refusals * 4 >= total * 3, refusals << " of " << total << " refused");
  BOOST_TEST(tally.refusals_without_retry_after == 0);

  // The name throttle still protects the real vendor after all those names: its 10 failures
  // (invalid_grant, or 429 while the failed-login limit is spent), then even the right password
  // waits.
  const VendorAccount wrong{vendor.name, vendor.password + "x"};
  for (int i = 0; i < 10; ++i) {
    const auto status = client.post("/token", post_form_body(wrong), form_headers).status;
    BOOST_TEST((status == 400 || status == 429), "status " << status);
  }
  const auto throttled = client.post("/token", post_form_body(vendor), form_headers);
  BOOST_TEST(throttled.status == 429);
  BOOST_TEST(!throttled.header("Retry-After").empty());
}

// A failed-login limit small enough to spend by hand: two failures, then refusals.
struct SpentLimitFixture : GatewayFixture {
  SpentLimitFixture()
      : GatewayFixture(default_routing_json(), R"("relay": {"enabled": false},
          "auth": {"failed_logins_per_minute": 1, "failed_login_burst": 2,
                   "vendor_names_refresh_ms": 10})") {}
};

BOOST_FIXTURE_TEST_CASE(past_the_failed_login_limit_unknown_names_are_refused_not_vendors,
                        SpentLimitFixture) {
  const auto vendor = add_vendor("acme");
  auto client = anonymous_client();
  const auto unknown = [&](const std::string& name) {
    return client.post("/token", post_form_body({name, "guess"}), form_headers);
  };
  BOOST_TEST(unknown("nobody1").status == 400);
  BOOST_TEST(unknown("nobody2").status == 400);
  const auto refused = unknown("nobody3");
  BOOST_TEST(refused.status == 429);
  BOOST_TEST(refused.header("Retry-After") != "");
  BOOST_TEST(parse_json(refused.body).at("error").as_string() == "invalid_grant");

  // A vendor's wrong password is answered as an unknown name's is now; its right one logs in.
  const VendorAccount wrong{vendor.name, vendor.password + "x"};
  BOOST_TEST(client.post("/token", post_form_body(wrong), form_headers).status == 429);
  BOOST_TEST(client.post("/token", post_form_body(vendor), form_headers).status == 200);
  // A vendor added while the limit is spent is found by a reload of the names and logs in.
  const auto added = add_vendor("added-later");
  BOOST_TEST(client.post("/token", post_form_body(added), form_headers).status == 200);
}

BOOST_AUTO_TEST_SUITE_END()
