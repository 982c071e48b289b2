// Outcome<T>: a value or a RequestError, for every operation whose failure is expected (bad input).
// Infrastructure failures are exceptions instead; see gateway/api/error_mapping.hpp.
#pragma once

#include <utility>
#include <variant>

#include "gateway/domain/request_error.hpp"

namespace relay::domain {

template <class T>
class [[nodiscard]] Outcome {
 public:
  Outcome(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Outcome(RequestError error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const RequestError& error() const { return std::get<1>(state_); }
  RequestError&& take_error() { return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, RequestError> state_;
};

}  // namespace relay::domain
