// Payload writing (see payload.hpp).
#include "payload.hpp"

#include <fmt/format.h>

#include <iterator>

namespace bench {

void write_payload(std::string& out, std::uint64_t seq, std::int64_t sent_ns, std::size_t size) {
  out.clear();
  fmt::format_to(std::back_inserter(out), R"({{"s":{},"t":{},"p":")", seq, sent_ns);
  constexpr std::size_t tail = 2;  // closing "}
  if (out.size() + tail < size) out.append(size - out.size() - tail, 'x');
  out.append("\"}");
}

}  // namespace bench
