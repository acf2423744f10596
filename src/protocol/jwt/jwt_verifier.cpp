// Token verification, in the order RFC 8725 advises: shape, header (algorithm pinned to the keys), signature,
// and only then the claims.
#include "protocol/jwt/jwt_verifier.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <optional>

#include "protocol/jwt/base64url.hpp"
#include "protocol/jwt/jwt_signature.hpp"

namespace herald {
namespace {

namespace json = boost::json;
using Clock = std::chrono::system_clock;

JwtRefusal refuse(std::string message) { return JwtRefusal{false, std::move(message)}; }

struct CompactToken {
  std::string_view header;
  std::string_view payload;
  std::string_view signature;
  std::string_view signing_input;  // header "." payload
};

std::optional<CompactToken> split_compact(std::string_view token) {
  auto first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  auto second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
    return std::nullopt;
  return CompactToken{token.substr(0, first), token.substr(first + 1, second - first - 1),
                      token.substr(second + 1), token.substr(0, second)};
}

std::optional<json::object> decode_object(std::string_view part) {
  auto bytes = base64url_decode(part);
  if (!bytes) return std::nullopt;
  boost::system::error_code ec;
  json::value value = json::parse(*bytes, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

std::optional<JwtAlgorithm> parse_algorithm(std::string_view name) {
  if (name == "HS256") return JwtAlgorithm::hs256;
  if (name == "RS256") return JwtAlgorithm::rs256;
  if (name == "ES256") return JwtAlgorithm::es256;
  return std::nullopt;
}

// The keys a token with this header may be checked with, or the refusal.
std::variant<std::vector<const JwtKey*>, JwtRefusal> candidate_keys(const std::vector<JwtKey>& keys,
                                                                    const json::object& header) {
  const json::value* alg = header.if_contains("alg");
  if (!alg || !alg->is_string()) return refuse("the token header has no \"alg\"");
  std::string_view alg_name = alg->as_string();
  auto algorithm = parse_algorithm(alg_name);
  if (header.contains("crit"))
    return refuse("the token names critical header parameters herald does not know");
  const json::value* kid = header.if_contains("kid");
  if (kid && !kid->is_string()) return refuse("the token's \"kid\" is not a string");
  std::vector<const JwtKey*> matching;
  for (const JwtKey& key : keys) {
    if (!algorithm || key.algorithm() != *algorithm) continue;
    if (kid && !key.id().empty() && key.id() != std::string_view(kid->as_string())) continue;
    matching.push_back(&key);
  }
  if (matching.empty()) {
    if (!algorithm ||
        std::none_of(keys.begin(), keys.end(), [&](const JwtKey& k) { return k.algorithm() == *algorithm; }))
      return refuse("tokens signed with " + std::string(alg_name) + " are not accepted");
    return refuse("the token's key id is not known");
  }
  return matching;
}

// A NumericDate claim (seconds since the epoch, fractions allowed): nullopt when absent; `bad` when present
// but not a finite number.
std::optional<double> numeric_date(const json::object& claims, std::string_view name, bool& bad) {
  const json::value* value = claims.if_contains(name);
  if (!value) return std::nullopt;
  if (!value->is_number()) {
    bad = true;
    return std::nullopt;
  }
  double seconds = value->to_number<double>();
  if (!std::isfinite(seconds)) bad = true;
  return seconds;
}

double seconds_since_epoch(Clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

// The time `seconds` after 1970. One beyond the clock's range (system_clock counts nanoseconds in 64 bits:
// until 2262) is the clock's last time point: tokens meant never to expire often say "exp": 9999999999.
Clock::time_point time_after_epoch(double seconds) {
  const double last = std::chrono::duration<double>(Clock::time_point::max().time_since_epoch()).count();
  if (seconds >= last - 1) return Clock::time_point::max();
  return Clock::time_point(
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds)));
}

std::optional<JwtRefusal> check_times(const json::object& claims, Clock::time_point now,
                                      std::chrono::seconds leeway, JwtClaims& out) {
  bool bad = false;
  auto exp = numeric_date(claims, "exp", bad);
  auto nbf = numeric_date(claims, "nbf", bad);
  auto iat = numeric_date(claims, "iat", bad);
  if (bad) return refuse("\"exp\", \"nbf\" and \"iat\" must be numbers of seconds since 1970");
  double t = seconds_since_epoch(now);
  double slack = static_cast<double>(leeway.count());
  if (exp && t >= *exp + slack) return JwtRefusal{true, "the token has expired"};
  if (nbf && t + slack < *nbf) return refuse("the token is not valid yet (\"nbf\")");
  if (iat && t + slack < *iat) return refuse("the token was issued in the future (\"iat\")");
  if (exp) out.expires_at = time_after_epoch(*exp + slack);
  return std::nullopt;
}

std::optional<JwtRefusal> check_issuer_and_audience(const json::object& claims,
                                                    const JwtVerifierSettings& settings) {
  if (!settings.issuer.empty()) {
    const json::value* iss = claims.if_contains("iss");
    if (!iss || !iss->is_string() || iss->as_string() != settings.issuer)
      return refuse("the token's issuer is not accepted");
  }
  if (!settings.audience.empty()) {
    const json::value* aud = claims.if_contains("aud");
    bool ok = false;
    if (aud && aud->is_string()) ok = aud->as_string() == settings.audience;
    if (aud && aud->is_array()) {
      for (const json::value& item : aud->as_array())
        ok = ok || (item.is_string() && item.as_string() == settings.audience);
    }
    if (!ok) return refuse("the token is not meant for this audience (\"aud\")");
  }
  return std::nullopt;
}

// A channel list claim: an array of non-empty strings, where `*` may only end a pattern.
std::optional<JwtRefusal> read_channel_list(const json::object& claims, std::string_view name,
                                            std::vector<std::string>& out) {
  const json::value* value = claims.if_contains(name);
  if (!value) return std::nullopt;
  std::string problem =
      "\"" + std::string(name) + "\" must be an array of channel names or prefixes ending in *";
  if (!value->is_array()) return refuse(problem);
  for (const json::value& item : value->as_array()) {
    if (!item.is_string() || item.as_string().empty()) return refuse(problem);
    std::string_view pattern = item.as_string();
    auto star = pattern.find('*');
    if (star != std::string_view::npos && star != pattern.size() - 1) return refuse(problem);
    out.emplace_back(pattern);
  }
  return std::nullopt;
}

std::optional<JwtRefusal> read_herald_claims(const json::object& claims, const JwtVerifierSettings& settings,
                                             JwtClaims& out) {
  if (const json::value* sub = claims.if_contains("sub")) {
    if (!sub->is_string()) return refuse("\"sub\" must be a string");
    out.subject = sub->as_string();
  }
  if (auto refusal = read_channel_list(claims, "channels", out.channels)) return refusal;
  if (auto refusal = read_channel_list(claims, "publish", out.publish)) return refusal;
  if (const json::value* info = claims.if_contains("info")) {
    out.info = json::serialize(*info);
    if (out.info.size() > settings.max_info_bytes) return refuse("\"info\" is too large");
  }
  return std::nullopt;
}

}  // namespace

JwtVerification JwtVerifier::verify(std::string_view token, Clock::time_point now) const {
  if (token.empty()) return refuse("the token is empty");
  if (token.size() > settings_.max_token_bytes) return refuse("the token is too long");
  auto parts = split_compact(token);
  if (!parts) return refuse("the token is not a JSON Web Token (header.payload.signature)");
  auto header = decode_object(parts->header);
  if (!header) return refuse("the token header is not base64url-encoded JSON");
  auto keys = candidate_keys(settings_.keys, *header);
  if (auto* refusal = std::get_if<JwtRefusal>(&keys)) return *refusal;
  auto signature = base64url_decode(parts->signature);
  if (!signature) return refuse("the token signature is not base64url");
  bool verified = false;
  for (const JwtKey* key : std::get<std::vector<const JwtKey*>>(keys)) {
    if (verify_jws_signature(*key, parts->signing_input, *signature)) {
      verified = true;
      break;
    }
  }
  if (!verified) return refuse("the token signature is not valid");
  auto claims = decode_object(parts->payload);
  if (!claims) return refuse("the token payload is not base64url-encoded JSON");
  JwtClaims out;
  if (auto refusal = check_times(*claims, now, settings_.leeway, out)) return *refusal;
  if (auto refusal = check_issuer_and_audience(*claims, settings_)) return *refusal;
  if (auto refusal = read_herald_claims(*claims, settings_, out)) return *refusal;
  return out;
}

}  // namespace herald
