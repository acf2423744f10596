// Command routing to a single Redis or a cluster (see redis_router.hpp).
#include "engine/redis/redis_router.hpp"

#include <spdlog/spdlog.h>

namespace herald::redis {
namespace asio = boost::asio;

namespace {

std::string node_name(const Endpoint& endpoint) {
  return (endpoint.host.find(':') != std::string::npos ? "[" + endpoint.host + "]" : endpoint.host) + ":" +
         endpoint.port;
}

Result unreachable(const std::string& why) { return Result{false, {}, why}; }

// The cluster cannot serve the command for a moment; it has not run it.
bool refused_for_now(const Result& result) {
  if (!result.ok || !result.reply.is_error()) return false;
  const std::string& error = result.reply.text;
  return error.starts_with("TRYAGAIN") || error.starts_with("CLUSTERDOWN");
}

}  // namespace

Router::Router(asio::any_io_executor executor, Endpoint base, std::vector<Endpoint> seeds, Timeouts timeouts,
               std::function<void()> on_change)
    : executor_(executor),
      base_(std::move(base)),
      seeds_(std::move(seeds)),
      timeouts_(timeouts),
      on_change_(std::move(on_change)),
      reload_timer_(executor) {
  if (!cluster()) {
    single_ = node_name(base_);
    client_for(single_);
  } else {
    for (const auto& seed : seeds_) client_for(node_name(seed));
  }
}

void Router::start() {
  for (auto& [node, client] : clients_) client->start();
  if (cluster()) reload_soon();
}

void Router::stop() {
  stopped_ = true;
  reload_timer_.cancel();
  for (auto& wait : waits_) wait.cancel();
  for (auto& [node, client] : clients_) client->stop();
}

Client& Router::client_for(const std::string& node) {
  auto it = clients_.find(node);
  if (it != clients_.end()) return *it->second;
  Endpoint endpoint = base_;
  if (cluster()) endpoint = parse_host_port(node, base_).value_or(base_);
  auto client = std::make_unique<Client>(
      executor_, endpoint, timeouts_, [this](bool up) { on_client_state(up); }, &durations_);
  Client& made = *client;
  clients_.emplace(node, std::move(client));
  if (!stopped_ && (!cluster() || table_.known())) made.start();
  return made;
}

bool Router::up() const {
  if (!cluster()) return clients_.at(single_)->up();
  if (!table_.known()) return false;
  for (const auto& node : table_.masters()) {
    auto it = clients_.find(node);
    if (it == clients_.end() || !it->second->up()) return false;
  }
  return true;
}

std::string Router::node_of(std::string_view key) const {
  if (!cluster()) return single_;
  return table_.owner(slot_of(key));
}

void Router::command(std::string_view key, std::string formatted, Completion<Result> done) {
  if (!cluster()) return clients_.at(single_)->command(formatted, std::move(done));
  std::uint16_t slot = slot_of(key);
  const std::string& node = table_.owner(slot);
  if (node.empty()) {
    reload_soon();
    return asio::post(executor_, [done = std::move(done)]() mutable {
      std::move(done)(unreachable("the cluster's slot table is not known yet"));
    });
  }
  send(std::make_shared<const std::string>(std::move(formatted)), slot, node, 0, false, Clock::now(),
       std::move(done));
}

void Router::send(std::shared_ptr<const std::string> formatted, std::uint16_t slot, const std::string& node,
                  int redirections, bool asking, Clock::time_point started, Completion<Result> done) {
  client_for(node).command(
      *formatted,
      [this, formatted, slot, redirections, started, done = std::move(done)](Result result) mutable {
        if (refused_for_now(result) && send_later(formatted, slot, started, done)) return;
        std::optional<Redirection> redirection;
        if (result.ok && result.reply.is_error()) redirection = parse_redirection(result.reply.text);
        if (!redirection || redirection->slot != slot || redirections >= kMaxRedirections)
          return std::move(done)(std::move(result));
        if (!redirection->ask) moved(*redirection);
        send(std::move(formatted), slot, redirection->node, redirections + 1, redirection->ask, started,
             std::move(done));
      },
      asking);
}

bool Router::send_later(std::shared_ptr<const std::string>& formatted, std::uint16_t slot,
                        Clock::time_point started, Completion<Result>& done) {
  if (stopped_ || Clock::now() + kTryAgainWait - started >= timeouts_.command) return false;
  auto wait = waits_.emplace(waits_.end(), executor_, kTryAgainWait);
  wait->async_wait([this, wait, formatted = std::move(formatted), slot, started,
                    done = std::move(done)](const boost::system::error_code& error) mutable {
    waits_.erase(wait);
    const std::string& node = table_.owner(slot);
    if (error || stopped_) return std::move(done)(unreachable("the server is shutting down"));
    if (node.empty()) return std::move(done)(unreachable("the cluster's slot table is not known"));
    // From the slot's master again, with redirections counted anew: a moving slot may ASK again.
    send(std::move(formatted), slot, node, 0, false, started, std::move(done));
  });
  return true;
}

void Router::moved(const Redirection& redirection) {
  if (!cluster() || redirection.ask) return;
  table_.set(redirection.slot, redirection.node);
  client_for(redirection.node);
  reload_soon();
}

void Router::on_client_state(bool up) {
  if (!up) failures_.fetch_add(1, std::memory_order_relaxed);
  if (cluster() && !up) reload_soon();  // a master lost: a replica may be taking over
  if (on_change_) on_change_();
}

void Router::reload_soon() {
  if (stopped_) return;
  if (reloading_) {
    reload_wanted_ = true;  // once the running reload answers
    return;
  }
  reload_timer_.cancel();  // a later reload (periodic, or a retry) is not needed any more
  reload_slots();
}

void Router::reload_after(std::chrono::milliseconds wait) {
  reload_timer_.expires_after(wait);
  reload_timer_.async_wait([this](const boost::system::error_code& error) {
    if (!error && !stopped_) reload_slots();
  });
}

// CLUSTER SLOTS from the first node whose connection is up: the seeds first, then the known masters.
void Router::reload_slots() {
  Client* asked = nullptr;
  for (const auto& seed : seeds_) {
    auto it = clients_.find(node_name(seed));
    if (asked == nullptr && it != clients_.end() && it->second->up()) asked = it->second.get();
  }
  for (auto& [node, client] : clients_)
    if (asked == nullptr && client->up()) asked = client.get();
  if (asked == nullptr) return reload_after(kRetryWait);  // no connection is up yet
  reloading_ = true;
  reload_wanted_ = false;
  std::string host = asked->endpoint().host;
  asked->command(format_command({"CLUSTER", "SLOTS"}), [this, host](Result result) {
    reloading_ = false;
    if (stopped_) return;
    bool loaded = result.ok && !result.reply.is_error() && table_.load(result.reply, host);
    if (!loaded) {
      spdlog::warn("redis cluster: cannot read the slot table: {}",
                   result.ok ? result.reply.text : result.error);
      return reload_after(kRetryWait);
    }
    for (const auto& node : table_.masters()) client_for(node).start();
    if (on_change_) on_change_();
    if (reload_wanted_) return reload_after(std::chrono::milliseconds(100));
    reload_after(up() ? kReloadInterval : kFailoverReloadInterval);
  });
}

}  // namespace herald::redis
