// Why one of the relay's loops failed a round, in words safe to log: the kind of database outage,
// else the SQLSTATE, else "fault"; never an exception's text (it may quote stored values).
#pragma once

#include <exception>
#include <string>

namespace relay::engine {

std::string loop_failure_reason(const std::exception& failure);

}  // namespace relay::engine
