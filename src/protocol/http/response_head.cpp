// HTTP response heads (see response_head.hpp).
#include "protocol/http/response_head.hpp"

namespace herald {

bool writable_as_head_and_body(const HttpResponse& response) {
  return response.find(http::field::transfer_encoding) == response.end();
}

std::string response_head(const HttpResponse& response) {
  std::string_view reason = response.reason();
  if (reason.empty()) reason = http::obsolete_reason(response.result());
  std::string head;
  head.reserve(128 + 48 * static_cast<std::size_t>(std::distance(response.begin(), response.end())));
  head += response.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  head += std::to_string(response.result_int());
  head += ' ';
  head += reason;
  head += "\r\n";
  for (const auto& field : response) {
    head += field.name_string();
    head += ": ";
    head += field.value();
    head += "\r\n";
  }
  head += "\r\n";
  return head;
}

}  // namespace herald
