// Each endpoint object is shared by its routes and lives as long as the route table: the handlers
// capture it by shared_ptr, so a coroutine's `this` never dangles.
#include "gateway/ops/read_routes.hpp"

#include <memory>

#include "gateway/ops/activity_endpoint.hpp"
#include "gateway/ops/audit_endpoint.hpp"
#include "gateway/ops/message_endpoint.hpp"
#include "gateway/ops/summary_endpoint.hpp"
#include "gateway/ops/webhook_endpoints.hpp"

namespace relay::ops {

void add_read_routes(OpsRouter& router, pg::ConnectionPool& pool, const config::Config& config) {
  constexpr auto get = beast_http::verb::get;
  auto summary = std::make_shared<SummaryEndpoint>(pool, config);
  auto messages = std::make_shared<MessageEndpoint>(pool);
  auto webhooks = std::make_shared<WebhookEndpoints>(pool);
  auto audit = std::make_shared<AuditEndpoint>(pool);
  auto activity = std::make_shared<ActivityEndpoint>(pool);
  router.add({get, "/ops/api/summary", Access::viewer,
              [summary](OpsRequest& request) { return (*summary)(request); }});
  router.add({get, "/ops/api/activity", Access::viewer,
              [activity](OpsRequest& request) { return (*activity)(request); }});
  router.add({get, "/ops/api/messages", Access::viewer,
              [messages](OpsRequest& request) { return messages->by_external_id(request); }});
  router.add({get, "/ops/api/messages/{id}", Access::viewer,
              [messages](OpsRequest& request) { return messages->by_id(request); }});
  router.add({get, "/ops/api/webhooks/rejections", Access::viewer,
              [webhooks](OpsRequest& request) { return webhooks->rejections(request); }});
  router.add({get, "/ops/api/webhooks", Access::viewer,
              [webhooks](OpsRequest& request) { return webhooks->events(request); }});
  router.add({get, "/ops/api/audit", Access::viewer,
              [audit](OpsRequest& request) { return (*audit)(request); }});
}

}  // namespace relay::ops
