// Reads a request body the way Express's json() middleware does for the routes that take JSON:
// a JSON Content-Type is parsed (malformed text is an error), any other type reads as {}.
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <variant>

#include "tests/simulator/http_server.hpp"

namespace relay::sim {

// The parsed value, or the 400 detail for malformed JSON.
std::variant<boost::json::value, std::string> read_json_body(const Request& request);

}  // namespace relay::sim
