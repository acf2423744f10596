// Reading a client's WebSocket byte stream (RFC 6455, with RFC 7692 permessage-deflate), without
// sockets: parses and unmasks frames, reassembles fragmented messages, inflates compressed ones, makes
// every check a server must make, and reports what it found as events: a complete message, a ping, a
// pong, the client's close frame, or the failure (close code and reason) that ends the connection.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/ws/frame.hpp"

namespace herald::ws {

enum class ReadEventType { message, ping, pong, close, failure };

// One thing found in the stream. Its views are valid only while the event is being handled.
struct ReadEvent {
  ReadEventType type = ReadEventType::message;
  Opcode opcode = Opcode::text;  // message: text (valid UTF-8) or binary
  std::string_view payload;      // message (after inflating), ping, pong
  std::uint16_t code = 0;        // close: the client's code (close_code::no_status without one);
                                 // failure: the code to close the connection with
  std::string_view reason;       // close: the client's reason (valid UTF-8); failure: why
};

struct ReaderOptions {
  std::size_t max_message_bytes = 65536;  // after reassembling fragments and after inflating
  bool deflate = false;                   // permessage-deflate negotiated: RSV1 marks a compressed message
};

class MessageReader {
 public:
  explicit MessageReader(ReaderOptions options) : options_(options) {}

  // Reads the next `size` bytes of the stream at `data`, unmasking them in place, and calls
  // `on_event(const ReadEvent&)` for each event in them, in order. `on_event` returns whether to go on;
  // false (the connection is closing) ends the reader, as a close or a failure event does. An ended reader
  // ignores every byte fed to it. The start of an incomplete frame is kept until the next feed.
  template <typename OnEvent>
  void feed(char* data, std::size_t size, OnEvent&& on_event) {
    if (ended_) return;
    Input input = begin_feed(data, size);
    while (std::optional<ReadEvent> event = next_event(input)) {
      bool go_on = on_event(*event);
      event_handled(go_on);
    }
    end_feed(input);
  }

  // After a close frame, a failure, or an event whose handler said to stop.
  bool ended() const { return ended_; }

  // Whether the reader holds memory beyond its own object: the start of an incomplete frame, or the
  // fragments of an incomplete message. An idle reader holds none.
  bool holds_buffers() const;

 private:
  // The bytes being read: the fed ones, or those appended to the start of a frame kept from before.
  struct Input {
    char* data = nullptr;
    std::size_t size = 0;
    std::size_t used = 0;  // bytes of the complete frames read so far
    bool kept = false;     // data is kept_
  };

  Input begin_feed(char* data, std::size_t size);
  void end_feed(const Input& input);
  void event_handled(bool go_on);

  std::optional<ReadEvent> next_event(Input& input);
  std::optional<ReadEvent> read_frame(const FrameHeader& header, std::string_view payload);
  std::optional<ReadEvent> read_first_frame(const FrameHeader& header, std::string_view payload);
  std::optional<ReadEvent> read_continuation(const FrameHeader& header, std::string_view payload);
  std::optional<ReadEvent> complete_message(Opcode opcode, bool compressed, std::string_view payload);
  std::optional<ReadEvent> read_close(std::string_view payload);
  ReadEvent fail(std::uint16_t code, std::string_view reason);

  ReaderOptions options_;
  std::string kept_;     // the start of a frame not yet complete
  std::string message_;  // the fragments of the message being reassembled, or an inflated message
  Opcode message_opcode_ = Opcode::text;
  bool message_compressed_ = false;
  bool in_message_ = false;  // between the first and the final fragment of a message
  bool ended_ = false;
};

}  // namespace herald::ws
