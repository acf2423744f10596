// Configuration loading without sockets: defaults, TOML values of every type, HERALD_* environment
// variables and flags with their precedence, and every kind of error with its message.
#include "server/config_loader.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

extern char** environ;

namespace herald {
namespace {

// Every test starts without HERALD_* variables (those of the calling shell are put aside) and ends
// with the environment it started with.
class ConfigLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (char** entry = environ; *entry != nullptr; ++entry) {
      std::string text(*entry);
      if (text.starts_with("HERALD_"))
        inherited_[text.substr(0, text.find('='))] = text.substr(text.find('=') + 1);
    }
    for (const auto& [name, value] : inherited_) unsetenv(name.c_str());
  }

  void TearDown() override {
    for (const auto& name : set_) unsetenv(name.c_str());
    for (const auto& [name, value] : inherited_) setenv(name.c_str(), value.c_str(), 1);
    for (const auto& file : files_) std::filesystem::remove(file);
  }

  void set_env(const std::string& name, const std::string& value) {
    set_.push_back(name);
    setenv(name.c_str(), value.c_str(), 1);
  }

  // A TOML file with `text`; removed after the test.
  std::string toml_file(const std::string& text) {
    auto path = std::filesystem::temp_directory_path() / ("herald-config-test-" + std::to_string(::getpid()) +
                                                          "-" + std::to_string(files_.size()) + ".toml");
    std::ofstream(path) << text;
    files_.push_back(path);
    return path.string();
  }

  // The ConfigError that loading throws (fails the test when it does not throw).
  static ConfigError error_of(const std::string& path, const ConfigOverrides& flags = {}) {
    try {
      load_config(path, flags);
    } catch (const ConfigError& error) {
      return error;
    }
    ADD_FAILURE() << "no configuration error";
    return ConfigError("", "", "");
  }

 private:
  std::map<std::string, std::string> inherited_;
  std::vector<std::string> set_;
  std::vector<std::filesystem::path> files_;
};

TEST_F(ConfigLoaderTest, WithoutAnySourceEveryKeyHasItsDefault) {
  Config loaded = load_config("", {});
  Config defaults;
  EXPECT_EQ(loaded.listen, "127.0.0.1:8080");
  EXPECT_EQ(loaded.listen, defaults.listen);
  EXPECT_EQ(loaded.workers, defaults.workers);
  EXPECT_EQ(loaded.max_connections, defaults.max_connections);
  EXPECT_EQ(loaded.shutdown_timeout, defaults.shutdown_timeout);
  EXPECT_EQ(loaded.cork_ms, defaults.cork_ms);
  EXPECT_EQ(loaded.header_limit, defaults.header_limit);
  EXPECT_EQ(loaded.header_timeout, defaults.header_timeout);
  EXPECT_EQ(loaded.idle_timeout, defaults.idle_timeout);
  EXPECT_EQ(loaded.max_body_bytes, defaults.max_body_bytes);
  EXPECT_EQ(loaded.web_root, defaults.web_root);
  EXPECT_EQ(loaded.api_key, defaults.api_key);
  EXPECT_EQ(loaded.max_message_bytes, defaults.max_message_bytes);
  EXPECT_EQ(loaded.idempotency_window, defaults.idempotency_window);
  EXPECT_EQ(loaded.max_batch, defaults.max_batch);
  EXPECT_EQ(loaded.history_size, defaults.history_size);
  EXPECT_EQ(loaded.history_ttl, defaults.history_ttl);
  EXPECT_EQ(loaded.max_channels, defaults.max_channels);
  EXPECT_EQ(loaded.channel_idle_timeout, defaults.channel_idle_timeout);
  EXPECT_EQ(loaded.sse_retry_ms, defaults.sse_retry_ms);
  EXPECT_EQ(loaded.sse_heartbeat, defaults.sse_heartbeat);
  EXPECT_EQ(loaded.sse_max_lifetime, defaults.sse_max_lifetime);
  EXPECT_EQ(loaded.sse_max_channels, defaults.sse_max_channels);
  EXPECT_EQ(loaded.longpoll_default_timeout, defaults.longpoll_default_timeout);
  EXPECT_EQ(loaded.longpoll_max_timeout, defaults.longpoll_max_timeout);
  EXPECT_EQ(loaded.longpoll_max_messages, defaults.longpoll_max_messages);
  EXPECT_EQ(loaded.ws_ping_interval, defaults.ws_ping_interval);
  EXPECT_EQ(loaded.ws_idle_timeout, defaults.ws_idle_timeout);
  EXPECT_EQ(loaded.ws_max_message_bytes, defaults.ws_max_message_bytes);
  EXPECT_EQ(loaded.ws_max_channels, defaults.ws_max_channels);
  EXPECT_EQ(loaded.ws_publish_prefixes, defaults.ws_publish_prefixes);
  EXPECT_EQ(loaded.ws_allowed_origins, defaults.ws_allowed_origins);
  EXPECT_EQ(loaded.ws_deflate, defaults.ws_deflate);
  EXPECT_EQ(loaded.ws_echo, defaults.ws_echo);
  EXPECT_EQ(loaded.queue_bytes, defaults.queue_bytes);
  EXPECT_EQ(loaded.log_format, defaults.log_format);
  EXPECT_EQ(loaded.log_level, defaults.log_level);
}

TEST_F(ConfigLoaderTest, KeysAndTheirEnvironmentVariables) {
  auto keys = setting_keys();
  ASSERT_FALSE(keys.empty());
  EXPECT_EQ(keys.front(), "server.listen");
  EXPECT_EQ(environment_variable("server.listen"), "HERALD_SERVER_LISTEN");
  EXPECT_EQ(environment_variable("history.channel_idle_timeout"), "HERALD_HISTORY_CHANNEL_IDLE_TIMEOUT");
}

TEST_F(ConfigLoaderTest, TomlFileValuesOfEveryType) {
  Config config = load_config(toml_file(R"(
[server]
listen = "0.0.0.0:9000"     # string
workers = 3                 # unsigned integer
max_connections = 20000     # size
shutdown_timeout = 2.5      # duration in seconds, a fraction
cork_ms = 0.5               # duration in milliseconds

[history]
ttl = 30                    # duration written as an integer

[ws]
deflate = true              # boolean
publish_prefixes = ["chat.", "room:"]
allowed_origins = []
)"),
                              {});
  EXPECT_EQ(config.listen, "0.0.0.0:9000");
  EXPECT_EQ(config.workers, 3u);
  EXPECT_EQ(config.max_connections, 20000u);
  EXPECT_DOUBLE_EQ(config.shutdown_timeout.count(), 2.5);
  EXPECT_DOUBLE_EQ(config.cork_ms.count(), 0.5);
  EXPECT_DOUBLE_EQ(config.history_ttl.count(), 30);
  EXPECT_TRUE(config.ws_deflate);
  EXPECT_EQ(config.ws_publish_prefixes, (std::vector<std::string>{"chat.", "room:"}));
  EXPECT_TRUE(config.ws_allowed_origins.empty());
  EXPECT_EQ(config.history_size, Config{}.history_size) << "keys not in the file keep their default";
}

TEST_F(ConfigLoaderTest, EnvironmentValuesOfEveryType) {
  set_env("HERALD_SERVER_LISTEN", "[::1]:9001");
  set_env("HERALD_SERVER_WORKERS", "2");
  set_env("HERALD_HTTP_HEADER_TIMEOUT", "0.25");
  set_env("HERALD_SERVER_CORK_MS", "7");
  set_env("HERALD_WS_DEFLATE", "on");
  set_env("HERALD_WS_ECHO", "no");
  set_env("HERALD_WS_ALLOWED_ORIGINS", " https://a.example ,https://b.example  ");
  Config config = load_config("", {});
  EXPECT_EQ(config.listen, "[::1]:9001");
  EXPECT_EQ(config.workers, 2u);
  EXPECT_DOUBLE_EQ(config.header_timeout.count(), 0.25);
  EXPECT_DOUBLE_EQ(config.cork_ms.count(), 7);
  EXPECT_TRUE(config.ws_deflate);
  EXPECT_FALSE(config.ws_echo);
  EXPECT_EQ(config.ws_allowed_origins, (std::vector<std::string>{"https://a.example", "https://b.example"}));
}

TEST_F(ConfigLoaderTest, BooleansFromTextInEveryAcceptedSpelling) {
  for (const char* yes : {"true", "1", "yes", "on"}) {
    set_env("HERALD_WS_DEFLATE", yes);
    EXPECT_TRUE(load_config("", {}).ws_deflate) << yes;
  }
  for (const char* no : {"false", "0", "no", "off"}) {
    set_env("HERALD_WS_DEFLATE", no);
    EXPECT_FALSE(load_config("", {}).ws_deflate) << no;
  }
}

TEST_F(ConfigLoaderTest, ArraysFromTheEnvironment) {
  set_env("HERALD_WS_PUBLISH_PREFIXES", "chat.,room:");
  EXPECT_EQ(load_config("", {}).ws_publish_prefixes, (std::vector<std::string>{"chat.", "room:"}));
  set_env("HERALD_WS_PUBLISH_PREFIXES", "  chat. ,\troom: ");
  EXPECT_EQ(load_config("", {}).ws_publish_prefixes, (std::vector<std::string>{"chat.", "room:"}))
      << "spaces and tabs around items are trimmed";
  set_env("HERALD_WS_PUBLISH_PREFIXES", "*");
  EXPECT_EQ(load_config("", {}).ws_publish_prefixes, (std::vector<std::string>{"*"}));
  set_env("HERALD_WS_PUBLISH_PREFIXES", "");
  EXPECT_TRUE(load_config("", {}).ws_publish_prefixes.empty()) << "an empty value is the empty array";
  set_env("HERALD_WS_PUBLISH_PREFIXES", "   ");
  EXPECT_TRUE(load_config("", {}).ws_publish_prefixes.empty());
}

TEST_F(ConfigLoaderTest, AnEmptyItemInAnEnvironmentArrayIsRefused) {
  for (const char* text : {"chat.,", ",chat.", "chat.,,room:", "chat., ,room:"}) {
    set_env("HERALD_WS_PUBLISH_PREFIXES", text);
    ConfigError error = error_of("");
    EXPECT_EQ(error.source(), "environment HERALD_WS_PUBLISH_PREFIXES") << text;
    EXPECT_EQ(error.key(), "ws.publish_prefixes");
    EXPECT_EQ(error.problem(), std::string("empty item in the comma-separated list \"") + text + "\"");
  }
}

TEST_F(ConfigLoaderTest, FlagsOverTheEnvironmentOverTheFile) {
  std::string file = toml_file("[server]\nlisten = \"127.0.0.1:1001\"\nworkers = 1\n[sse]\nretry_ms = 100\n");
  Config from_file = load_config(file, {});
  EXPECT_EQ(from_file.listen, "127.0.0.1:1001");
  EXPECT_EQ(from_file.sse_retry_ms, 100u);

  set_env("HERALD_SERVER_LISTEN", "127.0.0.1:1002");
  set_env("HERALD_SSE_RETRY_MS", "200");
  Config from_env = load_config(file, {});
  EXPECT_EQ(from_env.listen, "127.0.0.1:1002");
  EXPECT_EQ(from_env.sse_retry_ms, 200u);
  EXPECT_EQ(from_env.workers, 1u) << "a key only the file sets keeps the file's value";

  Config from_flag = load_config(file, {{"server.listen", "127.0.0.1:1003"}});
  EXPECT_EQ(from_flag.listen, "127.0.0.1:1003");
  EXPECT_EQ(from_flag.sse_retry_ms, 200u);
  EXPECT_EQ(from_flag.workers, 1u);
}

TEST_F(ConfigLoaderTest, OnlyTheFinalValueIsChecked) {
  set_env("HERALD_SERVER_LISTEN", "nonsense");
  EXPECT_EQ(load_config("", {{"server.listen", "127.0.0.1:0"}}).listen, "127.0.0.1:0");
  unsetenv("HERALD_SERVER_LISTEN");
  EXPECT_EQ(load_config(toml_file("[log]\nlevel = \"loud\"\n"), {{"log.level", "debug"}}).log_level, "debug");
}

TEST_F(ConfigLoaderTest, MessageFormIsSourceKeyProblem) {
  ConfigError error("command line", "server.listen", "\"x\" is not HOST:PORT");
  EXPECT_STREQ(error.what(), "command line: server.listen: \"x\" is not HOST:PORT");
  ConfigError syntax("a.toml:3:7", "", "unexpected character");
  EXPECT_STREQ(syntax.what(), "a.toml:3:7: unexpected character");
}

TEST_F(ConfigLoaderTest, AMissingOrUnreadableFileIsACommandLineError) {
  auto missing = (std::filesystem::temp_directory_path() / "herald-config-test-missing.toml").string();
  ConfigError error = error_of(missing);
  EXPECT_EQ(error.source(), "command line");
  EXPECT_EQ(error.key(), "--config");
  EXPECT_EQ(error.problem(), "cannot read " + missing + ": No such file or directory");

  auto folder = std::filesystem::temp_directory_path().string();
  EXPECT_EQ(error_of(folder).problem(), "cannot read " + folder + ": Is a directory");
}

TEST_F(ConfigLoaderTest, ATomlSyntaxErrorNamesFileLineAndColumn) {
  std::string file = toml_file("[server]\nworkers = 2\nlisten = \"127.0.0.1:80\n");
  ConfigError error = error_of(file);
  EXPECT_TRUE(error.source().starts_with(file + ":3:")) << error.what();
  EXPECT_EQ(error.key(), "");
  EXPECT_FALSE(error.problem().empty());
  EXPECT_EQ(std::string(error.what()), error.source() + ": " + error.problem());
}

TEST_F(ConfigLoaderTest, TomlValuesOfTheWrongTypeNameTheirPosition) {
  struct Case {
    std::string toml;
    std::string source_suffix;
    std::string key;
    std::string problem;
  };
  const std::vector<Case> cases = {
      {"[server]\nlisten = 8080\n", ":2:10", "server.listen", "expected a string, got 8080"},
      {"[server]\nworkers = \"two\"\n", ":2:11", "server.workers",
       "expected a non-negative integer, got \"two\""},
      {"[server]\nworkers = 1.5\n", ":2:11", "server.workers", "expected a non-negative integer, got 1.5"},
      {"[server]\nworkers = -1\n", ":2:11", "server.workers", "expected a non-negative integer, got -1"},
      {"[server]\nworkers = 5000000000\n", ":2:11", "server.workers",
       "5000000000 is too large (at most 4294967295)"},
      {"[ws]\ndeflate = \"true\"\n", ":2:11", "ws.deflate", "expected true or false, got \"true\""},
      {"[ws]\npublish_prefixes = \"chat.\"\n", ":2:20", "ws.publish_prefixes",
       "expected an array of strings, got \"chat.\""},
      {"[ws]\npublish_prefixes = [1]\n", ":2:20", "ws.publish_prefixes",
       "expected an array of strings, got [ 1 ]"},
      {"[history]\nttl = \"10s\"\n", ":2:7", "history.ttl",
       "expected a non-negative number of seconds, got \"10s\""},
      {"[history]\nttl = -1\n", ":2:7", "history.ttl", "expected a non-negative number of seconds, got -1"},
      {"[history]\nttl = -0.5\n", ":2:7", "history.ttl",
       "expected a non-negative number of seconds, got -0.5"},
      {"[history]\nttl = nan\n", ":2:7", "history.ttl", "expected a non-negative number of seconds, got nan"},
      {"[history]\nttl = inf\n", ":2:7", "history.ttl", "expected a non-negative number of seconds, got inf"},
      {"[history]\nttl = 2e9\n", ":2:7", "history.ttl", "2000000000.0 is too large (at most 1000000000)"},
      {"[server]\ncork_ms = -1\n", ":2:11", "server.cork_ms",
       "expected a non-negative number of milliseconds, got -1"},
      {"[server]\nlisten = { host = \"x\" }\n", ":2:10", "server.listen", "expected a string, got a table"},
  };
  for (const auto& c : cases) {
    std::string file = toml_file(c.toml);
    ConfigError error = error_of(file);
    EXPECT_EQ(error.source(), file + c.source_suffix) << c.toml;
    EXPECT_EQ(error.key(), c.key) << c.toml;
    EXPECT_EQ(error.problem(), c.problem) << c.toml;
  }
}

TEST_F(ConfigLoaderTest, DurationsAcceptFractionsAndZero) {
  Config config =
      load_config(toml_file("[history]\nttl = 0.001\n[sse]\nmax_lifetime = 0\nheartbeat = 1e3\n"), {});
  EXPECT_DOUBLE_EQ(config.history_ttl.count(), 0.001);
  EXPECT_DOUBLE_EQ(config.sse_max_lifetime.count(), 0);
  EXPECT_DOUBLE_EQ(config.sse_heartbeat.count(), 1000);
  set_env("HERALD_HISTORY_TTL", ".5");
  EXPECT_DOUBLE_EQ(load_config("", {}).history_ttl.count(), 0.5);
  set_env("HERALD_HISTORY_TTL", "1000000000");
  EXPECT_DOUBLE_EQ(load_config("", {}).history_ttl.count(), 1e9) << "the largest duration is accepted";
}

TEST_F(ConfigLoaderTest, BadDurationsFromText) {
  for (const char* text :
       {"-1", "-0.5", "nan", "NaN", "inf", "-inf", "infinity", "10s", "", " 1", "1 ", "0x10"}) {
    set_env("HERALD_SSE_HEARTBEAT", text);
    ConfigError error = error_of("");
    EXPECT_EQ(error.source(), "environment HERALD_SSE_HEARTBEAT") << text;
    EXPECT_EQ(error.key(), "sse.heartbeat");
    EXPECT_EQ(error.problem(),
              std::string("expected a non-negative number of seconds, got \"") + text + "\"");
  }
  set_env("HERALD_SSE_HEARTBEAT", "1e10");
  EXPECT_EQ(error_of("").problem(), "\"1e10\" is too large (at most 1000000000)");
}

TEST_F(ConfigLoaderTest, BadIntegersFromText) {
  for (const char* text : {"-5", "1.5", "12abc", "", "+3", " 7", "0x10"}) {
    set_env("HERALD_HISTORY_SIZE", text);
    ConfigError error = error_of("");
    EXPECT_EQ(error.source(), "environment HERALD_HISTORY_SIZE") << text;
    EXPECT_EQ(error.key(), "history.size");
    EXPECT_EQ(error.problem(), std::string("expected a non-negative integer, got \"") + text + "\"");
  }
  set_env("HERALD_HISTORY_SIZE", "99999999999999999999");
  EXPECT_EQ(error_of("").problem(), "\"99999999999999999999\" is too large (at most " +
                                        std::to_string(std::numeric_limits<std::size_t>::max()) + ")");
  set_env("HERALD_HISTORY_SIZE", "5");
  set_env("HERALD_SSE_RETRY_MS", "4294967296");
  EXPECT_EQ(error_of("").problem(), "\"4294967296\" is too large (at most 4294967295)");
}

TEST_F(ConfigLoaderTest, BadBooleanFromAFlag) {
  ConfigError error = error_of("", {{"ws.echo", "True"}});
  EXPECT_EQ(error.source(), "command line");
  EXPECT_EQ(error.key(), "ws.echo");
  EXPECT_EQ(error.problem(), "expected true or false, got \"True\"");
}

TEST_F(ConfigLoaderTest, UnknownKeysAndSectionsInTheFile) {
  std::string file = toml_file("[server]\nlisten = \"127.0.0.1:0\"\nlistn = \"x\"\n");
  ConfigError error = error_of(file);
  EXPECT_EQ(error.source(), file + ":3:1");
  EXPECT_EQ(error.key(), "server.listn");
  EXPECT_EQ(error.problem(), "unknown setting (did you mean server.listen?)");

  file = toml_file("[server]\ncolour = \"blue\"\n");
  EXPECT_EQ(error_of(file).problem(), "unknown setting") << "no hint when no key is close";

  file = toml_file("[sever]\n");
  error = error_of(file);
  EXPECT_EQ(error.source(), file + ":1:2");
  EXPECT_EQ(error.key(), "sever");
  EXPECT_EQ(error.problem(), "unknown section (did you mean [server]?)") << "even an empty unknown section";

  file = toml_file("[server.tls]\ncert = \"x\"\n");
  EXPECT_EQ(error_of(file).key(), "server.tls");
  EXPECT_EQ(error_of(file).problem(), "unknown setting");

  file = toml_file("history_size = 5\n");
  EXPECT_EQ(error_of(file).problem(), "a setting outside any [section]");
  file = toml_file("workers = 5\n");
  EXPECT_EQ(error_of(file).problem(), "a setting outside any [section] (did you mean server.workers?)");
  file = toml_file("max_channels = 5\n");
  EXPECT_EQ(error_of(file).problem(), "a setting outside any [section]")
      << "several sections have max_channels";
}

TEST_F(ConfigLoaderTest, NamespacesAreArraysOfTables) {
  std::string file = toml_file(
      "[[namespace]]\nprefix = \"public:\"\nanonymous_subscribe = true\n"
      "[[namespace]]\nprefix = \"room:\"\nclient_publish = true\n[auth]\nhmac_secret = \"s\"\n");
  Config config = load_config(file, {});
  ASSERT_EQ(config.namespaces.size(), 2u);
  EXPECT_EQ(config.namespaces[0].prefix, "public:");
  EXPECT_TRUE(config.namespaces[0].anonymous_subscribe);
  EXPECT_FALSE(config.namespaces[0].client_publish);
  EXPECT_EQ(config.namespaces[1].prefix, "room:");
  EXPECT_TRUE(config.namespaces[1].client_publish);
  EXPECT_EQ(config.auth_hmac_secret, "s");

  file = toml_file("[[namespace]]\nprefix = \"a\"\nclient_publsh = true\n");
  ConfigError error = error_of(file);
  EXPECT_EQ(error.source(), file + ":3:1");
  EXPECT_EQ(error.key(), "namespace.client_publsh");
  EXPECT_EQ(error.problem(), "unknown setting (did you mean namespace.client_publish?)");

  file = toml_file("[[namespace]]\nclient_publish = true\n");
  EXPECT_EQ(error_of(file).problem(), "every [[namespace]] needs a prefix");
  file = toml_file("[namespace]\nprefix = \"a\"\n");
  EXPECT_EQ(error_of(file).problem(), "write them as [[namespace]] tables");
  file = toml_file("[[namespace]]\nprefix = 5\n");
  EXPECT_EQ(error_of(file).key(), "namespace.prefix");
}

TEST_F(ConfigLoaderTest, NamespacesMayBoundHistoryAndSubscribers) {
  std::string file = toml_file(
      "[[namespace]]\nprefix = \"ticker:\"\nhistory_size = 5\nhistory_ttl = 1.5\nmax_subscribers = 3\n"
      "[[namespace]]\nprefix = \"chat:\"\nhistory_ttl = 0\n"
      "[[namespace]]\nprefix = \"plain:\"\n");
  Config config = load_config(file, {});
  ASSERT_EQ(config.namespaces.size(), 3u);
  EXPECT_EQ(config.namespaces[0].history_size, std::optional<std::size_t>(5));
  EXPECT_EQ(config.namespaces[0].history_ttl, std::optional<Seconds>(1.5));
  EXPECT_EQ(config.namespaces[0].max_subscribers, 3u);
  EXPECT_FALSE(config.namespaces[1].history_size.has_value()) << "unset: history.size applies";
  EXPECT_EQ(config.namespaces[1].history_ttl, std::optional<Seconds>(0));
  EXPECT_EQ(config.namespaces[1].max_subscribers, 0u) << "no limit";
  EXPECT_FALSE(config.namespaces[2].history_size || config.namespaces[2].history_ttl);
}

TEST_F(ConfigLoaderTest, NamespaceBoundsAreCheckedLikeTheGlobalKeys) {
  struct Bad {
    std::string line;
    std::string key;
    std::string problem;
  };
  const std::vector<Bad> cases = {
      {"history_size = 0", "namespace.history_size", "must be at least 1"},
      {"history_size = -3", "namespace.history_size", "expected a non-negative integer, got -3"},
      {"history_size = \"ten\"", "namespace.history_size", "expected a non-negative integer, got \"ten\""},
      {"history_ttl = -1", "namespace.history_ttl", "expected a non-negative number of seconds, got -1"},
      {"history_ttl = \"1s\"", "namespace.history_ttl",
       "expected a non-negative number of seconds, got \"1s\""},
      {"history_ttl = 1e12", "namespace.history_ttl", "1000000000000.0 is too large (at most 1000000000)"},
      {"max_subscribers = -1", "namespace.max_subscribers", "expected a non-negative integer, got -1"},
      {"max_subscribers = true", "namespace.max_subscribers", "expected a non-negative integer, got true"},
  };
  for (const auto& bad : cases) {
    std::string file = toml_file("[[namespace]]\nprefix = \"a:\"\n" + bad.line + "\n");
    ConfigError error = error_of(file);
    EXPECT_EQ(error.source(), file + ":3:" + std::to_string(bad.line.find('=') + 3)) << bad.line;
    EXPECT_EQ(error.key(), bad.key) << bad.line;
    EXPECT_EQ(error.problem(), bad.problem) << bad.line;
  }
  std::string file = toml_file("[[namespace]]\nprefix = \"a:\"\nmax_subscriber = 2\n");
  EXPECT_EQ(error_of(file).problem(), "unknown setting (did you mean namespace.max_subscribers?)");
}

TEST_F(ConfigLoaderTest, NamedApiKeysWithScopes) {
  std::string file = toml_file(
      "[[api_key]]\nname = \"backend\"\nkey = \"k1\"\n"
      "[[api_key]]\nname = \"prometheus\"\nkey = \"k2\"\nscopes = [\"metrics\"]\n[metrics]\nrequire_key = "
      "true\n");
  Config config = load_config(file, {});
  ASSERT_EQ(config.api_keys.size(), 2u);
  EXPECT_EQ(config.api_keys[0].name, "backend");
  EXPECT_TRUE(config.api_keys[0].publish);
  EXPECT_FALSE(config.api_keys[0].metrics);
  EXPECT_FALSE(config.api_keys[1].publish);
  EXPECT_TRUE(config.api_keys[1].metrics);
  EXPECT_TRUE(config.metrics_require_key);

  file = toml_file("[[api_key]]\nname = \"a\"\nkey = \"k\"\nscopes = [\"admin\"]\n");
  EXPECT_EQ(error_of(file).problem(), "unknown scope \"admin\" (known: publish, metrics)");
  EXPECT_EQ(error_of(file).key(), "api_key.scopes");
  file = toml_file("[[api_key]]\nname = \"a\"\n");
  EXPECT_EQ(error_of(file).problem(), "every [[api_key]] needs a key");
  file = toml_file("[[api_key]]\nname = \"a\"\nkey = \"1\"\n[[api_key]]\nname = \"a\"\nkey = \"2\"\n");
  EXPECT_EQ(error_of(file).problem(), "two keys are named \"a\"");
}

TEST_F(ConfigLoaderTest, TheFirstProblemInTheFileIsReported) {
  std::string file = toml_file("[server]\nworkers = -1\n[history]\nttl = -1\n");
  EXPECT_EQ(error_of(file).key(), "server.workers") << "file order, not the alphabetical order of sections";
  file = toml_file("[server]\nworkers = -1\nlisten = 1\n");
  EXPECT_EQ(error_of(file).key(), "server.workers");
}

TEST_F(ConfigLoaderTest, ChecksOfTheFinalValuesNameTheSourceThatGaveThem) {
  struct Case {
    std::string key;
    std::string value;
    std::string problem;
  };
  const std::vector<Case> cases = {
      {"server.listen", "nonsense", "\"nonsense\" is not HOST:PORT"},
      {"server.listen", "127.0.0.1:65536", "\"127.0.0.1:65536\" is not HOST:PORT"},
      {"server.listen", "127.0.0.1", "\"127.0.0.1\" is not HOST:PORT"},
      {"server.workers", "65", "65 is too large (at most 64)"},
      {"log.format", "xml", "expected \"text\" or \"json\", got \"xml\""},
      {"log.level", "loud", "unknown level \"loud\" (trace, debug, info, warn, error, critical, off)"},
      {"log.level", "warning", "unknown level \"warning\" (trace, debug, info, warn, error, critical, off)"},
      {"history.size", "0", "must be at least 1"},
      {"sse.max_channels", "0", "must be at least 1"},
      {"longpoll.max_messages", "0", "must be at least 1"},
      {"longpoll.max_channels", "0", "must be at least 1"},
  };
  for (const auto& c : cases) {
    ConfigError flag_error = error_of("", {{c.key, c.value}});
    EXPECT_EQ(flag_error.source(), "command line") << c.key << "=" << c.value;
    EXPECT_EQ(flag_error.key(), c.key);
    EXPECT_EQ(flag_error.problem(), c.problem);

    set_env(environment_variable(c.key), c.value);
    EXPECT_EQ(error_of("").source(), "environment " + environment_variable(c.key)) << c.key;
    unsetenv(environment_variable(c.key).c_str());
  }
  std::string file = toml_file("[log]\nformat = \"xml\"\n");
  EXPECT_EQ(error_of(file).source(), file + ":2:10");
}

TEST_F(ConfigLoaderTest, TlsSettingsAndTheirChecks) {
  Config config = load_config(toml_file("[tls]\nmin_version = \"1.3\"\n"), {});
  EXPECT_EQ(config.tls_min_version, "1.3");
  EXPECT_TRUE(config.tls_cert.empty());
  struct Case {
    ConfigOverrides flags;
    std::string key;
    std::string problem;
  };
  const std::vector<Case> cases = {
      {{{"tls.min_version", "1.1"}}, "tls.min_version", "expected \"1.2\" or \"1.3\", got \"1.1\""},
      {{{"tls.cert", "cert.pem"}}, "tls.cert", "needs tls.key too"},
      {{{"tls.key", "key.pem"}}, "tls.key", "needs tls.cert too"},
      {{{"tls.listen", "127.0.0.1:8443"}}, "tls.listen", "needs tls.cert and tls.key"},
      {{{"tls.cert", "/nonexistent/cert.pem"}, {"tls.key", "/nonexistent/key.pem"}},
       "tls.cert",
       "/nonexistent/cert.pem: cannot read it: No such file or directory"},
  };
  for (const auto& c : cases) {
    ConfigError error = error_of("", c.flags);
    EXPECT_EQ(error.source(), "command line");
    EXPECT_EQ(error.key(), c.key);
    EXPECT_EQ(error.problem(), c.problem);
  }
}

TEST_F(ConfigLoaderTest, EveryDocumentedLogLevelIsAccepted) {
  for (const char* level : {"trace", "debug", "info", "warn", "error", "critical", "off"})
    EXPECT_EQ(load_config("", {{"log.level", level}}).log_level, level);
}

TEST_F(ConfigLoaderTest, ListenAddressForms) {
  for (const char* address : {"127.0.0.1:8080", "0.0.0.0:80", "[::1]:8080", "localhost:0"})
    EXPECT_EQ(load_config("", {{"server.listen", address}}).listen, address);
}

TEST_F(ConfigLoaderTest, TextIsLoadedLikeAFileWithoutEnvironmentOrFlags) {
  set_env("HERALD_SERVER_WORKERS", "7");
  Config config =
      load_config_text("[server]\nlisten = \"127.0.0.1:9001\"\n[ws]\ndeflate = true\n", "text.toml");
  EXPECT_EQ(config.listen, "127.0.0.1:9001");
  EXPECT_TRUE(config.ws_deflate);
  EXPECT_EQ(config.workers, Config{}.workers) << "the environment is not read";
  try {
    load_config_text("[log]\nformat = \"xml\"\n", "text.toml");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.source(), "text.toml:2:10");
    EXPECT_EQ(error.key(), "log.format");
  }
}

TEST_F(ConfigLoaderTest, PerAddressLimitsAndTrustedProxies) {
  Config config = load_config_text(
      "[http]\ntrusted_proxies = [\"10.0.0.0/8\", \"::1\"]\n"
      "[limits]\nconnections_per_ip = 20\nconnection_rate_per_ip = 2.5\npublish_rate_per_ip = 10\n"
      "command_burst_per_ip = 40\nipv6_prefix = 56\n",
      "limits.toml");
  EXPECT_EQ(config.trusted_proxies, (std::vector<std::string>{"10.0.0.0/8", "::1"}));
  EXPECT_EQ(config.connections_per_ip, 20u);
  EXPECT_DOUBLE_EQ(config.connection_rate_per_ip.per_second, 2.5);
  EXPECT_DOUBLE_EQ(config.publish_rate_per_ip.per_second, 10);
  EXPECT_DOUBLE_EQ(config.command_rate_per_ip.per_second, 0) << "off unless set";
  EXPECT_EQ(config.command_burst_per_ip, 40u);
  EXPECT_EQ(config.ipv6_prefix, 56u);
  EXPECT_DOUBLE_EQ(load_config("", {{"limits.command_rate_per_ip", "0.5"}}).command_rate_per_ip.per_second,
                   0.5);

  auto error_of = [](const std::string& text) -> std::string {
    try {
      load_config_text(text, "bad.toml");
    } catch (const ConfigError& error) {
      return error.key() + ": " + error.what();
    }
    return "no error";
  };
  EXPECT_NE(error_of("[limits]\npublish_rate_per_ip = -1\n").find("limits.publish_rate_per_ip"),
            std::string::npos);
  EXPECT_NE(error_of("[limits]\npublish_rate_per_ip = \"fast\"\n").find("non-negative number"),
            std::string::npos);
  EXPECT_NE(error_of("[limits]\nipv6_prefix = 0\n").find("limits.ipv6_prefix"), std::string::npos);
  EXPECT_NE(error_of("[http]\ntrusted_proxies = [\"10.0.0.0/33\"]\n").find("not an IP address or CIDR"),
            std::string::npos);
  EXPECT_EQ(error_of("[http]\ntrusted_proxies = [\"192.168.0.0/16\"]\n"), "no error");
}

TEST_F(ConfigLoaderTest, TurnSettingsAndIceServers) {
  Config config = load_config_text(
      "[turn]\nlisten = \"127.0.0.1:3478\"\nsecret = \"s\"\nrelay_ports = \"50000-50010\"\n"
      "allow_peers = [\"127.0.0.0/8\"]\nmax_allocations_per_user = 3\nbandwidth_per_allocation = 0\n"
      "[[ice_server]]\nurls = [\"turn:turn.example.test:3478\"]\nsecret = \"fleet\"\n"
      "[[ice_server]]\nurls = [\"stun:stun.example.test\"]\n",
      "turn.toml");
  EXPECT_EQ(config.turn_listen, "127.0.0.1:3478");
  EXPECT_EQ(config.turn_relay_ports, "50000-50010");
  EXPECT_EQ(config.turn_allow_peers, (std::vector<std::string>{"127.0.0.0/8"}));
  EXPECT_EQ(config.turn_max_allocations_per_user, 3u);
  EXPECT_EQ(config.turn_bandwidth_per_allocation, 0u);
  ASSERT_EQ(config.ice_servers.size(), 2u);
  EXPECT_EQ(config.ice_servers[0].secret, "fleet");
  EXPECT_EQ(config.ice_servers[1].urls, (std::vector<std::string>{"stun:stun.example.test"}));
  EXPECT_EQ(load_config("", {{"turn.listen", "[::1]:3478"}, {"turn.secret", "s"}}).turn_listen, "[::1]:3478");

  auto problem = [](const std::string& text) -> std::string {
    try {
      load_config_text(text, "bad.toml");
    } catch (const ConfigError& error) {
      return error.key() + ": " + error.problem();
    }
    return "no error";
  };
  EXPECT_EQ(problem("[turn]\nsecret = \"s\"\n"), "no error");  // off without listen
  EXPECT_NE(problem("[turn]\nlisten = \"127.0.0.1:3478\"\n").find("turn.secret"), std::string::npos);
  EXPECT_NE(problem("[turn]\nlisten = \"127.0.0.1:0\"\nsecret = \"s\"\n").find("turn.listen"),
            std::string::npos);
  EXPECT_NE(problem("[turn]\nlisten = \"0.0.0.0:3478\"\nsecret = \"s\"\n").find("turn.relay_address"),
            std::string::npos);
  EXPECT_NE(problem("[turn]\nlisten = \"0.0.0.0:3478\"\nsecret = \"s\"\nrelay_address = \"10.0.0.1\"\n")
                .find("turn.public_host"),
            std::string::npos);
  EXPECT_NE(problem("[turn]\nlisten = \"127.0.0.1:3478\"\nsecret = \"s\"\nrelay_ports = \"9-1\"\n")
                .find("turn.relay_ports"),
            std::string::npos);
  EXPECT_NE(problem("[turn]\nlisten = \"127.0.0.1:3478\"\nsecret = \"s\"\nallow_peers = [\"x\"]\n")
                .find("turn.allow_peers"),
            std::string::npos);
  EXPECT_NE(problem("[[ice_server]]\nusername = \"u\"\n").find("needs urls"), std::string::npos);
  EXPECT_NE(problem("[[ice_server]]\nurls = [\"http://x\"]\n").find("not a stun:"), std::string::npos);
  EXPECT_NE(problem("[[ice_server]]\nurls = [\"turn:x\"]\nsecret = \"s\"\nusername = \"u\"\n").find("either"),
            std::string::npos);
  EXPECT_NE(problem("[[ice_server]]\nurls = [\"turn:x\"]\nusername = \"u\"\n").find("go together"),
            std::string::npos);
  EXPECT_NE(problem("[[ice_server]]\nurls = [\"turn:x\"]\npasword = \"u\"\n").find("unknown setting"),
            std::string::npos);
}

}  // namespace
}  // namespace herald
