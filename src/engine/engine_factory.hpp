// Makes the engine the configuration names, so that nothing above the engine layer names an engine type.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <vector>

#include "engine/engine.hpp"
#include "engine/engine_config.hpp"

namespace herald {

// One executor per worker, in worker order. Throws std::invalid_argument for an unknown engine type.
std::unique_ptr<Engine> make_engine(const EngineConfig& config,
                                    std::vector<boost::asio::any_io_executor> executors);

// Whether `type` names an engine this build has.
bool is_engine_type(const std::string& type);

}  // namespace herald
