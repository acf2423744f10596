// UTF-8 validation (see utf8.hpp).
#include "core/utf8.hpp"

namespace herald {
namespace {

// Length of the sequence starting with `lead`, and the allowed range of the byte following it.
struct LeadByte {
  int length;
  unsigned char second_min;
  unsigned char second_max;
};

LeadByte classify(unsigned char lead) {
  if (lead < 0x80) return {1, 0, 0};
  if (lead >= 0xC2 && lead <= 0xDF) return {2, 0x80, 0xBF};
  if (lead == 0xE0) return {3, 0xA0, 0xBF};
  if (lead == 0xED) return {3, 0x80, 0x9F};
  if (lead >= 0xE1 && lead <= 0xEF) return {3, 0x80, 0xBF};
  if (lead == 0xF0) return {4, 0x90, 0xBF};
  if (lead == 0xF4) return {4, 0x80, 0x8F};
  if (lead >= 0xF1 && lead <= 0xF3) return {4, 0x80, 0xBF};
  return {0, 0, 0};
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t size = text.size();
  for (std::size_t i = 0; i < size;) {
    LeadByte lead = classify(bytes[i]);
    if (lead.length == 0 || i + lead.length > size) return false;
    if (lead.length > 1) {
      if (bytes[i + 1] < lead.second_min || bytes[i + 1] > lead.second_max) return false;
      for (int k = 2; k < lead.length; ++k)
        if ((bytes[i + k] & 0xC0) != 0x80) return false;
    }
    i += lead.length;
  }
  return true;
}

}  // namespace herald
