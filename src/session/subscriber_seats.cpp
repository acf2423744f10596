// Subscriber seats (see subscriber_seats.hpp).
#include "session/subscriber_seats.hpp"

namespace herald {

Parsed<SubscriberSeat> take_subscriber_seat(Worker& worker, const Access& access,
                                            const std::string& channel) {
  std::size_t limit = access.max_subscribers(channel);
  if (auto seat = worker.state().subscribers.take(channel, limit)) return std::move(*seat);
  worker.metrics().channel_full();
  return ApiError{http::status::forbidden, "channel_full",
                  "channel " + channel + " is full: it has " + std::to_string(limit) +
                      " subscribers on this server, the most its namespace allows (max_subscribers)"};
}

Parsed<std::vector<SubscriberSeat>> take_subscriber_seats(Worker& worker, const Access& access,
                                                          const std::vector<std::string>& channels) {
  std::vector<SubscriberSeat> seats;  // only counted ones: a stream without limits allocates nothing
  for (const auto& channel : channels) {
    auto seat = take_subscriber_seat(worker, access, channel);
    if (auto* refusal = std::get_if<ApiError>(&seat)) return std::move(*refusal);  // `seats` are given back
    if (std::get<SubscriberSeat>(seat).counted()) seats.push_back(std::get<SubscriberSeat>(std::move(seat)));
  }
  return seats;
}

}  // namespace herald
