// One HTTP/1.1 client connection: reads requests (Beast's parser, with size and time limits), routes
// them and writes responses, keeping the connection alive between requests. An SSE request hands the
// connection over to an SSE stream. Written over any Beast stream type, so TLS fits the same code.
#pragma once
#include "auth/access.hpp"
#include "runtime/connection_slot.hpp"
#include "runtime/worker.hpp"

namespace herald {

template <typename Stream>
void start_http_session(Stream stream, Worker& worker, ConnectionSlot slot, const Access& access);

}  // namespace herald
