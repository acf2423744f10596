// Places for subscribers on channels whose namespace limits them ([[namespace]] max_subscribers), for
// every transport that keeps a subscription open (SSE streams, WebSocket subscriptions; a long poll is one
// request and takes none). A full channel gives the client 403 channel_full, counted in the metrics
// (herald_subscribe_refused_total{reason="channel_full"}).
#pragma once
#include <string>
#include <vector>

#include "auth/access.hpp"
#include "protocol/http/api_error.hpp"
#include "runtime/worker.hpp"

namespace herald {

// A place on `channel` (empty when the channel has no limit), or the refusal.
Parsed<SubscriberSeat> take_subscriber_seat(Worker& worker, const Access& access, const std::string& channel);

// The places on those of `channels` that have a limit (empty when none has), or the refusal for the
// first that is full (and none is kept).
Parsed<std::vector<SubscriberSeat>> take_subscriber_seats(Worker& worker, const Access& access,
                                                          const std::vector<std::string>& channels);

}  // namespace herald
