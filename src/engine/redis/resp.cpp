// RESP through hiredis (see resp.hpp).
#include "engine/redis/resp.hpp"

#include <hiredis/hiredis.h>

#include <new>

namespace herald::redis {
namespace {

Reply convert(const redisReply& raw) {
  Reply reply;
  switch (raw.type) {
    case REDIS_REPLY_STRING:
      reply.type = Reply::Type::string;
      reply.text.assign(raw.str, raw.len);
      break;
    case REDIS_REPLY_STATUS:
      reply.type = Reply::Type::status;
      reply.text.assign(raw.str, raw.len);
      break;
    case REDIS_REPLY_ERROR:
      reply.type = Reply::Type::error;
      reply.text.assign(raw.str, raw.len);
      break;
    case REDIS_REPLY_INTEGER:
      reply.type = Reply::Type::integer;
      reply.integer = raw.integer;
      break;
    case REDIS_REPLY_ARRAY:
      reply.type = Reply::Type::array;
      reply.elements.reserve(raw.elements);
      for (std::size_t i = 0; i < raw.elements; ++i) reply.elements.push_back(convert(*raw.element[i]));
      break;
    default:
      reply.type = Reply::Type::nil;
      break;
  }
  return reply;
}

}  // namespace

std::string format_command(const std::vector<std::string_view>& args) {
  std::vector<const char*> pointers;
  std::vector<std::size_t> sizes;
  pointers.reserve(args.size());
  sizes.reserve(args.size());
  for (auto arg : args) {
    pointers.push_back(arg.data());
    sizes.push_back(arg.size());
  }
  char* formatted = nullptr;
  int size = redisFormatCommandArgv(&formatted, static_cast<int>(args.size()), pointers.data(), sizes.data());
  if (size < 0) throw std::bad_alloc();
  std::string command(formatted, static_cast<std::size_t>(size));
  redisFreeCommand(formatted);
  return command;
}

ReplyReader::ReplyReader() : reader_(redisReaderCreate()) {
  if (reader_ == nullptr) throw std::bad_alloc();
}

ReplyReader::~ReplyReader() { redisReaderFree(reader_); }

void ReplyReader::feed(const char* data, std::size_t size) {
  if (!failed_ && redisReaderFeed(reader_, data, size) != REDIS_OK) failed_ = true;
}

std::optional<Reply> ReplyReader::next() {
  if (failed_) return std::nullopt;
  void* raw = nullptr;
  if (redisReaderGetReply(reader_, &raw) != REDIS_OK) {
    failed_ = true;
    return std::nullopt;
  }
  if (raw == nullptr) return std::nullopt;
  Reply reply = convert(*static_cast<redisReply*>(raw));
  freeReplyObject(raw);
  return reply;
}

std::string ReplyReader::error() const { return failed_ ? std::string(reader_->errstr) : std::string(); }

}  // namespace herald::redis
