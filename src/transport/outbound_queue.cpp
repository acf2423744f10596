// Outbound queue (see outbound_queue.hpp).
#include "transport/outbound_queue.hpp"

#include <algorithm>

namespace herald {

bool OutboundQueue::push(MessagePtr owner, std::string_view bytes) {
  if (!fits(bytes.size())) return false;
  entries_.push_back(Entry{std::move(owner), {}, bytes});
  queued_bytes_ += bytes.size();
  return true;
}

bool OutboundQueue::push(std::string bytes, bool force) {
  if (!force && !fits(bytes.size())) return false;
  queued_bytes_ += bytes.size();
  entries_.push_back(Entry{nullptr, std::move(bytes), {}});
  // deque elements never move, so the view into the entry's own string stays valid
  entries_.back().bytes = entries_.back().owned;
  return true;
}

bool OutboundQueue::push_static(std::string_view bytes) {
  if (!fits(bytes.size())) return false;
  entries_.push_back(Entry{nullptr, {}, bytes});
  queued_bytes_ += bytes.size();
  return true;
}

const std::vector<boost::asio::const_buffer>& OutboundQueue::begin_write() {
  buffers_.clear();
  in_flight_ = std::min(entries_.size(), kMaxBuffersPerWrite);
  for (std::size_t i = 0; i < in_flight_; ++i)
    buffers_.emplace_back(entries_[i].bytes.data(), entries_[i].bytes.size());
  return buffers_;
}

void OutboundQueue::end_write() {
  for (std::size_t i = 0; i < in_flight_; ++i) {
    queued_bytes_ -= entries_.front().bytes.size();
    entries_.pop_front();
  }
  in_flight_ = 0;
}

void OutboundQueue::drop_unwritten() {
  while (entries_.size() > in_flight_) {
    queued_bytes_ -= entries_.back().bytes.size();
    entries_.pop_back();
  }
}

}  // namespace herald
