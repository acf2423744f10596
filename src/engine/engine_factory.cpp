// Engine factory (see engine_factory.hpp).
#include "engine/engine_factory.hpp"

#include <stdexcept>

#include "engine/memory/memory_engine.hpp"
#include "engine/redis/redis_engine.hpp"

namespace herald {

bool is_engine_type(const std::string& type) { return type == "memory" || type == "redis"; }

std::unique_ptr<Engine> make_engine(const EngineConfig& config,
                                    std::vector<boost::asio::any_io_executor> executors) {
  if (config.type == "memory") return std::make_unique<MemoryEngine>(std::move(executors), config.channels);
  if (config.type == "redis") return std::make_unique<RedisEngine>(std::move(executors), config);
  throw std::invalid_argument("unknown engine type \"" + config.type + "\" (known: memory, redis)");
}

}  // namespace herald
