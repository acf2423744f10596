// Engine factory (see engine_factory.hpp).
#include "engine/engine_factory.hpp"

#include <stdexcept>

#include "engine/memory/memory_engine.hpp"

namespace herald {

bool is_engine_type(const std::string& type) { return type == "memory"; }

std::unique_ptr<Engine> make_engine(const EngineConfig& config,
                                    std::vector<boost::asio::any_io_executor> executors) {
  if (config.type == "memory") return std::make_unique<MemoryEngine>(std::move(executors), config.channels);
  throw std::invalid_argument("unknown engine type \"" + config.type + "\" (known: memory)");
}

}  // namespace herald
