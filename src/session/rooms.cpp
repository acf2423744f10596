// Signaling rooms of the client session (see client_session.hpp and docs/protocol.md, Signaling): `join`
// makes a subscription to the room's channel, starts the client's inbox, joins the room's presence
// once both feeds follow their channels (so no peer and no signal can slip past) and answers with the
// peers; presence changes become peer_joined / peer_left pushes, except those of clients refused as past
// signaling.max_peers; `signal` publishes to a peer's inbox after checking that the peer is in the room.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "auth/presence_info.hpp"
#include "protocol/presence_json.hpp"
#include "protocol/signaling/peer_inbox.hpp"
#include "protocol/signaling/room_json.hpp"
#include "runtime/client_limits.hpp"
#include "session/client_session.hpp"
#include "session/engine_results.hpp"
#include "session/subscriber_seats.hpp"

namespace herald {
using namespace herald::ws;

namespace {

ApiError not_joined_error(const std::string& room) {
  return {http::status::bad_request, "not_joined", "not in room " + room + " (join it first)"};
}

}  // namespace

void ClientSession::join(Command& command) {
  if (auto it = find(command.channel); it != subscriptions_.end())
    return reply_error(command.id,
                       {http::status::bad_request, it->room ? "already_joined" : "already_subscribed",
                        "already in " + command.channel});
  if (auto refusal = access_.check_subscribe(identity_, command.channel))
    return reply_error(command.id, *refusal);
  if (!access_.keeps_presence(command.channel))
    return reply_error(command.id, presence_disabled_error(command.channel));
  const std::size_t limit = worker_.config().ws_max_channels;
  if (subscriptions_.size() >= limit)
    return reply_error(command.id,
                       {http::status::bad_request, "too_many_channels",
                        "a connection subscribes to at most " + std::to_string(limit) + " channels"});
  auto info =
      presence_info(identity_, std::move(command.info_json), worker_.config().presence_max_info_bytes);
  if (auto* refusal = std::get_if<ApiError>(&info)) return reply_error(command.id, *refusal);
  auto seat = take_subscriber_seat(worker_, access_, command.channel);
  if (auto* full = std::get_if<ApiError>(&seat)) return reply_error(command.id, *full);

  auto room = std::make_unique<Room>();
  room->peers = PresenceView(/*keep_set=*/true, worker_.config().signaling_max_peers);
  room->info_json = std::get<std::string>(std::move(info));
  auto feed = std::make_unique<ChannelFeed>(worker_.hub(), command.channel, *this);
  ChannelFeed& started = *feed;
  subscriptions_.push_back(Subscription{
      std::move(feed), command.id, std::get<SubscriberSeat>(std::move(seat)), false, false, std::move(room)});
  start_inbox();
  started.start(std::nullopt);
}

void ClientSession::start_inbox() {
  if (inbox_) return;
  inbox_ = std::make_unique<ChannelFeed>(worker_.hub(), inbox_channel(client_id()), *this);
  inbox_->start(std::nullopt);
}

void ClientSession::join_started_rooms() {
  if (!inbox_ || !inbox_->started()) return;
  for (auto& subscription : subscriptions_) {
    if (subscription.room && !subscription.room->join_sent && subscription.feed->started())
      join_room(subscription);
  }
}

void ClientSession::join_room(Subscription& subscription) {
  Room& room = *subscription.room;
  room.join_sent = true;
  subscription.present = true;  // from now on, ending the subscription leaves the room
  std::string user = identity_.token ? identity_.token->subject : "";
  const std::string& channel = subscription.feed->channel();
  worker_.state().engine->join(
      worker_.id(), channel, {client_id(), std::move(user), std::move(room.info_json)},
      [this, keep = output_.keep_alive(), channel, which = &room](PresenceOutcome outcome) {
        if (!ended_) on_room_joined(channel, which, std::move(outcome));
      });
}

void ClientSession::on_room_joined(const std::string& channel, const Room* which, PresenceOutcome outcome) {
  auto it = find(channel);
  if (it == subscriptions_.end() || it->room.get() != which) return;  // left meanwhile
  if (outcome.status != EngineStatus::ok) {
    reply_error(it->reply_id, engine_error(outcome.status, outcome.error));
    return retire(it);
  }
  // The engine lists the present in the order they joined: the first max_peers have the room.
  const std::size_t max_peers = worker_.config().signaling_max_peers;
  std::size_t place = 0;
  while (place < outcome.clients.size() && outcome.clients[place].id != client_id()) ++place;
  if (place >= max_peers) {
    reply_error(it->reply_id, {http::status::forbidden, "room_full",
                               "room " + channel + " has its " + std::to_string(max_peers) +
                                   " peers (signaling.max_peers)"});
    return retire(it);
  }
  Room& room = *it->room;
  auto news = room.peers.on_snapshot(outcome.clients);
  room.joined = true;
  outcome.clients.resize(std::min(outcome.clients.size(), max_peers));  // past them: refused, leaving
  output_.send_text(ok_reply(it->reply_id, join_reply_fields(channel, client_id(), outcome.clients)));
  for (const auto& change : news)
    if (change.client.id != client_id()) output_.send_text(peer_push(change));
  output_.output_ready();
}

void ClientSession::on_room_presence(Subscription& subscription, const PresenceEvent& event) {
  for (const auto& change : subscription.room->peers.on_change(event))
    if (change.client.id != client_id()) output_.send_text(peer_push(change));
  output_.output_ready();
}

void ClientSession::leave(const Command& command) {
  auto it = find(command.channel);
  if (it == subscriptions_.end() || !it->room)
    return reply_error(command.id, not_joined_error(command.channel));
  if (!it->room->joined)  // its join is still waiting for a reply: it gets one now
    reply_error(it->reply_id, {http::status::bad_request, "cancelled", "left before the join completed"});
  retire(it);
  output_.send_text(ok_reply(command.id));
}

void ClientSession::signal(Command& command) {
  auto it = find(command.channel);
  if (it == subscriptions_.end() || !it->room || !it->room->joined)
    return reply_error(command.id, not_joined_error(command.channel));
  if (command.to == client_id() || !it->room->peers.contains(command.to))
    return reply_error(command.id, {http::status::not_found, "unknown_peer",
                                    "no peer " + command.to + " in room " + command.channel});
  if (!signal_budget_) {
    const Config& config = worker_.config();
    signal_budget_ = std::make_unique<SignalBudget>(
        SignalLimits{config.signaling_max_signal_bytes, config.signaling_signal_rate.per_second,
                     config.signaling_signal_burst},
        ClientLimits::now());
  }
  if (auto refusal = signal_budget_->take(command.data_json.size(), ClientLimits::now()))
    return reply_error(command.id, *refusal);
  PublishRequest request{inbox_channel(command.to), "signal",
                         signal_message_json(command.channel, client_id(), command.data_json), ""};
  worker_.state().engine->publish(
      worker_.id(), std::move(request),
      [this, keep = output_.keep_alive(), id = command.id](PublishOutcome outcome) {
        if (ended_) return;
        if (outcome.status != EngineStatus::ok)
          return reply_error(id, engine_error(outcome.status, outcome.error));
        worker_.metrics().signal_relayed();
        output_.send_text(ok_reply(id));
      });
}

// A signal for a room this client has left since it was sent is dropped.
void ClientSession::on_inbox_message(const MessagePtr& message) {
  auto signal = read_signal_message(message->data_json());
  if (!signal) return;
  auto it = find(signal->room);
  if (it == subscriptions_.end() || !it->room || !it->room->joined) return;
  output_.send_text(std::move(signal->push));
}

// Without its inbox the client cannot be signaled: every room ends with an error reply to its join, as
// a subscription does when its feed fails; the next join starts a new inbox.
void ClientSession::on_inbox_failed(const std::string& reason) {
  spdlog::warn("signaling inbox ended: {}", reason);
  inbox_->stop();
  retired_.push_back(std::move(inbox_));
  for (std::size_t i = 0; i < subscriptions_.size();) {
    if (!subscriptions_[i].room) {
      ++i;
      continue;
    }
    reply_error(subscriptions_[i].reply_id,
                {http::status::service_unavailable, "engine_unavailable", reason});
    retire(subscriptions_.begin() + static_cast<std::ptrdiff_t>(i));  // the next one moves to i
  }
}

}  // namespace herald
