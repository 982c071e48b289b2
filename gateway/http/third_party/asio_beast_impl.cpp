// Compiles Boost.Asio and Boost.Beast once for the whole build (separate compilation mode).
// Every other translation unit sees only their declarations, which keeps rebuilds fast.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
