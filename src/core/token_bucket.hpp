// A token bucket: `rate` tokens a second flow into a bucket of at most `burst` tokens, and each action
// takes one. It allows bursts of up to `burst` actions and `rate` actions a second on average. Times are
// seconds on any monotonic clock the caller chooses, so tests need no sleeping.
#pragma once
#include <algorithm>

namespace herald {

class TokenBucket {
 public:
  TokenBucket(double rate, double burst, double now)
      : rate_(rate), burst_(burst), tokens_(burst), last_(now) {}

  // Takes one token if there is one.
  bool take(double now) { return take(now, 1); }

  // Takes `amount` tokens if there are that many (a byte budget: one token a byte).
  bool take(double now, double amount) {
    refill(now);
    if (tokens_ < amount) return false;
    tokens_ -= amount;
    return true;
  }

  // Seconds until a token will be there (0 when there is one now).
  double wait_seconds(double now) {
    refill(now);
    return tokens_ >= 1 ? 0 : (1 - tokens_) / rate_;
  }

  // Whether the bucket is full at `now`: it then remembers nothing a fresh bucket would not.
  bool full(double now) const { return tokens_at(now) >= burst_; }

 private:
  double tokens_at(double now) const {
    return now > last_ ? std::min(burst_, tokens_ + (now - last_) * rate_) : tokens_;
  }
  void refill(double now) {
    tokens_ = tokens_at(now);
    last_ = std::max(last_, now);
  }

  double rate_;
  double burst_;
  double tokens_;
  double last_;
};

}  // namespace herald
