// Message encodings for every transport (see encoded_message.hpp).
#include "protocol/encoded_message.hpp"

#include <array>
#include <boost/json.hpp>
#include <mutex>
#include <stdexcept>

#include "protocol/sse/sse_format.hpp"
#include "protocol/ws/deflate.hpp"
#include "protocol/ws/frame.hpp"

namespace herald {
namespace {

void append_json_string(std::string& out, std::string_view text) {
  out += boost::json::serialize(boost::json::string_view(text.data(), text.size()));
}

std::string encode_envelope(const EncodedMessage& m, std::string_view data_json, std::size_t& data_at) {
  std::string out;
  out.reserve(128 + m.channel.size() + data_json.size());
  out += "{\"channel\":";
  append_json_string(out, m.channel);
  out += ",\"epoch\":\"";
  out += m.epoch;
  out += "\",\"offset\":";
  out += std::to_string(m.offset);
  out += ",\"cursor\":\"";
  out += m.cursor().to_string();
  out += "\",\"time\":";
  out += std::to_string(m.time_ms);
  out += ",\"event\":";
  append_json_string(out, m.event);
  out += ",\"data\":";
  data_at = out.size();
  out += data_json;
  out += '}';
  return out;
}

// The payload as raw SSE data: a JSON string is sent as its text, anything else as JSON.
std::string raw_payload(std::string_view data_json) {
  if (data_json.empty() || data_json.front() != '"') return std::string(data_json);
  boost::json::value value = boost::json::parse(boost::json::string_view(data_json.data(), data_json.size()));
  return std::string(value.as_string().c_str(), value.as_string().size());
}

std::string encode_sse(const EncodedMessage& m, std::string_view data, std::size_t& body_at) {
  std::string out;
  out.reserve(48 + m.event.size() + data.size());
  sse::append_id(out, m.cursor().to_string());
  body_at = out.size();
  sse::append_event_body(out, m.event, data);
  return out;
}

std::string encode_ws_frame(const EncodedMessage& m, std::size_t& payload_at) {
  std::string payload = "{\"op\":\"message\"," + m.envelope.substr(1);
  std::string frame = ws::server_frame_header(ws::Opcode::text, payload.size());
  payload_at = frame.size();
  frame += payload;
  return frame;
}

}  // namespace

struct EncodedMessage::DeflatedFrames {
  static constexpr std::size_t kWindowSizes = ws::kMaxWindowBits - ws::kMinWindowBits + 1;
  std::array<std::once_flag, kWindowSizes> made;
  std::array<std::string, kWindowSizes> frames;
};

EncodedMessage::~EncodedMessage() { delete deflated_frames_.load(std::memory_order_acquire); }

EncodedMessage::DeflatedFrames& EncodedMessage::deflated_frames() const {
  DeflatedFrames* existing = deflated_frames_.load(std::memory_order_acquire);
  if (existing != nullptr) return *existing;
  auto made = std::make_unique<DeflatedFrames>();
  // Of two threads that get here at once, one installs its table and the other uses that one.
  if (deflated_frames_.compare_exchange_strong(existing, made.get(), std::memory_order_acq_rel,
                                               std::memory_order_acquire))
    return *made.release();
  return *existing;
}

const std::string& EncodedMessage::ws_deflated_frame(int window_bits) const {
  if (window_bits < ws::kMinWindowBits || window_bits > ws::kMaxWindowBits)
    throw std::invalid_argument("no deflate window of " + std::to_string(window_bits) + " bits");
  DeflatedFrames& deflated = deflated_frames();
  const std::size_t slot = static_cast<std::size_t>(window_bits - ws::kMinWindowBits);
  std::call_once(deflated.made[slot], [&] {
    std::string compressed =
        ws::deflate_message(std::string_view(ws_frame).substr(ws_payload_at), window_bits);
    deflated.frames[slot] =
        ws::server_frame_header(ws::Opcode::text, compressed.size(), true, true) + compressed;
  });
  return deflated.frames[slot];
}

std::string_view EncodedMessage::data_json() const {
  return std::string_view(envelope).substr(data_at, envelope.size() - 1 - data_at);
}

MessagePtr make_message(std::string channel, std::string epoch, std::uint64_t offset, std::int64_t time_ms,
                        std::string event, std::string_view data_json) {
  auto m = std::make_shared<EncodedMessage>();
  m->channel = std::move(channel);
  m->epoch = std::move(epoch);
  m->offset = offset;
  m->time_ms = time_ms;
  m->event = std::move(event);
  m->envelope = encode_envelope(*m, data_json, m->data_at);
  m->sse = encode_sse(*m, m->envelope, m->sse_body_at);
  m->sse_raw = encode_sse(*m, raw_payload(data_json), m->sse_raw_body_at);
  m->ws_frame = encode_ws_frame(*m, m->ws_payload_at);
  return m;
}

}  // namespace herald
