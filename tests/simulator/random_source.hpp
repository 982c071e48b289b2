// Randomness for the simulator: seeded fault decisions (reproducible with settings.seed) and
// identifiers, which are always fresh so a restarted simulator never reuses a message ID.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace relay::sim {

// Fault decisions (error, 429, ambiguous, webhook loss/duplicate/delay, failed outcomes). Not
// thread-safe: the simulator draws under its state mutex. Seed 0 means "from std::random_device".
class FaultDice {
 public:
  explicit FaultDice(std::uint64_t seed = 0) { reseed(seed); }
  void reseed(std::uint64_t seed);
  // True with probability rate (0 never, 1 always).
  bool chance(double rate);
  // Uniform in [0, bound]; 0 when bound is 0.
  std::uint64_t up_to(std::uint64_t bound);

 private:
  std::mt19937_64 engine_;
};

// A random version-4 UUID in lower case (thread-safe, never seeded).
std::string random_uuid_v4();

// Lower-case hex of `bytes` random bytes (thread-safe), for upload tokens.
std::string random_hex(std::size_t bytes);

// A stable UUID (version 4 layout) derived from the text: the same external ID always maps to the
// same patient ID, across simulator restarts.
std::string derived_uuid(std::string_view namespace_text, std::string_view text);

}  // namespace relay::sim
