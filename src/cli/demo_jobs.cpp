// AI replies and payments of the demo backend (see demo_jobs.hpp). Messages they publish:
//   demo.ai.<id>   event "token" {"i":0,"text":"This"} …, then event "done" {"tokens":N}
//   demo.pay.<id>  event "status" {"status":"processing",…}, then {"status":"succeeded"|"declined",…}
//   either         event "error" {"message":"…"} for a refused request
#include "cli/demo_jobs.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <vector>

#include "cli/demo_log.hpp"
#include "cli/reply_tokens.hpp"

namespace herald::cli {

struct DemoJobs::TokenStream {
  std::string channel;
  std::vector<std::string> tokens;
  std::size_t next = 0;
};

namespace {

// A payment reference derived from its channel, e.g. "pay_3f9a0c1d".
std::string payment_reference(const std::string& channel) {
  std::uint32_t hash = 2166136261u;
  for (unsigned char c : channel) hash = (hash ^ c) * 16777619u;
  char text[16];
  std::snprintf(text, sizeof text, "pay_%08x", hash);
  return text;
}

}  // namespace

void DemoJobs::start(const DemoRequest& request) {
  if (const auto* ai = std::get_if<AiRequest>(&request)) {
    if (reserve(ai->reply)) stream_reply(*ai);
  } else if (const auto* pay = std::get_if<PayRequest>(&request)) {
    if (reserve(pay->reply)) settle_payment(*pay);
  } else if (const auto* refused = std::get_if<RefusedRequest>(&request)) {
    refuse(refused->reply, refused->message);
  } else {
    demo_log({"request ignored: ", std::get<UnreadableRequest>(request).message});
  }
}

bool DemoJobs::reserve(const std::string& reply) {
  if (++running_ <= kMaxDemoJobs) return true;
  --running_;
  refuse(reply,
         "the demo backend is busy (" + std::to_string(kMaxDemoJobs) + " requests at once): try again soon");
  return false;
}

void DemoJobs::refuse(const std::string& reply, const std::string& message) {
  publisher_.publish({{reply, "error", boost::json::object{{"message", message}}}});
}

void DemoJobs::stream_reply(const AiRequest& request) {
  auto stream = std::make_shared<TokenStream>();
  stream->channel = request.reply;
  stream->tokens = split_tokens(simulated_reply(request.prompt));
  timer_.after(std::chrono::milliseconds(options_.token_interval_ms),
               [this, stream] { next_tokens(stream); });
}

void DemoJobs::next_tokens(std::shared_ptr<TokenStream> stream) {
  std::vector<OutgoingMessage> step;
  for (unsigned k = 0; k < options_.tokens_per_step && stream->next < stream->tokens.size(); ++k) {
    boost::json::object token{{"i", stream->next}, {"text", stream->tokens[stream->next]}};
    step.push_back({stream->channel, "token", std::move(token)});
    ++stream->next;
  }
  bool last = stream->next == stream->tokens.size();
  if (last) step.push_back({stream->channel, "done", boost::json::object{{"tokens", stream->tokens.size()}}});
  if (!publisher_.publish(step) || last) {
    release();  // a stream herald refused is not continued: its page would see a hole
    return;
  }
  timer_.after(std::chrono::milliseconds(options_.token_interval_ms),
               [this, stream] { next_tokens(stream); });
}

void DemoJobs::settle_payment(const PayRequest& request) {
  boost::json::object processing{{"status", "processing"}, {"amount_cents", request.amount_cents}};
  if (!publisher_.publish({{request.reply, "status", std::move(processing)}})) {
    release();
    return;
  }
  timer_.after(std::chrono::milliseconds(options_.settle_ms), [this, request] {
    boost::json::object result{{"status", request.declined ? "declined" : "succeeded"},
                               {"amount_cents", request.amount_cents},
                               {"reference", payment_reference(request.reply)}};
    if (request.declined) result["reason"] = "the test card 4000 0000 0000 0002 is always declined";
    publisher_.publish({{request.reply, "status", std::move(result)}});
    release();
  });
}

}  // namespace herald::cli
