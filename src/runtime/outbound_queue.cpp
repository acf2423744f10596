// Outbound queue (see outbound_queue.hpp).
#include "runtime/outbound_queue.hpp"

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
  in_flight_ = std::min(entries_.size() - head_, kMaxBuffersPerWrite);
  for (std::size_t i = head_; i < head_ + in_flight_; ++i) {
    std::string_view bytes = entries_[i].view();
    buffers_.emplace_back(bytes.data(), bytes.size());
  }
  return buffers_;
}

void OutboundQueue::end_write() {
  for (std::size_t i = head_; i < head_ + in_flight_; ++i) {
    queued_bytes_ -= entries_[i].view().size();
    entries_[i] = Entry{};
  }
  head_ += in_flight_;
  in_flight_ = 0;
  if (head_ == entries_.size()) release_storage();
}

void OutboundQueue::drop_unwritten() {
  while (entries_.size() > head_ + in_flight_) {
    queued_bytes_ -= entries_.back().view().size();
    entries_.pop_back();
  }
  if (head_ == entries_.size()) release_storage();
}

void OutboundQueue::release_storage() {
  head_ = 0;
  entries_.clear();
  // An idle connection keeps no memory for past bursts.
  if (entries_.capacity() > kKeptCapacity) std::vector<Entry>().swap(entries_);
  if (buffers_.capacity() > kKeptCapacity) std::vector<boost::asio::const_buffer>().swap(buffers_);
}

}  // namespace herald
