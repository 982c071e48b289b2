// What every simulator route and background task shares: the guarded state, the capture file,
// the API key, the base URL the simulator is reachable at, and the executor for webhook tasks.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <string>

#include "tests/simulator/capture_file.hpp"
#include "tests/simulator/sim_state.hpp"

namespace relay::sim {

struct SimContext {
  SimState state;
  CaptureFile capture;
  std::string api_key;
  std::string public_base;  // "http://127.0.0.1:PORT", for upload URLs and nextPage links
  boost::asio::any_io_executor executor;

  SimContext(std::string key, const std::string& capture_path, boost::asio::any_io_executor ex)
      : capture(capture_path), api_key(std::move(key)), executor(std::move(ex)) {}
};

}  // namespace relay::sim
