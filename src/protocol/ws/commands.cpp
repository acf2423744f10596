// herald.v1 commands and replies (see commands.hpp).
#include "protocol/ws/commands.hpp"

#include <boost/json.hpp>

#include "core/channel_name.hpp"
#include "protocol/http/exact_json.hpp"

namespace herald::ws {
namespace json = boost::json;
namespace {

ApiError invalid(std::string message) {
  return {http::status::bad_request, "invalid_field", std::move(message)};
}

std::optional<Op> op_named(std::string_view name) {
  if (name == "subscribe") return Op::subscribe;
  if (name == "unsubscribe") return Op::unsubscribe;
  if (name == "publish") return Op::publish;
  if (name == "history") return Op::history;
  if (name == "ping") return Op::ping;
  if (name == "refresh") return Op::refresh;
  if (name == "presence") return Op::presence;
  if (name == "join") return Op::join;
  if (name == "leave") return Op::leave;
  if (name == "signal") return Op::signal;
  return std::nullopt;
}

std::optional<ApiError> read_channel(const json::object& object, Command& command) {
  const json::value* channel = object.if_contains("channel");
  if (channel == nullptr || !channel->is_string()) return invalid("channel is required and must be a string");
  if (!is_valid_channel_name(channel->get_string())) return invalid_channel_error();
  command.channel = channel->get_string();
  return std::nullopt;
}

// join, leave and signal name their room as "room" (a channel name).
std::optional<ApiError> read_room(const json::object& object, Command& command) {
  const json::value* room = object.if_contains("room");
  if (room == nullptr || !room->is_string()) return invalid("room is required and must be a string");
  if (!is_valid_channel_name(room->get_string())) return invalid_channel_error();
  command.channel = room->get_string();
  return std::nullopt;
}

// signal: "to" (a peer id) and "data" (any JSON value but null).
std::optional<ApiError> read_signal(const json::object& object, Command& command) {
  if (auto error = read_room(object, command)) return error;
  const json::value* to = object.if_contains("to");
  if (to == nullptr || !to->is_string() || to->get_string().empty())
    return invalid("to is required and must be a peer id");
  command.to = to->get_string();
  const json::value* data = object.if_contains("data");
  if (data == nullptr || data->is_null()) return invalid("data is required");
  command.data_json = json::serialize(*data);
  return std::nullopt;
}

std::optional<ApiError> read_since_and_limit(const json::object& object, Command& command) {
  if (const json::value* since = object.if_contains("since"); since != nullptr && !since->is_null()) {
    if (!since->is_string()) return invalid("since must be a cursor string");
    if (!since->get_string().empty()) command.since = ResumePoint::from_text(since->get_string());
  }
  if (const json::value* limit = object.if_contains("limit"); limit != nullptr && !limit->is_null()) {
    if (!limit->is_int64() && !limit->is_uint64()) return invalid("limit must be a positive integer");
    if (limit->is_int64() && limit->get_int64() <= 0) return invalid("limit must be a positive integer");
    std::uint64_t n =
        limit->is_int64() ? static_cast<std::uint64_t>(limit->get_int64()) : limit->get_uint64();
    command.limit = static_cast<std::size_t>(std::min<std::uint64_t>(n, 1000));
  }
  return std::nullopt;
}

// subscribe's presence options: "presence": true for join/leave pushes, "info": any JSON value.
std::optional<ApiError> read_presence_options(const json::object& object, Command& command) {
  if (const json::value* presence = object.if_contains("presence");
      presence != nullptr && !presence->is_null()) {
    if (!presence->is_bool()) return invalid("presence must be true or false");
    command.presence_events = presence->get_bool();
  }
  if (const json::value* info = object.if_contains("info"); info != nullptr && !info->is_null())
    command.info_json = json::serialize(*info);
  return std::nullopt;
}

std::optional<ApiError> read_arguments(const json::object& object, Command& command,
                                       const PublishLimits& limits) {
  switch (command.op) {
    case Op::ping:
      return std::nullopt;
    case Op::unsubscribe:
    case Op::presence:
      return read_channel(object, command);
    case Op::subscribe:
      if (auto error = read_channel(object, command)) return error;
      if (auto error = read_presence_options(object, command)) return error;
      return read_since_and_limit(object, command);
    case Op::history:
      if (auto error = read_channel(object, command)) return error;
      return read_since_and_limit(object, command);
    case Op::join:
      if (auto error = read_room(object, command)) return error;
      return read_presence_options(object, command);
    case Op::leave:
      return read_room(object, command);
    case Op::signal:
      return read_signal(object, command);
    case Op::refresh: {
      const json::value* token = object.if_contains("token");
      if (token == nullptr || !token->is_string() || token->get_string().empty())
        return invalid("token is required and must be a non-empty string");
      command.token = token->get_string();
      return std::nullopt;
    }
    case Op::publish: {
      auto request = parse_publish_message(json::value(object), limits);
      if (auto* error = std::get_if<ApiError>(&request)) return *error;
      command.publish = std::get<PublishRequest>(std::move(request));
      command.channel = command.publish.channel;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace

std::variant<Command, CommandError> parse_command(std::string_view text, const PublishLimits& limits) {
  boost::system::error_code ec;
  ExactJson parsed = parse_exact_json(text, ec);
  const json::value& root = parsed.value;
  if (ec)
    return CommandError{"null", {http::status::bad_request, "bad_json", "the message is not valid JSON"}};
  if (!root.is_object()) return CommandError{"null", invalid("a command must be a JSON object")};
  const json::object& object = root.get_object();

  Command command;
  if (const json::value* id = object.if_contains("id")) {
    if (!id->is_number() && !id->is_string() && !id->is_null())
      return CommandError{"null", invalid("id must be a number or a string")};
    command.id = json::serialize(*id);
  }
  if (parsed.unrepresentable) return CommandError{command.id, invalid_number_error(*parsed.unrepresentable)};
  const json::value* op = object.if_contains("op");
  if (op == nullptr || !op->is_string())
    return CommandError{command.id, invalid("op is required and must be a string")};
  auto known = op_named(op->get_string());
  if (!known)
    return CommandError{
        command.id,
        {http::status::bad_request, "unknown_op", "unknown op \"" + std::string(op->get_string()) + "\""}};
  command.op = *known;
  if (auto error = read_arguments(object, command, limits)) return CommandError{command.id, *error};
  return command;
}

std::string ok_reply(std::string_view id, std::string_view fields) {
  std::string reply = "{\"id\":";
  reply += id;
  reply += ",\"ok\":true";
  if (fields.size() > 2) {  // "{…}": append its members
    reply += ',';
    reply += fields.substr(1, fields.size() - 2);
  }
  reply += '}';
  return reply;
}

std::string error_reply(std::string_view id, const ApiError& error) {
  json::object detail;
  detail["code"] = error.code;
  detail["message"] = error.message;
  if (error.retry_after) detail["retry_after"] = retry_after_value(*error.retry_after);
  json::object body;
  body["error"] = std::move(detail);
  std::string reply = "{\"id\":";
  reply += id;
  reply += ",\"ok\":false,";
  std::string rest = json::serialize(body);
  reply += rest.substr(1);
  return reply;
}

std::string subscribe_reply(std::string_view id, const std::string& channel, const Cursor& cursor,
                            bool recovered) {
  json::object fields;
  fields["channel"] = channel;
  fields["cursor"] = cursor.to_string();
  fields["recovered"] = recovered;
  return ok_reply(id, json::serialize(fields));
}

std::string gap_push(const Gap& gap) { return "{\"op\":\"gap\"," + gap_to_json(gap).substr(1); }

}  // namespace herald::ws
