// Finds the Metriport message an ambiguous send may already have created (Metriport has no
// idempotency key), so the engine adopts its id instead of sending the same message twice.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace relay::engine {

// One outbound message from the list call (GET /message?patientId&direction&destination).
struct SentCandidate {
  std::string id;
  std::string subject;
  std::string destination;
  std::optional<std::string> body;
  std::vector<std::string> attachments;  // document reference ids
  std::optional<std::int64_t> sent_at;   // epoch microseconds (sentAt)
};

// What the ambiguous send asked for.
struct ExpectedSend {
  std::string subject;
  std::string destination;
  std::optional<std::string> body;
  std::vector<std::string> attachments;
};

// How far before the first attempt a candidate's sentAt may lie (clocks differ).
inline constexpr std::int64_t default_clock_skew_micros = 5LL * 60 * 1'000'000;

// A candidate matches when: subject equal; destination equal (ASCII case-insensitive); the same
// set of attachment ids; bodies equal when both are present; sent_at known and at or after
// first_attempt_started - skew; id not in known_ids (adopted by another send already). Several
// matches: the earliest sent_at, then the smallest id. nullopt: nothing matches, safe to resend.
std::optional<std::string> pick_earlier_send(const std::vector<SentCandidate>& candidates,
                                             const ExpectedSend& expected,
                                             std::int64_t first_attempt_started_micros,
                                             std::int64_t skew_micros,
                                             const std::set<std::string>& known_ids);

}  // namespace relay::engine
