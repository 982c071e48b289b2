// The result of parsing one answer body: the value, or a short PHI-free reason it did not parse.
// Parsers never throw on any input; they are fuzzed (tests/fuzz/metriport_answers_fuzz.cpp).
#pragma once

#include <optional>
#include <string>

namespace relay::metriport {

template <class T>
struct Parsed {
  std::optional<T> value;
  std::string error;  // empty on success

  static Parsed failure(std::string reason) { return Parsed{std::nullopt, std::move(reason)}; }
  static Parsed success(T parsed) { return Parsed{std::move(parsed), {}}; }
};

}  // namespace relay::metriport
