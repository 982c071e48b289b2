// Counts at the webhook receiver: events by type and outcome, signature failures, rejected
// payloads and fields Metriport added that the gateway does not know.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <prometheus/counter.h>
#include <prometheus/registry.h>

namespace relay::metrics {

enum class WebhookType { ping, message_status, other };
inline constexpr std::size_t webhook_type_count = 3;
// The label of an event's meta.type: the two types the gateway knows, anything else "other" (the
// type comes from the sender, so it never becomes a label as it is).
WebhookType webhook_type(std::string_view meta_type);

enum class WebhookStored { stored, duplicate };
enum class SignatureFailure { missing, mismatch };

class WebhookMetrics {
 public:
  explicit WebhookMetrics(prometheus::Registry& registry);

  void count_received(WebhookType type, WebhookStored outcome) noexcept;
  void count_signature_failure(SignatureFailure failure) noexcept;
  // A signed event refused as invalid (400, recorded in webhook_rejections).
  void count_rejection() noexcept;
  void count_ignored_fields(std::uint64_t fields) noexcept;

 private:
  std::array<prometheus::Counter*, webhook_type_count * 2> received_{};
  std::array<prometheus::Counter*, 2> signature_failures_{};
  prometheus::Counter* rejections_ = nullptr;
  prometheus::Counter* ignored_fields_ = nullptr;
};

}  // namespace relay::metrics
