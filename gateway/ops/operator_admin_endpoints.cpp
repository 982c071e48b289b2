// Operator accounts managed over the API with the CLI's rules: generated passwords hashed with
// PBKDF2 on the hashing threads, strict JSON, names and roles checked, never a hash in an answer.
#include "gateway/ops/operator_admin_endpoints.hpp"

#include <boost/json.hpp>

#include "gateway/auth/password_hash.hpp"
#include "gateway/log/log.hpp"
#include "gateway/ops/operator_role.hpp"
#include "gateway/ops/ops_responses.hpp"

namespace relay::ops {
namespace {

constexpr std::size_t max_body_bytes = 4096;

struct NewOperator {
  std::string name;
  std::string role;
};

OpsError bad_name() {
  return OpsError::bad_field("name",
                             "Operator names are 1 to 100 characters: letters, digits, '.', '_', "
                             "'@', '-', starting with a letter or digit.");
}

// {"name": string, "role": viewer|operator|admin} and nothing else; errors name the field.
std::variant<NewOperator, OpsError> parse_new_operator(const http::Request& request) {
  if (!request[beast_http::field::content_type].starts_with("application/json")) {
    return OpsError{beast_http::status::unsupported_media_type, "unsupported_media_type",
                    "The body must be application/json.", std::nullopt};
  }
  if (request.body().size() > max_body_bytes) {
    return OpsError{beast_http::status::payload_too_large, "payload_too_large",
                    "The body is over 4096 bytes.", std::nullopt};
  }
  boost::system::error_code ec;
  const auto value = boost::json::parse(request.body(), ec);
  if (ec || !value.is_object())
    return OpsError::bad_field("body", "The body must be a JSON object.");
  NewOperator form;
  bool has_name = false, has_role = false;
  for (const auto& [key, item] : value.get_object()) {
    if (key == "name" && item.is_string()) {
      form.name = std::string(item.get_string());
      has_name = true;
    } else if (key == "role" && item.is_string()) {
      form.role = std::string(item.get_string());
      has_role = true;
    } else if (key == "name" || key == "role") {
      return OpsError::bad_field(std::string(key), "Must be a string.");
    } else {
      return OpsError::bad_field(std::string(key).substr(0, 64), "Unknown field.");
    }
  }
  if (!has_name || !valid_operator_name(form.name)) return bad_name();
  if (!has_role || !parse_role(form.role)) {
    return OpsError::bad_field("role", "Must be viewer, operator or admin.");
  }
  return form;
}

OpsError hashing_busy() {
  return OpsError{beast_http::status::service_unavailable, "busy",
                  "Password hashing is busy; try again in a moment.", std::nullopt};
}

// A generated password and its PBKDF2 hash, made on a hashing thread; nullopt when the queue is
// full.
boost::asio::awaitable<std::optional<std::pair<std::string, std::string>>> new_password(
    auth::HashingPool& hashing) {
  auto made = co_await hashing.run(auth::HashLane::vendor, [] {
    std::string password = auth::generate_password();
    std::string hash = auth::hash_password(password);
    return std::make_pair(std::move(password), std::move(hash));
  });
  co_return made;
}

}  // namespace

boost::asio::awaitable<http::Response> OperatorListEndpoint::operator()(OpsRequest& request) {
  const auto operators = co_await store_.list();
  boost::json::array rows;
  for (const auto& entry : operators) {
    rows.push_back(boost::json::object{{"id", entry.id},
                                       {"name", entry.name},
                                       {"role", entry.role},
                                       {"state", entry.disabled ? "disabled" : "active"},
                                       {"created_at", entry.created_at}});
  }
  co_return json_response(beast_http::status::ok, boost::json::object{{"operators", rows}},
                          request.version());
}

boost::asio::awaitable<http::Response> OperatorAddEndpoint::operator()(OpsRequest& request) {
  const unsigned version = request.version();
  const auto parsed = parse_new_operator(request.http);
  if (const auto* refused = std::get_if<OpsError>(&parsed)) co_return refused->to_response(version);
  const NewOperator form = std::get<NewOperator>(parsed);
  const auto password = co_await new_password(hashing_);
  if (!password) co_return hashing_busy().to_response(version);
  const std::string actor = request.actor();
  const auto id = co_await store_.add(form.name, form.role, password->second, actor);
  if (!id) {
    co_return OpsError{beast_http::status::conflict, "conflict",
                       "An operator with this name exists.", "name"}
        .to_response(version);
  }
  log::info("operator.created", {{"operator_id", std::to_string(*id)}, {"role", form.role}});
  co_return json_response(
      beast_http::status::created,
      boost::json::object{
          {"id", *id}, {"name", form.name}, {"role", form.role}, {"password", password->first}},
      version);
}

boost::asio::awaitable<http::Response> OperatorChangeEndpoint::operator()(OpsRequest& request) {
  const unsigned version = request.version();
  const std::string name = request.path_params.at(0);
  if (!valid_operator_name(name)) co_return bad_name().to_response(version);
  if (change_ != OperatorChange::enable && request.session &&
      request.session->operator_name == name) {
    co_return OpsError{beast_http::status::conflict, "conflict",
                       "An admin cannot disable or reset their own account here; another admin "
                       "or relay-gateway operator can.",
                       "name"}
        .to_response(version);
  }
  const std::string actor = request.actor();
  boost::json::object answer{{"name", name}};
  std::optional<std::int64_t> id;
  if (change_ == OperatorChange::reset_password) {
    const auto password = co_await new_password(hashing_);
    if (!password) co_return hashing_busy().to_response(version);
    id = co_await store_.set_password_hash(name, password->second, actor);
    answer["password"] = password->first;
  } else {
    const bool disabling = change_ == OperatorChange::disable;
    id = co_await store_.set_disabled(name, disabling, actor);
  }
  if (!id) {
    co_return OpsError{beast_http::status::not_found, "not_found", "No operator has this name.",
                       "name"}
        .to_response(version);
  }
  if (change_ != OperatorChange::reset_password) {
    answer["state"] = change_ == OperatorChange::disable ? "disabled" : "active";
  }
  const char* event = change_ == OperatorChange::disable  ? "operator.disabled"
                      : change_ == OperatorChange::enable ? "operator.enabled"
                                                          : "operator.password_reset";
  log::info(event, {{"operator_id", std::to_string(*id)}});
  co_return json_response(beast_http::status::ok, answer, version);
}

}  // namespace relay::ops
