// The engine interface: where channels live. It assigns offsets, keeps bounded history and sends each
// published message to the worker threads that watch its channel. Every operation completes later,
// through a callback run on the calling worker's thread, so an engine may work over the network (Redis)
// as well as in memory. The hub and the transports never know which engine runs.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/gap.hpp"
#include "core/publish.hpp"
#include "protocol/encoded_message.hpp"

namespace herald {

using WorkerId = unsigned;
// Workers are numbered 0 to kMaxWorkers - 1, so an engine can keep the set of workers watching a channel
// in one 64-bit word (the memory engine does).
inline constexpr unsigned kMaxWorkers = 64;

enum class EngineStatus { ok, unavailable };

struct PublishOutcome : PublishResult {
  EngineStatus status = EngineStatus::ok;
  std::string error;  // why, when unavailable
};

struct HistoryRequest {
  std::string channel;
  std::optional<ResumePoint> since;  // nullopt: the newest `limit` messages
  std::size_t limit = 100;
};

struct HistoryOutcome {
  EngineStatus status = EngineStatus::ok;
  std::string error;
  std::vector<MessagePtr> messages;  // oldest first
  std::optional<Gap> gap;            // set when `since` could not be resumed without loss
  Cursor cursor;                     // the position after `messages`
  bool more = false;                 // more messages follow `cursor` already
};

// How an engine reaches the worker threads: their executors, and the function that hands a published
// message to a worker's hub (the engine calls it on that worker's thread).
struct WorkerPorts {
  std::vector<boost::asio::any_io_executor> executors;
  std::function<void(WorkerId, const MessagePtr&)> deliver;
};

class Engine {
 public:
  virtual ~Engine() = default;

  virtual void publish(WorkerId from, PublishRequest request, std::function<void(PublishOutcome)> done) = 0;
  // Creates the channel if it does not exist yet, so that its cursor has an epoch.
  virtual void history(WorkerId from, HistoryRequest request, std::function<void(HistoryOutcome)> done) = 0;

  // From now on (until unwatch), send every message published on `channel` to `worker`'s hub. Calls
  // from one worker take effect in the order made, before any later history call of that worker.
  virtual void watch(WorkerId worker, const std::string& channel) = 0;
  virtual void unwatch(WorkerId worker, const std::string& channel) = 0;

  virtual void start() = 0;
  virtual void stop() = 0;
  virtual std::size_t channel_count() const = 0;
};

}  // namespace herald
