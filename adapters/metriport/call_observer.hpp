// The port through which whoever watches Metriport traffic (the gateway's metrics) hears of every
// HTTP exchange the client makes: which operation, the status, the outcome, how long; no URL or id.
#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>

#include "adapters/metriport/call_result.hpp"

namespace relay::metriport {

// The client's calls, one per kind of Metriport request (a fixed set: safe as a metric label).
enum class Operation {
  patient_lookup,      // GET /patient/external-id
  document_reference,  // POST /document/upload
  document_put,        // PUT of the bytes to the upload URL
  message_send,        // POST /message
  message_get,         // GET /message/{id}
  message_list,        // GET /message (one page)
};
inline constexpr std::size_t operation_count = 6;

constexpr std::string_view to_string(Operation operation) {
  switch (operation) {
    case Operation::patient_lookup:
      return "patient_lookup";
    case Operation::document_reference:
      return "document_reference";
    case Operation::document_put:
      return "document_put";
    case Operation::message_send:
      return "message_send";
    case Operation::message_get:
      return "message_get";
    case Operation::message_list:
      return "message_list";
  }
  return "unknown";
}

struct CallReport {
  Operation operation = Operation::patient_lookup;
  int http_status = 0;  // 0 when no answer came (connect failure, timeout, dropped connection)
  CallOutcome outcome = CallOutcome::transient;
  std::chrono::steady_clock::duration elapsed{};
};

class CallObserver {
 public:
  virtual ~CallObserver() = default;
  // Called once per exchange (each page of a list is one), on the thread that ran it; must be
  // cheap and must not throw.
  virtual void on_call(const CallReport& report) noexcept = 0;
};

}  // namespace relay::metriport
