// Client sessions (see client_session.hpp).
#include "session/client_session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "auth/presence_info.hpp"
#include "protocol/presence_json.hpp"
#include "session/engine_results.hpp"
#include "session/subscriber_seats.hpp"

namespace herald {
using namespace herald::ws;
using Clock = std::chrono::steady_clock;

const std::string& ClientSession::client_id() {
  if (client_id_.empty()) client_id_ = new_client_id();
  return client_id_;
}

void ClientSession::run(std::string_view text) {
  if (ended_) return;
  PublishLimits limits{worker_.config().max_message_bytes, 1};
  auto parsed = parse_command(text, limits);
  if (auto* error = std::get_if<CommandError>(&parsed)) {
    auto refusal = rates_.command();  // answering costs as much as a command
    return reply_error(error->id, refusal ? *refusal : error->error);
  }
  Command& command = std::get<Command>(parsed);
  auto refusal = command.op == Op::publish ? rates_.publish() : rates_.command();
  if (refusal) return reply_error(command.id, *refusal);
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
    case Op::presence:
      return presence(command);
    case Op::join:
      return join(command);
    case Op::leave:
      return leave(command);
    case Op::signal:
      return signal(command);
  }
}

void ClientSession::end() {
  ended_ = true;
  while (!subscriptions_.empty()) retire(subscriptions_.end() - 1);
  if (inbox_) {
    inbox_->stop();
    retired_.push_back(std::move(inbox_));
  }
}

void ClientSession::reply_error(std::string_view id, const ApiError& error) {
  output_.send_text(error_reply(id, error));
}

ClientSession::Subscriptions::iterator ClientSession::find(const std::string& channel) {
  return std::find_if(subscriptions_.begin(), subscriptions_.end(),
                      [&](const Subscription& s) { return s.feed->channel() == channel; });
}

void ClientSession::retire(Subscriptions::iterator it) {
  if (it->present) worker_.state().engine->leave(worker_.id(), it->feed->channel(), client_id());
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
  bool present = access_.keeps_presence(command.channel);
  if (present) {
    if (auto refusal = join_presence(command.channel, std::move(command.info_json)))
      return reply_error(command.id, *refusal);
  }
  auto feed = std::make_unique<ChannelFeed>(worker_.hub(), command.channel, *this);
  ChannelFeed& started = *feed;
  subscriptions_.push_back(Subscription{std::move(feed), command.id,
                                        std::get<SubscriberSeat>(std::move(seat)), present,
                                        command.presence_events, nullptr});
  started.start(std::move(command.since));
}

// The token's `info` (set by the backend, so trusted) wins over what the client says of itself.
std::optional<ApiError> ClientSession::join_presence(const std::string& channel, std::string client_info) {
  auto info = presence_info(identity_, std::move(client_info), worker_.config().presence_max_info_bytes);
  if (auto* refusal = std::get_if<ApiError>(&info)) return std::move(*refusal);
  std::string info_json = std::get<std::string>(std::move(info));
  std::string user = identity_.token ? identity_.token->subject : "";
  worker_.state().engine->join(worker_.id(), channel, {client_id(), std::move(user), std::move(info_json)},
                               [channel](PresenceOutcome outcome) {
                                 if (outcome.status != EngineStatus::ok)
                                   spdlog::warn("presence of {} not joined: {}", channel, outcome.error);
                               });
  return std::nullopt;
}

void ClientSession::presence(const Command& command) {
  if (auto refusal = access_.check_subscribe(identity_, command.channel))
    return reply_error(command.id, *refusal);
  if (!access_.keeps_presence(command.channel))
    return reply_error(command.id, presence_disabled_error(command.channel));
  worker_.state().engine->presence(
      worker_.id(), command.channel,
      [this, keep = output_.keep_alive(), id = command.id,
       channel = command.channel](PresenceOutcome outcome) {
        if (ended_) return;
        if (outcome.status != EngineStatus::ok)
          return reply_error(id, engine_error(outcome.status, outcome.error));
        output_.send_text(ok_reply(id, presence_reply_fields(channel, client_id(), outcome.clients)));
      });
}

void ClientSession::unsubscribe(const Command& command) {
  auto it = find(command.channel);
  if (it == subscriptions_.end() || it->room)
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
  if (&feed == inbox_.get()) return join_started_rooms();
  auto it = find(feed.channel());
  if (it == subscriptions_.end()) return;
  if (it->room) return join_started_rooms();
  output_.send_text(subscribe_reply(it->reply_id, feed.channel(), feed.position(), feed.recovered()));
}

void ClientSession::on_feed_message(ChannelFeed& feed, const MessagePtr& message) {
  if (&feed == inbox_.get()) return on_inbox_message(message);
  output_.send_message(message);
}

void ClientSession::on_feed_gap(ChannelFeed& feed, const Gap& gap) {
  if (&feed == inbox_.get()) return;  // signals are for now: a lost one is not news later
  worker_.metrics().gap();
  output_.send_text(gap_push(gap));
}

void ClientSession::on_feed_ready(ChannelFeed&) { output_.output_ready(); }

void ClientSession::on_feed_presence(ChannelFeed& feed, const PresenceEvent& event) {
  auto it = find(feed.channel());
  if (it != subscriptions_.end() && it->room) return on_room_presence(*it, event);
  if (it == subscriptions_.end() || !it->presence_events) return;
  output_.send_text(presence_push(event));
  output_.output_ready();
}

void ClientSession::on_feed_failed(ChannelFeed& feed, const std::string& reason) {
  if (&feed == inbox_.get()) return on_inbox_failed(reason);
  auto it = find(feed.channel());
  if (it == subscriptions_.end()) return;
  spdlog::warn("subscription to {} ended: {}", feed.channel(), reason);
  reply_error(it->reply_id, engine_error(feed.failure(), reason));  // the subscribe's id, answered or not
  retire(it);
}

}  // namespace herald
