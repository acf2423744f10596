// The id herald gives each client connection: 128 random bits from OpenSSL's generator as 32 lowercase
// hex digits, so that one client cannot guess another's (presence shows ids; signaling addresses peers
// by them).
#pragma once
#include <string>

namespace herald {

std::string new_client_id();

}  // namespace herald
