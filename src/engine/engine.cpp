// The parts of the engine contract every engine may share (see engine.hpp).
#include "engine/engine.hpp"

#include <memory>
#include <stdexcept>

namespace herald {
namespace {

// What a batch started as single publishes gathers until the last of them completes. Every completion
// runs on the worker that started the batch, so the count needs no synchronisation.
struct GatheredPublishes {
  std::vector<PublishOutcome> outcomes;
  std::size_t pending = 0;
  PublishBatchCompletion done;
};

}  // namespace

void Engine::publish_batch(WorkerId from, std::vector<PublishRequest> requests, PublishBatchCompletion done) {
  if (requests.empty()) throw std::invalid_argument("publish_batch needs at least one request");
  auto gathered = std::make_shared<GatheredPublishes>();
  gathered->outcomes.resize(requests.size());
  gathered->pending = requests.size();
  gathered->done = std::move(done);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    publish(from, std::move(requests[i]), [gathered, i](PublishOutcome outcome) {
      gathered->outcomes[i] = std::move(outcome);
      if (--gathered->pending == 0) std::move(gathered->done)(std::move(gathered->outcomes));
    });
  }
}

}  // namespace herald
