// Wires the context (state, capture, key) to the HTTP server; the public base URL is known only
// after binding, since port 0 picks the port.
#include "tests/simulator/simulator.hpp"

#include "tests/simulator/request_router.hpp"

namespace relay::sim {

Simulator::Simulator(boost::asio::io_context& io, SimulatorOptions options)
    : context_(
          std::make_shared<SimContext>(options.api_key, options.capture_file, io.get_executor())),
      server_(io, options.host, options.port, make_request_handler(context_), body_limit_for) {
  context_->state.settings = std::move(options.settings);
  context_->state.dice.reseed(context_->state.settings.seed);
  const std::string host =
      options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
  context_->public_base = "http://" + host + ":" + std::to_string(server_.port());
}

}  // namespace relay::sim
