// Long polling (GET /api/lp): answers as soon as at least one message after the client's position exists
// on one of its channels (or a gap applies), else after the timeout with no messages and the same
// position. While it waits it follows each channel through a ChannelFeed, so a message published between
// two polls is never missed. One poll may follow several channels (one resume token for all of them), so
// that a client needs one connection however many channels it follows.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <optional>

#include "auth/access.hpp"
#include "protocol/http/poll_api.hpp"
#include "pubsub/channel_feed.hpp"
#include "runtime/worker.hpp"

namespace herald {

class LongPollWait final : public FeedSink, public std::enable_shared_from_this<LongPollWait> {
 public:
  LongPollWait(Worker& worker, LongPollParams params);

  // Ends the wait now (a message arrived, the client left, or the server shuts down).
  void finish();
  bool finished() const { return finished_; }
  void client_left() {
    client_gone_ = true;
    finish();
  }
  bool client_gone() const { return client_gone_; }

  boost::asio::awaitable<void> wait();
  HttpResponse response() const;

  void on_feed_message(ChannelFeed& feed, const MessagePtr& message) override {
    parts_[feed.index].messages.push_back(message);
  }
  void on_feed_gap(ChannelFeed& feed, const Gap& gap) override { parts_[feed.index].gap = gap; }
  void on_feed_ready(ChannelFeed&) override;
  void on_feed_failed(ChannelFeed&, const std::string& reason) override;

 private:
  // What one channel of the poll has gathered.
  struct Part {
    std::unique_ptr<ChannelFeed> feed;
    std::optional<ResumePoint> since;
    std::vector<MessagePtr> messages;
    std::optional<Gap> gap;
  };

  bool all_started() const;
  bool has_news() const;
  bool any_part_full() const;
  // Whether an answer brought by a live message waits a moment for more (see on_feed_ready).
  bool should_gather() const;
  void gather();
  std::chrono::steady_clock::duration gather_time() const {
    return std::chrono::duration_cast<std::chrono::steady_clock::duration>(worker_.config().cork_ms);
  }
  // The channel's answer ({"channel","messages","cursor","gap","more"}) and its cursor.
  std::string part_json(const Part& part, Cursor& cursor) const;

  Worker& worker_;
  std::size_t limit_;
  double timeout_;
  std::vector<Part> parts_;
  boost::asio::steady_timer timer_;
  boost::asio::steady_timer gather_timer_;
  std::optional<ApiError> failure_;
  bool finished_ = false;
  bool timed_out_ = false;  // the timeout passed; the first history answer ends the wait
  bool live_ = false;       // every channel had its first history answer: what comes now is live
  bool gathering_ = false;  // news came live on a busy worker: the answer leaves when gather_timer_ fires
  bool client_gone_ = false;
};

// How the connection finds out, while a poll waits, that its client left: it calls client_left() on
// the wait (which it may hold only weakly) when the connection ends.
using ClientWatch = std::function<void(const std::shared_ptr<LongPollWait>&)>;

// Serves one long poll; `watch_client` starts the connection's check for a client that leaves. Returns
// nullopt when the client left. `current` holds the wait while it runs, so the connection can end it at
// shutdown.
boost::asio::awaitable<std::optional<HttpResponse>> serve_long_poll(Worker& worker, const Access& access,
                                                                    const HttpRequest& request,
                                                                    const ClientWatch& watch_client,
                                                                    std::shared_ptr<LongPollWait>& current);

}  // namespace herald
