// Message encodings for every transport (see encoded_message.hpp).
#include "protocol/encoded_message.hpp"

#include <array>
#include <boost/json.hpp>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "protocol/json_text.hpp"
#include "protocol/sse/sse_format.hpp"
#include "protocol/ws/deflate.hpp"
#include "protocol/ws/frame.hpp"

namespace herald {
namespace {

std::string encode_envelope(const EncodedMessage& m, std::string_view cursor, std::string_view data_json,
                            std::size_t& data_at) {
  std::string out;
  out.reserve(96 + m.channel.size() + m.event.size() + 2 * cursor.size() + data_json.size());
  out += "{\"channel\":";
  append_json_string(out, m.channel);
  out += ",\"epoch\":\"";
  out += m.epoch;
  out += "\",\"offset\":";
  append_decimal(out, m.offset);
  out += ",\"cursor\":\"";
  out += cursor;
  out += "\",\"time\":";
  append_decimal(out, m.time_ms);
  out += ",\"event\":";
  append_json_string(out, m.event);
  out += ",\"data\":";
  data_at = out.size();
  out += data_json;
  out += '}';
  return out;
}

// The payload as raw SSE data: a JSON string is sent as its text, anything else as JSON (then without a
// copy of its own: `data_json` itself).
std::optional<std::string> raw_string_payload(std::string_view data_json) {
  if (data_json.empty() || data_json.front() != '"') return std::nullopt;
  boost::json::value value = boost::json::parse(boost::json::string_view(data_json.data(), data_json.size()));
  return std::string(value.as_string().c_str(), value.as_string().size());
}

std::string encode_sse(const EncodedMessage& m, std::string_view cursor, std::string_view data,
                       std::size_t& body_at) {
  std::string out;
  out.reserve(48 + cursor.size() + m.event.size() + data.size());
  sse::append_id(out, cursor);
  body_at = out.size();
  sse::append_event_body(out, m.event, data);
  return out;
}

// The envelope with "op":"message" in front, in one text frame.
std::string encode_ws_frame(const EncodedMessage& m, std::size_t& payload_at) {
  constexpr std::string_view kOp = "{\"op\":\"message\",";
  std::string_view rest = std::string_view(m.envelope).substr(1);
  std::string frame = ws::server_frame_header(ws::Opcode::text, kOp.size() + rest.size());
  payload_at = frame.size();
  frame.reserve(frame.size() + kOp.size() + rest.size());
  frame += kOp;
  frame += rest;
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
  std::string cursor;
  append_cursor(cursor, m->epoch, offset);
  m->envelope = encode_envelope(*m, cursor, data_json, m->data_at);
  m->sse = encode_sse(*m, cursor, m->envelope, m->sse_body_at);
  auto raw_string = raw_string_payload(data_json);
  m->sse_raw =
      encode_sse(*m, cursor, raw_string ? std::string_view(*raw_string) : data_json, m->sse_raw_body_at);
  m->ws_frame = encode_ws_frame(*m, m->ws_payload_at);
  return m;
}

}  // namespace herald
