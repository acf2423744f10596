// Adapters that let coroutines await the engine's operations:
//   std::vector<PublishOutcome> outcomes = co_await async_publish_batch(engine, worker, requests,
//   use_awaitable); HistoryOutcome outcome = co_await async_history(engine, worker, request, use_awaitable);
//   PresenceOutcome present = co_await async_presence(engine, worker, channel, use_awaitable);
#pragma once
#include <boost/asio/async_result.hpp>

#include "engine/engine.hpp"

namespace herald {

template <typename Token>
auto async_publish(Engine& engine, WorkerId worker, PublishRequest request, Token&& token) {
  return boost::asio::async_initiate<Token, void(PublishOutcome)>(
      [&engine, worker](auto handler, PublishRequest request) {
        engine.publish(worker, std::move(request), std::move(handler));
      },
      token, std::move(request));
}

template <typename Token>
auto async_publish_batch(Engine& engine, WorkerId worker, std::vector<PublishRequest> requests,
                         Token&& token) {
  return boost::asio::async_initiate<Token, void(std::vector<PublishOutcome>)>(
      [&engine, worker](auto handler, std::vector<PublishRequest> requests) {
        engine.publish_batch(worker, std::move(requests), std::move(handler));
      },
      token, std::move(requests));
}

template <typename Token>
auto async_history(Engine& engine, WorkerId worker, HistoryRequest request, Token&& token) {
  return boost::asio::async_initiate<Token, void(HistoryOutcome)>(
      [&engine, worker](auto handler, HistoryRequest request) {
        engine.history(worker, std::move(request), std::move(handler));
      },
      token, std::move(request));
}

template <typename Token>
auto async_presence(Engine& engine, WorkerId worker, std::string channel, Token&& token) {
  return boost::asio::async_initiate<Token, void(PresenceOutcome)>(
      [&engine, worker](auto handler, std::string channel) {
        engine.presence(worker, std::move(channel), std::move(handler));
      },
      token, std::move(channel));
}

}  // namespace herald
