// Client sessions (see client_session.hpp).
#include "session/client_session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "session/engine_results.hpp"
#include "session/subscriber_seats.hpp"

namespace herald {
using namespace herald::ws;
using Clock = std::chrono::steady_clock;

void ClientSession::run(std::string_view text) {
  if (ended_) return;
  PublishLimits limits{worker_.config().max_message_bytes, 1};
  auto parsed = parse_command(text, limits);
  if (auto* error = std::get_if<CommandError>(&parsed)) return reply_error(error->id, error->error);
  Command& command = std::get<Command>(parsed);
  switch (command.op) {
    case Op::ping:
      return output_.send_text(ok_reply(command.id));
    case Op::subscribe:
      return subscribe(command);
    case Op::unsubscribe:
      return unsubscribe(command);
    case Op::publish:
      return publish(command);
    case Op::history:
      return history(command);
    case Op::refresh:
      return refresh(command);
  }
}

void ClientSession::end() {
  ended_ = true;
  while (!subscriptions_.empty()) retire(subscriptions_.end() - 1);
}

void ClientSession::reply_error(std::string_view id, const ApiError& error) {
  output_.send_text(error_reply(id, error));
}

ClientSession::Subscriptions::iterator ClientSession::find(const std::string& channel) {
  return std::find_if(subscriptions_.begin(), subscriptions_.end(),
                      [&](const Subscription& s) { return s.feed->channel() == channel; });
}

void ClientSession::retire(Subscriptions::iterator it) {
  it->feed->stop();
  retired_.push_back(std::move(it->feed));
  subscriptions_.erase(it);
}

void ClientSession::subscribe(Command& command) {
  if (find(command.channel) != subscriptions_.end())
    return reply_error(command.id, {http::status::bad_request, "already_subscribed",
                                    "already subscribed to " + command.channel});
  if (auto refusal = access_.check_subscribe(identity_, command.channel))
    return reply_error(command.id, *refusal);
  const std::size_t limit = worker_.config().ws_max_channels;
  if (subscriptions_.size() >= limit)
    return reply_error(command.id,
                       {http::status::bad_request, "too_many_channels",
                        "a connection subscribes to at most " + std::to_string(limit) + " channels"});
  auto seat = take_subscriber_seat(worker_, access_, command.channel);
  if (auto* full = std::get_if<ApiError>(&seat)) return reply_error(command.id, *full);
  auto feed = std::make_unique<ChannelFeed>(worker_.hub(), command.channel, *this);
  ChannelFeed& started = *feed;
  subscriptions_.push_back(
      Subscription{std::move(feed), command.id, std::get<SubscriberSeat>(std::move(seat))});
  started.start(std::move(command.since));
}

void ClientSession::unsubscribe(const Command& command) {
  auto it = find(command.channel);
  if (it == subscriptions_.end())
    return reply_error(command.id,
                       {http::status::bad_request, "not_subscribed", "not subscribed to " + command.channel});
  if (!it->feed->started())  // its subscribe is still waiting for a reply: it gets one now
    reply_error(it->reply_id,
                {http::status::bad_request, "cancelled", "unsubscribed before the subscription started"});
  retire(it);
  output_.send_text(ok_reply(command.id));
}

void ClientSession::publish(Command& command) {
  if (auto refusal = access_.check_client_publish(identity_, command.channel))
    return reply_error(command.id, *refusal);
  worker_.state().engine->publish(
      worker_.id(), std::move(command.publish),
      [this, keep = output_.keep_alive(), id = command.id, channel = command.channel,
       started = Clock::now()](PublishOutcome outcome) {
        if (ended_) return;
        auto result = publish_result(worker_.metrics(), channel, outcome);
        if (auto* error = std::get_if<ApiError>(&result)) return reply_error(id, *error);
        worker_.metrics().publish_duration(std::chrono::duration<double>(Clock::now() - started).count());
        output_.send_text(ok_reply(id, std::get<std::string>(result)));
      });
}

void ClientSession::history(Command& command) {
  if (auto refusal = access_.check_subscribe(identity_, command.channel))
    return reply_error(command.id, *refusal);
  HistoryRequest request{command.channel, std::move(command.since), command.limit};
  worker_.state().engine->history(worker_.id(), std::move(request),
                                  [this, keep = output_.keep_alive(), id = command.id,
                                   channel = command.channel](HistoryOutcome outcome) {
                                    if (ended_) return;
                                    auto result = history_result(worker_.metrics(), channel, outcome);
                                    if (auto* error = std::get_if<ApiError>(&result))
                                      return reply_error(id, *error);
                                    output_.send_text(ok_reply(id, std::get<std::string>(result)));
                                  });
}

// A new token replaces the old one if it is valid and still allows every current subscription.
void ClientSession::refresh(const Command& command) {
  auto identified = access_.identify_token(command.token);
  if (auto* error = std::get_if<ApiError>(&identified)) return reply_error(command.id, *error);
  Identity& fresh = std::get<Identity>(identified);
  for (const auto& subscription : subscriptions_) {
    if (auto refusal = access_.check_subscribe(fresh, subscription.feed->channel()))
      return reply_error(command.id, {http::status::forbidden, "forbidden_channel",
                                      "the new token does not allow the subscription to " +
                                          subscription.feed->channel() + "; unsubscribe first"});
  }
  identity_ = std::move(fresh);
  output_.send_text(ok_reply(command.id));
}

void ClientSession::on_feed_started(ChannelFeed& feed) {
  auto it = find(feed.channel());
  if (it == subscriptions_.end()) return;
  output_.send_text(subscribe_reply(it->reply_id, feed.channel(), feed.position(), feed.recovered()));
}

void ClientSession::on_feed_message(ChannelFeed&, const MessagePtr& message) {
  output_.send_message(message);
}

void ClientSession::on_feed_gap(ChannelFeed&, const Gap& gap) {
  worker_.metrics().gap();
  output_.send_text(gap_push(gap));
}

void ClientSession::on_feed_ready(ChannelFeed&) { output_.output_ready(); }

void ClientSession::on_feed_failed(ChannelFeed& feed, const std::string& reason) {
  auto it = find(feed.channel());
  if (it == subscriptions_.end()) return;
  spdlog::warn("subscription to {} ended: {}", feed.channel(), reason);
  reply_error(it->reply_id, engine_error(feed.failure(), reason));  // the subscribe's id, answered or not
  retire(it);
}

}  // namespace herald
