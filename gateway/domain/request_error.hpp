// Expected failures of a request (bad input, no route, conflicts) as values, in portal terms.
// The HTTP layer maps them to a status and the portal's error body in one place.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace relay::domain {

enum class ErrorKind {
  bad_request,             // 400: malformed or invalid input
  unauthorized,            // 401
  not_found,               // 404 (also for another vendor's data: nothing leaks)
  conflict,                // 409: different payload for a message already queued or relayed
  payload_too_large,       // 413
  unsupported_media_type,  // 415
  unprocessable,           // 422: valid input the gateway cannot relay (no route for the sender)
  not_acceptable,          // 406: Accept names no format the gateway can answer in
};

// One modelState entry: key in the portal's form ("model.Patients[0].ExternalId"), message naming
// the rule.
struct FieldError {
  std::string field;
  std::string message;
};

struct RequestError {
  ErrorKind kind = ErrorKind::bad_request;
  std::string message = "The request is invalid.";
  std::vector<FieldError> fields;

  static RequestError field(std::string field, std::string message,
                            ErrorKind kind = ErrorKind::bad_request) {
    RequestError error;
    error.kind = kind;
    error.fields.push_back({std::move(field), std::move(message)});
    return error;
  }
  static RequestError plain(ErrorKind kind, std::string message) {
    RequestError error;
    error.kind = kind;
    error.message = std::move(message);
    return error;
  }
};

}  // namespace relay::domain
