// Redis pub/sub connection (see redis_subscriber.hpp).
#include "engine/redis/redis_subscriber.hpp"

#include "engine/redis/cluster_map.hpp"

namespace herald::redis {

Subscriber::Subscriber(boost::asio::any_io_executor executor, Endpoint endpoint, Timeouts timeouts,
                       Events& events)
    : link_(executor, std::move(endpoint), timeouts, *this), events_(events), ping_timer_(executor) {}

void Subscriber::stop() {
  link_.stop();
  ping_timer_.cancel();
}

void Subscriber::subscribe(const std::string& topic) {
  Topic& state = topics_[topic];
  if (state.wanted) return;
  state.wanted = true;
  if (link_.up()) send("SSUBSCRIBE", topic);
}

void Subscriber::unsubscribe(const std::string& topic) {
  auto it = topics_.find(topic);
  if (it == topics_.end() || !it->second.wanted) return;
  it->second.wanted = false;
  if (link_.up()) send("SUNSUBSCRIBE", topic);
  if (it->second.unconfirmed == 0) topics_.erase(it);
}

void Subscriber::send(const char* command, const std::string& topic) {
  ++topics_[topic].unconfirmed;
  link_.send(format_command({command, topic}));
}

void Subscriber::on_link_up() {
  for (auto it = topics_.begin(); it != topics_.end();) {
    it->second.unconfirmed = 0;
    if (!it->second.wanted) {
      it = topics_.erase(it);
      continue;
    }
    ++it;
  }
  for (auto& [topic, state] : topics_) send("SSUBSCRIBE", topic);
  ping_unanswered_ = false;
  ping_soon();
  events_.on_subscriber_state(*this, true);
}

void Subscriber::on_link_down(const std::string&) {
  ping_timer_.cancel();
  events_.on_subscriber_state(*this, false);
}

void Subscriber::on_reply(Reply reply) {
  // Pushes are arrays: [kind, topic, count or payload]. A PING answers ["pong", ""] while subscribed
  // to something, +PONG before.
  if (reply.type == Reply::Type::status && reply.text == "PONG") {
    ping_unanswered_ = false;
    return;
  }
  if (reply.is_error()) return on_error(reply.text);
  if (!reply.is_array() || reply.elements.empty()) return;
  const std::string& kind = reply.elements[0].text;
  if (kind == "pong") {
    ping_unanswered_ = false;
    return;
  }
  if (reply.elements.size() < 3) return;
  const std::string& topic = reply.elements[1].text;
  if (kind == "smessage" || kind == "message")
    return events_.on_message(*this, topic, std::move(reply.elements[2].text));
  if (kind == "ssubscribe") return on_confirmation(topic, true);
  if (kind == "sunsubscribe") return on_confirmation(topic, false);
}

// On a cluster, -MOVED answers an SSUBSCRIBE for a slot another master serves: its topics are not
// subscribed here, and the owner subscribes them where they belong.
void Subscriber::on_error(const std::string& error) {
  if (auto redirection = parse_redirection(error)) {
    for (auto it = topics_.begin(); it != topics_.end();) {
      if (slot_of(it->first) == redirection->slot) {
        it = topics_.erase(it);
        continue;
      }
      ++it;
    }
  }
  events_.on_subscriber_error(*this, error);
}

void Subscriber::on_confirmation(const std::string& topic, bool subscribed) {
  auto it = topics_.find(topic);
  if (it == topics_.end()) {
    // The server dropped a subscription by itself (the slot moved): nothing of ours to do.
    return;
  }
  Topic& state = it->second;
  if (state.unconfirmed > 0) --state.unconfirmed;
  if (state.unconfirmed > 0) return;  // later commands for the topic are still on their way
  if (!state.wanted) {
    topics_.erase(it);
    return;
  }
  if (subscribed) {
    events_.on_subscribed(*this, topic);
  } else {
    send("SSUBSCRIBE", topic);  // dropped by the server while still wanted: subscribe again
  }
}

void Subscriber::ping_soon() {
  ping_timer_.expires_after(link_.timeouts().command);
  ping_timer_.async_wait([this](const boost::system::error_code& error) {
    if (error || !link_.up()) return;
    if (ping_unanswered_) return link_.fail("no answer to PING");
    ping_unanswered_ = true;
    link_.send(format_command({"PING"}));
    ping_soon();
  });
}

}  // namespace herald::redis
