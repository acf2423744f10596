// One client's herald.v1 session, whatever carries it: runs its commands (subscribe, unsubscribe,
// publish, history, ping, refresh, presence, and the signaling ops join, leave and signal), keeps its
// subscriptions (one channel feed each; a room is a subscription with presence) and answers with replies
// and pushes through a ClientOutput. The WebSocket session frames what it says; other transports (signaling
// over another carrier, tests) can drive the same logic. docs/protocol.md describes the commands.
#pragma once
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "auth/access.hpp"
#include "auth/client_rates.hpp"
#include "protocol/signaling/signal_budget.hpp"
#include "protocol/ws/commands.hpp"
#include "pubsub/channel_feed.hpp"
#include "pubsub/presence_view.hpp"
#include "runtime/subscriber_counts.hpp"
#include "runtime/worker.hpp"
#include "session/client_id.hpp"

namespace herald {

// Where a client session's words go. Calls come on the worker's thread.
class ClientOutput {
 public:
  // A reply or push, as JSON text, written soon.
  virtual void send_text(std::string json) = 0;
  // A published message on a subscribed channel (its pre-encoded form is the transport's choice),
  // written when the batch ends (output_ready).
  virtual void send_message(const MessagePtr& message) = 0;
  // A batch of output ended: a good moment to write.
  virtual void output_ready() = 0;
  // Keeps the output (and the session it owns) alive while an engine operation is in flight.
  virtual std::shared_ptr<void> keep_alive() = 0;

 protected:
  ~ClientOutput() = default;
};

class ClientSession final : public FeedSink {
 public:
  // `identity` is who the client is at connect (anonymous, or its token); `refresh` may change it.
  // `rates`: the client address's command and publish budgets (limits.*_per_ip).
  ClientSession(Worker& worker, ClientOutput& output, const Access& access, Identity identity,
                ClientRates rates = {})
      : worker_(worker), output_(output), access_(access), identity_(std::move(identity)), rates_(rates) {}
  ClientSession(const ClientSession&) = delete;
  ClientSession& operator=(const ClientSession&) = delete;

  // Runs one command (a JSON text). Every command gets exactly one reply, now or later.
  void run(std::string_view text);
  // Ends every subscription; the session says nothing more.
  void end();
  // Frees what ended subscriptions left; call outside any feed callback (e.g. before handling input).
  void release_retired() { retired_.clear(); }
  std::size_t subscription_count() const { return subscriptions_.size(); }
  // Whether the client's token has expired by `now` (never for an anonymous client).
  bool token_expired(std::chrono::system_clock::time_point now) const {
    return identity_.token && identity_.token->expires_at && now >= *identity_.token->expires_at;
  }

  // FeedSink.
  void on_feed_started(ChannelFeed& feed) override;
  void on_feed_message(ChannelFeed& feed, const MessagePtr& message) override;
  void on_feed_gap(ChannelFeed& feed, const Gap& gap) override;
  void on_feed_ready(ChannelFeed& feed) override;
  void on_feed_failed(ChannelFeed& feed, const std::string& reason) override;
  void on_feed_presence(ChannelFeed& feed, const PresenceEvent& event) override;

  // The id others see for this client in presence, made the first time it is needed (most clients never
  // enter a presence set, and an idle connection should cost little).
  const std::string& client_id();

 private:
  // A subscription that is a signaling room: who the peers are, and how far its join is.
  struct Room {
    PresenceView peers{/*keep_set=*/true};
    std::string info_json;  // the client's info, until the join is sent
    bool join_sent = false;
    bool joined = false;  // the join reply is sent: signals may go
  };
  struct Subscription {
    std::unique_ptr<ChannelFeed> feed;
    std::string reply_id;          // the subscribe command's id: its reply, and an error reply if it ends
    SubscriberSeat seat;           // its place on a channel with max_subscribers, given back when it ends
    bool present = false;          // the client is in the channel's presence
    bool presence_events = false;  // the client asked for join and leave pushes
    std::unique_ptr<Room> room;    // set for a room (op join)
  };
  using Subscriptions = std::vector<Subscription>;  // few per connection: a vector is smallest and fast

  void subscribe(ws::Command& command);
  void unsubscribe(const ws::Command& command);
  void publish(ws::Command& command);
  void history(ws::Command& command);
  void refresh(const ws::Command& command);
  void presence(const ws::Command& command);
  // Signaling (rooms.cpp).
  void join(ws::Command& command);
  void leave(const ws::Command& command);
  void signal(ws::Command& command);
  // Sends the joins of rooms whose feed has started, once the inbox has started too.
  void join_started_rooms();
  void join_room(Subscription& subscription);
  void on_room_joined(const std::string& channel, const Room* room, PresenceOutcome outcome);
  void on_room_presence(Subscription& subscription, const PresenceEvent& event);
  void on_inbox_message(const MessagePtr& message);
  void on_inbox_failed(const std::string& reason);
  // The feed of this client's inbox (signals sent to it), started with its first room.
  void start_inbox();
  // Puts the client in `channel`'s presence; the error when its info is too large.
  std::optional<ApiError> join_presence(const std::string& channel, std::string client_info);
  void reply_error(std::string_view id, const ApiError& error);
  Subscriptions::iterator find(const std::string& channel);
  // Ends a subscription. Its feed may be running the callback that got here, so it is stopped now and
  // destroyed later (release_retired).
  void retire(Subscriptions::iterator it);

  Worker& worker_;
  ClientOutput& output_;
  const Access& access_;
  Identity identity_;
  ClientRates rates_;
  std::string client_id_;  // empty until client_id()
  Subscriptions subscriptions_;
  std::unique_ptr<ChannelFeed> inbox_;
  std::unique_ptr<SignalBudget> signal_budget_;  // made with the first signal
  std::vector<std::unique_ptr<ChannelFeed>> retired_;
  bool ended_ = false;
};

}  // namespace herald
