// Outbound queue without sockets: bounds, gather buffers, partial writes, and dropping what a slow
// consumer has not started to receive while its last words still follow whole entries.
#include "runtime/outbound_queue.hpp"

#include <gtest/gtest.h>

#include <string>

namespace herald {
namespace {

// The bytes of the next gather write, concatenated.
std::string pending(OutboundQueue& queue) {
  std::string out;
  for (const auto& buffer : queue.begin_write())
    out.append(static_cast<const char*>(buffer.data()), buffer.size());
  return out;
}

// Writes up to `n` bytes (as a socket would accept them) and returns them.
std::string write(OutboundQueue& queue, std::size_t n) {
  std::string bytes = pending(queue).substr(0, n);
  queue.end_write(bytes.size());
  return bytes;
}

TEST(OutboundQueue, GathersEverythingQueuedInOrder) {
  OutboundQueue queue(1024);
  auto message = make_message("c", "e", 1, 0, "message", "1");
  EXPECT_TRUE(queue.push_static("head;"));
  EXPECT_TRUE(queue.push(message, message->envelope));
  EXPECT_TRUE(queue.push(std::string(";tail")));
  EXPECT_EQ(queue.queued_bytes(), 5 + message->envelope.size() + 5);
  EXPECT_EQ(pending(queue), "head;" + message->envelope + ";tail");
  EXPECT_TRUE(queue.writing());
  EXPECT_TRUE(queue.empty()) << "everything queued is in the running write";
  queue.end_write(queue.queued_bytes());
  EXPECT_FALSE(queue.writing());
  EXPECT_EQ(queue.queued_bytes(), 0u);
}

TEST(OutboundQueue, RefusesWhatWouldPassTheBoundUnlessForced) {
  OutboundQueue queue(10);
  EXPECT_TRUE(queue.push(std::string("12345678")));
  EXPECT_FALSE(queue.push(std::string("abc")));
  EXPECT_FALSE(queue.push_static("abc"));
  EXPECT_EQ(queue.queued_bytes(), 8u);
  EXPECT_TRUE(queue.push(std::string("last words"), true));
  EXPECT_EQ(queue.queued_bytes(), 18u);
}

TEST(OutboundQueue, APartialWriteResumesInsideTheEntry) {
  OutboundQueue queue(1024);
  queue.push(std::string("abcdef"));
  queue.push(std::string("ghij"));
  EXPECT_EQ(write(queue, 4), "abcd");
  EXPECT_EQ(queue.queued_bytes(), 6u);
  EXPECT_EQ(pending(queue), "efghij");
  queue.end_write(3);
  EXPECT_EQ(pending(queue), "hij");
  queue.end_write(3);
  EXPECT_EQ(queue.queued_bytes(), 0u);
  EXPECT_TRUE(queue.empty());
}

TEST(OutboundQueue, AWriteCoversAtMostMaxBuffersEntries) {
  OutboundQueue queue(1 << 20);
  for (std::size_t i = 0; i < OutboundQueue::kMaxBuffersPerWrite + 10; ++i) queue.push_static("x");
  EXPECT_EQ(queue.begin_write().size(), OutboundQueue::kMaxBuffersPerWrite);
  queue.end_write(OutboundQueue::kMaxBuffersPerWrite);
  EXPECT_EQ(queue.begin_write().size(), 10u);
}

TEST(OutboundQueue, DroppingWhileIdleKeepsTheRestOfAnEntryBegun) {
  OutboundQueue queue(1024);
  queue.push(std::string("frame-one"));
  queue.push(std::string("frame-two"));
  queue.push(std::string("frame-three"));
  EXPECT_EQ(write(queue, 3), "fra");
  queue.drop_unwritten();
  EXPECT_EQ(queue.queued_bytes(), 6u);
  queue.push(std::string("|close"), true);
  EXPECT_EQ(pending(queue), "me-one|close");
}

TEST(OutboundQueue, DroppingWhileIdleAtAnEntryBoundaryDropsEverything) {
  OutboundQueue queue(1024);
  queue.push(std::string("one"));
  queue.push(std::string("two"));
  queue.drop_unwritten();
  EXPECT_EQ(queue.queued_bytes(), 0u);
  queue.push(std::string("close"), true);
  EXPECT_EQ(pending(queue), "close");
}

TEST(OutboundQueue, DroppingDuringAWriteDropsItsUnstartedEntriesOnceItEnds) {
  OutboundQueue queue(1024);
  queue.push(std::string("aaaa"));
  queue.push(std::string("bbbb"));
  queue.push(std::string("cccc"));
  EXPECT_EQ(pending(queue), "aaaabbbbcccc");  // a write of all three is running
  queue.push(std::string("dddd"));            // queued behind it
  queue.drop_unwritten();
  EXPECT_EQ(queue.queued_bytes(), 12u) << "the running write's buffers stay valid";
  queue.push(std::string("|close"), true);
  queue.end_write(6);  // the kernel took "aaaabb"
  EXPECT_EQ(queue.queued_bytes(), 2u + 6u);
  EXPECT_EQ(pending(queue), "bb|close");
}

TEST(OutboundQueue, DroppingDuringAWriteThatEndsOnABoundaryKeepsOnlyTheLastWords) {
  OutboundQueue queue(1024);
  queue.push(std::string("aaaa"));
  queue.push(std::string("bbbb"));
  pending(queue);
  queue.drop_unwritten();
  queue.push(std::string("close"), true);
  queue.end_write(4);
  EXPECT_EQ(pending(queue), "close");
  queue.end_write(5);
  EXPECT_EQ(queue.queued_bytes(), 0u);
}

TEST(OutboundQueue, KeepsSharedMessagesAliveUntilWritten) {
  OutboundQueue queue(1024);
  std::weak_ptr<const EncodedMessage> watch;
  {
    auto message = make_message("c", "e", 1, 0, "message", "\"payload\"");
    watch = message;
    queue.push(message, message->ws_frame);
  }
  EXPECT_FALSE(watch.expired());
  pending(queue);
  queue.end_write(queue.queued_bytes());
  EXPECT_TRUE(watch.expired());
}

}  // namespace
}  // namespace herald
