// metriport-sim: a stand-in for Metriport's Medical API and its webhooks, for the relay tests and
// the quick start. Prints "metriport-sim listening on HOST:PORT" once bound; SIGTERM/SIGINT exit 0.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <cstdio>
#include <exception>
#include <thread>
#include <vector>

#include "gateway/log/log.hpp"
#include "tests/simulator/cli_options.hpp"
#include "tests/simulator/simulator.hpp"

int main(int argc, char** argv) {
  using namespace relay::sim;
  const auto parsed = parse_cli(std::vector<std::string>(argv + 1, argv + argc));
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    if (*error == "help") {
      std::fputs(usage_text, stdout);
      return 0;
    }
    std::fprintf(stderr, "metriport-sim: %s\n%s", error->c_str(), usage_text);
    return 2;
  }
  const CliOptions& options = std::get<CliOptions>(parsed);
  try {
    boost::asio::io_context io(options.threads);
    Simulator simulator(io, options.simulator);
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      relay::log::info("sim.stopping");
      simulator.stop();
      io.stop();
    });
    simulator.start();
    std::printf("metriport-sim listening on %s:%u\n", options.simulator.host.c_str(),
                static_cast<unsigned>(simulator.port()));
    std::fflush(stdout);
    relay::log::info("sim.started", {{"port", std::to_string(simulator.port())}});
    std::vector<std::thread> workers;
    for (int i = 1; i < options.threads; ++i) workers.emplace_back([&io] { io.run(); });
    io.run();
    for (auto& worker : workers) worker.join();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "metriport-sim: %s\n", error.what());
    return 1;
  }
  return 0;
}
