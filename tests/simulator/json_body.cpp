// Boost.JSON's parser rejects invalid UTF-8 and, like JSON.parse, keeps the last of duplicate
// keys; nesting is capped to keep hostile bodies cheap.
#include "tests/simulator/json_body.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>

#include "gateway/domain/text.hpp"

namespace relay::sim {

std::variant<boost::json::value, std::string> read_json_body(const Request& request) {
  const std::string content_type =
      domain::to_lower_ascii(request[boost::beast::http::field::content_type]);
  if (content_type.find("json") == std::string::npos)
    return boost::json::value(boost::json::object());
  if (request.body().empty()) return boost::json::value(boost::json::object());
  boost::json::parse_options options;
  options.max_depth = 64;
  boost::system::error_code ec;
  auto value = boost::json::parse(request.body(), ec, {}, options);
  if (ec) return "Malformed JSON body: " + ec.message();
  return value;
}

}  // namespace relay::sim
