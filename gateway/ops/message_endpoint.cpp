// Parameter checks, the admin check for a reveal (before any read, so a refused reveal leaves no
// trace but its 403), and the answer. Logs carry the message id and the operator, never content.
#include "gateway/ops/message_endpoint.hpp"

#include "gateway/log/log.hpp"
#include "gateway/ops/message_view.hpp"
#include "gateway/ops/ops_responses.hpp"
#include "gateway/ops/query_reader.hpp"

namespace relay::ops {
namespace {
constexpr std::size_t max_external_id_chars = 500;
}  // namespace

boost::asio::awaitable<http::Response> MessageEndpoint::by_id(OpsRequest& request) {
  QueryReader reader(request.target, {"reveal"});
  const bool reveal = reader.flag("reveal");
  if (reader.error()) co_return reader.error()->to_response(request.version());
  const std::string& id = request.path_params.at(0);
  if (!is_uuid(id)) {
    co_return OpsError::bad_field("id", "Must be a message id (a UUID).")
        .to_response(request.version());
  }
  pg::MessageLocator where;
  where.id = id;
  co_return co_await answer(request, where, reveal);
}

boost::asio::awaitable<http::Response> MessageEndpoint::by_external_id(OpsRequest& request) {
  QueryReader reader(request.target, {"vendor", "external_id", "reveal"});
  pg::MessageLocator where;
  where.vendor = reader.text("vendor");
  where.external_id = reader.text("external_id", max_external_id_chars);
  const bool reveal = reader.flag("reveal");
  if (reader.error()) co_return reader.error()->to_response(request.version());
  if (!where.vendor) {
    co_return OpsError::bad_field("vendor", "Required (with external_id), or use /messages/{id}.")
        .to_response(request.version());
  }
  if (!where.external_id) {
    co_return OpsError::bad_field("external_id", "Required (with vendor).")
        .to_response(request.version());
  }
  co_return co_await answer(request, where, reveal);
}

boost::asio::awaitable<http::Response> MessageEndpoint::answer(OpsRequest& request,
                                                               const pg::MessageLocator& where,
                                                               bool reveal) {
  if (reveal && request.role != Role::admin) {
    co_return error_response(beast_http::status::forbidden, "forbidden",
                             "Revealing message content needs the admin role.", request.version(),
                             "reveal");
  }
  std::optional<std::string> reveal_actor;
  if (reveal) reveal_actor = request.actor();
  const auto message = co_await store_.inspect(where, reveal_actor);
  if (!message) {
    co_return OpsError::not_found("No message matches.").to_response(request.version());
  }
  if (reveal) {
    log::info("ops.message_revealed", {{"message_id", message->id}, {"actor", request.actor()}});
  }
  co_return json_response(beast_http::status::ok, message_view(*message), request.version());
}

}  // namespace relay::ops
