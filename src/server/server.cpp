// Server lifecycle (see server.hpp).
#include "server/server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <functional>

#include "engine/engine_factory.hpp"
#include "runtime/tls_context.hpp"
#include "runtime/worker.hpp"
#include "server/listen_address.hpp"
#include "server/listener.hpp"
#include "turn/turn_server.hpp"

namespace herald {
namespace asio = boost::asio;
namespace {

std::int64_t to_ms(Seconds duration) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
}

// The history bounds of the [[namespace]] tables. Once one namespace sets history_size or history_ttl,
// every namespace becomes a rule (those that set neither get history.size and history.ttl), so that the
// longest prefix decides as it does for the other namespace settings; with none, there are no rules.
std::vector<HistoryRule> history_rules(const Config& config) {
  bool any = std::any_of(config.namespaces.begin(), config.namespaces.end(),
                         [](const Namespace& space) { return space.history_size || space.history_ttl; });
  std::vector<HistoryRule> rules;
  if (!any) return rules;
  for (const auto& space : config.namespaces)
    rules.push_back(HistoryRule{space.prefix, space.history_size.value_or(config.history_size),
                                to_ms(space.history_ttl.value_or(config.history_ttl))});
  return rules;
}

EngineConfig engine_config(const Config& config) {
  EngineConfig engine;
  engine.type = config.engine_type;
  engine.channels.history_size = config.history_size;
  engine.channels.history_ttl_ms = to_ms(config.history_ttl);
  engine.channels.history_rules = history_rules(config);
  engine.channels.max_channels = config.max_channels;
  engine.channels.channel_idle_ms = to_ms(config.channel_idle_timeout);
  engine.channels.idempotency_window_ms = to_ms(config.idempotency_window);
  engine.redis.url = config.engine_url;
  engine.redis.prefix = config.engine_prefix;
  engine.redis.cluster = config.engine_cluster;
  engine.redis.connect_timeout = std::chrono::milliseconds(to_ms(config.engine_connect_timeout));
  engine.redis.command_timeout = std::chrono::milliseconds(to_ms(config.engine_command_timeout));
  engine.redis.position_check_interval =
      std::chrono::milliseconds(to_ms(config.engine_position_check_interval));
  return engine;
}

// The workers share the port through SO_REUSEPORT, which would also let a second herald (or anything
// else with the option) bind it and silently take half of the connections. A plain bind first fails
// if anyone holds the port. For port 0 it picks the port the workers then share.
void ensure_port_is_free(asio::ip::tcp::endpoint& endpoint) {
  asio::io_context context;
  asio::ip::tcp::acceptor probe(context);
  probe.open(endpoint.protocol());
  probe.set_option(asio::socket_base::reuse_address(true));
  probe.bind(endpoint);
  endpoint.port(probe.local_endpoint().port());
}

// One address herald listens on, and whether it speaks TLS there.
struct ListenPoint {
  std::string text;  // as configured, for messages
  asio::ip::tcp::endpoint endpoint;
  bool tls = false;
};

// server.listen, TLS itself when TLS is on and tls.listen is empty; and tls.listen beside it.
std::optional<std::vector<ListenPoint>> listen_points(const Config& config) {
  std::vector<ListenPoint> points;
  auto plain = parse_listen_address(config.listen);
  if (!plain) {
    spdlog::error("server.listen: \"{}\" is not HOST:PORT", config.listen);
    return std::nullopt;
  }
  points.push_back({config.listen, *plain, tls_enabled(config) && config.tls_listen.empty()});
  if (tls_enabled(config) && !config.tls_listen.empty()) {
    auto secure = parse_listen_address(config.tls_listen);
    if (!secure) {
      spdlog::error("tls.listen: \"{}\" is not HOST:PORT", config.tls_listen);
      return std::nullopt;
    }
    points.push_back({config.tls_listen, *secure, true});
  }
  return points;
}

// SIGHUP: the certificate and key files are read again into a new context for new connections; open
// connections keep theirs. A reload that fails keeps the current context.
void reload_tls(const Config& config, TlsContextHolder* tls) {
  if (tls == nullptr) return spdlog::info("received SIGHUP: no TLS certificate to reload");
  try {
    tls->replace(make_tls_context(config));
    spdlog::info("received SIGHUP: reloaded the TLS certificate {} and key {}", config.tls_cert,
                 config.tls_key);
  } catch (const TlsSetupError& error) {
    spdlog::error("received SIGHUP: TLS reload failed, keeping the current certificate: {}: {}", error.key(),
                  error.what());
  } catch (const std::exception& error) {
    spdlog::error("received SIGHUP: TLS reload failed, keeping the current certificate: {}", error.what());
  }
}

// Runs until SIGINT or SIGTERM arrives, reloading the TLS certificate on each SIGHUP before.
void wait_for_stop_signal(const Config& config, TlsContextHolder* tls) {
  asio::io_context signals_context;
  asio::signal_set signals(signals_context, SIGINT, SIGTERM, SIGHUP);
  std::function<void(boost::system::error_code, int)> on_signal = [&](boost::system::error_code error,
                                                                      int signal) {
    if (error) return;
    if (signal == SIGHUP) {
      reload_tls(config, tls);
      return signals.async_wait(on_signal);
    }
    spdlog::info("received {}, shutting down", signal == SIGINT ? "SIGINT" : "SIGTERM");
  };
  signals.async_wait(on_signal);
  signals_context.run();
}

// Waits for SIGINT or SIGTERM; SIGHUP meanwhile reloads the TLS certificate. From then on SIGHUP is
// ignored, so that it cannot kill a server that is shutting down.
void wait_for_signal(const Config& config, TlsContextHolder* tls) {
  wait_for_stop_signal(config, tls);
  std::signal(SIGHUP, SIG_IGN);
}

// How often the shutdown looks whether every connection has closed: the process exits at most this long
// after the last one. A look is one atomic load, so looking often costs nothing measurable.
constexpr auto kShutdownPoll = std::chrono::milliseconds(1);

// How long the workers keep running after the engine was told to stop, at most (its commands time out
// sooner: engine.command_timeout).
constexpr auto kEngineFarewell = std::chrono::seconds(5);

// Stops accepting, ends every connection cleanly and waits (up to the deadline) until they are gone.
void shut_down(ServerState& state, std::vector<std::unique_ptr<Worker>>& workers,
               std::vector<std::unique_ptr<Listener>>& listeners) {
  state.shutting_down = true;
  for (std::size_t i = 0; i < workers.size(); ++i) {
    std::vector<Listener*> own;  // this worker's listener on each address
    for (std::size_t j = i; j < listeners.size(); j += workers.size()) own.push_back(listeners[j].get());
    asio::post(workers[i]->context(), [&worker = *workers[i], own] {
      for (Listener* listener : own) listener->stop();
      worker.shut_down_connections();
    });
  }
  auto deadline =
      std::chrono::steady_clock::now() +
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(state.config.shutdown_timeout);
  while (state.open_connections.load() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(kShutdownPoll);
  if (std::size_t left = state.open_connections.load())
    spdlog::warn("shutdown deadline reached with {} connections still open; closing them", left);
}

}  // namespace

int run_server(const Config& config) {
  auto points = listen_points(config);
  if (!points) return 2;
  std::optional<Access> access;
  std::unique_ptr<TlsContextHolder> tls;
  try {
    access.emplace(config);
    if (tls_enabled(config)) tls = std::make_unique<TlsContextHolder>(make_tls_context(config));
  } catch (const TlsSetupError& error) {
    spdlog::error("configuration error: {}: {}", error.key(), error.what());
    return 2;
  } catch (const std::invalid_argument& error) {
    spdlog::error("configuration error: {}", error.what());
    return 2;
  }
  ServerState state(config);
  std::vector<std::unique_ptr<Worker>> workers;
  for (WorkerId id = 0; id < config.worker_count(); ++id)
    workers.push_back(std::make_unique<Worker>(id, state));

  std::vector<asio::any_io_executor> executors;
  for (auto& worker : workers) executors.push_back(worker->context().get_executor());
  std::unique_ptr<Engine> engine_owner = make_engine(engine_config(config), std::move(executors));
  Engine& engine = *engine_owner;
  state.engine = &engine;
  std::unique_ptr<turn::TurnServer> turn_server;
  if (!config.turn_listen.empty()) {
    try {
      turn_server = std::make_unique<turn::TurnServer>(config);
    } catch (const boost::system::system_error& error) {
      spdlog::error("cannot listen on {} (turn.listen): {}", config.turn_listen, error.code().message());
      return 1;
    } catch (const std::exception& error) {
      spdlog::error("cannot start the TURN server (turn.listen {}): {}", config.turn_listen, error.what());
      return 1;
    }
  }
  state.render_metrics = [&workers, &engine, &turn_server] {
    std::vector<const MetricsShard*> shards;
    for (const auto& worker : workers) shards.push_back(&worker->metrics());
    std::uint64_t repaired = 0;
    for (const auto& worker : workers) repaired += worker->hub().repaired();
    std::string text = render_metrics(shards, engine, repaired);
    if (turn_server) text += turn_server->render_metrics();
    return text;
  };
  for (auto& worker : workers) worker->attach(engine);

  // Listeners by address, then worker: listeners[point * workers + worker].
  std::vector<std::unique_ptr<Listener>> listeners;
  for (auto& point : *points) {
    try {
      ensure_port_is_free(point.endpoint);
      std::size_t first = listeners.size();
      for (auto& worker : workers) {
        listeners.push_back(
            std::make_unique<Listener>(*worker, *access, point.endpoint, point.tls ? tls.get() : nullptr));
        point.endpoint.port(listeners[first]->local_endpoint().port());  // port 0: all share the first's
      }
    } catch (const boost::system::system_error& error) {
      spdlog::error("cannot listen on {}: {}", point.text, error.code().message());
      return 1;
    } catch (const std::exception& error) {
      spdlog::error("cannot listen on {}: {}", point.text, error.what());
      return 1;
    }
  }

  engine.start();
  for (auto& listener : listeners) listener->start();
  for (auto& worker : workers) worker->start();
  if (turn_server) {
    turn_server->start();
    spdlog::info("STUN/TURN listening on {}", turn_server->description());
  }
  std::string addresses;
  for (const auto& point : *points)
    addresses += (addresses.empty() ? "" : " and ") + std::string(point.tls ? "https://" : "http://") +
                 format_listen_address(point.endpoint);
  spdlog::info("herald {} listening on {} ({} workers, {})", HERALD_VERSION, addresses, workers.size(),
               engine.description());

  wait_for_signal(config, tls.get());
  if (turn_server) turn_server->stop();
  shut_down(state, workers, listeners);
  engine.stop();
  // The engine's farewell (the Redis engine removing this node's presence) runs on the workers: they
  // run until it is done, or for kEngineFarewell at most.
  auto farewell_deadline = std::chrono::steady_clock::now() + kEngineFarewell;
  while (!engine.finished() && std::chrono::steady_clock::now() < farewell_deadline)
    std::this_thread::sleep_for(kShutdownPoll);
  for (auto& worker : workers) worker->stop();
  for (auto& worker : workers) worker->join();
  spdlog::info("stopped");
  return 0;
}

}  // namespace herald
