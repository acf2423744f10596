// Fuzz target: parse_command, the parser of herald.v1 client commands (WebSocket text frames), and the
// replies built from what it returns. Every reply must be a JSON document, and a command's id is the JSON
// text of a value.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "core/channel_name.hpp"
#include "protocol/ws/commands.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

bool is_json(std::string_view text) {
  boost::system::error_code ec;
  boost::json::parse(text, ec);
  return !ec;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  herald::PublishLimits limits{256, 4};
  auto parsed = herald::ws::parse_command(text, limits);
  if (auto* error = std::get_if<herald::ws::CommandError>(&parsed)) {
    require(is_json(error->id));
    require(is_json(herald::ws::error_reply(error->id, error->error)));
    return 0;
  }
  const auto& command = std::get<herald::ws::Command>(parsed);
  require(is_json(command.id));
  require(is_json(herald::ws::ok_reply(command.id)));
  if (command.op == herald::ws::Op::publish) {
    require(is_json(command.publish.data_json));
    require(herald::is_valid_event_name(command.publish.event));
  }
  bool needs_channel = command.op != herald::ws::Op::ping && command.op != herald::ws::Op::refresh;
  if (needs_channel) require(herald::is_valid_channel_name(command.channel));
  if (command.op == herald::ws::Op::history) require(command.limit >= 1 && command.limit <= 1000);
  if (command.op == herald::ws::Op::signal) require(!command.to.empty() && is_json(command.data_json));
  if (!command.info_json.empty()) require(is_json(command.info_json));
  if (command.op == herald::ws::Op::subscribe) {
    herald::Cursor cursor{"e0", 1};
    require(is_json(herald::ws::subscribe_reply(command.id, command.channel, cursor, false)));
  }
  return 0;
}
