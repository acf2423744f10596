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
    if (i == head_) bytes.remove_prefix(head_sent_);
    buffers_.emplace_back(bytes.data(), bytes.size());
  }
  return buffers_;
}

void OutboundQueue::end_write(std::size_t written) {
  in_flight_ = 0;
  consume(written);
  if (drop_until_ > 0) {
    drop_range(head_ + (head_sent_ > 0 ? 1 : 0), drop_until_);
    drop_until_ = 0;
  }
  if (head_ == entries_.size()) release_storage();
}

void OutboundQueue::consume(std::size_t written) {
  while (written > 0 && head_ < entries_.size()) {
    std::size_t left = entries_[head_].view().size() - head_sent_;
    std::size_t taken = std::min(left, written);
    written -= taken;
    queued_bytes_ -= taken;
    head_sent_ += taken;
    if (head_sent_ < entries_[head_].view().size()) break;
    entries_[head_] = Entry{};
    ++head_;
    head_sent_ = 0;
  }
}

void OutboundQueue::drop_unwritten() {
  if (writing()) {
    drop_range(head_ + in_flight_, entries_.size());  // not covered by the running write
    drop_until_ = entries_.size();                    // the rest, once the write has ended
    return;
  }
  drop_range(head_ + (head_sent_ > 0 ? 1 : 0), entries_.size());
  if (head_ == entries_.size()) release_storage();
}

void OutboundQueue::drop_range(std::size_t first, std::size_t end) {
  if (first >= end) return;
  for (std::size_t i = first; i < end; ++i) queued_bytes_ -= entries_[i].view().size();
  entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(first),
                 entries_.begin() + static_cast<std::ptrdiff_t>(end));
}

void OutboundQueue::release_storage() {
  head_ = 0;
  head_sent_ = 0;
  entries_.clear();
  if (entries_.capacity() > kKeptCapacity) std::vector<Entry>().swap(entries_);
  if (buffers_.capacity() > kKeptCapacity) std::vector<boost::asio::const_buffer>().swap(buffers_);
}

}  // namespace herald
