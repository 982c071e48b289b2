// Response builders shared by the API and control routes; Content-Length is set by the server
// when it writes the answer.
#include "tests/simulator/responses.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace relay::sim {
namespace http = boost::beast::http;

Response json_response(int status, const boost::json::value& body) {
  Response response{static_cast<http::status>(status), 11};
  response.set(http::field::content_type, "application/json; charset=utf-8");
  response.body() = boost::json::serialize(body);
  return response;
}

Response metriport_error(int status, std::string_view name, std::string_view title,
                         std::string_view detail) {
  return json_response(
      status, boost::json::object{
                  {"status", status}, {"name", name}, {"title", title}, {"detail", detail}});
}

Response bad_request(std::string_view detail) {
  return metriport_error(400, "BadRequestError", "Missing or invalid parameters", detail);
}

Response not_found(std::string_view detail) {
  return metriport_error(404, "NotFoundError", "Not Found", detail);
}

Response unauthorized() {
  return metriport_error(401, "UnauthorizedError", "Unauthorized",
                         "missing or invalid x-api-key header");
}

Response too_many_requests(long long retry_after_seconds) {
  Response response{http::status::too_many_requests, 11};
  response.set(http::field::content_type, "text/plain; charset=utf-8");
  response.set(http::field::retry_after, std::to_string(retry_after_seconds));
  response.body() = "Too many requests, please try again later.";
  return response;
}

Response internal_error() {
  return metriport_error(500, "InternalServerError", "Internal Server Error",
                         "simulated server failure");
}

}  // namespace relay::sim
