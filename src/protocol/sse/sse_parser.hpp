// Incremental parser of an SSE stream (WHATWG HTML "event stream" interpretation): feed it bytes as
// they arrive, get complete events. Used by `herald subscribe` and the tests.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace herald::sse {

struct Event {
  std::string id;     // the last event id in force when the event was dispatched
  std::string event;  // "message" when the stream gave none
  std::string data;
};

class Parser {
 public:
  // `on_event` runs for every dispatched event (events with no data are not dispatched, as in browsers).
  explicit Parser(std::function<void(const Event&)> on_event) : on_event_(std::move(on_event)) {}

  void feed(std::string_view bytes);
  const std::string& last_event_id() const { return last_event_id_; }
  std::optional<unsigned> retry_ms() const { return retry_ms_; }

 private:
  void process_line(std::string_view line);
  void dispatch();

  std::function<void(const Event&)> on_event_;
  std::string line_;
  bool skip_newline_ = false;    // a \r ended the previous line; a following \n belongs to it
  std::size_t bom_matched_ = 0;  // bytes of a leading BOM seen so far (3: done checking)
  std::string data_;
  bool has_data_ = false;
  std::string event_;
  std::string last_event_id_;
  std::optional<unsigned> retry_ms_;
};

}  // namespace herald::sse
