// One running simulator: its state, its HTTP server bound to host:port, and the webhook tasks, all
// on a caller-owned io_context. Used by main.cpp and by in-process tests.
#pragma once

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <memory>
#include <string>

#include "tests/simulator/http_server.hpp"
#include "tests/simulator/settings.hpp"
#include "tests/simulator/sim_context.hpp"

namespace relay::sim {

struct SimulatorOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0 picks a free port
  std::string api_key;
  std::string capture_file;  // empty: no capture
  Settings settings;         // includes webhook_url and webhook_key
};

class Simulator {
 public:
  // Binds at once; throws when the address is unusable or the capture file cannot be opened.
  Simulator(boost::asio::io_context& io, SimulatorOptions options);

  std::uint16_t port() const { return server_.port(); }
  const std::string& base_url() const { return context_->public_base; }  // http://host:port
  void start() { server_.start(); }
  void stop() { server_.stop(); }
  SimContext& context() { return *context_; }

 private:
  std::shared_ptr<SimContext> context_;
  HttpServer server_;
};

}  // namespace relay::sim
