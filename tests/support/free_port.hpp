// A free TCP port on 127.0.0.1 for tests that start servers (gateway, simulator, PostgreSQL).
// The kernel picks it (bind to port 0); another process could take it before use, which is rare.
#pragma once

#include <cstdint>

namespace relay::testing {

// Binds 127.0.0.1:0, reads the port the kernel chose and closes the socket. Throws on failure.
std::uint16_t free_loopback_port();

}  // namespace relay::testing
