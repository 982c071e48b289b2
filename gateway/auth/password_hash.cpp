// PBKDF2 through OpenSSL's PKCS5_PBKDF2_HMAC; salts and passwords from RAND_bytes (the OS CSPRNG).
// The encoded form is parsed strictly: anything unexpected means "no match", never an exception.
#include "gateway/auth/password_hash.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>
#include <climits>
#include <optional>
#include <stdexcept>
#include <vector>

#include "gateway/domain/base64.hpp"
#include "gateway/domain/digest.hpp"

namespace relay::auth {
namespace {
constexpr std::string_view scheme = "pbkdf2-sha256";
constexpr std::size_t salt_bytes = 16;
constexpr std::size_t hash_bytes = 32;
constexpr std::string_view password_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::size_t password_length = 32;

std::string random_bytes(std::size_t count) {
  std::string out(count, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(count)) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return out;
}

// Throws std::runtime_error when OpenSSL fails; callers have checked the sizes fit an int.
std::string pbkdf2(std::string_view password, std::string_view salt, int iterations) {
  std::string out(hash_bytes, '\0');
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()), iterations, EVP_sha256(),
                        static_cast<int>(out.size()),
                        reinterpret_cast<unsigned char*>(out.data())) != 1) {
    throw std::runtime_error("PKCS5_PBKDF2_HMAC failed");
  }
  return out;
}

// Strict canonical base64: decodes and re-encodes to the same text (no whitespace, no stray
// padding).
std::optional<std::string> strict_base64(std::string_view text) {
  auto decoded = domain::base64_decode(text);
  if (!decoded || domain::base64_encode(*decoded) != text) return std::nullopt;
  return decoded;
}

std::optional<int> parse_iterations(std::string_view text) {
  if (text.empty() || text.size() > 9 || text.front() == '0') return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  if (value < 1 || value > max_password_iterations) return std::nullopt;
  return value;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto end = text.find(separator, start);
    if (end == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}
}  // namespace

std::string hash_password(std::string_view password, int iterations) {
  if (iterations < 1 || iterations > max_password_iterations) {
    throw std::invalid_argument("PBKDF2 iterations out of range");
  }
  if (password.size() > static_cast<std::size_t>(INT_MAX)) {
    throw std::invalid_argument("password too long");
  }
  const std::string salt = random_bytes(salt_bytes);
  const std::string hash = pbkdf2(password, salt, iterations);
  return std::string(scheme) + '$' + std::to_string(iterations) + '$' +
         domain::base64_encode(salt) + '$' + domain::base64_encode(hash);
}

bool verify_password(std::string_view password, std::string_view encoded) {
  if (password.size() > static_cast<std::size_t>(INT_MAX) || encoded.size() > 512) return false;
  const auto parts = split(encoded, '$');
  if (parts.size() != 4 || parts[0] != scheme) return false;
  const auto iterations = parse_iterations(parts[1]);
  const auto salt = strict_base64(parts[2]);
  const auto expected = strict_base64(parts[3]);
  if (!iterations || !salt || salt->empty() || !expected || expected->size() != hash_bytes) {
    return false;
  }
  try {
    return domain::constant_time_equals(pbkdf2(password, *salt, *iterations), *expected);
  } catch (const std::exception&) {
    return false;
  }
}

std::string generate_password() {
  // Accept only bytes below the largest multiple of the alphabet size, so every character is
  // equally likely (no modulo bias).
  constexpr unsigned alphabet_size = password_alphabet.size();
  constexpr unsigned accept_below = 256 / alphabet_size * alphabet_size;
  std::string out;
  out.reserve(password_length);
  while (out.size() < password_length) {
    for (unsigned char byte : random_bytes(2 * password_length)) {
      if (byte >= accept_below) continue;
      out += password_alphabet[byte % alphabet_size];
      if (out.size() == password_length) break;
    }
  }
  return out;
}

}  // namespace relay::auth
