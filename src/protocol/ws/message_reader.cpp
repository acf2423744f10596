// Reading a client's WebSocket byte stream (see message_reader.hpp).
#include "protocol/ws/message_reader.hpp"

#include "core/utf8.hpp"
#include "protocol/ws/deflate.hpp"

namespace herald::ws {
namespace {

// Frees a buffer's memory (clear() keeps it).
void release(std::string& buffer) { std::string().swap(buffer); }

// A message, ping or pong.
ReadEvent payload_event(ReadEventType type, Opcode opcode, std::string_view payload) {
  ReadEvent event;
  event.type = type;
  event.opcode = opcode;
  event.payload = payload;
  return event;
}

// A close or a failure.
ReadEvent ending_event(ReadEventType type, std::uint16_t code, std::string_view reason = {}) {
  ReadEvent event;
  event.type = type;
  event.opcode = Opcode::close;
  event.code = code;
  event.reason = reason;
  return event;
}

}  // namespace

bool MessageReader::holds_buffers() const {
  const std::size_t unallocated = std::string().capacity();
  return kept_.capacity() > unallocated || message_.capacity() > unallocated;
}

MessageReader::Input MessageReader::begin_feed(char* data, std::size_t size) {
  if (kept_.empty()) return Input{data, size, 0, false};
  kept_.append(data, size);
  return Input{kept_.data(), kept_.size(), 0, true};
}

void MessageReader::end_feed(const Input& input) {
  if (ended_) {
    release(kept_);
    release(message_);
  } else if (input.kept) {
    kept_.erase(0, input.used);
    if (kept_.empty()) release(kept_);
  } else {
    kept_.assign(input.data + input.used, input.size - input.used);
  }
}

void MessageReader::event_handled(bool go_on) {
  if (!go_on) ended_ = true;
  if (!in_message_ || ended_) release(message_);  // a delivered message is not kept
}

std::optional<ReadEvent> MessageReader::next_event(Input& input) {
  while (!ended_) {
    std::string_view rest(input.data + input.used, input.size - input.used);
    HeaderParse parse = parse_client_header(rest, options_.deflate, options_.max_message_bytes);
    if (parse.status == ParseStatus::failed) return fail(parse.close_code, parse.reason);
    if (parse.status == ParseStatus::need_more) return std::nullopt;
    const FrameHeader& header = parse.header;
    // The payload length is at most max_message_bytes here, so it fits in a size_t.
    const auto payload_length = static_cast<std::size_t>(header.payload_length);
    if (rest.size() < header.header_length + payload_length) return std::nullopt;
    char* payload = input.data + input.used + header.header_length;
    unmask(payload, payload_length, header.mask);
    input.used += header.header_length + payload_length;
    if (auto event = read_frame(header, std::string_view(payload, payload_length))) return event;
  }
  return std::nullopt;
}

std::optional<ReadEvent> MessageReader::read_frame(const FrameHeader& header, std::string_view payload) {
  switch (header.opcode) {
    case Opcode::ping:
      return payload_event(ReadEventType::ping, Opcode::ping, payload);
    case Opcode::pong:
      return payload_event(ReadEventType::pong, Opcode::pong, payload);
    case Opcode::close:
      return read_close(payload);
    case Opcode::continuation:
      return read_continuation(header, payload);
    case Opcode::text:
    case Opcode::binary:
      return read_first_frame(header, payload);
  }
  return std::nullopt;
}

std::optional<ReadEvent> MessageReader::read_first_frame(const FrameHeader& header,
                                                         std::string_view payload) {
  if (in_message_) return fail(close_code::protocol_error, "new message inside a fragmented message");
  // The header parse has checked the size against the limit.
  if (header.fin) return complete_message(header.opcode, header.rsv1, payload);
  in_message_ = true;
  message_opcode_ = header.opcode;
  message_compressed_ = header.rsv1;
  message_.assign(payload);
  return std::nullopt;
}

std::optional<ReadEvent> MessageReader::read_continuation(const FrameHeader& header,
                                                          std::string_view payload) {
  if (!in_message_ || header.rsv1) return fail(close_code::protocol_error, "unexpected continuation frame");
  if (message_.size() + payload.size() > options_.max_message_bytes)
    return fail(close_code::too_big, "message too big");
  message_.append(payload);
  if (!header.fin) return std::nullopt;
  in_message_ = false;
  return complete_message(message_opcode_, message_compressed_, message_);
}

std::optional<ReadEvent> MessageReader::complete_message(Opcode opcode, bool compressed,
                                                         std::string_view payload) {
  if (compressed) {
    std::string inflated;
    InflateStatus status = inflate_message(payload, options_.max_message_bytes, inflated);
    if (status == InflateStatus::too_big) return fail(close_code::too_big, "message too big");
    if (status == InflateStatus::corrupt) return fail(close_code::invalid_payload, "invalid compressed data");
    message_ = std::move(inflated);
    payload = message_;
  }
  if (opcode == Opcode::text && !is_valid_utf8(payload))
    return fail(close_code::invalid_payload, "text message is not valid UTF-8");
  return payload_event(ReadEventType::message, opcode, payload);
}

std::optional<ReadEvent> MessageReader::read_close(std::string_view payload) {
  ended_ = true;  // nothing after the client's close frame counts
  if (payload.empty()) return ending_event(ReadEventType::close, close_code::no_status);
  if (payload.size() == 1) return fail(close_code::protocol_error, "invalid close frame");
  auto code = static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                         static_cast<unsigned char>(payload[1]));
  if (!is_valid_close_code(code)) return fail(close_code::protocol_error, "invalid close code");
  std::string_view reason = payload.substr(2);
  if (!is_valid_utf8(reason)) return fail(close_code::invalid_payload, "close reason is not UTF-8");
  return ending_event(ReadEventType::close, code, reason);
}

ReadEvent MessageReader::fail(std::uint16_t code, std::string_view reason) {
  ended_ = true;
  return ending_event(ReadEventType::failure, code, reason);
}

}  // namespace herald::ws
