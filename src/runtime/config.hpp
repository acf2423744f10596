// herald's settings as every layer reads them, with their defaults. server/config_loader.hpp fills them
// from a TOML file, HERALD_<SECTION>_<KEY> environment variables and command-line flags;
// docs/configuration.md lists every key.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace herald {

// Durations as the settings give them: any non-negative number, fractions allowed.
using Seconds = std::chrono::duration<double>;
using Milliseconds = std::chrono::duration<double, std::milli>;

// A rate, in events per second; 0: no limit.
struct Rate {
  double per_second = 0;
};

// [[namespace]]: settings for the channels whose names start with `prefix` (the longest prefix wins).
struct Namespace {
  std::string prefix;
  bool anonymous_subscribe = false;  // clients without a token may subscribe (when tokens are configured)
  bool client_publish = false;       // clients that may subscribe may also publish (WebSocket and HTTP)
  bool presence = false;             // the channels keep presence: who is subscribed, join and leave events
  std::optional<std::size_t> history_size;  // messages kept per channel; unset: history.size
  std::optional<Seconds> history_ttl;       // how long a message stays in history; unset: history.ttl
  std::size_t max_subscribers = 0;          // SSE streams and WS subscriptions per channel and node; 0: any
};

// [[api_key]]: a named key for server-side callers, and what it may do.
struct ApiKey {
  std::string name;
  std::string key;
  bool publish = true;   // scope "publish": the publish API
  bool metrics = false;  // scope "metrics": GET /metrics when metrics.require_key is set
};

// [[ice_server]]: an ICE server GET /api/ice-servers lists besides herald's own STUN/TURN (a TURN fleet).
struct IceServer {
  std::vector<std::string> urls;  // "stun:host:port", "turn:host:port?transport=udp", ...
  std::string username;           // fixed credentials, or none
  std::string credential;
  std::string secret;  // a TURN REST secret instead: username and credential minted for each request
};

struct Config {
  // [server]
  std::string listen = "127.0.0.1:8080";
  unsigned workers = 0;  // 0: one per core
  std::size_t max_connections = 10000;
  Seconds shutdown_timeout{10};
  Milliseconds cork_ms{5};  // see Worker::flush_soon; 0 writes at once
  // [tls]
  std::string tls_cert;                 // PEM certificate file (the chain may follow); with tls_key: TLS on
  std::string tls_key;                  // PEM private key file
  std::string tls_listen;               // empty: server.listen speaks TLS; else TLS here, plain HTTP there
  std::string tls_min_version = "1.2";  // "1.2" or "1.3"
  // [http]
  std::size_t header_limit = 8192;
  Seconds header_timeout{10};
  Seconds idle_timeout{60};
  std::size_t max_body_bytes = 1 << 20;
  std::string web_root;                      // empty: the pages built into the binary
  bool web_root_follow_symlinks = false;     // serve files whose real path is outside web_root
  std::vector<std::string> cors_origins;     // pages of these origins may read the API and SSE; "*": any
  std::vector<std::string> trusted_proxies;  // addresses or CIDR ranges whose X-Forwarded-For is believed
  // [publish]
  std::string api_key;
  std::size_t max_message_bytes = 64 * 1024;
  Seconds idempotency_window{300};
  std::size_t max_batch = 100;
  std::vector<std::string> publish_allowed_origins;  // without an API key, besides herald's own; "*": any
  // [auth]
  std::string auth_hmac_secret;  // HS256 tokens
  std::vector<std::string>
      auth_public_keys;       // PEM files (RS256, ES256); a file's name without .pem is its kid
  std::string auth_issuer;    // empty: `iss` not checked
  std::string auth_audience;  // empty: `aud` not checked
  Seconds auth_leeway{30};
  std::string auth_cookie = "herald_token";  // a cookie that carries the token; empty: none
  std::vector<Namespace> namespaces;
  std::vector<ApiKey> api_keys;
  // [metrics]
  bool metrics_require_key = false;  // GET /metrics needs an API key with the "metrics" scope
  // [engine]
  std::string engine_type = "memory";  // memory | redis
  std::string engine_url = "redis://127.0.0.1:6379";
  std::string engine_prefix = "herald";
  std::vector<std::string> engine_cluster;  // seed nodes "host:port": a Redis Cluster
  Seconds engine_connect_timeout{2};
  Seconds engine_command_timeout{2};
  Seconds engine_position_check_interval{2};
  // [history]
  std::size_t history_size = 1000;
  Seconds history_ttl{600};
  std::size_t max_channels = 1'000'000;
  Seconds channel_idle_timeout{600};
  // [sse]
  unsigned sse_retry_ms = 2000;
  Seconds sse_heartbeat{15};
  Seconds sse_max_lifetime{0};  // 0: no limit
  std::size_t sse_max_channels = 16;
  // [longpoll]
  Seconds longpoll_default_timeout{25};
  Seconds longpoll_max_timeout{55};
  std::size_t longpoll_max_messages = 100;
  std::size_t longpoll_max_channels = 16;  // channels one long poll follows
  // [ws]
  Seconds ws_ping_interval{25};
  Seconds ws_idle_timeout{60};
  std::size_t ws_max_message_bytes = 64 * 1024;
  std::size_t ws_max_channels = 100;
  std::vector<std::string> ws_publish_prefixes;  // channels clients may publish to; empty: none
  std::vector<std::string> ws_allowed_origins;   // besides same host and localhost; "*": any
  bool ws_deflate = false;
  bool ws_echo = false;
  // [presence]
  std::size_t presence_max_info_bytes = 1024;  // a client's presence info, as JSON
  // [signaling]
  std::size_t signaling_max_peers = 16;            // clients in one room
  std::size_t signaling_max_signal_bytes = 16384;  // a signal's data, as JSON
  Rate signaling_signal_rate{20};                  // signals per second per connection
  std::size_t signaling_signal_burst = 100;        // 0: one second's worth
  // [limits]
  std::size_t queue_bytes = 1 << 20;
  // Per client address (IPv6: per limits.ipv6_prefix network); 0: no limit. A burst of 0 is one second's
  // worth of the rate.
  std::size_t connections_per_ip = 0;  // open at once
  Rate connection_rate_per_ip;         // new connections
  std::size_t connection_burst_per_ip = 0;
  Rate publish_rate_per_ip;  // publishes without an API key (HTTP and WebSocket)
  std::size_t publish_burst_per_ip = 0;
  Rate command_rate_per_ip;  // WebSocket commands; HTTP history, long poll and SSE requests
  std::size_t command_burst_per_ip = 0;
  unsigned ipv6_prefix = 64;
  // [turn]
  std::string turn_listen;                       // "HOST:PORT" for STUN/TURN on UDP and TCP; empty: off
  std::string turn_secret;                       // the TURN REST secret credentials are checked against
  std::string turn_realm = "herald";             // REALM of the long-term credentials
  std::string turn_relay_ports = "49160-49200";  // UDP ports relays are bound on, "FIRST-LAST"
  std::string turn_relay_address;              // address relays are bound on; empty: the host of turn.listen
  std::string turn_public_host;                // host in the advertised URLs; empty: the host of turn.listen
  std::vector<std::string> turn_allow_peers;   // CIDR ranges of peers relayed to despite the peer policy
  Seconds turn_allocation_lifetime{600};       // an allocation's lifetime unless the client asks for more
  Seconds turn_max_allocation_lifetime{3600};  // the longest lifetime a client may ask for
  Seconds turn_nonce_lifetime{600};            // how long a NONCE stays valid (then 438 Stale Nonce)
  std::size_t turn_max_allocations = 1000;     // on this server (508 Insufficient Capacity beyond)
  std::size_t turn_max_allocations_per_user = 10;  // per REST user (486 Allocation Quota Reached beyond)
  std::size_t turn_bandwidth_per_allocation = 1'000'000;  // bytes a second, both ways together; 0: no bound
  Seconds turn_credential_ttl{86400};  // lifetime of the credentials /api/ice-servers mints
  std::vector<IceServer> ice_servers;  // [[ice_server]]
  // [log]
  std::string log_format = "text";
  std::string log_level = "info";

  unsigned worker_count() const;
};

}  // namespace herald
