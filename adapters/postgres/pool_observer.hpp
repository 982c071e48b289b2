// The port through which whoever watches the database pool (the gateway's metrics) hears of each
// connection lease: how long the caller waited for it, and when it is handed back.
#pragma once

#include <chrono>

namespace relay::pg {

class PoolObserver {
 public:
  virtual ~PoolObserver() = default;
  // A caller got a connection after waiting `waited` (queued for a database thread, then for a
  // connection, including opening one). Called on a database thread; cheap, never throws.
  virtual void on_acquired(std::chrono::steady_clock::duration waited) noexcept = 0;
  // That connection was handed back (kept or closed).
  virtual void on_released() noexcept = 0;
};

}  // namespace relay::pg
