// herald.v1 client sessions without a transport: commands in, replies and pushes out, on a real worker
// (its event loop polled by the test) over the memory engine, or an engine that fails on purpose.
#include "session/client_session.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "engine/memory/memory_engine.hpp"
#include "protocol/jwt/jwt_minter.hpp"

namespace herald {
namespace {
namespace json = boost::json;

// The memory engine, but history reads fail with `failure` once `fail_history` is set (unavailable: as
// an engine that lost its connection would; rejected: as one that refuses the channel).
class FlakyEngine final : public Engine {
 public:
  explicit FlakyEngine(boost::asio::any_io_executor executor) : inner_({executor}, MemoryEngineConfig{}) {}
  void attach(WorkerId worker, EngineEvents& events) override { inner_.attach(worker, events); }
  void start() override {}
  void stop() override {}
  void publish(WorkerId from, PublishRequest request, PublishCompletion done) override {
    inner_.publish(from, std::move(request), std::move(done));
  }
  void history(WorkerId from, HistoryRequest request, HistoryCompletion done) override {
    if (!fail_history) return inner_.history(from, std::move(request), std::move(done));
    inner_.history(from, std::move(request), [this, done = std::move(done)](HistoryOutcome) mutable {
      std::move(done)(HistoryOutcome{failure, "engine trouble", {}, {}, {}, false});
    });
  }
  void watch(WorkerId worker, std::string channel, WatchCompletion done) override {
    inner_.watch(worker, std::move(channel), std::move(done));
  }
  void unwatch(WorkerId worker, std::string channel) override { inner_.unwatch(worker, std::move(channel)); }
  void join(WorkerId from, std::string channel, PresenceClient client, PresenceCompletion done) override {
    inner_.join(from, std::move(channel), std::move(client), std::move(done));
  }
  void leave(WorkerId from, std::string channel, std::string client_id) override {
    inner_.leave(from, std::move(channel), std::move(client_id));
  }
  void presence(WorkerId from, std::string channel, PresenceCompletion done) override {
    inner_.presence(from, std::move(channel), std::move(done));
  }
  std::chrono::milliseconds position_check_interval() const override { return {}; }
  bool ready() const override { return true; }
  std::string description() const override { return "flaky engine"; }
  std::size_t channel_count() const override { return inner_.channel_count(); }

  bool fail_history = false;
  EngineStatus failure = EngineStatus::unavailable;

 private:
  MemoryEngine inner_;
};

class Recorder final : public ClientOutput {
 public:
  void send_text(std::string text) override { texts.push_back(json::parse(text)); }
  void send_message(const MessagePtr& message) override {
    texts.push_back(json::parse("{\"op\":\"message\"," + message->envelope.substr(1)));
  }
  void output_ready() override { ++ready; }
  std::shared_ptr<void> keep_alive() override { return alive; }

  std::vector<json::value> texts;
  int ready = 0;
  std::shared_ptr<int> alive = std::make_shared<int>(0);
};

class ClientSessionTest : public ::testing::Test {
 protected:
  ClientSessionTest() : state(config), worker(0, state), engine(worker.context().get_executor()) {
    state.engine = &engine;
    worker.attach(engine);
  }
  void allow_publishing() { config.ws_publish_prefixes = {"chat."}; }
  // Connection tokens signed with `secret` become required.
  void require_tokens(const std::string& secret) {
    config.auth_hmac_secret = secret;
    access.emplace(config);
  }

  void run() {
    worker.context().restart();
    worker.context().poll();
  }
  // Runs a command and everything it sets off; returns what the session said meanwhile.
  std::vector<json::value> command(ClientSession& session, const std::string& text) {
    std::size_t before = output.texts.size();
    session.run(text);
    run();
    return {output.texts.begin() + static_cast<std::ptrdiff_t>(before), output.texts.end()};
  }

  Config config;
  std::optional<Access> access{config};
  ServerState state;
  Worker worker;
  FlakyEngine engine;
  Recorder output;
};

TEST_F(ClientSessionTest, PingIsAnsweredWithItsId) {
  ClientSession session(worker, output, *access, {});
  auto said = command(session, R"({"id":"p1","op":"ping"})");
  ASSERT_EQ(said.size(), 1u);
  EXPECT_EQ(said[0], json::parse(R"({"id":"p1","ok":true})"));
}

TEST_F(ClientSessionTest, ABadCommandGetsAnErrorReplyAndTheSessionGoesOn) {
  ClientSession session(worker, output, *access, {});
  auto said = command(session, R"({"id":7,"op":"fly"})");
  ASSERT_EQ(said.size(), 1u);
  EXPECT_EQ(said[0].at("id"), 7);
  EXPECT_EQ(said[0].at("ok"), false);
  EXPECT_EQ(said[0].at("error").at("code"), "unknown_op");
  EXPECT_EQ(command(session, R"({"id":8,"op":"ping"})").size(), 1u);
}

TEST_F(ClientSessionTest, SubscribeRepliesThenPushesMessagesInOrder) {
  allow_publishing();
  ClientSession session(worker, output, *access, {});
  auto said = command(session, R"({"id":1,"op":"subscribe","channel":"chat.room"})");
  ASSERT_EQ(said.size(), 1u);
  EXPECT_EQ(said[0].at("id"), 1);
  EXPECT_EQ(said[0].at("ok"), true);
  EXPECT_EQ(said[0].at("recovered"), false);
  said = command(session, R"({"id":2,"op":"publish","channel":"chat.room","data":{"n":1}})");
  ASSERT_EQ(said.size(), 2u);  // the push and the publish reply, in either order
  int pushes = 0;
  for (const auto& text : said) {
    if (text.as_object().contains("op")) {
      ++pushes;
      EXPECT_EQ(text.at("offset"), 1);
      EXPECT_EQ(text.at("data").at("n"), 1);
    } else {
      EXPECT_EQ(text.at("id"), 2);
      EXPECT_EQ(text.at("offset"), 1);
    }
  }
  EXPECT_EQ(pushes, 1);
  EXPECT_GT(output.ready, 0);
  EXPECT_EQ(session.subscription_count(), 1u);
}

TEST_F(ClientSessionTest, PublishingNeedsAPermittedChannel) {
  ClientSession session(worker, output, *access, {});
  auto said = command(session, R"({"id":3,"op":"publish","channel":"chat.room","data":1})");
  ASSERT_EQ(said.size(), 1u);
  EXPECT_EQ(said[0].at("error").at("code"), "forbidden");
}

TEST_F(ClientSessionTest, HistoryAnswersWithTheMessagesAndTheCursor) {
  allow_publishing();
  ClientSession session(worker, output, *access, {});
  command(session, R"({"id":1,"op":"publish","channel":"chat.a","data":"x"})");
  command(session, R"({"id":2,"op":"publish","channel":"chat.a","data":"y"})");
  auto said = command(session, R"({"id":3,"op":"history","channel":"chat.a"})");
  ASSERT_EQ(said.size(), 1u);
  EXPECT_EQ(said[0].at("id"), 3);
  ASSERT_EQ(said[0].at("messages").as_array().size(), 2u);
  EXPECT_EQ(said[0].at("messages").at(1).at("data"), "y");
}

TEST_F(ClientSessionTest, UnsubscribingBeforeTheSubscriptionStartsCancelsIt) {
  ClientSession session(worker, output, *access, {});
  session.run(R"({"id":1,"op":"subscribe","channel":"a"})");
  auto said = command(session, R"({"id":2,"op":"unsubscribe","channel":"a"})");
  ASSERT_EQ(said.size(), 2u);
  EXPECT_EQ(said[0].at("id"), 1);
  EXPECT_EQ(said[0].at("error").at("code"), "cancelled");
  EXPECT_EQ(said[1], json::parse(R"({"id":2,"ok":true})"));
  EXPECT_EQ(session.subscription_count(), 0u);
}

TEST_F(ClientSessionTest, ASubscriptionTheEngineRefusesEndsWithItsSubscribesId) {
  ClientSession session(worker, output, *access, {});
  command(session, R"({"id":"sub-1","op":"subscribe","channel":"chat.x"})");
  engine.fail_history = true;
  engine.failure = EngineStatus::rejected;
  // A hole in the live flow sends the feed back to history, which now refuses.
  worker.hub().on_message(make_message("chat.x", "zzzzzzzz", 5, 0, "message", "1"));
  run();
  ASSERT_FALSE(output.texts.empty());
  const json::value& last = output.texts.back();
  EXPECT_EQ(last.at("id"), "sub-1");
  EXPECT_EQ(last.at("ok"), false);
  EXPECT_EQ(last.at("error").at("code"), "unavailable");
  EXPECT_EQ(session.subscription_count(), 0u);
  session.release_retired();
}

TEST_F(ClientSessionTest, ASubscriptionOutlivesAnUnavailableEngineAndCatchesUp) {
  allow_publishing();
  ClientSession session(worker, output, *access, {});
  command(session, R"({"id":1,"op":"subscribe","channel":"chat.y"})");
  command(session, R"({"id":2,"op":"publish","channel":"chat.y","data":1})");
  engine.fail_history = true;  // unavailable
  Cursor first = {};
  for (const auto& text : output.texts)
    if (text.as_object().contains("op")) first = Cursor{std::string(text.at("epoch").as_string()), 1};
  // Message 3 arrives while message 2 was lost: the read that would fill the hole fails.
  worker.hub().on_message(make_message("chat.y", first.epoch, 3, 0, "message", "3"));
  run();
  EXPECT_EQ(session.subscription_count(), 1u) << "the subscription stays";
  EXPECT_FALSE(output.texts.back().as_object().contains("error"));
  // The engine is back: the next position check repairs the hole with what history holds.
  engine.fail_history = false;
  command(session, R"({"id":3,"op":"publish","channel":"chat.y","data":2})");
  command(session, R"({"id":4,"op":"publish","channel":"chat.y","data":3})");
  std::vector<std::int64_t> offsets;
  for (const auto& text : output.texts)
    if (text.as_object().contains("op")) offsets.push_back(text.at("offset").to_number<std::int64_t>());
  EXPECT_EQ(offsets, (std::vector<std::int64_t>{1, 2, 3}));
}

// Subscriber limits ([[namespace]] max_subscribers) count the subscriptions of every session.
class ClientSessionLimitTest : public ClientSessionTest {
 protected:
  ClientSessionLimitTest() {
    Namespace limited;
    limited.prefix = "few:";
    limited.max_subscribers = 2;
    config.namespaces = {limited};
  }
  std::string subscribe(ClientSession& session, int id, const std::string& channel) {
    auto said = command(
        session, R"({"id":)" + std::to_string(id) + R"(,"op":"subscribe","channel":")" + channel + "\"}");
    if (said.size() != 1u) return "replies: " + std::to_string(said.size());
    if (said[0].at("ok") == true) return "ok";
    return std::string(said[0].at("error").at("code").as_string());
  }
};

TEST_F(ClientSessionLimitTest, TheSubscriberOverTheLimitGetsChannelFullAndTheSessionGoesOn) {
  ClientSession first(worker, output, *access, {});
  ClientSession second(worker, output, *access, {});
  ClientSession third(worker, output, *access, {});
  EXPECT_EQ(subscribe(first, 1, "few:a"), "ok");
  EXPECT_EQ(subscribe(second, 1, "few:a"), "ok");
  auto said = command(third, R"({"id":7,"op":"subscribe","channel":"few:a"})");
  ASSERT_EQ(said.size(), 1u);
  EXPECT_EQ(said[0].at("id"), 7);
  EXPECT_EQ(said[0].at("ok"), false);
  EXPECT_EQ(said[0].at("error").at("code"), "channel_full");
  std::string message(said[0].at("error").at("message").as_string());
  EXPECT_NE(message.find("few:a"), std::string::npos) << message;
  EXPECT_NE(message.find('2'), std::string::npos) << message;
  EXPECT_EQ(third.subscription_count(), 0u);
  EXPECT_EQ(subscribe(third, 8, "few:b"), "ok") << "another channel of the namespace has its own count";
  EXPECT_EQ(subscribe(third, 9, "many"), "ok") << "a channel without a limit";
  EXPECT_EQ(command(third, R"({"id":10,"op":"ping"})").size(), 1u);
  EXPECT_EQ(state.subscribers.count("few:a"), 2u);
  std::string metrics = render_metrics({&worker.metrics()}, engine, 0);
  EXPECT_NE(metrics.find("herald_subscribe_refused_total{reason=\"channel_full\"} 1\n"), std::string::npos)
      << metrics;
}

TEST_F(ClientSessionLimitTest, APlaceIsFreeAgainHoweverTheSubscriptionEnds) {
  ClientSession first(worker, output, *access, {});
  ClientSession second(worker, output, *access, {});
  ClientSession waiting(worker, output, *access, {});
  EXPECT_EQ(subscribe(first, 1, "few:a"), "ok");
  EXPECT_EQ(subscribe(second, 1, "few:a"), "ok");
  EXPECT_EQ(subscribe(waiting, 1, "few:a"), "channel_full");
  command(first, R"({"id":2,"op":"unsubscribe","channel":"few:a"})");
  EXPECT_EQ(subscribe(waiting, 2, "few:a"), "ok") << "after an unsubscribe";
  EXPECT_EQ(subscribe(first, 3, "few:a"), "channel_full");
  second.end();  // the connection ended (closed, slow consumer, token expired, shutdown)
  EXPECT_EQ(subscribe(first, 4, "few:a"), "ok") << "after the end of a session";
  EXPECT_EQ(state.subscribers.count("few:a"), 2u);
  {
    ClientSession brief(worker, output, *access, {});
    EXPECT_EQ(subscribe(brief, 1, "few:c"), "ok");
  }
  EXPECT_EQ(state.subscribers.count("few:c"), 0u) << "a destroyed session gives its places back";
  // A subscription the engine refuses gives its place back too.
  engine.fail_history = true;
  engine.failure = EngineStatus::rejected;
  EXPECT_EQ(subscribe(first, 5, "few:d"), "unavailable");
  EXPECT_EQ(state.subscribers.count("few:d"), 0u);
  first.release_retired();
}

TEST_F(ClientSessionTest, AnEndedSessionSaysNothingMore) {
  allow_publishing();
  ClientSession session(worker, output, *access, {});
  command(session, R"({"id":1,"op":"subscribe","channel":"chat.y"})");
  session.run(R"({"id":2,"op":"history","channel":"chat.y"})");
  session.end();
  std::size_t before = output.texts.size();
  run();
  EXPECT_EQ(output.texts.size(), before) << "the history answer arriving after the end is dropped";
  EXPECT_EQ(session.subscription_count(), 0u);
  session.run(R"({"id":3,"op":"ping"})");
  EXPECT_EQ(output.texts.size(), before);
}

// Tokens: a session is anonymous or holds a token; subscribe and publish follow its claims.
std::string token_for(const std::string& secret, json::object claims) {
  return mint_jwt(JwtKey::hmac(secret), claims);
}

Identity identity_of(const Access& access, const std::string& token) {
  return std::get<Identity>(access.identify_token(token));
}

TEST_F(ClientSessionTest, WithTokensAnAnonymousClientMayNotSubscribe) {
  require_tokens("k");
  ClientSession session(worker, output, *access, {});
  auto said = command(session, R"({"id":1,"op":"subscribe","channel":"chat:a"})");
  ASSERT_EQ(said.size(), 1u);
  EXPECT_EQ(said[0].at("error").at("code"), "token_required");
  EXPECT_EQ(session.subscription_count(), 0u);
}

TEST_F(ClientSessionTest, ATokenAllowsTheChannelsItNamesOnly) {
  require_tokens("k");
  auto token = token_for("k", {{"sub", "u1"}, {"channels", json::array{"chat:*"}}});
  ClientSession session(worker, output, *access, identity_of(*access, token));
  auto ok = command(session, R"({"id":1,"op":"subscribe","channel":"chat:a"})");
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok[0].at("ok"), true);
  auto refused = command(session, R"({"id":2,"op":"subscribe","channel":"admin.x"})");
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].at("error").at("code"), "forbidden_channel");
  auto history = command(session, R"({"id":3,"op":"history","channel":"admin.x"})");
  EXPECT_EQ(history[0].at("error").at("code"), "forbidden_channel");
  auto publish = command(session, R"({"id":4,"op":"publish","channel":"chat:a","data":1})");
  EXPECT_EQ(publish[0].at("error").at("code"), "forbidden");
}

TEST_F(ClientSessionTest, ThePublishClaimAllowsPublishing) {
  require_tokens("k");
  auto token = token_for("k", {{"channels", json::array{"chat:*"}}, {"publish", json::array{"chat:a"}}});
  ClientSession session(worker, output, *access, identity_of(*access, token));
  auto said = command(session, R"({"id":1,"op":"publish","channel":"chat:a","data":1})");
  ASSERT_EQ(said.size(), 1u);
  EXPECT_EQ(said[0].at("ok"), true);
  EXPECT_EQ(
      command(session, R"({"id":2,"op":"publish","channel":"chat:b","data":1})")[0].at("error").at("code"),
      "forbidden");
}

TEST_F(ClientSessionTest, ANamespaceMayAllowAnonymousSubscribersAndClientPublishing) {
  Namespace open;
  open.prefix = "public:";
  open.anonymous_subscribe = true;
  open.client_publish = true;
  config.namespaces = {open};
  require_tokens("k");
  ClientSession session(worker, output, *access, {});
  auto subscribed = command(session, R"({"id":1,"op":"subscribe","channel":"public:news"})");
  ASSERT_EQ(subscribed.size(), 1u);
  EXPECT_EQ(subscribed[0].at("ok"), true) << subscribed[0];
  auto published = command(session, R"({"id":2,"op":"publish","channel":"public:other","data":1})");
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published[0].at("ok"), true) << published[0];
  auto refused = command(session, R"({"id":3,"op":"publish","channel":"private:x","data":1})");
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].at("ok"), false) << refused[0];
  EXPECT_EQ(refused[0].at("error").at("code"), "token_required");
}

TEST_F(ClientSessionTest, RefreshReplacesTheTokenWhenItStillAllowsEverySubscription) {
  require_tokens("k");
  auto soon = static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count()) -
              25;  // within the 30 s leeway: valid, but about to expire
  auto first = token_for("k", {{"channels", json::array{"chat:*"}}, {"exp", soon}});
  ClientSession session(worker, output, *access, identity_of(*access, first));
  ASSERT_EQ(command(session, R"({"id":1,"op":"subscribe","channel":"chat:a"})")[0].at("ok"), true);
  EXPECT_FALSE(session.token_expired(std::chrono::system_clock::now()));
  EXPECT_TRUE(session.token_expired(std::chrono::system_clock::now() + std::chrono::seconds(10)));

  auto narrower = token_for("k", {{"channels", json::array{"news"}}});
  auto refused = command(session, R"({"id":2,"op":"refresh","token":")" + narrower + R"("})");
  EXPECT_EQ(refused[0].at("error").at("code"), "forbidden_channel");
  auto forged = command(session, R"({"id":3,"op":"refresh","token":")" + token_for("other", {}) + R"("})");
  EXPECT_EQ(forged[0].at("error").at("code"), "invalid_token");
  EXPECT_TRUE(session.token_expired(std::chrono::system_clock::now() + std::chrono::seconds(10)));

  auto fresh = token_for("k", {{"channels", json::array{"chat:*"}}});
  EXPECT_EQ(command(session, R"({"id":4,"op":"refresh","token":")" + fresh + R"("})")[0].at("ok"), true);
  EXPECT_FALSE(session.token_expired(std::chrono::system_clock::now() + std::chrono::hours(24)));
  EXPECT_EQ(session.subscription_count(), 1u);
}

// Signaling rooms: channels of a namespace with presence; peers, signals and their limits.
class ClientSessionRoomTest : public ClientSessionTest {
 protected:
  ClientSessionRoomTest() {
    Namespace rooms;
    rooms.prefix = "call:";
    rooms.presence = true;
    config.namespaces = {rooms};
    config.signaling_max_peers = 2;
    config.signaling_max_signal_bytes = 64;
  }
  // The pushes (frames without an id) of `op` among `said`.
  static std::vector<json::value> pushes(const std::vector<json::value>& said, std::string_view op) {
    std::vector<json::value> out;
    for (const auto& frame : said)
      if (!frame.as_object().contains("id") && frame.at("op") == json::string(op)) out.push_back(frame);
    return out;
  }
  static const json::value* reply(const std::vector<json::value>& said, int id) {
    for (const auto& frame : said)
      if (frame.as_object().contains("id") && frame.at("id") == id) return &frame;
    return nullptr;
  }
  std::string join(ClientSession& session, int id, const std::string& room) {
    auto said =
        command(session, R"({"id":)" + std::to_string(id) + R"(,"op":"join","room":")" + room + "\"}");
    const json::value* answer = reply(said, id);
    if (answer == nullptr) return "no reply";
    if (answer->at("ok") == true) return std::string(answer->at("you").as_string());
    return "error " + std::string(answer->at("error").at("code").as_string());
  }
};

TEST_F(ClientSessionRoomTest, JoinListsThePeersAndTellsThemOfTheNewcomer) {
  ClientSession ann(worker, output, *access, {});
  ClientSession bob(worker, output, *access, {});
  std::string ann_id = join(ann, 1, "call:r");
  ASSERT_EQ(ann_id, ann.client_id());
  auto said = command(bob, R"({"id":2,"op":"join","room":"call:r","info":{"name":"Bob"}})");
  const json::value* answer = reply(said, 2);
  ASSERT_NE(answer, nullptr);
  EXPECT_EQ(answer->at("you"), json::value(bob.client_id()));
  ASSERT_EQ(answer->at("peers").as_array().size(), 1u);
  EXPECT_EQ(answer->at("peers").at(0).at("id"), json::value(ann_id));
  auto joined = pushes(said, "peer_joined");  // both sessions write to the same recorder
  ASSERT_EQ(joined.size(), 1u) << "ann hears of bob; bob hears of nobody";
  EXPECT_EQ(joined[0].at("peer").at("id"), json::value(bob.client_id()));
  EXPECT_EQ(joined[0].at("peer").at("info").at("name"), "Bob");
  auto left = command(bob, R"({"id":3,"op":"leave","room":"call:r"})");
  ASSERT_EQ(pushes(left, "peer_left").size(), 1u);
  EXPECT_EQ(pushes(left, "peer_left")[0].at("peer").at("id"), json::value(bob.client_id()));
}

TEST_F(ClientSessionRoomTest, ASignalReachesItsPeerOnly) {
  ClientSession ann(worker, output, *access, {});
  ClientSession bob(worker, output, *access, {});
  ClientSession eve(worker, output, *access, {});
  join(ann, 1, "call:r");
  std::string bob_id = join(bob, 1, "call:r");
  join(eve, 1, "call:other");
  auto said =
      command(ann, R"({"id":5,"op":"signal","room":"call:r","to":")" + bob_id + R"(","data":{"sdp":"v=0"}})");
  ASSERT_NE(reply(said, 5), nullptr);
  EXPECT_EQ(reply(said, 5)->at("ok"), true);
  auto signals = pushes(said, "signal");
  ASSERT_EQ(signals.size(), 1u);
  EXPECT_EQ(signals[0], json::parse(R"({"op":"signal","room":"call:r","from":")" + ann.client_id() +
                                    R"(","data":{"sdp":"v=0"}})"));
  auto foreign =
      command(eve, R"({"id":6,"op":"signal","room":"call:other","to":")" + bob_id + R"(","data":1})");
  EXPECT_EQ(reply(foreign, 6)->at("error").at("code"), "unknown_peer");
  auto not_in = command(eve, R"({"id":7,"op":"signal","room":"call:r","to":")" + bob_id + R"(","data":1})");
  EXPECT_EQ(reply(not_in, 7)->at("error").at("code"), "not_joined");
  EXPECT_TRUE(pushes(foreign, "signal").empty());
  EXPECT_TRUE(pushes(not_in, "signal").empty());
  auto big = command(ann, R"({"id":8,"op":"signal","room":"call:r","to":")" + bob_id + R"(","data":")" +
                              std::string(100, 'x') + "\"}");
  EXPECT_EQ(reply(big, 8)->at("error").at("code"), "too_large");
}

TEST_F(ClientSessionRoomTest, TheRoomIsForTheFirstMaxPeers) {
  ClientSession one(worker, output, *access, {});
  ClientSession two(worker, output, *access, {});
  ClientSession three(worker, output, *access, {});
  EXPECT_EQ(join(one, 1, "call:r").size(), 32u);
  EXPECT_EQ(join(two, 1, "call:r").size(), 32u);
  auto said = command(three, R"({"id":1,"op":"join","room":"call:r"})");
  ASSERT_NE(reply(said, 1), nullptr);
  EXPECT_EQ(reply(said, 1)->at("error").at("code"), "room_full");
  run();
  EXPECT_TRUE(pushes(said, "peer_joined").empty()) << "the members never hear of a refused joiner";
  EXPECT_TRUE(pushes(said, "peer_left").empty());
  EXPECT_EQ(three.subscription_count(), 0u);
  two.end();
  run();
  EXPECT_EQ(join(three, 2, "call:r").size(), 32u) << "a place is free again";
}

TEST_F(ClientSessionRoomTest, RoomsNeedPresenceAndAreNotSubscriptions) {
  ClientSession ann(worker, output, *access, {});
  EXPECT_EQ(join(ann, 1, "plain"), "error presence_disabled");
  join(ann, 2, "call:r");
  EXPECT_EQ(join(ann, 3, "call:r"), "error already_joined");
  auto sub = command(ann, R"({"id":4,"op":"subscribe","channel":"call:r"})");
  EXPECT_EQ(reply(sub, 4)->at("error").at("code"), "already_subscribed");
  auto unsub = command(ann, R"({"id":5,"op":"unsubscribe","channel":"call:r"})");
  EXPECT_EQ(reply(unsub, 5)->at("error").at("code"), "not_subscribed") << "a room is left with leave";
  auto leave = command(ann, R"({"id":6,"op":"leave","room":"call:x"})");
  EXPECT_EQ(reply(leave, 6)->at("error").at("code"), "not_joined");
}

}  // namespace
}  // namespace herald
