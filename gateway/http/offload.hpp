// Runs CPU-heavy work (decoding a 32 MiB body, base64, PBKDF2) on a worker pool instead of an I/O
// thread, resuming the awaiting coroutine with the result or the exception.
#pragma once

#include <optional>
#include <type_traits>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace relay::http {

template <class Executor, class F>
boost::asio::awaitable<std::invoke_result_t<F>> run_on(Executor executor, F work) {
  using Result = std::invoke_result_t<F>;
  // co_spawn needs a default-constructible result; optional<Result> is one for any Result.
  auto result = co_await boost::asio::co_spawn(
      executor,
      [work = std::move(work)]() mutable -> boost::asio::awaitable<std::optional<Result>> {
        co_return std::optional<Result>(work());
      },
      boost::asio::use_awaitable);
  co_return std::move(*result);
}

}  // namespace relay::http
