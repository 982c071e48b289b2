// Unit tests for finding the Metriport message an ambiguous send created: what must match, the
// time bound with its clock-skew allowance, ids already taken, and deterministic tie-breaking.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "gateway/relay/earlier_send_match.hpp"

using namespace relay::engine;

namespace {

constexpr std::int64_t second = 1'000'000;
constexpr std::int64_t started = 1'790'000'000LL * second;
constexpr std::int64_t skew = 300 * second;

ExpectedSend expected() {
  return {"Lab results", "clinic@direct.example.org", std::string("Hello"), {"doc-a", "doc-b"}};
}

SentCandidate candidate(std::string id, std::int64_t sent_at) {
  return {std::move(id),        "Lab results",      "clinic@direct.example.org",
          std::string("Hello"), {"doc-a", "doc-b"}, sent_at};
}

std::optional<std::string> pick(const std::vector<SentCandidate>& candidates,
                                const ExpectedSend& wanted = expected(),
                                const std::set<std::string>& known = {}) {
  return pick_earlier_send(candidates, wanted, started, skew, known);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(earlier_send_match)

BOOST_AUTO_TEST_CASE(an_identical_message_matches) {
  BOOST_TEST(pick({candidate("m1", started + second)}).value_or("") == "m1");
  BOOST_TEST(default_clock_skew_micros == 300 * second);
}

BOOST_AUTO_TEST_CASE(nothing_listed_nothing_found) {
  BOOST_TEST(!pick({}).has_value());
}

BOOST_AUTO_TEST_CASE(subject_must_be_equal) {
  SentCandidate other = candidate("m1", started);
  other.subject = "Lab results (1/2)";
  BOOST_TEST(!pick({other}).has_value());
}

BOOST_AUTO_TEST_CASE(destination_must_be_equal_ignoring_ascii_case) {
  SentCandidate upper = candidate("m1", started);
  upper.destination = "Clinic@Direct.Example.org";
  BOOST_TEST(pick({upper}).value_or("") == "m1");
  SentCandidate other = candidate("m2", started);
  other.destination = "other@direct.example.org";
  BOOST_TEST(!pick({other}).has_value());
}

BOOST_AUTO_TEST_CASE(attachments_must_be_the_same_set) {
  SentCandidate reordered = candidate("m1", started);
  reordered.attachments = {"doc-b", "doc-a"};
  BOOST_TEST(pick({reordered}).value_or("") == "m1");
  SentCandidate fewer = candidate("m2", started);
  fewer.attachments = {"doc-a"};
  BOOST_TEST(!pick({fewer}).has_value());
  SentCandidate more = candidate("m3", started);
  more.attachments = {"doc-a", "doc-b", "doc-c"};
  BOOST_TEST(!pick({more}).has_value());
  ExpectedSend body_only = expected();
  body_only.attachments.clear();
  SentCandidate none = candidate("m4", started);
  none.attachments.clear();
  BOOST_TEST(pick({none}, body_only).value_or("") == "m4");
  BOOST_TEST(!pick({candidate("m5", started)}, body_only).has_value());
}

BOOST_AUTO_TEST_CASE(bodies_are_compared_only_when_both_are_present) {
  SentCandidate different = candidate("m1", started);
  different.body = "Hello!";
  BOOST_TEST(!pick({different}).has_value());
  SentCandidate without = candidate("m2", started);
  without.body.reset();
  BOOST_TEST(pick({without}).value_or("") == "m2");
  ExpectedSend no_body = expected();
  no_body.body.reset();
  BOOST_TEST(pick({candidate("m3", started)}, no_body).value_or("") == "m3");
}

BOOST_AUTO_TEST_CASE(sent_at_must_not_be_before_the_first_attempt_minus_skew) {
  BOOST_TEST(pick({candidate("m1", started - skew)}).value_or("") == "m1");
  BOOST_TEST(!pick({candidate("m2", started - skew - 1)}).has_value());
  SentCandidate undated = candidate("m3", started);
  undated.sent_at.reset();
  BOOST_TEST(!pick({undated}).has_value());
  // A negative skew is treated as none.
  BOOST_TEST(!pick_earlier_send({candidate("m4", started - 1)}, expected(), started, -skew, {}));
}

BOOST_AUTO_TEST_CASE(ids_already_recorded_are_skipped) {
  const std::vector<SentCandidate> candidates = {candidate("m1", started + 1),
                                                 candidate("m2", started + 2)};
  BOOST_TEST(pick(candidates, expected(), {"m1"}).value_or("") == "m2");
  BOOST_TEST(!pick(candidates, expected(), {"m1", "m2"}).has_value());
}

BOOST_AUTO_TEST_CASE(several_matches_pick_the_earliest_then_the_smallest_id) {
  std::vector<SentCandidate> candidates = {
      candidate("m9", started + 30 * second), candidate("m5", started + 10 * second),
      candidate("m7", started + 10 * second), candidate("m1", started + 20 * second)};
  BOOST_TEST(pick(candidates).value_or("") == "m5");
  std::reverse(candidates.begin(), candidates.end());
  BOOST_TEST(pick(candidates).value_or("") == "m5");
}

BOOST_AUTO_TEST_SUITE_END()
