// Engines behind FaultDice and the identifier helpers; identifiers come from a per-thread engine
// seeded from std::random_device, derived IDs from SHA-256.
#include "tests/simulator/random_source.hpp"

#include "gateway/domain/digest.hpp"

namespace relay::sim {
namespace {

std::mt19937_64& id_engine() {
  thread_local std::mt19937_64 engine([] {
    std::random_device device;
    return (static_cast<std::uint64_t>(device()) << 32) ^ device();
  }());
  return engine;
}

// Formats 16 bytes as a UUID with the version-4 and RFC 4122 variant bits set.
std::string format_uuid_v4(unsigned char bytes[16]) {
  static constexpr char hex[] = "0123456789abcdef";
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x40);
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hex[bytes[i] >> 4];
    out += hex[bytes[i] & 0x0F];
  }
  return out;
}

}  // namespace

void FaultDice::reseed(std::uint64_t seed) {
  if (seed == 0) {
    std::random_device device;
    seed = (static_cast<std::uint64_t>(device()) << 32) ^ device();
  }
  engine_.seed(seed);
}

bool FaultDice::chance(double rate) {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine_) < rate;
}

std::uint64_t FaultDice::up_to(std::uint64_t bound) {
  if (bound == 0) return 0;
  return std::uniform_int_distribution<std::uint64_t>(0, bound)(engine_);
}

std::string random_uuid_v4() {
  unsigned char bytes[16];
  auto& engine = id_engine();
  for (int i = 0; i < 16; i += 8) {
    const std::uint64_t word = engine();
    for (int k = 0; k < 8; ++k) bytes[i + k] = static_cast<unsigned char>(word >> (8 * k));
  }
  return format_uuid_v4(bytes);
}

std::string random_hex(std::size_t bytes) {
  static constexpr char hex[] = "0123456789abcdef";
  auto& engine = id_engine();
  std::string out;
  out.reserve(bytes * 2);
  for (std::size_t i = 0; i < bytes; ++i) {
    const auto byte = static_cast<unsigned>(engine() & 0xFF);
    out += hex[byte >> 4];
    out += hex[byte & 0x0F];
  }
  return out;
}

std::string derived_uuid(std::string_view namespace_text, std::string_view text) {
  std::string input(namespace_text);
  input += '\n';
  input += text;
  const std::string digest = domain::sha256_raw(input);
  unsigned char bytes[16];
  for (int i = 0; i < 16; ++i) bytes[i] = static_cast<unsigned char>(digest[i]);
  return format_uuid_v4(bytes);
}

}  // namespace relay::sim
