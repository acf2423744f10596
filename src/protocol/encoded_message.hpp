// A published message with its encodings for every transport, made once when the message is published
// (encode once, write many) and then shared, immutable, by every subscriber on every thread.
#pragma once
#include <atomic>
#include <memory>
#include <string>
#include <string_view>

#include "core/message.hpp"
#include "protocol/ws/deflate.hpp"

namespace herald {

struct EncodedMessage : Message {
  // {"channel":…,"epoch":…,"offset":…,"cursor":…,"time":…,"event":…,"data":…} on one line.
  std::string envelope;
  std::size_t data_at = 0;  // the data's JSON text is envelope[data_at, size()-1)

  // SSE event with the envelope as data, starting with "id: <cursor>\n". Streams of several channels
  // write their own id line followed by the part from sse_body_at ("event: …").
  std::string sse;
  std::size_t sse_body_at = 0;

  // The same with the payload itself as data (SSE format=raw).
  std::string sse_raw;
  std::size_t sse_raw_body_at = 0;

  // WebSocket text frame (unmasked, so the same bytes for every connection) of
  // {"op":"message",…the envelope's fields…}.
  std::string ws_frame;
  std::size_t ws_payload_at = 0;  // the payload is ws_frame[ws_payload_at, size())

  // The same frame compressed for permessage-deflate with a window of `window_bits` (ws::kMinWindowBits
  // to ws::kMaxWindowBits): made by the first connection that needs it for that window, then shared by
  // all connections that use the same window.
  const std::string& ws_deflated_frame(int window_bits = ws::kMaxWindowBits) const;

  // The payload: valid, serialized JSON.
  std::string_view data_json() const;

  EncodedMessage() = default;
  EncodedMessage(const EncodedMessage&) = delete;
  EncodedMessage& operator=(const EncodedMessage&) = delete;
  ~EncodedMessage();

 private:
  struct DeflatedFrames;  // one per window size, each made once
  DeflatedFrames& deflated_frames() const;

  // Made when a compressed frame is first asked for: a message never sent compressed pays one pointer.
  mutable std::atomic<DeflatedFrames*> deflated_frames_{nullptr};
};

using MessagePtr = std::shared_ptr<const EncodedMessage>;

// Builds a message and all its encodings. `data_json` must be valid, serialized JSON.
MessagePtr make_message(std::string channel, std::string epoch, std::uint64_t offset, std::int64_t time_ms,
                        std::string event, std::string_view data_json);

}  // namespace herald
