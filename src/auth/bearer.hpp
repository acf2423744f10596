// The credentials of an `Authorization: Bearer …` header (RFC 6750 section 2.1): the scheme in any case
// (RFC 9110 section 11.1), then one or more spaces.
#pragma once
#include <boost/beast/core/string.hpp>
#include <optional>
#include <string_view>

namespace herald {

inline std::optional<std::string_view> bearer_credentials(std::string_view authorization) {
  constexpr std::string_view kScheme = "Bearer";
  if (authorization.size() <= kScheme.size() || authorization[kScheme.size()] != ' ' ||
      !boost::beast::iequals(authorization.substr(0, kScheme.size()), kScheme))
    return std::nullopt;
  std::string_view credentials = authorization.substr(kScheme.size());
  credentials.remove_prefix(std::min(credentials.find_first_not_of(' '), credentials.size()));
  return credentials;
}

}  // namespace herald
